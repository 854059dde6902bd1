import { randomBytes } from 'node:crypto';
import type { ProbeSpec } from '../../domain/probe-spec.js';
import { clientAs } from './identity.js';
import { apiDown, apiWaiting, collectionPath } from './kube.js';
import { nodeBatch } from './node-batch.js';
import type { ProbeContext, ProbeExecutor } from './types.js';
import { probeError, value } from './types.js';

type Spec = Extract<ProbeSpec, { kind: 'auditEvents' }>;
type AuditEvent = {
  level?: string;
  stage?: string;
  requestURI?: string;
  user?: { username?: string };
  requestObject?: unknown;
  responseObject?: unknown;
};

/**
 * The canary request, marked with the nonce in its URL: `fieldManager=` on writes (which are dry
 * runs, so nothing is stored), a label selector on a list, the object's name otherwise.
 */
export function canary(spec: Spec['request'], nonce: string) {
  if (spec.path) return { method: 'GET' as const, path: `${spec.path}?khl-audit=${nonce}`, body: undefined };
  const collection = collectionPath(spec.apiVersion, spec.resource ?? '', spec.namespace);
  const name = spec.name ?? `audit-canary-${nonce}`;
  const item = `${collection}/${encodeURIComponent(name)}`;
  const mark = `fieldManager=khl-audit-${nonce}`;
  switch (spec.verb) {
    case 'create': {
      const object = structuredClone(spec.object ?? {}) as { metadata?: Record<string, unknown> };
      object.metadata = { ...(object.metadata ?? {}), name: `audit-canary-${nonce}` };
      return { method: 'POST' as const, path: `${collection}?dryRun=All&${mark}`, body: object };
    }
    case 'patch':
      return { method: 'PATCH' as const, path: `${item}?dryRun=All&${mark}`, body: spec.patch };
    case 'delete':
      return { method: 'DELETE' as const, path: `${item}?dryRun=All&khl-audit=${nonce}`, body: undefined };
    case 'list':
      return {
        method: 'GET' as const,
        path: `${collection}?labelSelector=${encodeURIComponent(`khl-audit=${nonce}`)}`,
        body: undefined,
      };
    case 'get':
      return {
        method: 'GET' as const,
        path: spec.name ? `${item}?khl-audit=${nonce}` : item,
        body: undefined,
      };
  }
}

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const t = setTimeout(resolve, ms);
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(t);
        resolve();
      },
      { once: true },
    );
  });

async function eventsFor(context: ProbeContext, spec: Spec, nonce: string) {
  // The log backend writes as the request completes; a moment's grace for the last stage.
  let lines: string[] | undefined;
  for (let attempt = 0; attempt < 4; attempt++) {
    if (attempt > 0) await sleep(750, context.signal);
    lines = await (await nodeBatch(context, spec.node)).grep(spec.log, nonce, 20);
    if (lines === undefined) return undefined;
    const events = lines.flatMap((l): AuditEvent[] => {
      try {
        return [JSON.parse(l) as AuditEvent];
      } catch {
        return [];
      }
    });
    if (events.some((e) => e.stage === 'ResponseComplete' || e.stage === 'Panic')) return events;
    if (attempt === 3) return events;
  }
  return [];
}

/**
 * `auditEvents`: makes its own marked request, then reads the events that carry the nonce from
 * the log on the node. `{logExists, found, levels, stages, hasRequestObject, hasResponseObject,
 * user, status}`. Only this round's request counts, so an old event can never pass a check.
 */
export const auditEventsProbe: ProbeExecutor<'auditEvents'> = async (spec, context) => {
  const made = await clientAs(context, spec.as);
  if (!made.ok) return made.observation;
  const nonce = randomBytes(8).toString('hex');
  const req = canary(spec.request, nonce);
  const r = await made.client.api.request(req.path, {
    method: req.method,
    ...(req.body === undefined ? {} : { body: req.body }),
    ...(req.method === 'PATCH' ? { contentType: 'application/merge-patch+json' } : {}),
    ...(made.client.headers ? { headers: made.client.headers } : {}),
    signal: context.signal,
  });
  if (r.type === 'invalid') return probeError(r.message);
  if (apiDown(r)) return apiWaiting(context, r);
  const events = await eventsFor(context, spec, nonce);
  if (events === undefined)
    return value({
      logExists: false,
      found: 0,
      levels: [],
      stages: [],
      status: 'status' in r ? r.status : 0,
    });
  const levels = [...new Set(events.map((e) => e.level).filter((l): l is string => Boolean(l)))];
  return value({
    logExists: true,
    found: events.length,
    levels,
    stages: [...new Set(events.map((e) => e.stage).filter((s): s is string => Boolean(s)))],
    hasRequestObject: events.some((e) => e.requestObject !== undefined),
    hasResponseObject: events.some((e) => e.responseObject !== undefined),
    user: events.find((e) => e.user?.username)?.user?.username,
    status: 'status' in r ? r.status : 0,
  });
};
