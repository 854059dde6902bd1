import type { Observation } from '../../domain/checks.js';
import type { ProbeSpec } from '../../domain/probe-spec.js';
import { apiDown, apiWaiting, collectionPath, labApi } from './kube.js';
import { resolveNode } from './nodes.js';
import type { ProbeContext, ProbeExecutor } from './types.js';
import { probeError, value } from './types.js';
import { workspaceClient } from './workspace-kubeconfig.js';

type Meta = {
  name?: string;
  namespace?: string;
  deletionTimestamp?: string;
  labels?: Record<string, string>;
};
type Condition = { type?: string; status?: string };
type Pod = {
  metadata?: Meta;
  spec?: { nodeName?: string };
  status?: { phase?: string; conditions?: Condition[] };
};
type Node = {
  metadata?: Meta;
  spec?: { unschedulable?: boolean; taints?: Array<{ key?: string; value?: string; effect?: string }> };
  status?: { conditions?: Condition[]; nodeInfo?: { kubeletVersion?: string } };
};

/** GET through the lab admin; apiserver down → waiting, 404 → value undefined. */
export async function apiGet(
  context: ProbeContext,
  path: string,
): Promise<{ ok: true; body: unknown } | { ok: false; observation: Observation }> {
  const r = await labApi(context).request(path, { signal: context.signal });
  if (r.type === 'ok') return { ok: true, body: r.body };
  if (apiDown(r)) return { ok: false, observation: await apiWaiting(context, r) };
  if (r.type === 'http' && r.status === 404) return { ok: true, body: undefined };
  return {
    ok: false,
    observation: probeError(
      `the API answered ${r.type === 'http' ? `${r.status} ` : ''}to ${path}: ${r.message}`,
    ),
  };
}

/**
 * `api` with a subresource: one object (`name`, else the first the selector matches, running pods
 * first) and what GET <object>/<subresource> answered — `{object, status, ok, body, message}`. An
 * error status is an answer here, not a waiting window: for `log` it is the kubelet refusing the
 * apiserver, which is exactly what a check may be asking about. Logs are capped at 64 KiB.
 */
async function subresourceProbe(
  spec: Extract<ProbeSpec, { kind: 'api' }>,
  context: ProbeContext,
): Promise<Observation> {
  const collection = collectionPath(spec.apiVersion, spec.resource, spec.namespace);
  let name = spec.name;
  if (!name) {
    if (!spec.selector) return probeError('a subresource needs the object: give name or selector');
    const list = await apiGet(context, `${collection}?labelSelector=${encodeURIComponent(spec.selector)}`);
    if (!list.ok) return list.observation;
    const items = ((list.body as { items?: Pod[] } | undefined)?.items ?? []).filter((p) => p.metadata?.name);
    const pick = items.find((p) => podRunning(p)) ?? items[0];
    if (!pick)
      return probeError(
        `no ${spec.resource} match ${spec.selector}${spec.namespace ? ` in ${spec.namespace}` : ''}`,
      );
    name = pick.metadata?.name ?? '';
  }
  const query = spec.subresource === 'log' ? '?limitBytes=65536' : '';
  const path = `${collection}/${encodeURIComponent(name)}/${spec.subresource}${query}`;
  const r = await labApi(context).request(path, { signal: context.signal });
  if (r.type === 'unreachable') return apiWaiting(context, r);
  if (r.type === 'invalid') return probeError(r.message);
  return value({
    object: name,
    status: r.status,
    ok: r.type === 'ok',
    body: r.body,
    message: r.type === 'http' ? r.message : undefined,
  });
}

/**
 * `api` with `kubeconfig`: the request made as the workspace kubeconfig's context, in its
 * namespace unless the spec names one — `kubectl get` with that file. The status is the answer
 * (403 is a refusal, not an error); an apiserver that is down for the lab admin too is a wait.
 */
async function asKubeconfigProbe(
  spec: Extract<ProbeSpec, { kind: 'api' }>,
  kubeconfig: string,
  context: ProbeContext,
): Promise<Observation> {
  const made = await workspaceClient(context, kubeconfig, spec.context);
  if (!made.ok) return made.observation;
  const namespace = spec.namespace ?? made.client.namespace;
  let path = collectionPath(spec.apiVersion, spec.resource, namespace);
  if (spec.name) path += `/${encodeURIComponent(spec.name)}`;
  else if (spec.selector) path += `?labelSelector=${encodeURIComponent(spec.selector)}`;
  const r = await made.client.kc.request(path, { signal: context.signal });
  if (r.type === 'invalid') return probeError(`${kubeconfig} ${r.message}`);
  if (r.type === 'unreachable' || (r.type === 'http' && r.status >= 500)) {
    // Down for everyone (restarting) → wait; reachable for the lab admin → the context's own fault.
    const ready = await apiGet(context, '/readyz');
    if (!ready.ok) return ready.observation;
    return value({ status: r.type === 'http' ? r.status : 0, ok: false, namespace, message: r.message });
  }
  const body = r.body as { items?: unknown[] } | undefined;
  const list =
    !spec.name && Array.isArray(body?.items) ? { items: body?.items, count: body?.items?.length } : {};
  return value({
    status: r.status,
    ok: r.type === 'ok',
    namespace,
    ...list,
    message: r.type === 'http' ? r.message : undefined,
  });
}

/** `api`: the object (name given) or the list `{items, count}`; 404 → nothing (so `absent` works). */
export const apiProbe: ProbeExecutor<'api'> = async (spec, context) => {
  if (spec.kubeconfig) return asKubeconfigProbe(spec, spec.kubeconfig, context);
  if (spec.subresource) return subresourceProbe(spec, context);
  let path = collectionPath(spec.apiVersion, spec.resource, spec.namespace);
  if (spec.name) path += `/${encodeURIComponent(spec.name)}`;
  else if (spec.selector) path += `?labelSelector=${encodeURIComponent(spec.selector)}`;
  const r = await apiGet(context, path);
  if (!r.ok) return r.observation;
  const body = r.body as { items?: unknown[] } | undefined;
  if (!spec.name && body && Array.isArray(body.items)) return value({ ...body, count: body.items.length });
  return value(body);
};

function condition(conditions: Condition[] | undefined, type: string): boolean {
  return conditions?.find((c) => c.type === type)?.status === 'True';
}

/** `nodeState`: `{ready, unschedulable, taints: ["key:Effect" | "key=value:Effect"], kubeletVersion}`. */
export const nodeStateProbe: ProbeExecutor<'nodeState'> = async (spec, context) => {
  const name = await resolveNode(context, spec.node);
  const r = await apiGet(context, `/api/v1/nodes/${encodeURIComponent(name)}`);
  if (!r.ok) return r.observation;
  const node = r.body as Node | undefined;
  if (!node) return value(undefined);
  return value({
    name,
    ready: condition(node.status?.conditions, 'Ready'),
    unschedulable: node.spec?.unschedulable === true,
    taints: (node.spec?.taints ?? []).map((t) => `${t.key}${t.value ? `=${t.value}` : ''}:${t.effect}`),
    kubeletVersion: node.status?.nodeInfo?.kubeletVersion,
  });
};

function podRunning(p: Pod): boolean {
  return p.status?.phase === 'Running' && !p.metadata?.deletionTimestamp;
}

/**
 * `podPlacement`: pods on a node (optionally one namespace / label selector):
 * `{pods: [name], count, running, notRunning: [name], allRunning}` — `running` counts pods in
 * phase Running that are not being deleted.
 */
export const podPlacementProbe: ProbeExecutor<'podPlacement'> = async (spec, context) => {
  const name = await resolveNode(context, spec.node);
  const query = new URLSearchParams({ fieldSelector: `spec.nodeName=${name}` });
  if (spec.selector) query.set('labelSelector', spec.selector);
  const r = await apiGet(context, `${collectionPath('v1', 'pods', spec.namespace)}?${query}`);
  if (!r.ok) return r.observation;
  const pods = ((r.body as { items?: Pod[] } | undefined)?.items ?? []).filter((p) => p.metadata?.name);
  const label = (p: Pod) =>
    spec.namespace ? (p.metadata?.name ?? '') : `${p.metadata?.namespace}/${p.metadata?.name}`;
  const running = pods.filter(podRunning);
  return value({
    node: name,
    pods: pods.map(label),
    count: pods.length,
    running: running.length,
    notRunning: pods.filter((p) => !podRunning(p)).map(label),
    allRunning: pods.length > 0 && running.length === pods.length,
  });
};

/**
 * `podFile`: `test -e` inside every running pod matching the selector, through `kubectl exec` with
 * the lab's kubeconfig. `{exists (in at least one), everywhere (in all), pods: {name: bool}}`.
 */
export const podFileProbe: ProbeExecutor<'podFile'> = async (spec, context) => {
  const query = new URLSearchParams({ labelSelector: spec.selector });
  const r = await apiGet(context, `${collectionPath('v1', 'pods', spec.namespace)}?${query}`);
  if (!r.ok) return r.observation;
  const pods = ((r.body as { items?: Pod[] } | undefined)?.items ?? []).filter(podRunning);
  if (pods.length === 0) return probeError(`no running pod matches ${spec.selector} in ${spec.namespace}`);
  const kubeconfig = context.cluster?.kubeconfigPath ?? '';
  const results = await Promise.all(
    pods.map(async (p) => {
      const pod = p.metadata?.name ?? '';
      const x = await context.io.run(
        context.cluster?.provider.kubectlPath() ?? 'kubectl',
        [
          '--kubeconfig',
          kubeconfig,
          '-n',
          spec.namespace,
          'exec',
          pod,
          '--',
          'sh',
          '-c',
          'if [ -e "$1" ]; then echo yes; else echo no; fi',
          'sh',
          spec.path,
        ],
        { timeoutMs: 20_000, signal: context.signal },
      );
      const answer = x.stdout.trim().split('\n').pop();
      return { pod, answer, failure: x.failure || x.stderr.trim() };
    }),
  );
  const bad = results.find((x) => x.answer !== 'yes' && x.answer !== 'no');
  if (bad) return probeError(`could not look inside pod ${bad.pod}: ${bad.failure || 'no answer'}`);
  const map = Object.fromEntries(results.map((x) => [x.pod, x.answer === 'yes']));
  return value({
    exists: results.some((x) => x.answer === 'yes'),
    everywhere: results.every((x) => x.answer === 'yes'),
    pods: map,
  });
};
