import path from 'node:path';
import type { Observation } from '../../domain/checks.js';
import type { Identity } from '../../domain/probe-spec.js';
import type { ApiResponse, KubeApi, KubeRequestOptions } from '../ports.js';
import { labApi } from './kube.js';
import { clusterIo, type ProbeContext, probeError } from './types.js';
import { readFileFacts } from './workspace.js';
import { workspaceClient } from './workspace-kubeconfig.js';

/**
 * Identities for probes that ask the API as someone (apiRequest, admission): each `as:` shape
 * becomes a client plus the headers it sends. Credentials stay in this call: nothing here logs,
 * caches across rounds or returns a token or key in an observation.
 */

type Headers = NonNullable<KubeRequestOptions['headers']>;

export type AsClient = {
  readonly api: KubeApi;
  readonly headers?: Headers;
  /** The lab admin itself: no need to ask who it is. */
  readonly admin: boolean;
};

type Made = { ok: true; client: AsClient } | { ok: false; observation: Observation };

/** A credential file, from the workspace (never outside it), the scenario folder or a node. */
async function readCredential(
  context: ProbeContext,
  file: string,
  from: 'workspace' | 'scenario' | 'node',
  node: string | undefined,
): Promise<{ ok: true; text: string } | { ok: false; observation: Observation }> {
  const missing = (why: string) => ({ ok: false as const, observation: probeError(why) });
  if (from === 'node' && !node) return missing(`${file}: a node file needs node:`);
  if (from === 'scenario') {
    if (!context.scenarioDir) return missing(`${file}: no scenario folder is known to this round`);
    if (path.isAbsolute(file) || file.split(/[\\/]/).includes('..'))
      return missing(`${file} is not a file of the scenario folder`);
    const f = await context.io.files.read(context.scenarioDir, file);
    if (!f.exists || f.content === undefined) return missing(`the scenario's ${file} is missing`);
    return { ok: true, text: f.content };
  }
  const f = await readFileFacts(context, file, from === 'node' ? node : undefined).catch(
    (error: Error) => error,
  );
  if (f instanceof Error) return missing(f.message);
  if (!f.exists || f.content === undefined)
    return missing(`${file} does not exist ${from === 'node' ? `on ${node}` : 'in the workspace'}`);
  return { ok: true, text: f.content };
}

/** A 10-minute token for a service account, minted by the lab admin (once per round). */
function serviceAccountToken(
  context: ProbeContext,
  ref: string,
): Promise<{ ok: true; token: string } | { ok: false; observation: Observation }> {
  const key = `sa-token:${ref}`;
  let pending = context.roundCache.get(key) as ReturnType<typeof serviceAccountToken> | undefined;
  if (!pending) {
    pending = (async () => {
      const [ns, name] = ref.split('/') as [string, string];
      const r = await labApi(context).request(
        `/api/v1/namespaces/${encodeURIComponent(ns)}/serviceaccounts/${encodeURIComponent(name)}/token`,
        {
          method: 'POST',
          body: {
            apiVersion: 'authentication.k8s.io/v1',
            kind: 'TokenRequest',
            spec: { expirationSeconds: 600 },
          },
          signal: context.signal,
        },
      );
      if (r.type === 'ok') {
        const token = (r.body as { status?: { token?: string } }).status?.token;
        if (token) return { ok: true as const, token };
      }
      if (r.type === 'http' && r.status === 404)
        return { ok: false as const, observation: probeError(`service account ${ref} does not exist`) };
      return {
        ok: false as const,
        observation: probeError(`no token could be had for ${ref}: ${'message' in r ? r.message : r.type}`),
      };
    })();
    context.roundCache.set(key, pending);
  }
  return pending;
}

/** The client for an `as:` (the lab admin when omitted). */
export async function clientAs(context: ProbeContext, as: Identity | undefined): Promise<Made> {
  const ok = (client: AsClient): Made => ({ ok: true, client });
  if (!as || 'admin' in as) return ok({ api: labApi(context), admin: true });
  const { io, kubeconfigPath } = clusterIo(context);
  if ('anonymous' in as)
    return ok({ api: io.kube.withCredentials(kubeconfigPath, { type: 'anonymous' }), admin: false });
  if ('token' in as) {
    const t = await readCredential(context, as.token.file, as.token.from, as.token.node);
    if (!t.ok) return t;
    const token = t.text.trim();
    if (!token) return { ok: false, observation: probeError(`${as.token.file} is empty`) };
    return ok({ api: io.kube.withCredentials(kubeconfigPath, { type: 'token', token }), admin: false });
  }
  if ('cert' in as) {
    const c = await readCredential(context, as.cert.cert, as.cert.from, as.cert.node);
    if (!c.ok) return c;
    const k = await readCredential(context, as.cert.key, as.cert.from, as.cert.node);
    if (!k.ok) return k;
    return ok({
      api: io.kube.withCredentials(kubeconfigPath, {
        type: 'certificate',
        certPem: c.text,
        keyPem: k.text,
      }),
      admin: false,
    });
  }
  if ('kubeconfig' in as) {
    const made = await workspaceClient(context, as.kubeconfig, as.context);
    if (!made.ok) return made;
    return ok({ api: made.client.kc, admin: false });
  }
  if ('serviceAccount' in as) {
    const t = await serviceAccountToken(context, as.serviceAccount);
    if (!t.ok) return t;
    return ok({
      api: io.kube.withCredentials(kubeconfigPath, { type: 'token', token: t.token }),
      admin: false,
    });
  }
  return ok({
    api: labApi(context),
    headers: {
      'Impersonate-User': as.user,
      ...(as.groups?.length ? { 'Impersonate-Group': as.groups } : {}),
    },
    admin: false,
  });
}

export type Who = { readonly user?: string | undefined; readonly groups?: readonly string[] | undefined };

/** The user a 403 message names (`User "x" cannot …`): v1.20 has no SelfSubjectReview. */
export function userFromMessage(message: string | undefined): string | undefined {
  return message ? /User "([^"]+)"/.exec(message)?.[1] : undefined;
}

/** Who the API sees for these credentials: a SelfSubjectReview made with them. */
export async function whoIs(context: ProbeContext, client: AsClient): Promise<Who> {
  for (const version of ['v1', 'v1beta1']) {
    const r = await client.api.request(`/apis/authentication.k8s.io/${version}/selfsubjectreviews`, {
      method: 'POST',
      body: { apiVersion: `authentication.k8s.io/${version}`, kind: 'SelfSubjectReview' },
      ...(client.headers ? { headers: client.headers } : {}),
      signal: context.signal,
    });
    if (r.type === 'ok') {
      const info = (r.body as { status?: { userInfo?: { username?: string; groups?: string[] } } }).status
        ?.userInfo;
      return { user: info?.username, groups: info?.groups ?? [] };
    }
    if (r.type === 'http' && r.status === 403) return { user: userFromMessage(r.message) };
    if (!(r.type === 'http' && r.status === 404)) return {};
  }
  return {};
}

/** The fields every answer gets: status, ok, reason, message, authenticated. */
export function answerFields(r: ApiResponse): Record<string, unknown> {
  if (r.type !== 'ok' && r.type !== 'http') return { status: 0, ok: false, message: r.message };
  const reason = (r.body as { reason?: unknown } | undefined)?.reason;
  return {
    status: r.status,
    ok: r.type === 'ok',
    reason: r.type === 'http' ? (typeof reason === 'string' ? reason : undefined) : undefined,
    message: r.type === 'http' ? r.message : undefined,
    authenticated: r.status !== 401,
  };
}
