import fs from 'node:fs';
import path from 'node:path';
import { AttemptStore } from '../adapters/attempt-store.js';
import { localIo } from '../adapters/local-io.js';
import { packageRoot, scenariosDir } from '../adapters/paths.js';
import { runCommand } from '../adapters/process/run.js';
import { ProgressStore } from '../adapters/progress-store.js';
import { loadScenarios } from '../adapters/scenario-loader.js';
import { workspaces } from '../adapters/workspaces.js';
import type { ClusterLifecycle, LifecycleOptions } from '../engine/cluster-lifecycle.js';
import { resolveLab } from '../engine/lab-access.js';
import type { AttemptPort, ClusterIo, ProgressPort } from '../engine/ports.js';
import type { ClusterAccess } from '../engine/probes/types.js';
import type { ClusterHooks } from '../engine/trainer.js';
import { Trainer, type TrainerDeps } from '../engine/trainer.js';

/**
 * The composition root: the one place adapters are built and handed to the engine and the UI.
 * The engine defines the ports (engine/ports.ts); nothing below cli/ builds an adapter.
 */
export type AppServices = {
  readonly trainer: Trainer;
  readonly progress: ProgressStore;
  /** Messages to show once (for example a damaged progress file that was set aside). */
  readonly notices: readonly string[];
};

export type TrainerOptions = {
  readonly scenariosRoot: string;
  readonly progress: ProgressPort;
  readonly attempts: AttemptPort;
  readonly env?: NodeJS.ProcessEnv;
} & Partial<Pick<TrainerDeps, 'resolveLab' | 'clusterHooks' | 'now'>>;

/** A Trainer's deps over the real adapters (the CLI, the TUI, the self-test harnesses). */
export function trainerDeps(options: TrainerOptions): TrainerDeps {
  return {
    scenarios: () => loadScenarios(options.scenariosRoot),
    progress: options.progress,
    attempts: options.attempts,
    workspaces: workspaces(options.env),
    run: runCommand,
    readText: (file) => fs.readFileSync(file, 'utf8'),
    app: { bin: path.join(packageRoot(), 'bin', 'k8s-harden-lab.js'), node: process.execPath },
    probeIo: localIo,
    loadClusterIo,
    ...(options.resolveLab ? { resolveLab: options.resolveLab } : {}),
    ...(options.clusterHooks ? { clusterHooks: options.clusterHooks } : {}),
    ...(options.now ? { now: options.now } : {}),
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
  const trainer = new Trainer(
    trainerDeps({
      scenariosRoot: options.scenariosRoot ?? scenariosDir(),
      progress,
      attempts: new AttemptStore(),
      // Cluster scenarios reach only the app's own lab, through the lab guard (engine/lab-access).
      resolveLab: options.resolveLab ?? (() => resolveLab()),
      clusterHooks: options.clusterHooks ?? lazyClusterHooks(),
    }),
  );
  return { trainer, progress, notices };
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
  };
}
