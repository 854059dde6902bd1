import type { AppServices } from '../cli/compose.js';
import type { Scenario } from '../domain/scenario.js';
import { ClusterWatch, type ClusterWatchOptions, type ClusterWatchState } from '../engine/cluster-watch.js';
import type { LifecycleResult, StepEvent } from '../engine/ports.js';
import type { CheckOutcome, Trainer } from '../engine/trainer.js';
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
  /**
   * Watch mode on a cluster (cluster scenarios): a round every few seconds and on `checkNow`, each
   * reported with the watch's view (waiting windows, the rollback offer) and the scored outcome.
   * Started on call; `stop` ends it. Absent: cluster scenarios use the poll like the others.
   */
  watchCluster?(scenario: Scenario, onRound: (round: ClusterRound) => void): ClusterWatchHandle;
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

export type ClusterWatchTuning = Pick<
  ClusterWatchOptions,
  'intervalMs' | 'waitingLimitMs' | 'rollbackAfterMs' | 'saveEveryMs' | 'now'
>;

/**
 * `watchCluster` over a Trainer: each round is `trainer.check` (which also records the completion).
 * The watch then bounds the results (a check waiting too long becomes a fail); that changes no
 * score, since neither waiting nor fail passes, and a round with a waiting check is never solved,
 * so the outcome's score, allPass and completion hold for the bounded results as they are.
 */
export function clusterWatcher(
  trainer: Pick<Trainer, 'check'>,
  lab?: ClusterLabHooks,
  tuning: ClusterWatchTuning = {},
): NonNullable<UiServices['watchCluster']> {
  return (scenario, onRound) => {
    let last: CheckOutcome | undefined;
    const watch = new ClusterWatch({
      ...tuning,
      runRound: async (signal) => {
        last = undefined;
        last = await trainer.check(scenario, { signal });
        return last.results;
      },
      onState: (state) =>
        onRound({
          watch: state,
          ...(state.error || !last ? {} : { outcome: { ...last, results: state.results } }),
        }),
      ...(lab
        ? { saveLastGood: () => lab.saveLastGood(), restoreLastGood: (onLine) => lab.restoreLastGood(onLine) }
        : {}),
    });
    watch.start();
    return {
      checkNow: () => void watch.checkNow(),
      restoreLastGood: (onLine) => watch.restoreLastGood(onLine),
      stop: () => watch.stop(),
    };
  };
}

export type UiExtras = Partial<
  Pick<UiServices, 'labStatus' | 'openNodeShell' | 'createLab' | 'now' | 'watch' | 'watchCluster'>
> & {
  /** Builds `watchCluster` over the trainer with these lab hooks (unless `watchCluster` is given). */
  readonly clusterLab?: ClusterLabHooks;
  readonly clusterWatchTuning?: ClusterWatchTuning;
};

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
  if (extras.watchCluster) services.watchCluster = extras.watchCluster;
  else if (extras.clusterLab)
    services.watchCluster = clusterWatcher(trainer, extras.clusterLab, extras.clusterWatchTuning);
  return services;
}

/** From the CLI's composition root. */
export function uiServicesFromApp(app: AppServices, extras: UiExtras = {}): UiServices {
  return uiServicesFrom(app.trainer, app.notices, extras);
}
