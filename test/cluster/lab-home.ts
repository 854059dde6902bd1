import os from 'node:os';
import path from 'node:path';

/**
 * Where the cluster tier's lab keeps its state when the run names no folder: the app's own data
 * folder, so a lab made by `k8s-harden-lab up` is reused. K8S_HARDEN_LAB_HOME is deliberately not
 * read here: test/setup.ts points it at a per-file temporary folder.
 */
export function defaultLabHome(): string {
  return path.join(process.env.XDG_DATA_HOME || path.join(os.homedir(), '.local', 'share'), 'k8s-harden-lab');
}
