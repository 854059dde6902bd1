import type { ProbeSpec } from '../../domain/probe-spec.js';
import { apiGet } from './api.js';
import { collectionPath } from './kube.js';
import type { ProbeContext, ProbeExecutor } from './types.js';
import { clusterIo, probeError, value } from './types.js';

type Pod = {
  metadata?: { name?: string; deletionTimestamp?: string };
  status?: { phase?: string; podIP?: string };
};

async function runningPods(context: ProbeContext, namespace: string, selector: string) {
  const query = new URLSearchParams({ labelSelector: selector });
  const r = await apiGet(context, `${collectionPath('v1', 'pods', namespace)}?${query}`);
  if (!r.ok) return r;
  const pods = ((r.body as { items?: Pod[] } | undefined)?.items ?? [])
    .filter((p) => p.status?.phase === 'Running' && !p.metadata?.deletionTimestamp && p.metadata?.name)
    .sort((a, b) => (a.metadata?.name ?? '').localeCompare(b.metadata?.name ?? ''));
  return { ok: true as const, pods };
}

function targetsOf(
  spec: Extract<ProbeSpec, { kind: 'podConnect' }>,
  toPods: readonly Pod[] | undefined,
): string[] {
  if (spec.protocol === 'dns') return [`dns:${'host' in spec.to ? spec.to.host : ''}`];
  if ('host' in spec.to) return [`${spec.to.host}:${spec.port}`];
  return (toPods ?? []).filter((p) => p.status?.podIP).map((p) => `${p.status?.podIP}:${spec.port}`);
}

/**
 * `podConnect`: real traffic from a pod. `{connected, anyConnected, from, targets, results}`.
 * Runs through `kubectl exec` in the first running source pod, all targets in one exec.
 */
export const podConnectProbe: ProbeExecutor<'podConnect'> = async (spec, context) => {
  const from = await runningPods(context, spec.from.namespace, spec.from.selector);
  if (!from.ok) return from.observation;
  const source = from.pods[0]?.metadata?.name;
  if (!source)
    return probeError(`no running pod matches ${spec.from.selector} in ${spec.from.namespace} to send from`);
  let toPods: Pod[] | undefined;
  if (!('host' in spec.to)) {
    const to = await runningPods(context, spec.to.namespace, spec.to.selector);
    if (!to.ok) return to.observation;
    toPods = to.pods;
    if (toPods.length === 0)
      return probeError(`no running pod matches ${spec.to.selector} in ${spec.to.namespace} to connect to`);
  }
  const targets = targetsOf(spec, toPods);
  // shell/pod/connect.sh, handed over with the cluster I/O (the engine reads no file).
  let script: string;
  try {
    script = clusterIo(context).io.scripts.podConnect;
  } catch (error) {
    return probeError((error as Error).message);
  }
  const x = await context.io.run(
    context.cluster?.provider.kubectlPath() ?? 'kubectl',
    [
      '--kubeconfig',
      context.cluster?.kubeconfigPath ?? '',
      '-n',
      spec.from.namespace,
      'exec',
      source,
      '--',
      'sh',
      '-c',
      script,
      'sh',
      String(spec.timeoutSeconds),
      ...targets,
    ],
    { timeoutMs: (spec.timeoutSeconds + 4) * targets.length * 1000 + 15_000, signal: context.signal },
  );
  const results: Record<string, boolean> = {};
  for (const line of x.stdout.split('\n')) {
    const m = /^(\S+) (yes|no)$/.exec(line.trim());
    if (m?.[1]) results[m[1].replace(/^dns:/, '')] = m[2] === 'yes';
  }
  if (Object.keys(results).length !== targets.length)
    return probeError(
      `could not try the connection from pod ${source}: ${x.failure || x.stderr.trim() || 'no answer'}`,
    );
  const answered = Object.values(results);
  return value({
    connected: answered.every(Boolean),
    anyConnected: answered.some(Boolean),
    from: source,
    targets: targets.length,
    results,
  });
};
