import type { LifecycleResult, StepEvent } from '../adapters/lab/provider.js';
import type { AppServices } from '../cli/services.js';
import type { Trainer } from '../engine/trainer.js';
import { watchTree } from '../engine/watch.js';

/**
 * Everything the UI may do, as one interface. It is the Trainer's own surface (so tests can pass a
 * real Trainer over a temporary scenarios folder, or a fake) plus the few things only the UI needs.
 */
export type UiServices = Pick<
  Trainer,
  | 'list'
  | 'allProgress'
  | 'workspace'
  | 'shellLine'
  | 'isSetUp'
  | 'attempt'
  | 'setup'
  | 'check'
  | 'revealHint'
  | 'revealSolution'
  | 'reset'
> & {
  /** Messages to show once (a damaged progress file that was set aside). */
  readonly notices: readonly string[];
  /** Calls `onChange` when files in the scenario's workspace change; returns the unsubscribe. */
  watch(scenario: Parameters<Trainer['workspace']>[0], onChange: () => void): () => void;
  /** The lab cluster's provider and health, for cluster scenarios. Absent until the lab work lands. */
  labStatus?(): Promise<LabStatus | undefined>;
  /**
   * Opens an interactive shell on a lab node. The TUI is suspended while it runs (see run-tui) and
   * a fresh check round follows. Absent until a lab provider offers node shells.
   */
  openNodeShell?(node: string): Promise<void>;
  /**
   * Creates the lab cluster (the CLI's `up`), reporting each step as it runs. Resolves for every
   * outcome; a failure names the step and, in its message, the next step. Absent without providers.
   */
  createLab?(onStep: (event: StepEvent) => void, signal: AbortSignal): Promise<LabCreateResult>;
  /** The clock for timers. */
  now(): number;
};

export type LabStatus = {
  /** `kind`, `host`, … */
  readonly provider: string;
  readonly cluster?: string;
  readonly health: 'healthy' | 'degraded' | 'down' | 'unknown';
  readonly detail?: string;
};

/** What creating the lab came to: the provider's own result, or why no provider could start. */
export type LabCreateResult =
  | LifecycleResult
  | { readonly ok: false; readonly step: string; readonly message: string };

export type UiExtras = Partial<
  Pick<UiServices, 'labStatus' | 'openNodeShell' | 'createLab' | 'now' | 'watch'>
>;

/** Binds a Trainer (class methods need their `this`) into UiServices. */
export function uiServicesFrom(
  trainer: Trainer,
  notices: readonly string[] = [],
  extras: UiExtras = {},
): UiServices {
  const services: UiServices = {
    notices,
    list: () => trainer.list(),
    allProgress: () => trainer.allProgress(),
    workspace: (s) => trainer.workspace(s),
    shellLine: (s, access) => trainer.shellLine(s, access),
    isSetUp: (s) => trainer.isSetUp(s),
    attempt: (id) => trainer.attempt(id),
    setup: (s, o) => trainer.setup(s, o),
    check: (s, o) => trainer.check(s, o),
    revealHint: (s, r) => trainer.revealHint(s, r),
    revealSolution: (s) => trainer.revealSolution(s),
    reset: (s, o) => trainer.reset(s, o),
    watch: extras.watch ?? ((s, onChange) => watchTree(trainer.workspace(s), onChange)),
    now: extras.now ?? (() => Date.now()),
  };
  if (extras.labStatus) services.labStatus = extras.labStatus;
  if (extras.openNodeShell) services.openNodeShell = extras.openNodeShell;
  if (extras.createLab) services.createLab = extras.createLab;
  return services;
}

/** From the CLI's composition root. */
export function uiServicesFromApp(app: AppServices, extras: UiExtras = {}): UiServices {
  return uiServicesFrom(app.trainer, app.notices, extras);
}
