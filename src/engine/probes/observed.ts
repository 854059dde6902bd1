import type { Observation } from '../../domain/checks.js';
import { RECORDER_LOG, RECORDER_NODES, RECORDER_PODS } from '../lab/node-paths.js';
import { nodeBatch } from './node-batch.js';
import { resolveNode } from './nodes.js';
import type { ProbeContext, ProbeExecutor } from './types.js';
import { probeError, value } from './types.js';

/**
 * `observed`: facts about what happened DURING the attempt, computed from evidence kept on the
 * cluster — the recorder's JSON lines on the control-plane node (see shell/node/recorder.sh: a
 * snapshot of nodes, pods and PDBs when the attempt starts and whenever the 2 s poll sees a change,
 * every pod and node change from a watch stamped to the millisecond, the kubelets' Node events)
 * plus the running kubelet's start time read on the node (to the 10 ms). The lines are replayed in
 * time order: a snapshot replaces the state, a watch event updates one object, so the state at any
 * moment of the attempt is known, not just at the moments a poll happened to look.
 *
 * Facts (the probe's `fact`, with its own fields), and what each observes:
 *
 * - `recorder` → `{running, samples, since, lastSampleAgeSeconds}`: the recorder is installed and
 *   writing (`running`: a line in the last 45 s). A guard check, usually ungraded.
 *
 * - `node-maintenance` (with `node:` = `worker`, `control-plane` or a name) →
 *   `{node, kubeletRestarts, restarts: [{at, unschedulable, evictable: ["ns/name"], known}],
 *     cordonedAtEveryRestart, emptyAtEveryRestart, drainedBeforeRestart, drainedAtSomePoint,
 *     backInServiceAfterLastRestart, unschedulableNow}`.
 *   A kubelet restart is the running kubelet's process start, or an earlier kubelet `Starting`
 *   event for the node, after the attempt began (restarts within 3 s of each other are one). For
 *   each, the state just before it says whether the node was unschedulable and which evictable pods
 *   were on it (evictable: not a DaemonSet's, not a static/mirror pod, not Succeeded/Failed; pods
 *   being deleted still count — a finished drain has none). `drainedBeforeRestart` is true when
 *   there was at least one restart and at every one the node was cordoned and empty.
 *   `drainedAtSomePoint`: at some moment the node was unschedulable with no evictable pods.
 *   `backInServiceAfterLastRestart`: the kubelet restarted during the attempt and the node is now
 *   schedulable and Ready (uncordoned after the maintenance).
 *
 * - `pdb` (with `namespace:` and `name:`) → `{minAvailable, lowestHealthy, lowestAt, respected, samples, seen}`:
 *   the fewest healthy pods (Ready, matching the PDB's matchLabels, not being deleted) at any moment
 *   from the first one where the PDB existed and was satisfied. The floor is `spec.minAvailable`
 *   when it is a number, else the PDB's `status.desiredHealthy`. `respected`: seen and never below
 *   the floor.
 */

type SnapNode = { name: string; unsched: boolean; ready: boolean };
type SnapPod = {
  ns: string;
  name: string;
  node: string;
  phase?: string;
  ready: boolean;
  owner: string;
  mirror: boolean;
  del: boolean;
  labels: Record<string, string>;
};
type SnapPdb = {
  ns: string;
  name: string;
  min?: number | string;
  sel: Record<string, string>;
  desired?: number;
};
type Snapshot = { nodes: SnapNode[]; pods: SnapPod[]; pdbs: SnapPdb[] };
type NodeEvent = { node: string; reason: string; time?: string; first?: string; count?: number };
type WatchEvent = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';
export type RecorderLine =
  | { t: number; type: 'start' | 'attempt' | 'beat' }
  | { t: number; type: 'snapshot'; s: Snapshot }
  | { t: number; type: 'events'; e: NodeEvent[] }
  | { t: number; type: 'pod'; ev: WatchEvent; o: SnapPod }
  | { t: number; type: 'node'; ev: WatchEvent; o: SnapNode };

export function parseRecorderLog(text: string): RecorderLine[] {
  const out: RecorderLine[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    try {
      const parsed = JSON.parse(line) as RecorderLine;
      if (typeof parsed.t === 'number') out.push(parsed);
    } catch {
      // A line cut short (the recorder was writing): skip it.
    }
  }
  return out;
}

/**
 * The lines of the current attempt, in time order: from the last `attempt` mark, else the last
 * `start` (the watch logs carry no marks; their lines count from the same moment).
 */
export function attemptLines(lines: readonly RecorderLine[]): {
  since: number | undefined;
  lines: RecorderLine[];
} {
  const lastOf = (type: RecorderLine['type']) =>
    lines.reduce<number | undefined>(
      (m, l) => (l.type === type && (m === undefined || l.t > m) ? l.t : m),
      undefined,
    );
  const from = lastOf('attempt') ?? lastOf('start');
  const current = from === undefined ? [...lines] : lines.filter((l) => l.t >= from);
  return {
    since: from ?? lines[0]?.t,
    lines: current
      .map((l, i) => ({ l, i }))
      .sort((a, b) => a.l.t - b.l.t || a.i - b.i)
      .map((x) => x.l),
  };
}

export function evictable(pod: SnapPod): boolean {
  return pod.owner !== 'DaemonSet' && !pod.mirror && pod.phase !== 'Succeeded' && pod.phase !== 'Failed';
}

type ClusterState = {
  readonly nodes: Map<string, SnapNode>;
  readonly pods: Map<string, SnapPod>;
  pdbs: SnapPdb[];
};

/**
 * Replays the attempt's lines in time order and calls `visit` with the state after every change,
 * starting at the first snapshot (before it the state is unknown). `before(t)` is called with the
 * state as it was just before each line, for facts that ask "what did it look like at moment t".
 */
function replay(
  lines: readonly RecorderLine[],
  visit: (t: number, state: ClusterState) => void,
  before?: (t: number, state: ClusterState | undefined) => void,
): ClusterState | undefined {
  let state: ClusterState | undefined;
  const key = (p: SnapPod) => `${p.ns}/${p.name}`;
  for (const line of lines) {
    before?.(line.t, state);
    if (line.type === 'snapshot') {
      state = {
        nodes: new Map(line.s.nodes.map((n) => [n.name, n])),
        pods: new Map(line.s.pods.map((p) => [key(p), p])),
        pdbs: line.s.pdbs,
      };
    } else if (state && (line.type === 'pod' || line.type === 'node')) {
      if (line.ev !== 'ADDED' && line.ev !== 'MODIFIED' && line.ev !== 'DELETED') continue;
      if (line.type === 'pod') {
        if (line.ev === 'DELETED') state.pods.delete(key(line.o));
        else state.pods.set(key(line.o), line.o);
      } else if (line.ev === 'DELETED') state.nodes.delete(line.o.name);
      else state.nodes.set(line.o.name, line.o);
    } else continue;
    visit(line.t, state);
  }
  return state;
}

function evictableOn(state: ClusterState, node: string): string[] {
  return [...state.pods.values()]
    .filter((p) => p.node === node && evictable(p))
    .map((p) => `${p.ns}/${p.name}`);
}

/**
 * Kubelet restart times (ms) for a node, after `since`. The running kubelet's process start is
 * exact; `Starting` events are stamped in whole seconds a moment after a kubelet started, so a
 * stamp from less than a second before the running kubelet's start on is that same start, and
 * earlier stamps are earlier restarts.
 */
export function kubeletRestarts(
  lines: readonly RecorderLine[],
  node: string,
  since: number,
  processStartMs: number | undefined,
): number[] {
  const times: number[] = [];
  for (const l of lines)
    if (l.type === 'events')
      for (const e of l.e)
        if (e.node === node && e.reason === 'Starting') {
          for (const stamp of [e.time, e.first]) {
            const ms = stamp ? Date.parse(stamp) : Number.NaN;
            if (!Number.isNaN(ms) && (processStartMs === undefined || ms <= processStartMs - 1000))
              times.push(ms);
          }
        }
  if (processStartMs !== undefined) times.push(processStartMs);
  const sorted = times.filter((t) => t >= since).sort((a, b) => a - b);
  const merged: number[] = [];
  for (const t of sorted) if (merged.length === 0 || t - (merged.at(-1) ?? 0) > 3000) merged.push(t);
  return merged;
}

export function nodeMaintenanceFact(
  lines: readonly RecorderLine[],
  node: string,
  processStartMs: number | undefined,
) {
  const { since, lines: current } = attemptLines(lines);
  const times = kubeletRestarts(current, node, since ?? 0, processStartMs);
  type AtRestart = { at: string; known: boolean; unschedulable: boolean; evictable: string[] };
  const restarts: AtRestart[] = [];
  const record = (at: number, state: ClusterState | undefined) => {
    const n = state?.nodes.get(node);
    restarts.push({
      at: new Date(at).toISOString(),
      known: Boolean(state && n),
      unschedulable: n?.unsched === true,
      evictable: state ? evictableOn(state, node) : [],
    });
  };
  let drainedAtSomePoint = false;
  const final = replay(
    current,
    (_t, state) => {
      if (state.nodes.get(node)?.unsched && evictableOn(state, node).length === 0) drainedAtSomePoint = true;
    },
    (t, state) => {
      while (restarts.length < times.length && (times[restarts.length] ?? 0) <= t)
        record(times[restarts.length] ?? 0, state);
    },
  );
  while (restarts.length < times.length) record(times[restarts.length] ?? 0, final);
  const now = final?.nodes.get(node);
  const cordoned = restarts.every((r) => r.known && r.unschedulable);
  const empty = restarts.every((r) => r.known && r.evictable.length === 0);
  return {
    node,
    kubeletRestarts: restarts.length,
    restarts,
    cordonedAtEveryRestart: restarts.length > 0 && cordoned,
    emptyAtEveryRestart: restarts.length > 0 && empty,
    drainedBeforeRestart: restarts.length > 0 && cordoned && empty,
    drainedAtSomePoint,
    backInServiceAfterLastRestart: restarts.length > 0 && now !== undefined && !now.unsched && now.ready,
    unschedulableNow: now?.unsched === true,
  };
}

function matches(labels: Record<string, string>, selector: Record<string, string>): boolean {
  return Object.entries(selector).every(([k, v]) => labels[k] === v);
}

export function pdbFact(lines: readonly RecorderLine[], namespace: string, name: string) {
  const { lines: current } = attemptLines(lines);
  let seen = false;
  let lowest: number | undefined;
  let lowestAt: number | undefined;
  let floor: number | undefined;
  let samples = 0;
  let violated = false;
  replay(current, (t, state) => {
    const pdb = state.pdbs.find((p) => p.ns === namespace && p.name === name);
    if (!pdb) return;
    const min = typeof pdb.min === 'number' ? pdb.min : pdb.desired;
    if (min === undefined) return;
    let healthy = 0;
    for (const p of state.pods.values())
      if (p.ns === namespace && !p.del && p.ready && matches(p.labels, pdb.sel)) healthy++;
    if (!seen) {
      if (healthy < min) return;
      seen = true;
    }
    samples++;
    floor = min;
    if (lowest === undefined || healthy < lowest) {
      lowest = healthy;
      lowestAt = t;
    }
    if (healthy < min) violated = true;
  });
  return {
    minAvailable: floor,
    lowestHealthy: lowest,
    lowestAt: lowestAt === undefined ? undefined : new Date(lowestAt).toISOString(),
    seen,
    samples,
    respected: seen && !violated,
  };
}

export function recorderFact(lines: readonly RecorderLine[], nowMs: number) {
  const { since, lines: current } = attemptLines(lines);
  const last = lines.reduce<number | undefined>((m, l) => (m === undefined || l.t > m ? l.t : m), undefined);
  return {
    running: last !== undefined && nowMs - last < 45_000,
    samples: current.filter((l) => l.type !== 'start' && l.type !== 'attempt').length,
    since: since === undefined ? undefined : new Date(since).toISOString(),
    lastSampleAgeSeconds: last === undefined ? undefined : Math.round((nowMs - last) / 1000),
  };
}

async function recorderLines(context: ProbeContext): Promise<RecorderLine[] | Observation> {
  const batch = await nodeBatch(context, 'control-plane');
  const [main, pods, nodes] = await Promise.all(
    [RECORDER_LOG, RECORDER_PODS, RECORDER_NODES].map((f) => batch.file(f)),
  );
  if (!main?.exists || main.content === undefined)
    return probeError(
      `no recording of this attempt (${RECORDER_LOG} is missing on ${batch.node}): run setup again`,
    );
  // The watch logs are missing only with a recorder from before they existed: snapshots alone then.
  return parseRecorderLog([main.content, pods?.content ?? '', nodes?.content ?? ''].join('\n'));
}

export const observedProbe: ProbeExecutor<'observed'> = async (spec, context) => {
  switch (spec.fact) {
    case 'recorder': {
      const lines = await recorderLines(context);
      return Array.isArray(lines) ? value(recorderFact(lines, Date.now())) : lines;
    }
    case 'node-maintenance': {
      const node = await resolveNode(context, spec.node);
      const batch = await nodeBatch(context, node);
      const [lines, procs] = await Promise.all([recorderLines(context), batch.processes('kubelet')]);
      if (!Array.isArray(lines)) return lines;
      const started = procs.at(-1)?.startedAt;
      return value(nodeMaintenanceFact(lines, node, started ? started * 1000 : undefined));
    }
    case 'pdb': {
      const lines = await recorderLines(context);
      return Array.isArray(lines) ? value(pdbFact(lines, spec.namespace, spec.name)) : lines;
    }
  }
};
