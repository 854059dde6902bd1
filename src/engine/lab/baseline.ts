import type { BackupEntry, BackupRecord, LabNode, LifecycleIo } from '../ports.js';
import type { ClusterAccess } from '../probes/types.js';
import { backUpFiles, restoreEntries } from './backups.js';
import { lifecycleOnNode } from './node-exec.js';
import { BASELINE_KEY, LAB_NODE_FILES } from './node-paths.js';

/**
 * The lab's baseline: every node file a learner of any scenario may reasonably touch
 * (LAB_NODE_FILES: /etc/kubernetes, the kubelet's config, flags, unit and drop-ins,
 * /etc/default/kubelet), copied from every node while the lab is healthy and no scenario is set
 * up, and kept like a scenario's backup (sha256, mode, owner; locally, so a wrecked node loses
 * nothing). A reset puts back every baseline file that changed and removes files that were not
 * there, except those a scenario still set up owns; `repair` puts back all of them. A scenario's
 * `backup:` list is no longer the only thing that comes back.
 */

export type BaselineOptions = {
  /** Where node-side copies go. */
  readonly nodeRoot: string;
  /** What is watched (specs for khl_watched); tests point it at a temporary folder. */
  readonly files?: readonly string[];
};

const specs = (options: BaselineOptions) => options.files ?? LAB_NODE_FILES;

/** The baseline, when there is one for exactly these nodes (a recreated lab has other nodes). */
export function readBaseline(
  access: ClusterAccess,
  io: LifecycleIo,
  nodes: readonly LabNode[],
): BackupRecord | undefined {
  const record = io.backups.read(access.provider.cluster, BASELINE_KEY);
  if (!record) return undefined;
  const names = new Set(record.entries.map((e) => e.node));
  return nodes.every((n) => names.has(n.name)) && [...names].every((n) => nodes.some((x) => x.name === n))
    ? record
    : undefined;
}

async function watched(access: ClusterAccess, io: LifecycleIo, node: string, options: BaselineOptions) {
  const out = await lifecycleOnNode(
    access.provider,
    io,
    node,
    'watched',
    specs(options),
    'listing node files',
  );
  return out.split('\n').filter(Boolean);
}

/** Takes the baseline from every node (call it only on a healthy lab with nothing set up). */
export async function takeBaseline(
  access: ClusterAccess,
  io: LifecycleIo,
  nodes: readonly LabNode[],
  options: BaselineOptions,
  onLine: (line: string) => void,
): Promise<BackupRecord> {
  const entries: BackupEntry[] = [];
  for (const node of nodes) {
    const files = await watched(access, io, node.name, options);
    onLine(`keeping the lab's baseline: ${files.length} node file(s) on ${node.name}`);
    entries.push(
      ...(await backUpFiles(
        access,
        io,
        node.name,
        BASELINE_KEY,
        files.map((path) => ({ ref: node.name, path })),
        `${options.nodeRoot}/${BASELINE_KEY}`,
      )),
    );
    // A node with nothing to keep still belongs to the lab (readBaseline compares the nodes).
    if (files.length === 0) entries.push({ node: node.name, nodeRef: node.name, path: '', existed: false });
  }
  const record: BackupRecord = { scenario: BASELINE_KEY, createdAt: new Date().toISOString(), entries };
  io.backups.write(access.provider.cluster, BASELINE_KEY, record);
  return record;
}

/** What differs from the baseline on one node: files changed or gone, and files that are new. */
export type Drift = {
  readonly node: string;
  readonly changed: readonly BackupEntry[];
  readonly added: readonly string[];
};

export async function baselineDrift(
  access: ClusterAccess,
  io: LifecycleIo,
  record: BackupRecord,
  options: BaselineOptions,
  keep: ReadonlySet<string> = new Set(),
): Promise<Drift[]> {
  const byNode = new Map<string, BackupEntry[]>();
  for (const e of record.entries) byNode.set(e.node, [...(byNode.get(e.node) ?? []), e]);
  const drift: Drift[] = [];
  for (const [node, all] of byNode) {
    const entries = all.filter((e) => e.path !== '' && !keep.has(`${node}:${e.path}`));
    const now = await watched(access, io, node, options);
    const known = new Set(all.map((e) => e.path));
    const added = now.filter((p) => !known.has(p) && !keep.has(`${node}:${p}`));
    const out = await lifecycleOnNode(
      access.provider,
      io,
      node,
      'hashes',
      entries.map((e) => e.path),
      'reading the node files',
    );
    const current = new Map(
      out
        .split('\n')
        .filter(Boolean)
        .map((l) => [l.slice(0, l.lastIndexOf(' ')), l.slice(l.lastIndexOf(' ') + 1)] as const),
    );
    const changed = entries.filter((e) => (current.get(e.path) || undefined) !== e.sha256);
    if (changed.length > 0 || added.length > 0) drift.push({ node, changed, added });
  }
  return drift;
}

/** Whether a changed node file needs the kubelet restarted (all but static-pod manifests). */
const needsKubelet = (path: string) => !path.startsWith('/etc/kubernetes/manifests/');

/**
 * Puts the baseline back where it drifted (files in `keep`, `node:path`, are left alone: a
 * scenario still set up owns them) and returns the nodes whose kubelet must restart.
 */
export async function restoreBaseline(
  access: ClusterAccess,
  io: LifecycleIo,
  record: BackupRecord,
  options: BaselineOptions,
  onLine: (line: string) => void,
  keep: ReadonlySet<string> = new Set(),
): Promise<Set<string>> {
  const restart = new Set<string>();
  for (const d of await baselineDrift(access, io, record, options, keep)) {
    const removals: BackupEntry[] = d.added.map((path) => ({
      node: d.node,
      nodeRef: d.node,
      path,
      existed: false,
    }));
    const names = [...d.changed.map((e) => e.path), ...d.added].join(', ');
    onLine(`putting back the lab's node files on ${d.node}: ${names}`);
    await restoreEntries(access, io, d.node, BASELINE_KEY, [...d.changed, ...removals]);
    if ([...d.changed.map((e) => e.path), ...d.added].some(needsKubelet)) restart.add(d.node);
  }
  return restart;
}
