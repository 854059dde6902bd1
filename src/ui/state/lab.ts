import type { StepEvent } from '../../engine/ports.js';
import type { LabCreateResult } from '../ui-services.js';
import { assertNever } from './assert.js';

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

/** What happens to a lab run while it is on screen (opening and leaving the screen is the root's). */
export type LabRunAction =
  | { readonly type: 'lab/step'; readonly run: number; readonly event: StepEvent; readonly at: number }
  | { readonly type: 'lab/cancel-ask' }
  | { readonly type: 'lab/cancel-keep' }
  | { readonly type: 'lab/cancelling'; readonly run: number };

export function newLabRun(run: number, at: number): LabRun {
  return {
    run,
    phase: 'running',
    startedAt: at,
    steps: [],
    lastLine: null,
    failure: null,
    confirmCancel: false,
  };
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

export function labRunReducer(lab: LabRun, action: LabRunAction): LabRun {
  switch (action.type) {
    case 'lab/step':
      return labStepReducer(lab, action.event, action.at);
    case 'lab/cancel-ask':
      return lab.phase === 'running' ? { ...lab, confirmCancel: true } : lab;
    case 'lab/cancel-keep':
      return { ...lab, confirmCancel: false };
    case 'lab/cancelling':
      return lab.phase === 'running' ? { ...lab, phase: 'cancelling', confirmCancel: false } : lab;
    default:
      return assertNever(action);
  }
}

/** The run as it ends without a lab (failed, or cancelled): a step still running stopped. */
export function labRunEnded(
  lab: LabRun,
  result: Extract<LabCreateResult, { ok: false }>,
  at: number,
): LabRun {
  return {
    ...lab,
    phase: lab.phase === 'cancelling' ? 'cancelled' : 'failed',
    confirmCancel: false,
    steps: lab.steps.map((s) =>
      s.status === 'running' ? { ...s, status: 'failed', ms: at - s.startedAt } : s,
    ),
    failure: {
      step: result.step,
      message: result.message,
      ...('logFile' in result && result.logFile ? { logFile: result.logFile } : {}),
    },
  };
}
