import type { CheckResult, HintLevel } from '../../domain/checks.js';
import type { Score } from '../../domain/scoring.js';
import { assertNever, clamp } from './assert.js';

/** The attempt as the UI shows it (a copy of what the attempt store holds). */
export type AttemptView = {
  readonly startedAt: string;
  readonly finishedAt: string | null;
  readonly hints: readonly { readonly checkId: string; readonly level: HintLevel }[];
  readonly forfeited: boolean;
  /** The seed a parameterised scenario's values were drawn from (`start <id> --seed N` again). */
  readonly seed?: number | undefined;
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

/** One open scenario: its phase, results, panes and messages. */
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
  /** Setups done on this screen: a re-start begins the rounds and the watch again on the new workspace. */
  readonly setups: number;
  /** The cluster watch's view; null without one (cluster-free scenarios, or before its first round). */
  readonly watch: WatchView | null;
};

/**
 * Session actions carry the scenario id (except moves within the open one), so an answer that
 * arrives after the learner left, or opened another scenario, is dropped by the root reducer.
 */
export type SessionAction =
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
  | { readonly type: 'message'; readonly id: string; readonly message: Message | null };

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
    setups: 0,
    watch: null,
  };
}

/** The scenario the action is for; null: whichever is open. */
export function sessionActionId(action: SessionAction): string | null {
  return 'id' in action ? action.id : null;
}

export function scrollSession(s: Session, delta: number, max: number): Session {
  return { ...s, scroll: clamp(s.scroll + delta, 0, Math.max(0, max)) };
}

export function sessionReducer(s: Session, action: SessionAction): Session {
  switch (action.type) {
    case 'setup/start':
      return {
        ...s,
        phase: 'setting-up',
        // A re-start wipes the workspace: its watch and rounds stop until setup is done.
        setUp: false,
        log: [],
        results: null,
        score: null,
        allPass: false,
        watch: null,
        hint: null,
        pane: 'brief',
        solution: null,
        message: { kind: 'info', text: 'Setting up…' },
      };
    case 'setup/line':
      return { ...s, log: [...s.log, action.line].slice(-LOG_LINES) };
    case 'setup/done':
      return {
        ...s,
        phase: 'idle',
        setUp: true,
        setups: s.setups + 1,
        attempt: action.attempt,
        message: { kind: 'info', text: 'Set up. Work in the workspace; checks re-run as files change.' },
      };
    case 'op/failed':
      return { ...s, phase: 'idle', message: { kind: 'error', text: action.message } };
    case 'check/start':
      return { ...s, phase: 'checking' };
    case 'check/done':
      return {
        ...s,
        phase: s.phase === 'checking' ? 'idle' : s.phase,
        results: action.results,
        score: action.score,
        allPass: action.allPass,
        attempt: action.attempt,
        selected: clamp(s.selected, 0, Math.max(0, action.results.length - 1)),
        rounds: s.rounds + 1,
        message: s.message?.kind === 'error' ? null : s.message,
      };
    case 'watch/state':
      return {
        ...s,
        watch: action.watch,
        ...(action.error === null
          ? {}
          : {
              phase: s.phase === 'checking' ? 'idle' : s.phase,
              message: { kind: 'error', text: `The checks could not run: ${action.error}` },
            }),
      };
    case 'restore/start':
      return {
        ...s,
        phase: 'restoring',
        log: [],
        message: { kind: 'info', text: 'Restoring the last apiserver manifest that worked…' },
      };
    case 'restore/done':
      return {
        ...s,
        phase: s.phase === 'restoring' ? 'idle' : s.phase,
        message: { kind: 'info', text: action.message },
      };
    case 'select/move':
      return {
        ...s,
        selected: clamp(s.selected + action.delta, 0, Math.max(0, (s.results?.length ?? 1) - 1)),
      };
    case 'hint/shown':
      return {
        ...s,
        hint: action.hint ?? s.hint,
        attempt: action.attempt,
        message: action.message === null ? null : { kind: 'info', text: action.message },
      };
    case 'solution/shown':
      return {
        ...s,
        pane: 'solution',
        solution: action.text,
        scroll: 0,
        message: { kind: 'info', text: 'Reference solution shown: this attempt scores 0.' },
      };
    case 'pane/brief':
      return { ...s, pane: 'brief', scroll: 0 };
    case 'reset/start':
      return { ...s, phase: 'resetting', log: [] };
    case 'reset/done':
      return {
        ...newSession(s.id, false, null),
        message: {
          kind: 'info',
          text: 'Reset: the workspace is gone. Press s to start again (hints taken still count).',
        },
      };
    case 'suspend':
      return { ...s, phase: 'suspended' };
    case 'message':
      return { ...s, message: action.message };
    default:
      return assertNever(action);
  }
}
