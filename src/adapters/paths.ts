import os from 'node:os';
import path from 'node:path';

/**
 * Where the app keeps its own files. `K8S_HARDEN_LAB_HOME` moves all of it (tests use a temporary
 * folder); otherwise XDG's data directory. Nothing here is ever the user's ~/.kube or /etc.
 */
export function dataDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.K8S_HARDEN_LAB_HOME) return path.resolve(env.K8S_HARDEN_LAB_HOME);
  const xdg = env.XDG_DATA_HOME || path.join(os.homedir(), '.local', 'share');
  return path.join(xdg, 'k8s-harden-lab');
}

export function workspacesDir(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(dataDir(env), 'workspaces');
}

export function workspaceDir(scenarioId: string, env: NodeJS.ProcessEnv = process.env): string {
  return path.join(workspacesDir(env), scenarioId);
}

/**
 * Where labs keep their kubeconfig and state: `<data>/labs`, or `K8S_HARDEN_LAB_LABS_DIR` (scenario
 * scripts get it, so `k8s-harden-lab node exec` in a script reaches the lab the trainer uses even
 * when the data folder is elsewhere).
 */
export function labsStateDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.K8S_HARDEN_LAB_LABS_DIR
    ? path.resolve(env.K8S_HARDEN_LAB_LABS_DIR)
    : path.join(dataDir(env), 'labs');
}

export function labDir(cluster: string, env: NodeJS.ProcessEnv = process.env): string {
  return path.join(labsStateDir(env), cluster);
}

export function logsDir(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(dataDir(env), 'logs');
}

/** Progress lives apart from data so `K8S_HARDEN_LAB_PROGRESS_DIR` can point it elsewhere. */
export function progressDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.K8S_HARDEN_LAB_PROGRESS_DIR ? path.resolve(env.K8S_HARDEN_LAB_PROGRESS_DIR) : dataDir(env);
}

/** The installed package's folder: dist/adapters/paths.js or src/adapters/paths.ts, two levels up. */
export function packageRoot(): string {
  return path.resolve(import.meta.dirname, '..', '..');
}

/** The scenarios shipped with the app, or `K8S_HARDEN_LAB_SCENARIOS` for authors. */
export function scenariosDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.K8S_HARDEN_LAB_SCENARIOS
    ? path.resolve(env.K8S_HARDEN_LAB_SCENARIOS)
    : path.join(packageRoot(), 'scenarios');
}

export function labsDir(): string {
  return path.join(packageRoot(), 'labs');
}
