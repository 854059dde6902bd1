import type { Observation } from '../../domain/checks.js';
import type { ProbeSpec } from '../../domain/probe-spec.js';
import type { ApiResponse } from '../ports.js';
import { type AsClient, answerFields, clientAs, whoIs } from './identity.js';
import { apiDown, apiWaiting, collectionPath, labApi } from './kube.js';
import { resolveNode } from './nodes.js';
import type { ProbeContext, ProbeExecutor } from './types.js';
import { probeError, value } from './types.js';

function withQuery(path: string, query: string): string {
  return `${path}${path.includes('?') ? '&' : '?'}${query}`;
}

/**
 * An answer that is no answer: nothing reached the API, or it failed inside. When the lab admin
 * cannot reach it either, the apiserver is restarting (a wait); otherwise the answer stands.
 */
async function downForEveryone(context: ProbeContext, r: ApiResponse): Promise<Observation | undefined> {
  if (!apiDown(r)) return undefined;
  const ready = await labApi(context).request('/readyz', { signal: context.signal });
  return ready.type === 'ok' ? undefined : apiWaiting(context, ready);
}

async function send(
  context: ProbeContext,
  client: AsClient,
  path: string,
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
  body: unknown,
): Promise<ApiResponse> {
  return client.api.request(path, {
    method,
    ...(body === undefined ? {} : { body }),
    ...(method === 'PATCH' ? { contentType: 'application/merge-patch+json' } : {}),
    ...(client.headers ? { headers: client.headers } : {}),
    signal: context.signal,
  });
}

/** Who the API saw, unless it refused the credentials (401) or it is the lab admin. */
async function identityFields(context: ProbeContext, client: AsClient, r: ApiResponse) {
  if (client.admin || r.type === 'unreachable' || r.type === 'invalid' || r.status === 401) return {};
  const who = await whoIs(context, client);
  return { user: who.user, ...(who.groups ? { groups: who.groups } : {}) };
}

/**
 * `apiRequest`: one request as an identity. `{status, ok, reason, message, body, authenticated,
 * user, groups}`; a refusal is an answer. Writes are dry runs (the schema insists).
 */
export const apiRequestProbe: ProbeExecutor<'apiRequest'> = async (spec, context) => {
  const made = await clientAs(context, spec.as);
  if (!made.ok) return made.observation;
  const target = spec.node
    ? spec.path.replaceAll('{node}', encodeURIComponent(await resolveNode(context, spec.node)))
    : spec.path;
  const path = spec.dryRun ? withQuery(target, 'dryRun=All') : target;
  const r = await send(context, made.client, path, spec.method, spec.body);
  if (r.type === 'invalid') return probeError(r.message);
  const wait = await downForEveryone(context, r);
  if (wait) return wait;
  return value({
    ...answerFields(r),
    ...(r.type === 'ok' || r.type === 'http' ? { body: r.body } : {}),
    ...(await identityFields(context, made.client, r)),
  });
};

const TOKEN_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

type Volume = { name?: string; projected?: { sources?: Array<{ serviceAccountToken?: unknown }> } };
type Container = { volumeMounts?: Array<{ name?: string; mountPath?: string }> };
type PodSpec = { volumes?: Volume[]; containers?: Container[]; initContainers?: Container[] };

/**
 * Whether a pod as admitted would carry a service-account token: some container mounts the
 * token folder, or mounts a projected volume with a serviceAccountToken source.
 */
export function podMountsToken(object: unknown): boolean {
  const spec = (object as { spec?: PodSpec } | undefined)?.spec;
  if (!spec) return false;
  const tokenVolumes = new Set(
    (spec.volumes ?? [])
      .filter((v) => v.projected?.sources?.some((s) => s.serviceAccountToken !== undefined))
      .map((v) => v.name),
  );
  return [...(spec.containers ?? []), ...(spec.initContainers ?? [])].some((c) =>
    (c.volumeMounts ?? []).some(
      (m) => m.mountPath?.replace(/\/+$/, '') === TOKEN_DIR || tokenVolumes.has(m.name),
    ),
  );
}

function admissionRequest(spec: Extract<ProbeSpec, { kind: 'admission' }>, nodeName: string | undefined) {
  const collection = collectionPath(spec.apiVersion, spec.resource, spec.namespace);
  if (spec.verb === 'create') {
    const object = structuredClone(spec.object ?? {}) as { metadata?: Record<string, unknown> };
    object.metadata = { ...(object.metadata ?? {}) };
    if (!object.metadata.name && !object.metadata.generateName) object.metadata.generateName = 'khl-probe-';
    return { method: 'POST' as const, path: `${collection}?dryRun=All`, body: object };
  }
  const name = nodeName ? (spec.name ?? '').replaceAll('{node}', nodeName) : (spec.name ?? '');
  const item = `${collection}/${encodeURIComponent(name)}?dryRun=All`;
  return spec.verb === 'patch'
    ? { method: 'PATCH' as const, path: item, body: spec.patch }
    : { method: 'DELETE' as const, path: item, body: undefined };
}

/**
 * `admission`: a server-side dry run of a write. `{allowed, status, reason, message, object,
 * mountsToken, user}`. Authorization and every admission plugin run; nothing is stored.
 */
export const admissionProbe: ProbeExecutor<'admission'> = async (spec, context) => {
  const made = await clientAs(context, spec.as);
  if (!made.ok) return made.observation;
  const req = admissionRequest(spec, spec.node ? await resolveNode(context, spec.node) : undefined);
  const r = await send(context, made.client, req.path, req.method, req.body);
  if (r.type === 'invalid') return probeError(r.message);
  const wait = await downForEveryone(context, r);
  if (wait) return wait;
  const fields = answerFields(r);
  const object = r.type === 'ok' && spec.verb !== 'delete' ? r.body : undefined;
  return value({
    allowed: fields.ok === true,
    status: fields.status,
    reason: fields.reason,
    message: fields.message,
    object,
    ...(spec.resource === 'pods' && object !== undefined ? { mountsToken: podMountsToken(object) } : {}),
    ...(await identityFields(context, made.client, r)),
  });
};
