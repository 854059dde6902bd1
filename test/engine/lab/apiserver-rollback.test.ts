import { describe, expect, it } from 'vitest';
import {
  type LastGoodMemo,
  runningApiserver,
  saveLastGoodManifest,
} from '../../../src/engine/lab/apiserver-rollback.js';
import type { ApiResponse, LabProvider, LifecycleIo } from '../../../src/engine/ports.js';

/** The apiserver's mirror pod, as the API lists it. */
function pod(hash: string, containerID: string, ready = true) {
  return {
    metadata: {
      name: 'kube-apiserver-lab-control-plane',
      annotations: { 'kubernetes.io/config.hash': hash },
    },
    status: {
      containerStatuses: [
        {
          name: 'kube-apiserver',
          containerID,
          ready,
          state: { running: { startedAt: '2026-12-04T02:00:00Z' } },
        },
      ],
    },
  };
}

function lab(pods: () => unknown[] | undefined, answer = 'same\n') {
  const requests: string[] = [];
  const execs: string[][] = [];
  const api = {
    request: async (path: string): Promise<ApiResponse> => {
      requests.push(path.split('?')[0] ?? path);
      if (path === '/readyz') return { type: 'ok', status: 200, body: 'ok' };
      const items = pods();
      return items ? { type: 'ok', status: 200, body: { items } } : { type: 'unreachable', message: 'no' };
    },
  };
  const provider = {
    cluster: 'lab',
    nodes: async () => [{ name: 'lab-control-plane', role: 'control-plane' }],
    exec: async (_node: string, argv: readonly string[]) => {
      execs.push([...argv.slice(4)]);
      return { exitCode: 0, stdout: answer, stderr: '', failure: '' };
    },
  } as unknown as LabProvider;
  const io = { kube: { lab: () => api }, lifecycleScript: 'script' } as unknown as LifecycleIo;
  return { access: { provider, kubeconfigPath: '/k' }, io, requests, execs };
}

describe('saveLastGoodManifest with a memo', () => {
  it('reads the node once per running apiserver: again only when its pod hash or container changed', async () => {
    let current = [pod('h1', 'containerd://a')];
    const l = lab(() => current);
    const memo: LastGoodMemo = new Map();
    expect(await saveLastGoodManifest(l.access, l.io, { memo })).toBe(true);
    expect(await saveLastGoodManifest(l.access, l.io, { memo })).toBe(true);
    expect(await saveLastGoodManifest(l.access, l.io, { memo })).toBe(true);
    expect(l.execs).toHaveLength(1);
    expect(l.execs[0]?.[0]).toBe('save_last_good');
    current = [pod('h2', 'containerd://b')];
    expect(await saveLastGoodManifest(l.access, l.io, { memo })).toBe(true);
    expect(l.execs).toHaveLength(2);
    current = [pod('h2', 'containerd://c')];
    await saveLastGoodManifest(l.access, l.io, { memo });
    expect(l.execs).toHaveLength(3);
  });

  it('reads the node every time while nothing was kept, or the API does not say which apiserver runs', async () => {
    const refused = lab(() => [pod('h1', 'containerd://a')], '');
    const memo: LastGoodMemo = new Map();
    expect(await saveLastGoodManifest(refused.access, refused.io, { memo })).toBe(false);
    expect(await saveLastGoodManifest(refused.access, refused.io, { memo })).toBe(false);
    expect(refused.execs).toHaveLength(2);
    for (const pods of [() => undefined, () => [], () => [pod('h1', 'containerd://a', false)]]) {
      const l = lab(pods);
      const m: LastGoodMemo = new Map();
      await saveLastGoodManifest(l.access, l.io, { memo: m });
      await saveLastGoodManifest(l.access, l.io, { memo: m });
      expect(l.execs).toHaveLength(2);
    }
  });

  it('a forced save forgets the memo (setup keeps the manifest without asking the apiserver)', async () => {
    const l = lab(() => [pod('h1', 'containerd://a')]);
    const memo: LastGoodMemo = new Map();
    await saveLastGoodManifest(l.access, l.io, { memo });
    await saveLastGoodManifest(l.access, l.io, { memo, force: true });
    expect(l.execs.map((e) => e.at(-1))).toEqual(['0', '1']);
    await saveLastGoodManifest(l.access, l.io, { memo });
    expect(l.execs).toHaveLength(3);
  });

  it('without a memo, every save reads the node (as before)', async () => {
    const l = lab(() => [pod('h1', 'containerd://a')]);
    await saveLastGoodManifest(l.access, l.io);
    await saveLastGoodManifest(l.access, l.io);
    expect(l.execs).toHaveLength(2);
    expect(l.requests).toEqual(['/readyz', '/readyz']);
  });
});

describe('runningApiserver', () => {
  it('names the pod, its config hash and its container; undefined when a container is not running', async () => {
    const api = (items: unknown[]) => ({
      request: async (): Promise<ApiResponse> => ({ type: 'ok', status: 200, body: { items } }),
    });
    expect(await runningApiserver(api([pod('h1', 'containerd://a')]))).toBe(
      'kube-apiserver-lab-control-plane h1 containerd://a 2026-12-04T02:00:00Z',
    );
    const waiting = pod('h1', 'containerd://a');
    (waiting.status.containerStatuses[0] as { state: unknown }).state = { waiting: {} };
    expect(await runningApiserver(api([waiting]))).toBeUndefined();
  });
});
