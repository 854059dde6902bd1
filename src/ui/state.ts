import type { CheckResult, HintLevel } from '../domain/checks.js';
import type { ScenarioProgress } from '../domain/progress.js';
import type { Score } from '../domain/scoring.js';
import type { Mode } from './keys.js';

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

export type Phase = 'idle' | 'setting-up' | 'checking' | 'resetting' | 'suspended';

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
};

export type ResultView = {
  readonly percent: number;
  readonly elapsedMs: number;
  readonly hintsUsed: number;
  readonly forfeited: boolean;
  readonly progress: ScenarioProgress | null;
};

export type Screen =
  | { readonly name: 'home' }
  | { readonly name: 'scenario'; readonly session: Session }
  | { readonly name: 'result'; readonly id: string; readonly result: ResultView; readonly scroll: number };

export type ConfirmAction = 'reset' | 'solution';

export type Overlay =
  | { readonly kind: 'help'; readonly scroll: number }
  | { readonly kind: 'confirm'; readonly action: ConfirmAction };

export type AppState = {
  readonly screen: Screen;
  readonly overlay: Overlay | null;
  readonly home: HomeState;
  /** Shown once, on the first screen, until the next key. */
  readonly notices: readonly string[];
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
  | { readonly type: 'result/show'; readonly id: string; readonly result: ResultView };

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
  };
}

/** The state to re-render with after the TUI was suspended (a node shell): nothing left running. */
export function resumeState(state: AppState): AppState {
  if (state.screen.name !== 'scenario') return state;
  const session = state.screen.session;
  return { ...state, overlay: null, screen: { name: 'scenario', session: { ...session, phase: 'idle' } } };
}

/** The mode that owns the keyboard: overlays first, then filtering, then the screen. */
export function modeOf(state: AppState): Mode {
  if (state.overlay) return state.overlay.kind === 'help' ? 'help' : 'confirm';
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
      if (state.screen.name === 'home') return state;
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
    default:
      return assertNever(action);
  }
}
