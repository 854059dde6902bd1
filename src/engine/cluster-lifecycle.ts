import type { Scenario } from '../domain/scenario.js';
import { EXIT, UserError } from './errors.js';
import type { LastGoodMemo } from './lab/apiserver-rollback.js';
import { restoreLastGoodManifest, saveLastGoodManifest } from './lab/apiserver-rollback.js';
import { backUp, isKubeletFile, restoreBackups } from './lab/backups.js';
import { readBaseline, restoreBaseline, takeBaseline } from './lab/baseline.js';
import { ensureHealthy, labRunning, waitHealthy } from './lab/health.js';
import { lifecycleOnNode } from './lab/node-exec.js';
import { APISERVER_MANIFEST, BASELINE_KEY, LAB_NODE_FILES, NODE_BACKUP_ROOT } from './lab/node-paths.js';
import { installRecorder, removeRecorder } from './lab/recorder.js';
import { repairLab } from './lab/repair.js';
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
 * - beforeSetup: checks the lab's health (lab/health.ts: nodes Ready and schedulable, nothing
 *   stuck terminating, control plane settled) and refuses with what is wrong and the repair; keeps
 *   the lab's baseline of node files the first time (lab/baseline.ts); backs up the scenario's node
 *   files (lab/backups.ts), keeps the apiserver manifest as the last one that worked
 *   (lab/apiserver-rollback.ts) and, for scenarios with an `observed` check, starts the recorder.
 * - afterReset: restores the backups byte for byte, then every baseline node file that still
 *   differs (a learner's edit outside `backup:`), restarts the kubelet where kubelet files
 *   changed, removes the recorder and checks the lab's health, naming the repair when it fails.
 * - repair (`k8s-harden-lab repair`, lab/repair.ts): the one command that brings a broken lab back.
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
  /** The node files of the lab's baseline (khl_watched specs). Default LAB_NODE_FILES. */
  readonly nodeFiles?: readonly string[];
};

const hasObserved = (scenario: Scenario) => scenario.checks.some((c) => c.probe.kind === 'observed');

export class ClusterLifecycle implements ClusterHooks {
  private readonly io: LifecycleIo;
  private readonly health: { timeoutMs: number; pollMs: number; sleep: (ms: number) => Promise<void> };
  private readonly nodeRoot: string;
  private readonly nodeFiles: readonly string[];
  /** The apiserver that ran at the last keep of its manifest, by lab (saveLastGoodManifest). */
  private readonly lastGood: LastGoodMemo = new Map();

  constructor(options: LifecycleOptions) {
    this.io = options.io;
    this.health = {
      // Eight minutes, as the cluster tier's settle: a component may wait out the kubelet's
      // five-minute crash-loop back-off (restarting the kubelet cuts it short, health.ts).
      timeoutMs: options.healthTimeoutMs ?? 8 * 60_000,
      pollMs: options.pollMs ?? 2_000,
      sleep: options.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms))),
    };
    this.nodeRoot = options.nodeBackupRoot ?? NODE_BACKUP_ROOT;
    this.nodeFiles = options.nodeFiles ?? LAB_NODE_FILES;
  }

  private get baselineOptions() {
    return { nodeRoot: this.nodeRoot, files: this.nodeFiles };
  }

  /** Scenarios with a backup on this lab (set up, not reset), but `except`. */
  private setUpScenarios(access: ClusterAccess, except?: string): string[] {
    return this.io.backups.list(access.provider.cluster).filter((id) => id !== BASELINE_KEY && id !== except);
  }

  readBackup(access: ClusterAccess, scenario: string): BackupRecord | undefined {
    return this.io.backups.read(access.provider.cluster, scenario);
  }

  async beforeSetup(
    scenario: Scenario,
    access: ClusterAccess,
    onLine: (line: string) => void,
  ): Promise<void> {
    await ensureHealthy(access, this.io.kube, { ...this.health, when: 'before the setup' }, onLine);
    const nodes = await access.provider.nodes();
    if (!readBaseline(access, this.io, nodes)) {
      // Taken only while nothing is set up: a scenario's setup has changed the lab on purpose.
      if (
        this.setUpScenarios(access, scenario.id).length === 0 &&
        !this.io.backups.read(access.provider.cluster, scenario.id)
      )
        await takeBaseline(access, this.io, nodes, this.baselineOptions, onLine);
    }
    await backUp(scenario, access, this.io, nodes, this.nodeRoot, onLine);
    const controlPlane = pickNode(nodes, 'control-plane');
    if (!controlPlane) return;
    await saveLastGoodManifest(access, this.io, { force: true, memo: this.lastGood }).catch(() => undefined);
    if (hasObserved(scenario)) {
      onLine(`starting the recorder on ${controlPlane.name}`);
      await installRecorder(access.provider, this.io, controlPlane.name);
    }
  }

  async afterReset(scenario: Scenario, access: ClusterAccess, onLine: (line: string) => void): Promise<void> {
    const nodes = await access.provider.nodes();
    const restartKubelet = await restoreBackups(scenario, access, this.io, this.nodeRoot, onLine);
    const baseline = readBaseline(access, this.io, nodes);
    if (baseline) {
      // What another scenario still set up owns stays as its setup left it.
      const keep = new Set<string>();
      for (const id of this.setUpScenarios(access, scenario.id))
        for (const e of this.io.backups.read(access.provider.cluster, id)?.entries ?? [])
          keep.add(`${e.node}:${e.path}`);
      for (const node of await restoreBaseline(access, this.io, baseline, this.baselineOptions, onLine, keep))
        restartKubelet.add(node);
    }
    for (const node of restartKubelet) {
      onLine(`restarting the kubelet on ${node}`);
      await lifecycleOnNode(access.provider, this.io, node, 'restart_kubelet', [], 'restarting the kubelet');
    }
    const controlPlane = pickNode(nodes, 'control-plane');
    if (controlPlane && hasObserved(scenario)) {
      onLine('removing the recorder');
      await removeRecorder(access.provider, this.io, controlPlane.name);
    }
    this.io.backups.remove(access.provider.cluster, scenario.id);
    await this.waitHealthy(access, onLine);
    await ensureHealthy(access, this.io.kube, { ...this.health, when: 'after the reset' }, onLine);
  }

  /** The recorded lab is not running (its nodes or its engine are gone): a UserError that says so. */
  async assertRunning(access: ClusterAccess): Promise<void> {
    const why = await labRunning(access);
    if (why)
      throw new UserError(
        why,
        'run `k8s-harden-lab status` to see what is wrong; `k8s-harden-lab up` starts it again',
        EXIT.lab,
      );
  }

  /** `k8s-harden-lab repair`: node files back to the baseline, kubelets restarted, cordons and stuck pods cleared. */
  repair(access: ClusterAccess, onLine: (line: string) => void): Promise<void> {
    return repairLab(access, this.io, { ...this.baselineOptions, health: this.health }, onLine);
  }

  /** Forgets the lab's baseline (the lab is deleted; a new one takes its own). */
  forgetBaseline(cluster: string): void {
    this.io.backups.remove(cluster, BASELINE_KEY);
  }

  /** Waits for apiserver /readyz, then every node Ready; progress lines while waiting. */
  waitHealthy(access: ClusterAccess, onLine: (line: string) => void): Promise<void> {
    return waitHealthy(access, this.io.kube, this.health, onLine);
  }

  saveLastGoodManifest(access: ClusterAccess, options: { force?: boolean } = {}): Promise<boolean> {
    return saveLastGoodManifest(access, this.io, { ...options, memo: this.lastGood });
  }

  /** Puts the last working apiserver manifest back and waits for the apiserver to answer. */
  async restoreLastGoodManifest(access: ClusterAccess, onLine: (line: string) => void): Promise<void> {
    this.lastGood.delete(access.kubeconfigPath);
    await restoreLastGoodManifest(access, this.io);
    onLine(`restored the last working ${APISERVER_MANIFEST}; waiting for the apiserver`);
    await this.waitHealthy(access, onLine);
  }
}
