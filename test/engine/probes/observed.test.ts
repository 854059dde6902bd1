import { describe, expect, it } from 'vitest';
import { nodeMaintenanceFact, parseRecorderLog, pdbFact } from '../../../src/engine/probes/observed.js';

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
