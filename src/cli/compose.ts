import { randomInt } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { AttemptStore } from '../adapters/attempt-store.js';
import { readExamConfig } from '../adapters/exam-config.js';
import { ExamStore } from '../adapters/exam-store.js';
import { watchTree } from '../adapters/fs-watch.js';
import { localIo } from '../adapters/local-io.js';
import { log } from '../adapters/log.js';
import { packageRoot, scenariosDir } from '../adapters/paths.js';
import { runCommand } from '../adapters/process/run.js';
import { ProgressStore } from '../adapters/progress-store.js';
import { RecordStore } from '../adapters/record-store.js';
import { cachedScenarios } from '../adapters/scenario-cache.js';
import { loadScenarios } from '../adapters/scenario-loader.js';
import { workspaces } from '../adapters/workspaces.js';
import type { Scenario } from '../domain/scenario.js';
import type { ClusterLifecycle, LifecycleOptions } from '../engine/cluster-lifecycle.js';
import { ClusterWatch, type ClusterWatchOptions } from '../engine/cluster-watch.js';
import { describeError } from '../engine/errors.js';
import { ExamRunner } from '../engine/exam-runner.js';
import type { AttemptPort, ClusterIo, ExamPort, ProgressPort } from '../engine/ports.js';
import type { ClusterAccess } from '../engine/probes/types.js';
import type { CheckOutcome, ClusterHooks } from '../engine/trainer.js';
import { Trainer, type TrainerDeps } from '../engine/trainer.js';
import type { RunTuiOptions } from '../ui/run-tui.js';
import type { ClusterLabHooks, UiServices } from '../ui/ui-services.js';
import { openWorkspaceShell } from './shells.js';
import { examServices, learningServices } from './ui-learning.js';

/**
 * The composition root: the one place adapters are built and handed to the engine and the UI.
 * The engine defines the ports (engine/ports.ts); nothing below cli/ builds an adapter.
 */
export type AppServices = {
  readonly trainer: Trainer;
  readonly progress: ProgressStore;
  /** Exam mode over the trainer (issue 14.2). */
  readonly exams: ExamRunner;
  /** The learning record (issue 14.3). */
  readonly record: RecordStore;
  /** Opens the workspace shell of a cluster-free scenario, recording its commands (the TUI's `t`). */
  readonly workspaceShell: (scenario: Scenario) => Promise<unknown>;
  /** Messages to show once (for example a damaged progress file that was set aside). */
  readonly notices: readonly string[];
};

export type TrainerOptions = {
  readonly scenariosRoot: string;
  readonly progress: ProgressPort;
  readonly attempts: AttemptPort;
  readonly env?: NodeJS.ProcessEnv;
  /** Keep the scenario list between runs (adapters/scenario-cache.ts): the app's start-up, not tests. */
  readonly keepScenarioList?: boolean;
} & Partial<Pick<TrainerDeps, 'resolveLab' | 'clusterHooks' | 'now' | 'record'>>;

/** A Trainer's deps over the real adapters (the CLI, the TUI, the self-test harnesses). */
export function trainerDeps(options: TrainerOptions): TrainerDeps {
  return {
    scenarios: options.keepScenarioList
      ? () => cachedScenarios(options.scenariosRoot, loadScenarios)
      : () => loadScenarios(options.scenariosRoot),
    progress: options.progress,
    attempts: options.attempts,
    workspaces: workspaces(options.env),
    run: runCommand,
    readText: (file) => fs.readFileSync(file, 'utf8'),
    app: { bin: path.join(packageRoot(), 'bin', 'k8s-harden-lab.js'), node: process.execPath },
    probeIo: localIo,
    loadClusterIo,
    randomSeed: () => randomInt(0, 0x7fffffff),
    ...(options.resolveLab ? { resolveLab: options.resolveLab } : {}),
    ...(options.clusterHooks ? { clusterHooks: options.clusterHooks } : {}),
    ...(options.now ? { now: options.now } : {}),
    ...(options.record ? { record: options.record } : {}),
  };
}

export type ServiceOptions = {
  readonly scenariosRoot?: string;
  readonly resolveLab?: () => Promise<ClusterAccess>;
  readonly clusterHooks?: ClusterHooks;
};

export function createServices(options: ServiceOptions = {}): AppServices {
  const progress = new ProgressStore();
  const notices: string[] = [];
  if (progress.notice)
    notices.push(
      `Your progress file was damaged (${progress.notice.reason}); it was kept as ${progress.notice.movedAside} and a fresh one started.`,
    );
  const record = new RecordStore();
  const scenariosRoot = options.scenariosRoot ?? scenariosDir();
  // The lab guard and the providers behind it load on the first cluster round, not at start-up.
  const lab = options.resolveLab ?? (async () => (await import('./lab-access.js')).resolveLab());
  const trainer = new Trainer(
    trainerDeps({
      scenariosRoot,
      keepScenarioList: true,
      progress,
      attempts: new AttemptStore(),
      // Cluster scenarios reach only the app's own lab, through the lab guard (cli/lab-access).
      resolveLab: lab,
      clusterHooks: options.clusterHooks ?? lazyClusterHooks(),
      record,
    }),
  );
  const exams = examRunner(trainer, scenariosRoot, lab);
  const workspaceShell = (scenario: Scenario) =>
    openWorkspaceShell(trainer, scenario, record, trainer.attempt(scenario.id)?.startedAt ?? null);
  return { trainer, progress, notices, exams, record, workspaceShell };
}

/** Exam mode over a Trainer: exam.yaml beside the scenarios, exams kept with progress. */
export function examRunner(
  trainer: Trainer,
  scenariosRoot: string,
  lab: () => Promise<ClusterAccess>,
  options: { readonly exams?: ExamPort; readonly now?: () => Date } = {},
): ExamRunner {
  return new ExamRunner({
    trainer,
    exams: options.exams ?? new ExamStore(),
    config: () => {
      const read = readExamConfig(scenariosRoot);
      return read.ok
        ? { ok: true, config: read.config }
        : { ok: false, message: `${read.file}: ${read.problems.join('; ')}` };
    },
    labProblem: async () => {
      try {
        await lab();
        return null;
      } catch (error) {
        return describeError(error).message;
      }
    },
    readText: (file) => fs.readFileSync(file, 'utf8'),
    now: options.now ?? (() => new Date()),
    randomSeed: () => randomInt(0, 0x7fffffff),
  });
}

/**
 * The engine's ClusterLifecycle, imported on first use: it pulls in @kubernetes/client-node, which
 * costs the home screen more than half a second and only cluster scenarios need.
 */
export function lazyLifecycle(env?: NodeJS.ProcessEnv): () => Promise<ClusterLifecycle> {
  let loaded: Promise<ClusterLifecycle> | undefined;
  return () => (loaded ??= createClusterLifecycle(env));
}

/** The cluster adapters (client-node, the node batch), imported on the first cluster round. */
export const loadClusterIo = (): Promise<ClusterIo> =>
  import('../adapters/cluster/index.js').then((m) => m.clusterIo);

/** A ClusterLifecycle over the real adapters (backups kept under `env`'s data folder). */
export async function createClusterLifecycle(
  env: NodeJS.ProcessEnv = process.env,
  options: Omit<LifecycleOptions, 'io'> = {},
): Promise<ClusterLifecycle> {
  const [{ lifecycleIo }, { ClusterLifecycle }] = await Promise.all([
    import('../adapters/cluster/index.js'),
    import('../engine/cluster-lifecycle.js'),
  ]);
  return new ClusterLifecycle({ ...options, io: lifecycleIo(env) });
}

function lazyClusterHooks(): ClusterHooks {
  const hooks = lazyLifecycle();
  return {
    beforeSetup: async (scenario, access, onLine) => (await hooks()).beforeSetup(scenario, access, onLine),
    afterReset: async (scenario, access, onLine) => (await hooks()).afterReset(scenario, access, onLine),
    assertRunning: async (access) => (await hooks()).assertRunning(access),
  };
}

// --- the terminal UI's services ---------------------------------------------------------------

export type ClusterWatchTuning = Pick<
  ClusterWatchOptions,
  'intervalMs' | 'idleIntervalMs' | 'waitingLimitMs' | 'rollbackAfterMs' | 'saveEveryMs' | 'now'
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
      // A scenario whose task is to bring the apiserver back gets no rollback offer (nor saves of
      // its manifest): the app would otherwise solve the exercise for the learner.
      ...(lab && scenario.apiserverHelp
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

/** Binds a Trainer (class methods need their `this`) into the UI's services. */
export function uiServicesFrom(
  trainer: Trainer,
  notices: readonly string[] = [],
  extras: UiExtras = {},
): UiServices {
  const services: UiServices = {
    notices,
    get: (id) => trainer.get(id),
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
    bound: (s) => trainer.bound(s),
    reset: (s, o) => trainer.reset(s, o),
    watch: extras.watch ?? ((s, onChange) => watchTree(trainer.workspace(s), onChange)),
    now: extras.now ?? (() => Date.now()),
    log,
  };
  if (extras.labStatus) services.labStatus = extras.labStatus;
  if (extras.openNodeShell) services.openNodeShell = extras.openNodeShell;
  if (extras.createLab) services.createLab = extras.createLab;
  if (extras.watchCluster) services.watchCluster = extras.watchCluster;
  else if (extras.clusterLab)
    services.watchCluster = clusterWatcher(trainer, extras.clusterLab, extras.clusterWatchTuning);
  return services;
}

/** The lab's offers to the TUI (cli/tui-lab.ts builds them from the lab providers). */
export type TuiLabOffers = {
  readonly labStatus?: UiServices['labStatus'];
  /** Runs an interactive shell on a lab node with the terminal handed over (see run-tui). */
  readonly nodeShell?: (node: string, scenarioId?: string) => Promise<unknown>;
  readonly createLab?: UiServices['createLab'];
  /** Keeps and restores the last working apiserver manifest: cluster scenarios then use the watch. */
  readonly clusterLab?: ClusterLabHooks;
};

export function uiServicesFromApp(app: AppServices, extras: UiExtras = {}): UiServices {
  return {
    ...uiServicesFrom(app.trainer, app.notices, extras),
    exam: examServices(app.exams),
    learning: learningServices(app.trainer, app.record),
  };
}

/**
 * React's production build for the terminal UI, unless NODE_ENV says otherwise: react, the
 * reconciler and the scheduler pick their build from NODE_ENV when they are first imported, and
 * the development build (extra checks and warnings for developers) made every render slower: the
 * home screen's first frame took about 90 ms longer (docs/bench-startup.md). NODE_ENV is set only
 * while they load, so the scripts and shells the app starts get the environment as it was. Tests
 * import the UI directly and keep the development build, with its warnings.
 */
async function withProductionReact<T>(load: () => Promise<T>): Promise<T> {
  if (process.env.NODE_ENV !== undefined) return load();
  process.env.NODE_ENV = 'production';
  try {
    return await load();
  } finally {
    delete process.env.NODE_ENV;
  }
}

/** The terminal UI over the app's services and the lab's offers (loaded on demand: Ink, React). */
export async function openTui(
  app: AppServices,
  options: RunTuiOptions,
  env: NodeJS.ProcessEnv,
): Promise<number> {
  const [{ runTui }, { tuiLabDeps }] = await withProductionReact(() =>
    Promise.all([import('../ui/run-tui.js'), import('./tui-lab.js')]),
  );
  const lab = tuiLabDeps(env, {
    record: app.record,
    attempt: (id) => app.trainer.attempt(id)?.startedAt ?? null,
  });
  const ui = uiServicesFromApp(app, {
    ...(lab.labStatus ? { labStatus: lab.labStatus } : {}),
    ...(lab.createLab ? { createLab: lab.createLab } : {}),
    ...(lab.clusterLab ? { clusterLab: lab.clusterLab } : {}),
  });
  return runTui(ui, options, {
    ...(lab.nodeShell ? { nodeShell: lab.nodeShell } : {}),
    workspaceShell: app.workspaceShell,
  });
}
