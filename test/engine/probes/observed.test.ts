import { describe, expect, it } from 'vitest';
import {
  kubeletRestarts,
  nodeMaintenanceFact,
  parseRecorderLog,
  pdbFact,
} from '../../../src/engine/probes/observed.js';

const pod = (name: string, node: string, extra: Record<string, unknown> = {}) => ({
  ns: 'default',
  name,
  node,
  phase: 'Running',
  ready: true,
  owner: 'ReplicaSet',
  mirror: false,
  del: false,
  labels: { app: 'web' },
  ...extra,
});
const pdb = { ns: 'default', name: 'web', min: 2, sel: { app: 'web' } };
const snap = (t: number, unsched: boolean, pods: unknown[]) =>
  JSON.stringify({
    t,
    type: 'snapshot',
    s: { nodes: [{ name: 'w', unsched, ready: true }], pods, pdbs: [pdb] },
  });
const starting = (t: number, at: string) =>
  JSON.stringify({
    t,
    type: 'events',
    e: [{ node: 'w', reason: 'Starting', time: at, first: at, count: 1 }],
  });

const T0 = Date.parse('2024-05-01T10:00:00Z');

describe('observed facts', () => {
  const ds = pod('ds-1', 'w', { owner: 'DaemonSet', labels: { app: 'agent' } });
  const drained = [
    JSON.stringify({ t: T0, type: 'start' }),
    snap(T0 + 1000, false, [pod('a', 'w'), pod('b', 'w'), pod('c', 'cp'), ds]),
    snap(T0 + 2000, true, [pod('a', 'w'), pod('b', 'w'), pod('c', 'cp'), ds]),
    snap(T0 + 3000, true, [pod('a', 'w', { del: true }), pod('b', 'w'), pod('c', 'cp'), pod('d', 'cp'), ds]),
    snap(T0 + 6000, true, [pod('b', 'w', { del: true }), pod('c', 'cp'), pod('d', 'cp'), pod('e', 'cp'), ds]),
    snap(T0 + 9000, true, [pod('c', 'cp'), pod('d', 'cp'), pod('e', 'cp'), ds]),
  ];

  it('cordoned and drained before the kubelet restarted', () => {
    const lines = parseRecorderLog([...drained, starting(T0 + 20_000, '2024-05-01T10:00:15Z')].join('\n'));
    const f = nodeMaintenanceFact(lines, 'w', Math.floor((T0 + 15_000) / 1000) * 1000);
    expect(f.kubeletRestarts).toBe(1);
    expect(f.drainedBeforeRestart).toBe(true);
    expect(f.restarts[0]?.evictable).toEqual([]);
  });

  it('restarted with pods still on the node (drain skipped)', () => {
    const lines = parseRecorderLog(
      [...drained.slice(0, 3), starting(T0 + 4000, '2024-05-01T10:00:02Z')].join('\n'),
    );
    const f = nodeMaintenanceFact(lines, 'w', undefined);
    expect(f.cordonedAtEveryRestart).toBe(false); // the snapshot before 10:00:02 was not cordoned yet
    expect(f.drainedBeforeRestart).toBe(false);
    expect(f.restarts[0]?.evictable).toEqual(['default/a', 'default/b']);
  });

  it('no restart at all is not a maintenance', () => {
    const f = nodeMaintenanceFact(parseRecorderLog(drained.join('\n')), 'w', T0 - 100_000);
    expect(f.kubeletRestarts).toBe(0);
    expect(f.drainedBeforeRestart).toBe(false);
  });

  it('a PDB is respected when healthy pods never drop below minAvailable once satisfied', () => {
    const ok = pdbFact(parseRecorderLog(drained.join('\n')), 'default', 'web');
    expect(ok).toMatchObject({ seen: true, respected: true, minAvailable: 2 });
    const broken = pdbFact(
      parseRecorderLog(
        [
          ...drained,
          snap(T0 + 10_000, true, [pod('c', 'cp', { ready: false }), pod('d', 'cp', { del: true }), ds]),
        ].join('\n'),
      ),
      'default',
      'web',
    );
    expect(broken).toMatchObject({ respected: false, lowestHealthy: 0 });
  });
});

describe('observed facts: drained at some point, back in service', () => {
  it('sees the uncordon after the last restart', () => {
    const lines = parseRecorderLog(
      [
        JSON.stringify({ t: T0, type: 'start' }),
        snap(T0 + 1000, true, []),
        starting(T0 + 5000, '2024-05-01T10:00:03Z'),
        snap(T0 + 8000, false, [pod('a', 'w')]),
      ].join('\n'),
    );
    const f = nodeMaintenanceFact(lines, 'w', undefined);
    expect(f).toMatchObject({
      drainedBeforeRestart: true,
      drainedAtSomePoint: true,
      backInServiceAfterLastRestart: true,
    });
  });
});

describe('observed facts: the watch lines between two polls', () => {
  const podEv = (t: number, ev: string, p: unknown) => JSON.stringify({ t, type: 'pod', ev, o: p });
  const nodeEv = (t: number, unsched: boolean) =>
    JSON.stringify({ t, type: 'node', ev: 'MODIFIED', o: { name: 'w', unsched, ready: true } });
  const ds = pod('ds-1', 'w', { owner: 'DaemonSet', labels: { app: 'agent' } });
  // A budget of minAvailable 1 (as in node-maintenance).
  const snap1 = (t: number, pods: unknown[]) =>
    JSON.stringify({
      t,
      type: 'snapshot',
      s: { nodes: [{ name: 'w', unsched: false, ready: true }], pods, pdbs: [{ ...pdb, min: 1 }] },
    });
  // The attempt starts with a snapshot; after it only watch lines, as when everything happens
  // within one 2 s poll.
  const start = [
    JSON.stringify({ t: T0, type: 'attempt' }),
    snap1(T0 + 200, [pod('a', 'w'), pod('b', 'w'), ds]),
  ];
  const drain = [
    nodeEv(T0 + 1000, true),
    podEv(T0 + 1100, 'MODIFIED', pod('a', 'w', { del: true })),
    podEv(T0 + 1150, 'ADDED', pod('c', 'cp', { ready: false })),
    podEv(T0 + 1300, 'DELETED', pod('a', 'w', { del: true })),
    podEv(T0 + 6000, 'MODIFIED', pod('c', 'cp')),
    podEv(T0 + 6100, 'MODIFIED', pod('b', 'w', { del: true })),
    podEv(T0 + 6150, 'ADDED', pod('d', 'cp', { ready: false })),
    podEv(T0 + 6400, 'DELETED', pod('b', 'w', { del: true })),
  ];
  const log = (...more: string[]) => parseRecorderLog([...start, ...drain, ...more].join('\n'));

  it('a restart 300 ms after the drain finished counts as drained', () => {
    const f = nodeMaintenanceFact(log(), 'w', T0 + 6700);
    expect(f.restarts).toEqual([
      { at: new Date(T0 + 6700).toISOString(), known: true, unschedulable: true, evictable: [] },
    ]);
    expect(f.drainedBeforeRestart).toBe(true);
  });

  it('a restart 100 ms before the last pod was gone does not', () => {
    const f = nodeMaintenanceFact(log(), 'w', T0 + 6300);
    expect(f.restarts[0]?.evictable).toEqual(['default/b']);
    expect(f.drainedBeforeRestart).toBe(false);
  });

  it('the budget held at 1 through the drain, and is seen broken when both go at once', () => {
    expect(pdbFact(log(), 'default', 'web')).toMatchObject({ seen: true, lowestHealthy: 1, respected: true });
    const deleted = parseRecorderLog(
      [
        ...start,
        nodeEv(T0 + 1000, true),
        podEv(T0 + 1100, 'MODIFIED', pod('a', 'w', { del: true })),
        podEv(T0 + 1101, 'MODIFIED', pod('b', 'w', { del: true })),
        podEv(T0 + 1150, 'ADDED', pod('c', 'cp', { ready: false })),
        podEv(T0 + 6000, 'MODIFIED', pod('c', 'cp')),
      ].join('\n'),
    );
    expect(pdbFact(deleted, 'default', 'web')).toMatchObject({
      lowestHealthy: 0,
      lowestAt: new Date(T0 + 1101).toISOString(),
      respected: false,
    });
  });

  it('lines from before the attempt mark do not count', () => {
    const lines = parseRecorderLog(
      [podEv(T0 - 5000, 'DELETED', pod('a', 'w')), ...start, ...drain].join('\n'),
    );
    expect(pdbFact(lines, 'default', 'web').lowestHealthy).toBe(1);
  });

  it('back in service: restarted, then uncordoned (a node watch line), and not before', () => {
    expect(nodeMaintenanceFact(log(), 'w', T0 + 6700).backInServiceAfterLastRestart).toBe(false);
    const f = nodeMaintenanceFact(log(nodeEv(T0 + 9000, false)), 'w', T0 + 6700);
    expect(f).toMatchObject({ backInServiceAfterLastRestart: true, unschedulableNow: false });
    // Uncordoned, but the kubelet never restarted: the maintenance did not happen.
    expect(nodeMaintenanceFact(log(nodeEv(T0 + 9000, false)), 'w', T0 - 60_000)).toMatchObject({
      kubeletRestarts: 0,
      backInServiceAfterLastRestart: false,
    });
  });
});

describe('kubelet restarts', () => {
  const ev = (stamps: string[]) =>
    parseRecorderLog(
      JSON.stringify({
        t: T0 + 60_000,
        type: 'events',
        e: stamps.map((s) => ({ node: 'w', reason: 'Starting', time: s, first: s })),
      }),
    );

  it("a whole-second event stamp just before the running kubelet's start is that start", () => {
    // Started at 10:00:20.700; its event says 10:00:20 (and cannot say earlier than that second).
    expect(kubeletRestarts(ev(['2024-05-01T10:00:20Z']), 'w', T0, T0 + 20_700)).toEqual([T0 + 20_700]);
  });

  it('an earlier stamp is an earlier restart; restarts before the attempt are not counted', () => {
    expect(
      kubeletRestarts(ev(['2024-05-01T09:59:00Z', '2024-05-01T10:00:05Z']), 'w', T0, T0 + 20_700),
    ).toEqual([T0 + 5000, T0 + 20_700]);
  });
});
