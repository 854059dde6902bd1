import type { AttemptRecord, ScenarioFacts } from '../domain/record.js';
import type { Scenario } from '../domain/scenario.js';
import type { ClusterWatchState } from '../engine/cluster-watch.js';
import type { ExamRunner } from '../engine/exam-runner.js';
import type { LifecycleResult, StepEvent } from '../engine/ports.js';
import type { CheckOutcome, Trainer } from '../engine/trainer.js';

/**
 * Everything the UI may do, as one interface: the UI's own services type, built by the composition
 * root (cli/compose.ts) and handed in. It is the Trainer's own surface (so tests can pass a real
 * Trainer over a temporary scenarios folder, or a fake) plus the few things only the UI needs.
 */
export type UiServices = Pick<
  Trainer,
  | 'get'
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
  /**
   * Calls `onChange` when files in the scenario's workspace change; returns the unsubscribe. Its
   * `watching` false says changes cannot be seen (no watcher here): the screen then polls often.
   */
  watch(scenario: Parameters<Trainer['workspace']>[0], onChange: () => void): WorkspaceWatch;
  /** The lab cluster's provider and health, for cluster scenarios. Absent without a lab provider. */
  labStatus?(): Promise<LabStatus | undefined>;
  /**
   * Opens an interactive shell on a lab node. The TUI is suspended while it runs (see run-tui) and
   * a fresh check round follows. Absent when no lab offers node shells.
   */
  openNodeShell?(node: string, scenarioId?: string): Promise<void>;
  /**
   * Creates the lab cluster (the CLI's `up`), reporting each step as it runs. Resolves for every
   * outcome; a failure names the step and, in its message, the next step. Absent without providers.
   */
  createLab?(onStep: (event: StepEvent) => void, signal: AbortSignal): Promise<LabCreateResult>;
  /**
   * Watch mode on a cluster (cluster scenarios): a round every few seconds and on `checkNow`, each
   * reported with the watch's view (waiting windows, the rollback offer) and the scored outcome.
   * Started on call; `stop` ends it. Absent: cluster scenarios use the poll like the others.
   */
  watchCluster?(scenario: Scenario, onRound: (round: ClusterRound) => void): ClusterWatchHandle;
  /**
   * Opens bash in a cluster-free scenario's workspace (its HOME, KUBECONFIG and prompt), the TUI
   * suspended while it runs; a fresh check round follows. Absent: the shell line is the way.
   */
  openWorkspaceShell?(scenario: Scenario): Promise<void>;
  /** Puts text on the terminal's clipboard (OSC 52). Absent without a terminal. */
  copy?(text: string): void;
  /** Exam mode (issue 14.2). Absent: the home screen offers no exam. */
  readonly exam?: ExamServices;
  /** The learning record (issue 14.3): solve-time trends and the next-up queue on the home screen. */
  readonly learning?: LearningServices;
  /** The clock for timers. */
  now(): number;
  /** The debug log (tokens redacted): what went wrong where the learner cannot see it. */
  readonly log: UiLog;
  /** The scenario as the attempt has it (params filled in). Absent: the scenario as loaded. */
  bound?(scenario: Scenario): Scenario;
};

/** The unsubscribe of `watch`; `watching` absent means the changes are seen. */
export type WorkspaceWatch = (() => void) & { readonly watching?: boolean };

export type UiLog = {
  warn(message: string, data?: Record<string, unknown>): void;
  error(message: string, data?: Record<string, unknown>): void;
  /** Where the log is, for "the details are in …". */
  path(): string | undefined;
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

/** One cluster watch round as the UI gets it. */
export type ClusterRound = {
  /** Waiting windows, the rollback offer and notice, an error; results bounded (long waits fail). */
  readonly watch: ClusterWatchState;
  /** The round scored on the bounded results; absent when the round could not run (`watch.error`). */
  readonly outcome?: CheckOutcome;
};

export type ClusterWatchHandle = {
  /** A round now (rounds never overlap: one asked for while one runs follows it). */
  checkNow(): void;
  /**
   * Restores the last apiserver manifest that worked (the offered key), reporting progress lines;
   * resolves once the fresh round that follows has been reported through `onRound`.
   */
  restoreLastGood(onLine: (line: string) => void): Promise<void>;
  stop(): void;
};

/** What the lab offers the cluster watch: keeping and restoring the last working apiserver manifest. */
export type ClusterLabHooks = {
  saveLastGood(): Promise<unknown>;
  restoreLastGood(onLine: (line: string) => void): Promise<void>;
};

/** Exam mode as the UI drives it (engine/exam-runner.ts). */
export type ExamServices = Pick<
  ExamRunner,
  'plan' | 'start' | 'current' | 'save' | 'finish' | 'abandon' | 'resetTasks'
>;

/** The learning record as the UI reads it. */
export type LearningServices = {
  /** Recording is on (the default); the screens say so. */
  readonly enabled: boolean;
  /** The attempts of the record, oldest first (read afresh on each call). */
  attempts(): AttemptRecord[];
  scenarios(): ScenarioFacts[];
  /** The reference solution's text, read for the debrief after success (never a forfeit). */
  reference(scenario: Scenario): string;
};
