import type { Observation } from '../../domain/checks.js';
import { nodeBatch } from './node-batch.js';
import { resolveNode } from './nodes.js';
import { RECORDER_LOG } from './observed-recorder.js';
import type { ProbeContext, ProbeExecutor } from './types.js';
import { probeError, value } from './types.js';

/**
 * `observed`: facts about what happened DURING the attempt, computed from evidence kept on the
 * cluster — the recorder's JSON lines on the control-plane node (see observed-recorder.ts: node,
 * pod and PDB snapshots every second, the kubelet's Node events) plus the running kubelet's start
 * time read on the node. Counting starts at the recorder's last `attempt` mark, else its start.
 *
 * Fact names (the probe's `fact`), and what each observes:
 *
 * - `recorder` → `{running, samples, since, lastSampleAgeSeconds}`: the recorder is installed and
 *   writing (`running`: a line in the last 45 s). A guard check, usually ungraded.
 *
 * - `node-maintenance:<node>` (`<node>` = `worker`, `control-plane` or a name) →
 *   `{node, kubeletRestarts, restarts: [{at, unschedulable, evictable: ["ns/name"], known}],
 *     cordonedAtEveryRestart, emptyAtEveryRestart, drainedBeforeRestart, drainedAtSomePoint,
 *     backInServiceAfterLastRestart, unschedulableNow}`.
 *   A kubelet restart is a kubelet `Starting` event for the node, or the running kubelet's process
 *   start, after the attempt began (restarts within 3 s of each other are one). For each, the last
 *   snapshot before it says whether the node was unschedulable and which evictable pods were on it
 *   (evictable: not a DaemonSet's, not a static/mirror pod, not Succeeded/Failed; pods being
 *   deleted still count — a finished drain has none). `drainedBeforeRestart` is true when there
 *   was at least one restart and at every one the node was cordoned and empty.
 *   `drainedAtSomePoint`: some snapshot shows the node unschedulable with no evictable pods.
 *   `backInServiceAfterLastRestart`: a snapshot after the last restart shows it schedulable and
 *   Ready (uncordoned after the maintenance).
 *
 * - `pdb:<namespace>/<name>` → `{minAvailable, lowestHealthy, lowestAt, respected, samples, seen}`:
 *   the fewest healthy pods (Ready, matching the PDB's matchLabels, not being deleted) in any
 *   snapshot from the first one where the PDB existed and was satisfied. The floor is
 *   `spec.minAvailable` when it is a number, else the PDB's `status.desiredHealthy`. `respected`:
 *   seen and never below the floor.
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
export type RecorderLine =
  | { t: number; type: 'start' | 'attempt' }
  | { t: number; type: 'snapshot'; s: Snapshot }
  | { t: number; type: 'events'; e: NodeEvent[] };

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

/** The lines of the current attempt: from the last `attempt` mark, else the last `start`. */
export function attemptLines(lines: readonly RecorderLine[]): {
  since: number | undefined;
  lines: RecorderLine[];
} {
  let from = -1;
  for (let i = lines.length - 1; i >= 0 && from < 0; i--) if (lines[i]?.type === 'attempt') from = i;
  for (let i = lines.length - 1; i >= 0 && from < 0; i--) if (lines[i]?.type === 'start') from = i;
  if (from < 0) return { since: lines[0]?.t, lines: [...lines] };
  return { since: lines[from]?.t, lines: lines.slice(from) };
}

function snapshots(lines: readonly RecorderLine[]): Array<{ t: number; s: Snapshot }> {
  return lines.filter((l): l is Extract<RecorderLine, { type: 'snapshot' }> => l.type === 'snapshot');
}

export function evictable(pod: SnapPod): boolean {
  return pod.owner !== 'DaemonSet' && !pod.mirror && pod.phase !== 'Succeeded' && pod.phase !== 'Failed';
}

/** Kubelet restart times (ms) for a node, after `since`: Starting events plus the process start. */
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
            if (!Number.isNaN(ms)) times.push(ms);
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
  const snaps = snapshots(current);
  const restarts = kubeletRestarts(current, node, since ?? 0, processStartMs).map((at) => {
    const before = snaps.filter((s) => s.t < at).at(-1);
    const n = before?.s.nodes.find((x) => x.name === node);
    const pods = before
      ? before.s.pods.filter((p) => p.node === node && evictable(p)).map((p) => `${p.ns}/${p.name}`)
      : [];
    return {
      at: new Date(at).toISOString(),
      known: Boolean(before && n),
      unschedulable: n?.unsched === true,
      evictable: pods,
    };
  });
  const last = snaps.at(-1)?.s.nodes.find((x) => x.name === node);
  const drainedAtSomePoint = snaps.some(
    (x) =>
      x.s.nodes.some((m) => m.name === node && m.unsched) &&
      !x.s.pods.some((p) => p.node === node && evictable(p)),
  );
  const lastRestart = restarts.at(-1);
  const lastRestartMs = lastRestart ? Date.parse(lastRestart.at) : undefined;
  const backInService =
    lastRestartMs !== undefined &&
    snaps.some((x) => x.t > lastRestartMs && x.s.nodes.some((m) => m.name === node && !m.unsched && m.ready));
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
    backInServiceAfterLastRestart: backInService,
    unschedulableNow: last?.unsched === true,
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
  for (const { t, s } of snapshots(current)) {
    const pdb = s.pdbs.find((p) => p.ns === namespace && p.name === name);
    if (!pdb) continue;
    const min = typeof pdb.min === 'number' ? pdb.min : pdb.desired;
    if (min === undefined) continue;
    const healthy = s.pods.filter(
      (p) => p.ns === namespace && !p.del && p.ready && matches(p.labels, pdb.sel),
    ).length;
    if (!seen) {
      if (healthy < min) continue;
      seen = true;
    }
    samples++;
    floor = min;
    if (lowest === undefined || healthy < lowest) {
      lowest = healthy;
      lowestAt = t;
    }
    if (healthy < min) violated = true;
  }
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
  const last = lines.at(-1)?.t;
  return {
    running: last !== undefined && nowMs - last < 45_000,
    samples: snapshots(current).length,
    since: since === undefined ? undefined : new Date(since).toISOString(),
    lastSampleAgeSeconds: last === undefined ? undefined : Math.round((nowMs - last) / 1000),
  };
}

async function recorderLines(context: ProbeContext): Promise<RecorderLine[] | Observation> {
  const batch = await nodeBatch(context, 'control-plane');
  const file = await batch.file(RECORDER_LOG);
  if (!file.exists || file.content === undefined)
    return probeError(
      `no recording of this attempt (${RECORDER_LOG} is missing on ${batch.node}): run setup again`,
    );
  return parseRecorderLog(file.content);
}

export const observedProbe: ProbeExecutor<'observed'> = async (spec, context) => {
  const [name, arg = ''] = spec.fact.split(/:(.*)/s);
  if (name === 'recorder') {
    const lines = await recorderLines(context);
    return Array.isArray(lines) ? value(recorderFact(lines, Date.now())) : lines;
  }
  if (name === 'node-maintenance') {
    const node = await resolveNode(context, arg || 'worker');
    const batch = await nodeBatch(context, node);
    const [lines, procs] = await Promise.all([recorderLines(context), batch.processes('kubelet')]);
    if (!Array.isArray(lines)) return lines;
    const started = procs.at(-1)?.startedAt;
    return value(nodeMaintenanceFact(lines, node, started ? started * 1000 : undefined));
  }
  if (name === 'pdb') {
    const [ns, pdb] = arg.includes('/') ? arg.split('/') : ['default', arg];
    if (!pdb) return probeError('the pdb fact needs a name: pdb:<namespace>/<name>');
    const lines = await recorderLines(context);
    return Array.isArray(lines) ? value(pdbFact(lines, ns ?? 'default', pdb)) : lines;
  }
  return probeError(
    `unknown fact "${spec.fact}" (known: recorder, node-maintenance:<node>, pdb:<namespace>/<name>)`,
  );
};
