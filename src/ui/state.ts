import type { CheckResult, HintLevel } from '../domain/checks.js';
import type { ScenarioProgress } from '../domain/progress.js';
import type { Score } from '../domain/scoring.js';
import type { StepEvent } from '../engine/ports.js';
import type { Mode } from './keys.js';
import type { LabCreateResult } from './ui-services.js';

/**
 * Screen state: one reducer over discriminated unions. Pure; the hooks run the side effects and
 * report back with actions. Session actions carry the scenario id, so an answer that arrives after
 * the learner left (or opened another scenario) is dropped instead of landing on the wrong screen.
 */

export type HomeState = {
  /** Index into the visible (filtered) list of scenarios. */
  readonly selected: number;
  readonly filter: string;
  readonly filtering: boolean;
  readonly message: string | null;
};

/** The attempt as the UI shows it (a copy of what the attempt store holds). */
export type AttemptView = {
  readonly startedAt: string;
  readonly finishedAt: string | null;
  readonly hints: readonly { readonly checkId: string; readonly level: HintLevel }[];
  readonly forfeited: boolean;
};

export type HintView = {
  readonly checkTitle: string;
  readonly level: HintLevel;
  readonly cost: number;
  readonly text: string;
};

export type Phase = 'idle' | 'setting-up' | 'checking' | 'resetting' | 'restoring' | 'suspended';

/** What the cluster watch says besides the results (cluster scenarios on a lab). */
export type WatchView = {
  /** A known transient window: the apiserver restarting, a kubelet down. */
  readonly waiting: {
    /** The first waiting check's words (with the apiserver's last log lines). */
    readonly reason: string;
    readonly sinceMs: number;
    readonly apiserver: boolean;
  } | null;
  /** Restoring the last working apiserver manifest is offered (one key). */
  readonly rollbackOffered: boolean;
  readonly notice: string | null;
};

export type Message = { readonly kind: 'info' | 'error'; readonly text: string };

export type Session = {
  readonly id: string;
  readonly phase: Phase;
  readonly setUp: boolean;
  /** The last lines a setup or reset script printed. */
  readonly log: readonly string[];
  readonly results: readonly CheckResult[] | null;
  readonly score: Score | null;
  readonly allPass: boolean;
  readonly attempt: AttemptView | null;
  readonly selected: number;
  readonly scroll: number;
  readonly pane: 'brief' | 'solution';
  readonly solution: string | null;
  readonly hint: HintView | null;
  readonly message: Message | null;
  readonly rounds: number;
  /** The cluster watch's view; null without one (cluster-free scenarios, or before its first round). */
  readonly watch: WatchView | null;
};

export type ResultView = {
  readonly percent: number;
  readonly elapsedMs: number;
  readonly hintsUsed: number;
  readonly forfeited: boolean;
  readonly progress: ScenarioProgress | null;
};

/** One step of creating the lab, as the lab screen shows it. */
export type LabStepView = {
  readonly step: string;
  readonly status: 'running' | 'done' | 'failed';
  /** The clock when it started, for the live timer of the running step. */
  readonly startedAt: number;
  /** The final duration once done or failed (the provider's own figure). */
  readonly ms: number | null;
  readonly command?: string;
  readonly logFile?: string;
};

export type LabRun = {
  /** Which run the events belong to: answers from an older run are dropped. */
  readonly run: number;
  readonly phase: 'running' | 'cancelling' | 'failed' | 'cancelled';
  readonly startedAt: number;
  readonly steps: readonly LabStepView[];
  /** The last progress line of the running step. */
  readonly lastLine: string | null;
  readonly failure: {
    readonly step: string;
    readonly message: string;
    readonly logFile?: string;
  } | null;
  /** Esc was pressed while it runs: "stop it?" is on screen. */
  readonly confirmCancel: boolean;
};

/** A screen the lab screen can come back to. */
export type BaseScreen =
  | { readonly name: 'home' }
  | { readonly name: 'scenario'; readonly session: Session }
  | { readonly name: 'result'; readonly id: string; readonly result: ResultView; readonly scroll: number };

export type Screen = BaseScreen | { readonly name: 'lab'; readonly lab: LabRun; readonly from: BaseScreen };

export type ConfirmAction = 'reset' | 'solution' | 'create-lab';

export type Overlay =
  | { readonly kind: 'help'; readonly scroll: number }
  | { readonly kind: 'confirm'; readonly action: ConfirmAction };

export type AppState = {
  readonly screen: Screen;
  readonly overlay: Overlay | null;
  readonly home: HomeState;
  /** Shown once, on the first screen, until the next key. */
  readonly notices: readonly string[];
  /** Cluster scenarios already offered a lab on open (declining is not asked again on return). */
  readonly labOffered: readonly string[];
};

export type Action =
  | { readonly type: 'home/move'; readonly delta: number; readonly count: number }
  | { readonly type: 'home/filter-start' }
  | { readonly type: 'home/filter-type'; readonly text: string }
  | { readonly type: 'home/filter-erase' }
  | { readonly type: 'home/filter-clear' }
  | { readonly type: 'home/message'; readonly text: string | null }
  | {
      readonly type: 'open';
      readonly id: string;
      readonly setUp: boolean;
      readonly attempt: AttemptView | null;
    }
  | { readonly type: 'back' }
  | { readonly type: 'help/toggle' }
  | { readonly type: 'confirm/ask'; readonly action: ConfirmAction }
  | { readonly type: 'overlay/close' }
  | { readonly type: 'notices/dismiss' }
  | { readonly type: 'setup/start'; readonly id: string }
  | { readonly type: 'setup/line'; readonly id: string; readonly line: string }
  | { readonly type: 'setup/done'; readonly id: string; readonly attempt: AttemptView | null }
  | { readonly type: 'op/failed'; readonly id: string; readonly message: string }
  | { readonly type: 'check/start'; readonly id: string }
  | {
      readonly type: 'check/done';
      readonly id: string;
      readonly results: readonly CheckResult[];
      readonly score: Score;
      readonly allPass: boolean;
      readonly attempt: AttemptView | null;
    }
  | {
      readonly type: 'watch/state';
      readonly id: string;
      readonly watch: WatchView;
      /** The round could not run: shown as an error, results kept. */
      readonly error: string | null;
    }
  | { readonly type: 'restore/start'; readonly id: string }
  | { readonly type: 'restore/done'; readonly id: string; readonly message: string }
  | { readonly type: 'select/move'; readonly delta: number }
  | { readonly type: 'scroll'; readonly delta: number; readonly max: number }
  | {
      readonly type: 'hint/shown';
      readonly id: string;
      readonly hint: HintView | null;
      readonly message: string | null;
      readonly attempt: AttemptView | null;
    }
  | { readonly type: 'solution/shown'; readonly id: string; readonly text: string }
  | { readonly type: 'pane/brief' }
  | { readonly type: 'reset/start'; readonly id: string }
  | { readonly type: 'reset/done'; readonly id: string }
  | { readonly type: 'suspend'; readonly id: string }
  | { readonly type: 'message'; readonly id: string; readonly message: Message | null }
  | { readonly type: 'result/show'; readonly id: string; readonly result: ResultView }
  | { readonly type: 'lab/offer'; readonly id: string }
  | { readonly type: 'lab/start'; readonly run: number; readonly at: number }
  | { readonly type: 'lab/step'; readonly run: number; readonly event: StepEvent; readonly at: number }
  | {
      readonly type: 'lab/finished';
      readonly run: number;
      readonly result: LabCreateResult;
      readonly at: number;
    }
  | { readonly type: 'lab/cancel-ask' }
  | { readonly type: 'lab/cancel-keep' }
  | { readonly type: 'lab/cancelling'; readonly run: number }
  | { readonly type: 'lab/close' };

export function assertNever(value: never): never {
  throw new Error(`unexpected value: ${JSON.stringify(value)}`);
}

const LOG_LINES = 4;

export function newSession(id: string, setUp: boolean, attempt: AttemptView | null): Session {
  return {
    id,
    phase: 'idle',
    setUp,
    log: [],
    results: null,
    score: null,
    allPass: false,
    attempt,
    selected: 0,
    scroll: 0,
    pane: 'brief',
    solution: null,
    hint: null,
    message: null,
    rounds: 0,
    watch: null,
  };
}

export function initialState(options: {
  readonly scenario?: { readonly id: string; readonly setUp: boolean; readonly attempt: AttemptView | null };
  readonly notices?: readonly string[];
}): AppState {
  return {
    screen: options.scenario
      ? {
          name: 'scenario',
          session: newSession(options.scenario.id, options.scenario.setUp, options.scenario.attempt),
        }
      : { name: 'home' },
    overlay: null,
    home: { selected: 0, filter: '', filtering: false, message: null },
    notices: options.notices ?? [],
    labOffered: [],
  };
}

/** The state to re-render with after the TUI was suspended (a node shell): nothing left running. */
export function resumeState(state: AppState): AppState {
  if (state.screen.name !== 'scenario') return state;
  return { ...state, overlay: null, screen: idle(state.screen) };
}

/** A screen come back to: whatever was running on it was stopped when it unmounted. */
function idle(screen: BaseScreen): BaseScreen {
  return screen.name === 'scenario'
    ? { name: 'scenario', session: { ...screen.session, phase: 'idle' } }
    : screen;
}

/** Goes back from the lab screen to where the learner was, with a message there. */
function leaveLab(state: AppState, from: BaseScreen, message: Message | null): AppState {
  const screen = idle(from);
  if (screen.name === 'home')
    return { ...state, screen, home: { ...state.home, message: message?.text ?? null } };
  if (screen.name === 'scenario')
    return { ...state, screen: { name: 'scenario', session: { ...screen.session, message } } };
  return { ...state, screen };
}

/** Applies `f` to the lab run `run` when it is on screen; otherwise no change. */
function onLab(state: AppState, run: number | null, f: (lab: LabRun) => LabRun): AppState {
  if (state.screen.name !== 'lab') return state;
  if (run !== null && state.screen.lab.run !== run) return state;
  return { ...state, screen: { ...state.screen, lab: f(state.screen.lab) } };
}

/** The newest step called `step` that is still running (steps may repeat, e.g. per node). */
function updateStep(steps: readonly LabStepView[], step: string, f: (s: LabStepView) => LabStepView) {
  let index = -1;
  steps.forEach((s, i) => {
    if (s.step === step && s.status === 'running') index = i;
  });
  return index < 0 ? steps : steps.map((s, i) => (i === index ? f(s) : s));
}

export function labStepReducer(lab: LabRun, event: StepEvent, at: number): LabRun {
  switch (event.type) {
    case 'start':
      return {
        ...lab,
        lastLine: null,
        steps: [...lab.steps, { step: event.step, status: 'running', startedAt: at, ms: null }],
      };
    case 'progress':
      return { ...lab, lastLine: event.line };
    case 'done':
      return {
        ...lab,
        steps: updateStep(lab.steps, event.step, (s) => ({ ...s, status: 'done', ms: event.ms })),
      };
    case 'fail': {
      const known = lab.steps.some((s) => s.step === event.step && s.status === 'running');
      const steps = known
        ? lab.steps
        : [
            ...lab.steps,
            { step: event.step, status: 'running' as const, startedAt: at - event.ms, ms: null },
          ];
      return {
        ...lab,
        steps: updateStep(steps, event.step, (s) => ({
          ...s,
          status: 'failed',
          ms: event.ms,
          command: event.command,
          ...(event.logFile ? { logFile: event.logFile } : {}),
        })),
      };
    }
    default:
      return assertNever(event);
  }
}

/** The mode that owns the keyboard: overlays first, then filtering, then the screen. */
export function modeOf(state: AppState): Mode {
  if (state.overlay) return state.overlay.kind === 'help' ? 'help' : 'confirm';
  if (state.screen.name === 'lab') return state.screen.lab.confirmCancel ? 'confirm' : 'lab';
  if (state.screen.name === 'home') return state.home.filtering ? 'filter' : 'home';
  return state.screen.name;
}

const clamp = (n: number, lo: number, hi: number) => Math.max(lo, Math.min(hi, n));

/** Applies `f` to the session of scenario `id` when that scenario is on screen; otherwise no change. */
function onSession(state: AppState, id: string | null, f: (s: Session) => Session): AppState {
  if (state.screen.name !== 'scenario') return state;
  if (id !== null && state.screen.session.id !== id) return state;
  return { ...state, screen: { name: 'scenario', session: f(state.screen.session) } };
}

function withHome(state: AppState, f: (h: HomeState) => HomeState): AppState {
  return { ...state, home: f(state.home) };
}

export function reducer(state: AppState, action: Action): AppState {
  switch (action.type) {
    case 'home/move':
      return withHome(state, (h) => ({
        ...h,
        selected: action.count === 0 ? 0 : clamp(h.selected + action.delta, 0, action.count - 1),
        message: null,
      }));
    case 'home/filter-start':
      return withHome(state, (h) => ({ ...h, filtering: true, message: null }));
    case 'home/filter-type':
      return withHome(state, (h) => ({ ...h, filtering: true, filter: h.filter + action.text, selected: 0 }));
    case 'home/filter-erase':
      return withHome(state, (h) => ({ ...h, filter: h.filter.slice(0, -1), selected: 0 }));
    case 'home/filter-clear':
      return withHome(state, (h) => ({ ...h, filter: '', filtering: false, selected: 0 }));
    case 'home/message':
      return withHome(state, (h) => ({ ...h, message: action.text }));
    case 'open':
      return {
        ...state,
        overlay: null,
        home: { ...state.home, filtering: false, message: null },
        screen: { name: 'scenario', session: newSession(action.id, action.setUp, action.attempt) },
      };
    case 'back':
      if (state.overlay) return { ...state, overlay: null };
      // The lab screen closes through its own actions, never by a stray back.
      if (state.screen.name === 'home' || state.screen.name === 'lab') return state;
      return { ...state, screen: { name: 'home' } };
    case 'help/toggle':
      return { ...state, overlay: state.overlay?.kind === 'help' ? null : { kind: 'help', scroll: 0 } };
    case 'confirm/ask':
      return state.screen.name === 'scenario'
        ? { ...state, overlay: { kind: 'confirm', action: action.action } }
        : state;
    case 'overlay/close':
      return { ...state, overlay: null };
    case 'notices/dismiss':
      return state.notices.length === 0 ? state : { ...state, notices: [] };
    case 'setup/start':
      return onSession(state, action.id, (s) => ({
        ...s,
        phase: 'setting-up',
        log: [],
        results: null,
        score: null,
        allPass: false,
        watch: null,
        hint: null,
        pane: 'brief',
        solution: null,
        message: { kind: 'info', text: 'Setting up…' },
      }));
    case 'setup/line':
      return onSession(state, action.id, (s) => ({ ...s, log: [...s.log, action.line].slice(-LOG_LINES) }));
    case 'setup/done':
      return onSession(state, action.id, (s) => ({
        ...s,
        phase: 'idle',
        setUp: true,
        attempt: action.attempt,
        message: { kind: 'info', text: 'Set up. Work in the workspace; checks re-run as files change.' },
      }));
    case 'op/failed':
      return onSession(state, action.id, (s) => ({
        ...s,
        phase: 'idle',
        message: { kind: 'error', text: action.message },
      }));
    case 'check/start':
      return onSession(state, action.id, (s) => ({ ...s, phase: 'checking' }));
    case 'check/done':
      return onSession(state, action.id, (s) => ({
        ...s,
        phase: s.phase === 'checking' ? 'idle' : s.phase,
        results: action.results,
        score: action.score,
        allPass: action.allPass,
        attempt: action.attempt,
        selected: clamp(s.selected, 0, Math.max(0, action.results.length - 1)),
        rounds: s.rounds + 1,
        message: s.message?.kind === 'error' ? null : s.message,
      }));
    case 'watch/state':
      return onSession(state, action.id, (s) => ({
        ...s,
        watch: action.watch,
        ...(action.error === null
          ? {}
          : {
              phase: s.phase === 'checking' ? 'idle' : s.phase,
              message: { kind: 'error', text: `The checks could not run: ${action.error}` },
            }),
      }));
    case 'restore/start':
      return onSession(state, action.id, (s) => ({
        ...s,
        phase: 'restoring',
        log: [],
        message: { kind: 'info', text: 'Restoring the last apiserver manifest that worked…' },
      }));
    case 'restore/done':
      return onSession(state, action.id, (s) => ({
        ...s,
        phase: s.phase === 'restoring' ? 'idle' : s.phase,
        message: { kind: 'info', text: action.message },
      }));
    case 'select/move':
      return onSession(state, null, (s) => ({
        ...s,
        selected: clamp(s.selected + action.delta, 0, Math.max(0, (s.results?.length ?? 1) - 1)),
      }));
    case 'scroll':
      if (state.overlay?.kind === 'help') {
        const scroll = clamp(state.overlay.scroll + action.delta, 0, Math.max(0, action.max));
        return { ...state, overlay: { kind: 'help', scroll } };
      }
      if (state.screen.name === 'result') {
        const scroll = clamp(state.screen.scroll + action.delta, 0, Math.max(0, action.max));
        return { ...state, screen: { ...state.screen, scroll } };
      }
      return onSession(state, null, (s) => ({
        ...s,
        scroll: clamp(s.scroll + action.delta, 0, Math.max(0, action.max)),
      }));
    case 'hint/shown':
      return onSession(state, action.id, (s) => ({
        ...s,
        hint: action.hint ?? s.hint,
        attempt: action.attempt,
        message: action.message === null ? null : { kind: 'info', text: action.message },
      }));
    case 'solution/shown':
      return onSession(state, action.id, (s) => ({
        ...s,
        pane: 'solution',
        solution: action.text,
        scroll: 0,
        message: { kind: 'info', text: 'Reference solution shown: this attempt scores 0.' },
      }));
    case 'pane/brief':
      return onSession(state, null, (s) => ({ ...s, pane: 'brief', scroll: 0 }));
    case 'reset/start':
      return onSession(state, action.id, (s) => ({ ...s, phase: 'resetting', log: [] }));
    case 'reset/done':
      return onSession(state, action.id, (s) => ({
        ...newSession(s.id, false, null),
        message: {
          kind: 'info',
          text: 'Reset: the workspace and the attempt are gone. Press s to start again.',
        },
      }));
    case 'suspend':
      return onSession(state, action.id, (s) => ({ ...s, phase: 'suspended' }));
    case 'message':
      return onSession(state, action.id, (s) => ({ ...s, message: action.message }));
    case 'result/show':
      if (state.screen.name !== 'scenario' || state.screen.session.id !== action.id) return state;
      return {
        ...state,
        overlay: null,
        screen: { name: 'result', id: action.id, result: action.result, scroll: 0 },
      };
    case 'lab/offer':
      if (state.screen.name !== 'scenario' || state.screen.session.id !== action.id) return state;
      return {
        ...state,
        overlay: { kind: 'confirm', action: 'create-lab' },
        labOffered: state.labOffered.includes(action.id)
          ? state.labOffered
          : [...state.labOffered, action.id],
      };
    case 'lab/start': {
      if (state.screen.name === 'lab') return state;
      const lab: LabRun = {
        run: action.run,
        phase: 'running',
        startedAt: action.at,
        steps: [],
        lastLine: null,
        failure: null,
        confirmCancel: false,
      };
      return { ...state, overlay: null, screen: { name: 'lab', lab, from: state.screen } };
    }
    case 'lab/step':
      return onLab(state, action.run, (lab) => labStepReducer(lab, action.event, action.at));
    case 'lab/finished': {
      if (state.screen.name !== 'lab' || state.screen.lab.run !== action.run) return state;
      const result = action.result;
      if (result.ok)
        return leaveLab(state, state.screen.from, {
          kind: 'info',
          text: `Lab ready: ${result.message}`,
        });
      return onLab(state, action.run, (lab) => ({
        ...lab,
        phase: lab.phase === 'cancelling' ? 'cancelled' : 'failed',
        confirmCancel: false,
        // A step still running when it ended (cancelled, or a failure without a fail event) stopped.
        steps: lab.steps.map((s) =>
          s.status === 'running' ? { ...s, status: 'failed', ms: action.at - s.startedAt } : s,
        ),
        failure: {
          step: result.step,
          message: result.message,
          ...('logFile' in result && result.logFile ? { logFile: result.logFile } : {}),
        },
      }));
    }
    case 'lab/cancel-ask':
      return onLab(state, null, (lab) => (lab.phase === 'running' ? { ...lab, confirmCancel: true } : lab));
    case 'lab/cancel-keep':
      return onLab(state, null, (lab) => ({ ...lab, confirmCancel: false }));
    case 'lab/cancelling':
      return onLab(state, action.run, (lab) =>
        lab.phase === 'running' ? { ...lab, phase: 'cancelling', confirmCancel: false } : lab,
      );
    case 'lab/close':
      if (state.screen.name !== 'lab') return state;
      if (state.screen.lab.phase === 'running' || state.screen.lab.phase === 'cancelling') return state;
      return leaveLab(state, state.screen.from, {
        kind: state.screen.lab.phase === 'failed' ? 'error' : 'info',
        text:
          state.screen.lab.phase === 'failed'
            ? `No lab: creating it failed at "${state.screen.lab.failure?.step ?? '?'}".`
            : 'Lab creation cancelled.',
      });
    default:
      return assertNever(action);
  }
}
