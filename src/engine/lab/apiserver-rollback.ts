import { log } from '../../adapters/log.js';
import { EXIT, UserError } from '../errors.js';
import type { KubeApi, LifecycleIo } from '../ports.js';
import { pickNode } from '../probes/nodes.js';
import type { ClusterAccess } from '../probes/types.js';
import { lifecycleOnNode } from './node-exec.js';
import { APISERVER_MANIFEST, LAST_GOOD_MANIFEST } from './node-paths.js';

/**
 * The running apiserver as its mirror pod tells it: the static pod's config hash (it changes with
 * the manifest's pod) and its container's id and start, for every kube-apiserver pod. Undefined
 * when the API does not say so plainly (no mirror pod, a container not running or not ready, an
 * error): the caller then reads the node as before.
 */
export async function runningApiserver(api: KubeApi): Promise<string | undefined> {
  const r = await api.request(
    '/api/v1/namespaces/kube-system/pods?labelSelector=component%3Dkube-apiserver',
    {
      timeoutMs: 5_000,
    },
  );
  if (r.type !== 'ok') return undefined;
  type Pod = {
    metadata?: { name?: string; annotations?: Record<string, string> };
    status?: {
      containerStatuses?: Array<{
        name?: string;
        containerID?: string;
        ready?: boolean;
        state?: { running?: { startedAt?: string } };
      }>;
    };
  };
  const pods = (r.body as { items?: Pod[] } | undefined)?.items ?? [];
  if (pods.length === 0) return undefined;
  const parts: string[] = [];
  for (const pod of pods) {
    const hash = pod.metadata?.annotations?.['kubernetes.io/config.hash'];
    const c = pod.status?.containerStatuses?.find((s) => s.name === 'kube-apiserver');
    const started = c?.state?.running?.startedAt;
    if (!hash || !c?.ready || !c.containerID || !started) return undefined;
    parts.push(`${pod.metadata?.name ?? ''} ${hash} ${c.containerID} ${started}`);
  }
  return parts.sort().join('\n');
}

/**
 * The running apiserver whose manifest was last kept (or found already kept), by kubeconfig: while
 * the same apiserver runs, its manifest cannot have become "the one that works" since, so a save
 * costs two API requests and no node exec.
 */
export type LastGoodMemo = Map<string, string>;

/**
 * Keeps the apiserver manifest as "the last one that worked" — only when the running apiserver
 * was started after the manifest's last change (so it is THIS manifest that works) and it answers
 * /readyz. `force`: copy without the check (before setup, when the lab is known good). `memo`:
 * skip the node when the apiserver is the one that ran at the last keep (runningApiserver).
 */
export async function saveLastGoodManifest(
  access: ClusterAccess,
  io: LifecycleIo,
  options: { force?: boolean; memo?: LastGoodMemo } = {},
): Promise<boolean> {
  const { memo } = options;
  const key = access.kubeconfigPath;
  let running: string | undefined;
  if (!options.force) {
    const api = io.kube.lab(access.kubeconfigPath);
    const ready = await api.request('/readyz', { timeoutMs: 5_000 });
    if (ready.type !== 'ok') return false;
    if (memo) {
      running = await runningApiserver(api).catch(() => undefined);
      if (running !== undefined && memo.get(key) === running) return true;
    }
  }
  memo?.delete(key);
  const cp = pickNode(await access.provider.nodes(), 'control-plane');
  if (!cp) return false;
  const out = await lifecycleOnNode(
    access.provider,
    io,
    cp.name,
    'save_last_good',
    [APISERVER_MANIFEST, LAST_GOOD_MANIFEST, options.force ? '1' : '0'],
    'keeping the working apiserver manifest',
    { timeoutMs: 20_000 },
  ).catch(() => '');
  const saved = out.includes('saved');
  if (saved) log.info('kept the working apiserver manifest', { node: cp.name });
  const kept = saved || out.includes('same');
  if (kept && memo && running !== undefined) memo.set(key, running);
  return kept;
}

/** Puts the last working apiserver manifest back; the caller waits for the apiserver. */
export async function restoreLastGoodManifest(access: ClusterAccess, io: LifecycleIo): Promise<void> {
  const cp = pickNode(await access.provider.nodes(), 'control-plane');
  if (!cp) throw new UserError('the lab has no control-plane node', 'run `k8s-harden-lab status`', EXIT.lab);
  await lifecycleOnNode(
    access.provider,
    io,
    cp.name,
    'restore_last_good',
    [APISERVER_MANIFEST, LAST_GOOD_MANIFEST],
    'restoring the last working apiserver manifest',
  );
}
