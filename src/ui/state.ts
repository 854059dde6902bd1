import type { ScenarioProgress } from '../domain/progress.js';
import type { Mode } from './keys.js';
import { assertNever, clamp } from './state/assert.js';
import { type ExamAction, type ExamOptions, type ExamUi, examReducer } from './state/exam.js';
import { type HomeAction, type HomeState, homeReducer, initialHome } from './state/home.js';
import { type LabRun, type LabRunAction, labRunEnded, labRunReducer, newLabRun } from './state/lab.js';
import { type Overlay, type OverlayAction, overlayReducer, scrollHelp } from './state/overlay.js';
import {
  type AttemptView,
  type Message,
  newSession,
  type Session,
  type SessionAction,
  scrollSession,
  sessionActionId,
  sessionReducer,
} from './state/session.js';
import type { LabCreateResult } from './ui-services.js';

export { assertNever } from './state/assert.js';
export type { ExamConfirm, ExamOptions, ExamUi, SetupRow } from './state/exam.js';
export type { HomeAction, HomeState } from './state/home.js';
export { type LabRun, type LabStepView, labStepReducer } from './state/lab.js';
export type { ConfirmAction, Overlay } from './state/overlay.js';
export {
  type AttemptView,
  type HintView,
  type Message,
  newSession,
  type Phase,
  type Session,
  type WatchView,
} from './state/session.js';

/**
 * Screen state: one root reducer that delegates to a small reducer per feature (state/home.ts,
 * state/session.ts, state/lab.ts, state/overlay.ts) over discriminated unions, and itself handles
 * only moving between screens. Pure; the hooks run the side effects and report back with actions.
 */

export type ResultView = {
  readonly percent: number;
  readonly elapsedMs: number;
  readonly hintsUsed: number;
  readonly forfeited: boolean;
  readonly progress: ScenarioProgress | null;
};

/** A screen the lab screen can come back to. */
export type BaseScreen =
  | { readonly name: 'home' }
  | { readonly name: 'scenario'; readonly session: Session }
  | { readonly name: 'result'; readonly id: string; readonly result: ResultView; readonly scroll: number };

export type Screen =
  | BaseScreen
  | { readonly name: 'lab'; readonly lab: LabRun; readonly from: BaseScreen }
  | { readonly name: 'exam'; readonly exam: ExamUi };

export type AppState = {
  readonly screen: Screen;
  readonly overlay: Overlay | null;
  readonly home: HomeState;
  /** Shown once, on the first screen, until the next key. */
  readonly notices: readonly string[];
  /** Cluster scenarios already offered a lab on open (declining is not asked again on return). */
  readonly labOffered: readonly string[];
};

/** Moving between screens, and what spans them. */
type RootAction =
  | {
      readonly type: 'open';
      readonly id: string;
      readonly setUp: boolean;
      readonly attempt: AttemptView | null;
    }
  | { readonly type: 'back' }
  | { readonly type: 'notices/dismiss' }
  | { readonly type: 'scroll'; readonly delta: number; readonly max: number }
  | { readonly type: 'result/show'; readonly id: string; readonly result: ResultView }
  | { readonly type: 'lab/offer'; readonly id: string }
  | { readonly type: 'lab/start'; readonly run: number; readonly at: number }
  | {
      readonly type: 'lab/finished';
      readonly run: number;
      readonly result: LabCreateResult;
      readonly at: number;
    }
  | { readonly type: 'lab/close' }
  | { readonly type: 'exam/open'; readonly options: ExamOptions };

export type Action = HomeAction | SessionAction | LabRunAction | OverlayAction | ExamAction | RootAction;

export function initialState(options: {
  readonly scenario?: { readonly id: string; readonly setUp: boolean; readonly attempt: AttemptView | null };
  readonly notices?: readonly string[];
  readonly exam?: ExamOptions;
}): AppState {
  return {
    screen: options.scenario
      ? {
          name: 'scenario',
          session: newSession(options.scenario.id, options.scenario.setUp, options.scenario.attempt),
        }
      : options.exam
        ? { name: 'exam', exam: { phase: 'loading', options: options.exam } }
        : { name: 'home' },
    overlay: null,
    home: initialHome,
    notices: options.notices ?? [],
    labOffered: [],
  };
}

/** The state to re-render with after the TUI was suspended (a node shell): nothing left running. */
export function resumeState(state: AppState): AppState {
  if (state.screen.name === 'exam')
    return {
      ...state,
      overlay: null,
      screen: { name: 'exam', exam: examReducer(state.screen.exam, { type: 'exam/suspend', on: false }) },
    };
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

/** The mode that owns the keyboard: overlays first, then filtering, then the screen. */
export function modeOf(state: AppState): Mode {
  if (state.overlay) return state.overlay.kind === 'help' ? 'help' : 'confirm';
  if (state.screen.name === 'lab') return state.screen.lab.confirmCancel ? 'confirm' : 'lab';
  if (state.screen.name === 'home') return state.home.filtering ? 'filter' : 'home';
  if (state.screen.name === 'exam') return examMode(state.screen.exam);
  return state.screen.name;
}

function examMode(exam: ExamUi): Mode {
  switch (exam.phase) {
    case 'plan':
      return 'exam-plan';
    case 'running':
      return exam.confirm ? 'confirm' : 'exam';
    case 'result':
      return 'exam-result';
    case 'failed':
      return 'exam-result';
    default:
      return 'exam-busy';
  }
}

/** Applies `f` to the session of scenario `id` when that scenario is on screen; otherwise no change. */
function onSession(state: AppState, id: string | null, f: (s: Session) => Session): AppState {
  if (state.screen.name !== 'scenario') return state;
  if (id !== null && state.screen.session.id !== id) return state;
  return { ...state, screen: { name: 'scenario', session: f(state.screen.session) } };
}

const onScenario = (state: AppState, id: string) =>
  state.screen.name === 'scenario' && state.screen.session.id === id;

export function reducer(state: AppState, action: Action): AppState {
  switch (action.type) {
    case 'home/move':
    case 'home/filter-start':
    case 'home/filter-type':
    case 'home/filter-erase':
    case 'home/filter-clear':
    case 'home/message':
      return { ...state, home: homeReducer(state.home, action) };
    case 'setup/start':
    case 'setup/line':
    case 'setup/done':
    case 'op/failed':
    case 'check/start':
    case 'check/done':
    case 'watch/state':
    case 'restore/start':
    case 'restore/done':
    case 'select/move':
    case 'hint/shown':
    case 'solution/shown':
    case 'pane/brief':
    case 'reset/start':
    case 'reset/done':
    case 'suspend':
    case 'message':
      return onSession(state, sessionActionId(action), (s) => sessionReducer(s, action));
    case 'lab/step':
    case 'lab/cancelling':
      return onLab(state, action.run, (lab) => labRunReducer(lab, action));
    case 'lab/cancel-ask':
    case 'lab/cancel-keep':
      return onLab(state, null, (lab) => labRunReducer(lab, action));
    case 'confirm/ask':
      // A confirm belongs to a scenario's actions.
      return state.screen.name === 'scenario'
        ? { ...state, overlay: overlayReducer(state.overlay, action) }
        : state;
    case 'help/toggle':
    case 'overlay/close':
      return { ...state, overlay: overlayReducer(state.overlay, action) };
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
    case 'notices/dismiss':
      return state.notices.length === 0 ? state : { ...state, notices: [] };
    case 'scroll':
      if (state.overlay?.kind === 'help')
        return { ...state, overlay: scrollHelp(state.overlay, action.delta, action.max) };
      if (state.screen.name === 'result') {
        const scroll = clamp(state.screen.scroll + action.delta, 0, Math.max(0, action.max));
        return { ...state, screen: { ...state.screen, scroll } };
      }
      return onSession(state, null, (s) => scrollSession(s, action.delta, action.max));
    case 'result/show':
      if (!onScenario(state, action.id)) return state;
      return {
        ...state,
        overlay: null,
        screen: { name: 'result', id: action.id, result: action.result, scroll: 0 },
      };
    case 'lab/offer':
      if (!onScenario(state, action.id)) return state;
      return {
        ...state,
        overlay: overlayReducer(state.overlay, { type: 'confirm/ask', action: 'create-lab' }),
        labOffered: state.labOffered.includes(action.id)
          ? state.labOffered
          : [...state.labOffered, action.id],
      };
    case 'lab/start':
      if (state.screen.name === 'lab' || state.screen.name === 'exam') return state;
      return {
        ...state,
        overlay: null,
        screen: { name: 'lab', lab: newLabRun(action.run, action.at), from: state.screen },
      };
    case 'lab/finished': {
      if (state.screen.name !== 'lab' || state.screen.lab.run !== action.run) return state;
      const result = action.result;
      if (result.ok)
        return leaveLab(state, state.screen.from, { kind: 'info', text: `Lab ready: ${result.message}` });
      return onLab(state, action.run, (lab) => labRunEnded(lab, result, action.at));
    }
    case 'exam/planned':
    case 'exam/redraw':
    case 'exam/failed':
    case 'exam/setup-start':
    case 'exam/setup-event':
    case 'exam/running':
    case 'exam/update':
    case 'exam/scroll':
    case 'exam/confirm':
    case 'exam/message':
    case 'exam/suspend':
    case 'exam/finishing':
    case 'exam/checking':
    case 'exam/finished':
    case 'exam/abandoning':
    case 'exam/line':
    case 'exam/result-move':
    case 'exam/result-busy':
      return state.screen.name === 'exam'
        ? { ...state, screen: { name: 'exam', exam: examReducer(state.screen.exam, action) } }
        : state;
    case 'exam/open':
      if (state.screen.name !== 'home') return state;
      return {
        ...state,
        overlay: null,
        home: { ...state.home, filtering: false, message: null },
        screen: { name: 'exam', exam: { phase: 'loading', options: action.options } },
      };
    case 'lab/close': {
      if (state.screen.name !== 'lab') return state;
      const lab = state.screen.lab;
      if (lab.phase === 'running' || lab.phase === 'cancelling') return state;
      return leaveLab(state, state.screen.from, {
        kind: lab.phase === 'failed' ? 'error' : 'info',
        text:
          lab.phase === 'failed'
            ? `No lab: creating it failed at "${lab.failure?.step ?? '?'}".`
            : 'Lab creation cancelled.',
      });
    }
    default:
      return assertNever(action);
  }
}
