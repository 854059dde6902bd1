import { log } from '../../adapters/log.js';
import { EXIT, UserError } from '../errors.js';
import type { LifecycleIo } from '../ports.js';
import { pickNode } from '../probes/nodes.js';
import type { ClusterAccess } from '../probes/types.js';
import { lifecycleOnNode } from './node-exec.js';
import { APISERVER_MANIFEST, LAST_GOOD_MANIFEST } from './node-paths.js';

/**
 * Keeps the apiserver manifest as "the last one that worked" — only when the running apiserver
 * was started after the manifest's last change (so it is THIS manifest that works) and it answers
 * /readyz. `force`: copy without the check (before setup, when the lab is known good).
 */
export async function saveLastGoodManifest(
  access: ClusterAccess,
  io: LifecycleIo,
  options: { force?: boolean } = {},
): Promise<boolean> {
  const cp = pickNode(await access.provider.nodes(), 'control-plane');
  if (!cp) return false;
  if (!options.force) {
    const ready = await io.kube.lab(access.kubeconfigPath).request('/readyz', { timeoutMs: 5_000 });
    if (ready.type !== 'ok') return false;
  }
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
  return saved || out.includes('same');
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
