import { randomBytes } from 'node:crypto';
import { apiDown, apiWaiting, labApi } from './kube.js';
import { nodeBatch } from './node-batch.js';
import type { ProbeExecutor } from './types.js';
import { probeError, value } from './types.js';

/**
 * What a raw etcd value's first bytes say: `k8s:enc:<provider>:v1:<key>:` for an encrypted value
 * (KMS v2: `k8s:enc:kms:v2:<name>:`), `k8s` and a NUL (printed as a dot) for plain protobuf.
 */
export function storageOf(prefix: string | undefined) {
  if (prefix === undefined) return { exists: false, encrypted: false };
  const enc = /^k8s:enc:([a-z0-9]+):v\d+:([^:]+):/.exec(prefix);
  if (enc) return { exists: true, encrypted: true, provider: enc[1], keyName: enc[2] };
  return { exists: true, encrypted: false, provider: 'identity' };
}

/**
 * `etcdKey`: `{exists, encrypted, provider, keyName}` of one key, read with etcdctl on the node.
 * With `canary`, of a Secret the probe writes for the purpose and deletes again.
 */
export const etcdKeyProbe: ProbeExecutor<'etcdKey'> = async (spec, context) => {
  let key = spec.key ?? '';
  let cleanup: (() => Promise<unknown>) | undefined;
  if (spec.canary) {
    const ns = encodeURIComponent(spec.canary.namespace);
    const name = `khl-canary-${randomBytes(6).toString('hex')}`;
    const r = await labApi(context).request(`/api/v1/namespaces/${ns}/secrets`, {
      method: 'POST',
      body: {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name, labels: { 'k8s-harden-lab/canary': 'etcd' } },
        data: { value: randomBytes(24).toString('base64') },
      },
      signal: context.signal,
    });
    if (r.type !== 'ok') {
      if (apiDown(r)) return apiWaiting(context, r);
      return probeError(`the canary Secret could not be written: ${r.message}`);
    }
    key = `/registry/secrets/${spec.canary.namespace}/${name}`;
    cleanup = () => labApi(context).request(`/api/v1/namespaces/${ns}/secrets/${name}`, { method: 'DELETE' });
  }
  try {
    const batch = await nodeBatch(context, spec.node);
    return value(storageOf(await batch.etcdPrefix(key)));
  } catch (error) {
    return probeError(`etcd could not be read on ${spec.node}: ${(error as Error).message}`);
  } finally {
    await cleanup?.();
  }
};
