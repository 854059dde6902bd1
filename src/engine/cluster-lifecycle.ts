import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { log } from '../adapters/log.js';
import { labDir } from '../adapters/paths.js';
import type { Scenario } from '../domain/scenario.js';
import { EXIT, ExternalError, UserError } from './errors.js';
import type { LabProvider } from './ports.js';
import { kubeRequest, loadKubeConfig } from './probes/kube-client.js';
import { pickNode } from './probes/nodes.js';
import { installRecorderScript, removeRecorderScript } from './probes/observed-recorder.js';
import type { ClusterAccess } from './probes/types.js';
import type { ClusterHooks } from './trainer.js';

/**
 * Backup, reset and rollback on the lab's nodes.
 *
 * - beforeSetup: every node file the scenario declares in `backup:` is copied to
 *   NODE_BACKUP_ROOT/<scenario>/ on its node (outside /etc/kubernetes/manifests: a copy there would
 *   be read as a second static pod) and into the lab's data dir locally, with its sha256, mode and
 *   owner; files that did not exist are recorded so reset deletes them. A backup from an earlier
 *   setup that was never reset is kept (it holds the state before the first setup). Scenarios with
 *   an `observed` check get the recorder on the control-plane node.
 * - afterReset: restores byte for byte (sha256 verified), restarts the kubelet where kubelet files
 *   changed, removes the recorder, waits for apiserver /readyz and every node Ready, then drops the
 *   backup.
 * - the last kube-apiserver manifest that worked is kept in LAST_GOOD (also outside manifests/) and
 *   can be put back on request (the watch loop offers it when the apiserver stays down).
 */
export const NODE_BACKUP_ROOT = '/var/lib/k8s-harden-lab/backups';
export const LAST_GOOD_DIR = '/var/lib/k8s-harden-lab/last-good';
export const APISERVER_MANIFEST = '/etc/kubernetes/manifests/kube-apiserver.yaml';
export const LAST_GOOD_MANIFEST = `${LAST_GOOD_DIR}/kube-apiserver.yaml`;

export type BackupEntry = {
  readonly node: string;
  readonly nodeRef: string;
  readonly path: string;
  readonly existed: boolean;
  readonly sha256?: string;
  readonly mode?: string;
  readonly uid?: number;
  readonly gid?: number;
};

export type BackupRecord = {
  readonly scenario: string;
  readonly createdAt: string;
  readonly entries: readonly BackupEntry[];
};

export type LifecycleOptions = {
  readonly env?: NodeJS.ProcessEnv;
  readonly healthTimeoutMs?: number;
  readonly pollMs?: number;
  readonly sleep?: (ms: number) => Promise<void>;
  /** Where node-side backups go (tests point it at a temporary folder). Default NODE_BACKUP_ROOT. */
  readonly nodeBackupRoot?: string;
};

const EXEC_TIMEOUT_MS = 60_000;

function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

function shQuote(s: string): string {
  return `'${s.replaceAll("'", `'\\''`)}'`;
}

/** Files whose change means the kubelet must restart to apply it. */
export function isKubeletFile(file: string): boolean {
  return (
    file.startsWith('/var/lib/kubelet/') ||
    file === '/etc/default/kubelet' ||
    file.startsWith('/etc/systemd/system/kubelet.service')
  );
}

export class ClusterLifecycle implements ClusterHooks {
  private readonly env: NodeJS.ProcessEnv;
  private readonly healthTimeoutMs: number;
  private readonly pollMs: number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly nodeRoot: string;

  constructor(options: LifecycleOptions = {}) {
    this.env = options.env ?? process.env;
    this.healthTimeoutMs = options.healthTimeoutMs ?? 4 * 60_000;
    this.pollMs = options.pollMs ?? 2_000;
    this.sleep = options.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
    this.nodeRoot = options.nodeBackupRoot ?? NODE_BACKUP_ROOT;
  }

  backupDir(access: ClusterAccess, scenario: string): string {
    return path.join(labDir(access.provider.cluster, this.env), 'backups', scenario);
  }

  readBackup(access: ClusterAccess, scenario: string): BackupRecord | undefined {
    try {
      return JSON.parse(
        fs.readFileSync(path.join(this.backupDir(access, scenario), 'backup.json'), 'utf8'),
      ) as BackupRecord;
    } catch {
      return undefined;
    }
  }

  private async exec(provider: LabProvider, node: string, script: string, what: string): Promise<string> {
    const r = await provider.exec(node, ['bash', '-s'], { stdin: script, timeoutMs: EXEC_TIMEOUT_MS });
    if (r.exitCode !== 0)
      throw new ExternalError(
        `bash -s on ${node} (${what})`,
        r,
        `${what} on ${node} failed: ${r.failure || r.stderr.trim()}`,
        'check the lab with `k8s-harden-lab status`; details are in the debug log',
        EXIT.lab,
      );
    return r.stdout;
  }

  async beforeSetup(
    scenario: Scenario,
    access: ClusterAccess,
    onLine: (line: string) => void,
  ): Promise<void> {
    const nodes = await access.provider.nodes();
    const dir = this.backupDir(access, scenario.id);
    if (scenario.backup.length > 0) {
      if (this.readBackup(access, scenario.id)) {
        onLine('keeping the backup from the earlier setup (the lab has not been reset since)');
      } else {
        const entries: BackupEntry[] = [];
        fs.mkdirSync(path.join(dir, 'files'), { recursive: true });
        const byNode = new Map<string, Array<{ ref: string; path: string }>>();
        for (const b of scenario.backup) {
          const node = pickNode(nodes, b.node);
          if (!node)
            throw new UserError(`the lab has no node "${b.node}"`, 'run `k8s-harden-lab status`', EXIT.lab);
          byNode.set(node.name, [...(byNode.get(node.name) ?? []), { ref: b.node, path: b.path }]);
        }
        for (const [node, files] of byNode) {
          onLine(`backing up ${files.length} file(s) on ${node}`);
          const nodeDir = `${this.nodeRoot}/${scenario.id}`;
          const script = [
            'set -e',
            `mkdir -p ${shQuote(`${nodeDir}/files`)}`,
            ...files.map((f, i) =>
              [
                `f=${shQuote(f.path)}`,
                'if [ -f "$f" ]; then',
                `  mkdir -p ${shQuote(nodeDir)}/files"$(dirname "$f")"`,
                `  cp -p "$f" ${shQuote(nodeDir)}/files"$f"`,
                `  printf 'E ${i} %s %s ' "$(stat -c '%a %u %g' "$f" | tr ' ' ,)" "$(sha256sum "$f" | cut -d' ' -f1)"`,
                '  base64 -w0 "$f"; echo',
                `else echo 'M ${i}'; fi`,
              ].join('\n'),
            ),
          ].join('\n');
          const out = await this.exec(access.provider, node, script, 'backup');
          for (const line of out.split('\n')) {
            const [tag, index, meta, sum, data] = line.split(' ');
            const file = files[Number(index)];
            if (!file) continue;
            if (tag === 'M') entries.push({ node, nodeRef: file.ref, path: file.path, existed: false });
            if (tag === 'E' && meta && sum) {
              const bytes = Buffer.from(data ?? '', 'base64');
              if (sha256(bytes) !== sum)
                throw new UserError(
                  `backup of ${file.path} on ${node} was corrupted in transit`,
                  'run setup again',
                  EXIT.lab,
                );
              fs.writeFileSync(path.join(dir, 'files', sum), bytes, { mode: 0o600 });
              const [mode, uid, gid] = meta.split(',');
              entries.push({
                node,
                nodeRef: file.ref,
                path: file.path,
                existed: true,
                sha256: sum,
                mode,
                uid: Number(uid),
                gid: Number(gid),
              });
            }
          }
        }
        const missing = scenario.backup.filter(
          (b) => !entries.some((e) => e.path === b.path && e.nodeRef === b.node),
        );
        if (missing.length > 0)
          throw new UserError(
            `could not back up ${missing.map((m) => m.path).join(', ')}`,
            'run setup again',
            EXIT.lab,
          );
        const record: BackupRecord = { scenario: scenario.id, createdAt: new Date().toISOString(), entries };
        fs.writeFileSync(path.join(dir, 'backup.json'), `${JSON.stringify(record, null, 2)}\n`, {
          mode: 0o600,
        });
        log.info('backup', { scenario: scenario.id, files: entries.length });
      }
    }
    const controlPlane = pickNode(nodes, 'control-plane');
    if (controlPlane) {
      await this.saveLastGoodManifest(access, { force: true }).catch(() => undefined);
      if (scenario.checks.some((c) => c.probe.kind === 'observed')) {
        onLine(`starting the recorder on ${controlPlane.name}`);
        await this.exec(access.provider, controlPlane.name, installRecorderScript(), 'starting the recorder');
      }
    }
  }

  /** The restore script for one node's entries; prints `R <path> <sha>` after each restore. */
  restoreScript(entries: readonly BackupEntry[], dir: string): { script: string } {
    const parts = ['set -e'];
    for (const e of entries) {
      const f = shQuote(e.path);
      if (!e.existed) {
        parts.push(`rm -f ${f}`, `echo "R ${e.path} -"`);
        continue;
      }
      const data = fs.readFileSync(path.join(dir, 'files', e.sha256 ?? '')).toString('base64');
      // A dot-file in the same folder (ignored by the kubelet's static-pod reader), then an atomic rename.
      const tmp = shQuote(`${path.posix.dirname(e.path)}/.khl-restore.${path.posix.basename(e.path)}`);
      parts.push(
        `mkdir -p ${shQuote(path.posix.dirname(e.path))}`,
        `echo ${data} | base64 -d > ${tmp}`,
        `chmod ${e.mode ?? '600'} ${tmp}`,
        `chown ${e.uid ?? 0}:${e.gid ?? 0} ${tmp}`,
        `mv -f ${tmp} ${f}`,
        `echo "R ${e.path} $(sha256sum ${f} | cut -d' ' -f1)"`,
      );
    }
    return { script: parts.join('\n') };
  }

  async afterReset(scenario: Scenario, access: ClusterAccess, onLine: (line: string) => void): Promise<void> {
    const dir = this.backupDir(access, scenario.id);
    const record = this.readBackup(access, scenario.id);
    const nodes = await access.provider.nodes();
    const restartKubelet = new Set<string>();
    if (record) {
      const byNode = new Map<string, BackupEntry[]>();
      for (const e of record.entries) byNode.set(e.node, [...(byNode.get(e.node) ?? []), e]);
      for (const [node, entries] of byNode) {
        // What differs now (only those need a restart), read before restoring.
        const before = await this.exec(
          access.provider,
          node,
          entries
            .map(
              (e) =>
                `printf '%s %s\\n' ${shQuote(e.path)} "$(sha256sum ${shQuote(e.path)} 2>/dev/null | cut -d' ' -f1)"`,
            )
            .join('\n'),
          'reading the current files',
        );
        const current = new Map(
          before
            .split('\n')
            .filter(Boolean)
            .map((l) => [l.slice(0, l.lastIndexOf(' ')), l.slice(l.lastIndexOf(' ') + 1)] as const),
        );
        const changed = entries.filter(
          (e) => (current.get(e.path) || undefined) !== (e.existed ? e.sha256 : undefined),
        );
        onLine(
          `restoring ${entries.length} file(s) on ${node}${changed.length ? ` (${changed.length} changed)` : ''}`,
        );
        const out = await this.exec(
          access.provider,
          node,
          this.restoreScript(entries, dir).script,
          'restore',
        );
        for (const e of entries) {
          const line = out.split('\n').find((l) => l.startsWith(`R ${e.path} `));
          const sum = line?.slice(line.lastIndexOf(' ') + 1);
          if (sum !== (e.existed ? e.sha256 : '-'))
            throw new UserError(`${e.path} on ${node} was not restored exactly`, 'run reset again', EXIT.lab);
        }
        if (changed.some((e) => isKubeletFile(e.path))) restartKubelet.add(node);
        await this.exec(
          access.provider,
          node,
          `rm -rf ${shQuote(`${this.nodeRoot}/${scenario.id}`)}`,
          'removing the node backup',
        );
      }
    }
    for (const node of restartKubelet) {
      onLine(`restarting the kubelet on ${node}`);
      await this.exec(
        access.provider,
        node,
        'systemctl daemon-reload; systemctl restart kubelet',
        'restarting the kubelet',
      );
    }
    const controlPlane = pickNode(nodes, 'control-plane');
    if (controlPlane && scenario.checks.some((c) => c.probe.kind === 'observed')) {
      onLine('removing the recorder');
      await this.exec(access.provider, controlPlane.name, removeRecorderScript(), 'removing the recorder');
    }
    await this.waitHealthy(access, onLine);
    fs.rmSync(dir, { recursive: true, force: true });
  }

  /** Waits for apiserver /readyz, then every node Ready; progress lines while waiting. */
  async waitHealthy(access: ClusterAccess, onLine: (line: string) => void): Promise<void> {
    const started = Date.now();
    const kc = () => loadKubeConfig(access.kubeconfigPath);
    let said = '';
    const say = (line: string) => {
      if (line !== said) onLine(line);
      said = line;
    };
    for (;;) {
      const ready = await kubeRequest(kc(), '/readyz', { timeoutMs: 5_000 });
      if (ready.type === 'ok') {
        const nodes = await kubeRequest(kc(), '/api/v1/nodes', { timeoutMs: 5_000 });
        if (nodes.type === 'ok') {
          const items =
            (
              nodes.body as {
                items?: Array<{
                  metadata?: { name?: string };
                  status?: { conditions?: Array<{ type?: string; status?: string }> };
                }>;
              }
            ).items ?? [];
          const notReady = items
            .filter((n) => n.status?.conditions?.find((c) => c.type === 'Ready')?.status !== 'True')
            .map((n) => n.metadata?.name);
          if (notReady.length === 0) {
            onLine(
              `cluster healthy (apiserver ready, ${items.length} node(s) Ready) after ${Math.round((Date.now() - started) / 1000)} s`,
            );
            return;
          }
          say(`waiting for node(s) ${notReady.join(', ')} to be Ready`);
        }
      } else say('waiting for the apiserver (/readyz)');
      if (Date.now() - started > this.healthTimeoutMs)
        throw new UserError(
          `the lab did not become healthy within ${Math.round(this.healthTimeoutMs / 1000)} s after the reset`,
          'run `k8s-harden-lab status`; if it stays unhealthy, `k8s-harden-lab down` and `up` make a fresh lab',
          EXIT.lab,
        );
      await this.sleep(this.pollMs);
    }
  }

  /**
   * Keeps the apiserver manifest as "the last one that worked" — only when the running apiserver
   * was started after the manifest's last change (so it is THIS manifest that works) and it answers
   * /readyz. `force`: copy without the check (before setup, when the lab is known good).
   */
  async saveLastGoodManifest(access: ClusterAccess, options: { force?: boolean } = {}): Promise<boolean> {
    const nodes = await access.provider.nodes();
    const cp = pickNode(nodes, 'control-plane');
    if (!cp) return false;
    if (!options.force) {
      const ready = await kubeRequest(loadKubeConfig(access.kubeconfigPath), '/readyz', { timeoutMs: 5_000 });
      if (ready.type !== 'ok') return false;
    }
    const m = APISERVER_MANIFEST;
    const script = [
      `m=${m}; g=${LAST_GOOD_MANIFEST}`,
      '[ -f "$m" ] || exit 0',
      `mkdir -p ${LAST_GOOD_DIR}`,
      options.force
        ? 'ok=1'
        : [
            "ok=0; bt=$(awk '/^btime/{print $2}' /proc/stat); hz=$(getconf CLK_TCK 2>/dev/null || echo 100)",
            'for d in /proc/[0-9]*; do a0=""; read -r -d "" a0 < "$d/cmdline" 2>/dev/null',
            // biome-ignore lint/suspicious/noTemplateCurlyInString: shell parameter expansion
            '  [ "${a0##*/}" = kube-apiserver ] || continue',
            '  st=$(awk -v bt="$bt" -v hz="$hz" \'{sub(/^.*\\) /,""); print bt + int($20/hz)}\' "$d/stat")',
            '  [ "$st" -gt "$(stat -c %Y "$m")" ] && ok=1',
            'done',
          ].join('\n'),
      '[ "$ok" = 1 ] || exit 0',
      'cmp -s "$m" "$g" && { echo same; exit 0; }',
      'cp -p "$m" "$g.tmp" && mv -f "$g.tmp" "$g" && echo saved',
    ].join('\n');
    const r = await access.provider.exec(cp.name, ['bash', '-s'], { stdin: script, timeoutMs: 20_000 });
    const saved = r.stdout.includes('saved');
    if (saved) log.info('kept the working apiserver manifest', { node: cp.name });
    return saved || r.stdout.includes('same');
  }

  /** Puts the last working apiserver manifest back and waits for the apiserver to answer. */
  async restoreLastGoodManifest(access: ClusterAccess, onLine: (line: string) => void): Promise<void> {
    const nodes = await access.provider.nodes();
    const cp = pickNode(nodes, 'control-plane');
    if (!cp)
      throw new UserError('the lab has no control-plane node', 'run `k8s-harden-lab status`', EXIT.lab);
    const tmp = '/etc/kubernetes/manifests/.khl-restore.kube-apiserver.yaml';
    await this.exec(
      access.provider,
      cp.name,
      [
        `[ -f ${LAST_GOOD_MANIFEST} ] || { echo "no working manifest was kept" >&2; exit 3; }`,
        `cp -p ${LAST_GOOD_MANIFEST} ${tmp}`,
        `mv -f ${tmp} ${APISERVER_MANIFEST}`,
      ].join('\n'),
      'restoring the last working apiserver manifest',
    );
    onLine(`restored the last working ${APISERVER_MANIFEST}; waiting for the apiserver`);
    await this.waitHealthy(access, onLine);
  }
}

/** The engine's ClusterHooks for the composition root (and the cluster-tier harness). */
export function createClusterHooks(options: LifecycleOptions = {}): ClusterLifecycle {
  return new ClusterLifecycle(options);
}
