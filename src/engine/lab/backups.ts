import { createHash } from 'node:crypto';
import { log } from '../../adapters/log.js';
import type { Scenario } from '../../domain/scenario.js';
import { EXIT, UserError } from '../errors.js';
import type { BackupEntry, BackupRecord, LabNode, LifecycleIo } from '../ports.js';
import { pickNode } from '../probes/nodes.js';
import type { ClusterAccess } from '../probes/types.js';
import { b64, lifecycleOnNode } from './node-exec.js';

/**
 * Node-file backups: every file a scenario declares in `backup:` is copied on its node (outside
 * /etc/kubernetes/manifests) and kept locally with its sha256, mode and owner; a file that did not
 * exist is recorded so reset deletes it. Reset restores them byte for byte (sha256 verified).
 */

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

/** Files whose change means the kubelet must restart to apply it. */
export function isKubeletFile(file: string): boolean {
  return (
    file.startsWith('/var/lib/kubelet/') ||
    file === '/etc/default/kubelet' ||
    file.startsWith('/etc/systemd/system/kubelet.service')
  );
}

/** Backs up the scenario's node files (a backup from an earlier setup never reset is kept). */
export async function backUp(
  scenario: Scenario,
  access: ClusterAccess,
  io: LifecycleIo,
  nodes: readonly LabNode[],
  nodeRoot: string,
  onLine: (line: string) => void,
): Promise<void> {
  const cluster = access.provider.cluster;
  if (scenario.backup.length === 0) return;
  if (io.backups.read(cluster, scenario.id)) {
    onLine('keeping the backup from the earlier setup (the lab has not been reset since)');
    return;
  }
  const byNode = new Map<string, Array<{ ref: string; path: string }>>();
  for (const b of scenario.backup) {
    const node = pickNode(nodes, b.node);
    if (!node)
      throw new UserError(`the lab has no node "${b.node}"`, 'run `k8s-harden-lab status`', EXIT.lab);
    byNode.set(node.name, [...(byNode.get(node.name) ?? []), { ref: b.node, path: b.path }]);
  }
  const entries: BackupEntry[] = [];
  for (const [node, files] of byNode) {
    onLine(`backing up ${files.length} file(s) on ${node}`);
    entries.push(...(await backUpFiles(access, io, node, scenario.id, files, `${nodeRoot}/${scenario.id}`)));
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
  io.backups.write(cluster, scenario.id, record);
  log.info('backup', { scenario: scenario.id, files: entries.length });
}

/**
 * Copies files on one node (to `nodeDir`) and keeps their bytes locally under `key`: an entry per
 * file, `existed: false` for one that is not there (a restore deletes it).
 */
export async function backUpFiles(
  access: ClusterAccess,
  io: LifecycleIo,
  node: string,
  key: string,
  files: ReadonlyArray<{ readonly ref: string; readonly path: string }>,
  nodeDir: string,
): Promise<BackupEntry[]> {
  if (files.length === 0) return [];
  const cluster = access.provider.cluster;
  const entries: BackupEntry[] = [];
  const out = await lifecycleOnNode(
    access.provider,
    io,
    node,
    'backup',
    [nodeDir, ...files.map((f) => f.path)],
    'backup',
  );
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
      io.backups.saveFile(cluster, key, sum, bytes);
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
  return entries;
}

/** Writes entries back on one node byte for byte (or deletes them) and verifies each sha256. */
export async function restoreEntries(
  access: ClusterAccess,
  io: LifecycleIo,
  node: string,
  key: string,
  entries: readonly BackupEntry[],
): Promise<void> {
  if (entries.length === 0) return;
  const out = await lifecycleOnNode(access.provider, io, node, 'restore', [], 'restore', {
    stdin: restoreInput(io, access.provider.cluster, key, entries),
  });
  for (const e of entries) {
    const line = out.split('\n').find((l) => l.startsWith(`R ${e.path} `));
    const sum = line?.slice(line.lastIndexOf(' ') + 1);
    if (sum !== (e.existed ? e.sha256 : '-'))
      throw new UserError(`${e.path} on ${node} was not restored exactly`, 'run reset again', EXIT.lab);
  }
}

/** The restore's input for one node: a line per file (see khl_restore in shell/node/lifecycle.sh). */
export function restoreInput(
  io: LifecycleIo,
  cluster: string,
  scenario: string,
  entries: readonly BackupEntry[],
): string {
  return entries
    .map((e) =>
      e.existed
        ? `R ${b64(e.path)} ${e.mode ?? '600'} ${e.uid ?? 0} ${e.gid ?? 0} ${io.backups.loadFile(cluster, scenario, e.sha256 ?? '').toString('base64')}`
        : `D ${b64(e.path)}`,
    )
    .join('\n')
    .concat('\n');
}

/**
 * Restores a scenario's backup byte for byte and drops it on the nodes; returns the nodes whose
 * kubelet files changed (they need a kubelet restart). No backup: nothing to do.
 */
export async function restoreBackups(
  scenario: Scenario,
  access: ClusterAccess,
  io: LifecycleIo,
  nodeRoot: string,
  onLine: (line: string) => void,
): Promise<Set<string>> {
  const cluster = access.provider.cluster;
  const record = io.backups.read(cluster, scenario.id);
  const restartKubelet = new Set<string>();
  if (!record) return restartKubelet;
  const byNode = new Map<string, BackupEntry[]>();
  for (const e of record.entries) byNode.set(e.node, [...(byNode.get(e.node) ?? []), e]);
  for (const [node, entries] of byNode) {
    // What differs now (only those need a restart), read before restoring.
    const before = await lifecycleOnNode(
      access.provider,
      io,
      node,
      'hashes',
      entries.map((e) => e.path),
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
    await restoreEntries(access, io, node, scenario.id, entries);
    if (changed.some((e) => isKubeletFile(e.path))) restartKubelet.add(node);
    await lifecycleOnNode(
      access.provider,
      io,
      node,
      'drop',
      [`${nodeRoot}/${scenario.id}`],
      'removing the node backup',
    );
  }
  return restartKubelet;
}
