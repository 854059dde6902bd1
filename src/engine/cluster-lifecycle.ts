import type { Scenario } from '../domain/scenario.js';
import { restoreLastGoodManifest, saveLastGoodManifest } from './lab/apiserver-rollback.js';
import { backUp, isKubeletFile, restoreBackups } from './lab/backups.js';
import { waitHealthy } from './lab/health.js';
import { lifecycleOnNode } from './lab/node-exec.js';
import { APISERVER_MANIFEST, NODE_BACKUP_ROOT } from './lab/node-paths.js';
import { installRecorder, removeRecorder } from './lab/recorder.js';
import type { BackupRecord, LifecycleIo } from './ports.js';
import { pickNode } from './probes/nodes.js';
import type { ClusterAccess } from './probes/types.js';
import type { ClusterHooks } from './trainer.js';

export { APISERVER_MANIFEST, LAST_GOOD_DIR, LAST_GOOD_MANIFEST, NODE_BACKUP_ROOT } from './lab/node-paths.js';
export type { BackupEntry, BackupRecord } from './ports.js';
export { isKubeletFile };

/**
 * The lab lifecycle around a cluster scenario's scripts, composed of engine/lab/:
 *
 * - beforeSetup: backs up the scenario's node files (lab/backups.ts), keeps the apiserver
 *   manifest as the last one that worked (lab/apiserver-rollback.ts) and, for scenarios with an
 *   `observed` check, starts the recorder on the control-plane node.
 * - afterReset: restores the backups byte for byte, restarts the kubelet where kubelet files
 *   changed, removes the recorder, waits for apiserver /readyz and every node Ready (lab/health.ts).
 * - the last working kube-apiserver manifest can be put back on request (the watch loop offers it
 *   when the apiserver stays down).
 *
 * The shell it runs on nodes is shell/node/lifecycle.sh; what it touches comes in as LifecycleIo.
 */
export type LifecycleOptions = {
  readonly io: LifecycleIo;
  readonly healthTimeoutMs?: number;
  readonly pollMs?: number;
  readonly sleep?: (ms: number) => Promise<void>;
  /** Where node-side backups go (tests point it at a temporary folder). Default NODE_BACKUP_ROOT. */
  readonly nodeBackupRoot?: string;
};

const hasObserved = (scenario: Scenario) => scenario.checks.some((c) => c.probe.kind === 'observed');

export class ClusterLifecycle implements ClusterHooks {
  private readonly io: LifecycleIo;
  private readonly health: { timeoutMs: number; pollMs: number; sleep: (ms: number) => Promise<void> };
  private readonly nodeRoot: string;

  constructor(options: LifecycleOptions) {
    this.io = options.io;
    this.health = {
      timeoutMs: options.healthTimeoutMs ?? 4 * 60_000,
      pollMs: options.pollMs ?? 2_000,
      sleep: options.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms))),
    };
    this.nodeRoot = options.nodeBackupRoot ?? NODE_BACKUP_ROOT;
  }

  readBackup(access: ClusterAccess, scenario: string): BackupRecord | undefined {
    return this.io.backups.read(access.provider.cluster, scenario);
  }

  async beforeSetup(
    scenario: Scenario,
    access: ClusterAccess,
    onLine: (line: string) => void,
  ): Promise<void> {
    const nodes = await access.provider.nodes();
    await backUp(scenario, access, this.io, nodes, this.nodeRoot, onLine);
    const controlPlane = pickNode(nodes, 'control-plane');
    if (!controlPlane) return;
    await saveLastGoodManifest(access, this.io, { force: true }).catch(() => undefined);
    if (hasObserved(scenario)) {
      onLine(`starting the recorder on ${controlPlane.name}`);
      await installRecorder(access.provider, this.io, controlPlane.name);
    }
  }

  async afterReset(scenario: Scenario, access: ClusterAccess, onLine: (line: string) => void): Promise<void> {
    const nodes = await access.provider.nodes();
    const restartKubelet = await restoreBackups(scenario, access, this.io, this.nodeRoot, onLine);
    for (const node of restartKubelet) {
      onLine(`restarting the kubelet on ${node}`);
      await lifecycleOnNode(access.provider, this.io, node, 'restart_kubelet', [], 'restarting the kubelet');
    }
    const controlPlane = pickNode(nodes, 'control-plane');
    if (controlPlane && hasObserved(scenario)) {
      onLine('removing the recorder');
      await removeRecorder(access.provider, this.io, controlPlane.name);
    }
    await this.waitHealthy(access, onLine);
    this.io.backups.remove(access.provider.cluster, scenario.id);
  }

  /** Waits for apiserver /readyz, then every node Ready; progress lines while waiting. */
  waitHealthy(access: ClusterAccess, onLine: (line: string) => void): Promise<void> {
    return waitHealthy(access, this.io.kube, this.health, onLine);
  }

  saveLastGoodManifest(access: ClusterAccess, options: { force?: boolean } = {}): Promise<boolean> {
    return saveLastGoodManifest(access, this.io, options);
  }

  /** Puts the last working apiserver manifest back and waits for the apiserver to answer. */
  async restoreLastGoodManifest(access: ClusterAccess, onLine: (line: string) => void): Promise<void> {
    await restoreLastGoodManifest(access, this.io);
    onLine(`restored the last working ${APISERVER_MANIFEST}; waiting for the apiserver`);
    await this.waitHealthy(access, onLine);
  }
}
