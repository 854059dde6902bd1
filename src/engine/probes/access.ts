import { X509Certificate } from 'node:crypto';
import type { KubeApi } from '../ports.js';
import { apiDown, apiWaiting, labApi } from './kube.js';
import type { CredentialSource } from './kubeconfig.js';
import type { ProbeContext, ProbeExecutor } from './types.js';
import { probeError, value } from './types.js';
import { readNamed, workspaceClient } from './workspace-kubeconfig.js';

const SA = /^system:serviceaccount:([^:]+):([^:]+)$/;

/**
 * The groups the apiserver gives a user it authenticates (what `kubectl --as` gets through
 * impersonation). A raw SubjectAccessReview adds none, so group-based RBAC/ABAC rules would
 * not match without them.
 */
export function groupsFor(user: string): string[] {
  const sa = SA.exec(user);
  if (sa) return ['system:serviceaccounts', `system:serviceaccounts:${sa[1]}`, 'system:authenticated'];
  if (user === 'system:anonymous') return ['system:unauthenticated'];
  return ['system:authenticated'];
}

type ReviewStatus = { allowed?: boolean; denied?: boolean; reason?: string; evaluationError?: string };

/** `resourceAttributes`, or `nonResourceAttributes` for a URL such as /metrics. */
function resourceAttributes(spec: Parameters<ProbeExecutor<'access'>>[0]) {
  if (spec.nonResourcePath) return { nonResourceAttributes: { verb: spec.verb, path: spec.nonResourcePath } };
  return {
    resourceAttributes: {
      verb: spec.verb,
      resource: spec.resource,
      group: spec.group,
      ...(spec.subresource ? { subresource: spec.subresource } : {}),
      ...(spec.namespace ? { namespace: spec.namespace } : {}),
    },
  };
}

/** Who a kubeconfig's context authenticates as, asked of the API (not read from the file). */
async function whoAmI(
  context: ProbeContext,
  kc: KubeApi,
  source: CredentialSource,
  token: string | undefined,
): Promise<{ username?: string; via?: string }> {
  // 1. SelfSubjectReview (Kubernetes 1.27+ beta, 1.28 GA); absent on v1.20 (404).
  for (const version of ['v1', 'v1beta1']) {
    const r = await kc.request(`/apis/authentication.k8s.io/${version}/selfsubjectreviews`, {
      method: 'POST',
      body: { apiVersion: `authentication.k8s.io/${version}`, kind: 'SelfSubjectReview' },
      signal: context.signal,
    });
    if (r.type === 'ok') {
      const u = (r.body as { status?: { userInfo?: { username?: string } } }).status?.userInfo?.username;
      if (u) return { username: u, via: 'SelfSubjectReview' };
    }
    if (!(r.type === 'http' && r.status === 404)) break;
  }
  // 2. A bearer token (client-go's choice: a readable tokenFile wins): a TokenReview sent by the
  // lab admin says whose token it is.
  if (token) {
    const r = await labApi(context).request('/apis/authentication.k8s.io/v1/tokenreviews', {
      method: 'POST',
      body: { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec: { token } },
      signal: context.signal,
    });
    if (r.type === 'ok') {
      const s = (r.body as { status?: { authenticated?: boolean; user?: { username?: string } } }).status;
      return s?.authenticated && s.user?.username ? { username: s.user.username, via: 'TokenReview' } : {};
    }
    return {};
  }
  // 3. A client certificate the API accepted: its subject CN is the user name.
  const pem =
    source.type === 'certificate'
      ? source.pem
      : source.type === 'certificate-file'
        ? await readNamed(context, source.path)
        : undefined;
  if (pem) {
    try {
      const cn = /(?:^|\n)CN=([^\n]+)/.exec(new X509Certificate(pem).subject)?.[1];
      if (cn) return { username: cn, via: 'client certificate' };
    } catch {
      // Not a certificate: unknown.
    }
  }
  return {};
}

/**
 * `access`: can this user do this? Without `kubeconfig`: a SubjectAccessReview sent by the lab
 * admin for `user` (with the groups the apiserver would give it). With `kubeconfig` (a workspace
 * file, optional `context`): the request is made AS that context — a SelfSubjectAccessReview — so
 * the answer is about whoever the file really authenticates as.
 *
 * Observation: `{allowed, denied, reason, user}`; with `kubeconfig` also `authenticated` (false on
 * 401), `username` (asked of the API: SelfSubjectReview where it exists, else a TokenReview of the
 * context's token, else the client certificate's CN) and `userMatches` (username === user).
 */
export const accessProbe: ProbeExecutor<'access'> = async (spec, context) => {
  if (!spec.kubeconfig) {
    const r = await labApi(context).request('/apis/authorization.k8s.io/v1/subjectaccessreviews', {
      method: 'POST',
      body: {
        apiVersion: 'authorization.k8s.io/v1',
        kind: 'SubjectAccessReview',
        spec: {
          user: spec.user,
          groups: spec.groups ?? groupsFor(spec.user),
          ...resourceAttributes(spec),
        },
      },
      signal: context.signal,
    });
    if (r.type !== 'ok')
      return apiDown(r) ? apiWaiting(context, r) : probeError(`access review failed: ${r.message}`);
    const s = (r.body as { status?: ReviewStatus }).status ?? {};
    return value({
      allowed: s.allowed === true,
      denied: s.denied === true,
      reason: s.reason ?? s.evaluationError ?? '',
      user: spec.user,
    });
  }
  const made = await workspaceClient(context, spec.kubeconfig, spec.context);
  if (!made.ok) return made.observation;
  const { kc, source, token } = made.client;
  const r = await kc.request('/apis/authorization.k8s.io/v1/selfsubjectaccessreviews', {
    method: 'POST',
    body: {
      apiVersion: 'authorization.k8s.io/v1',
      kind: 'SelfSubjectAccessReview',
      spec: resourceAttributes(spec),
    },
    signal: context.signal,
  });
  if (r.type === 'http' && r.status === 401)
    return value({
      allowed: false,
      denied: false,
      reason: 'Unauthorized',
      authenticated: false,
      user: spec.user,
      userMatches: false,
    });
  if (r.type === 'unreachable' && /certificate|self.signed|CERT_|ERR_TLS/i.test(r.message))
    return value({
      allowed: false,
      denied: false,
      reason: r.message,
      authenticated: false,
      user: spec.user,
      userMatches: false,
    });
  if (r.type !== 'ok') {
    if (apiDown(r)) return apiWaiting(context, r);
    // Forbidden to even ask: still authenticated; the message names the user.
    const named = /User "([^"]+)"/.exec(r.message)?.[1];
    return value({
      allowed: false,
      denied: true,
      reason: r.message,
      authenticated: true,
      username: named,
      user: spec.user,
      userMatches: named === spec.user,
    });
  }
  const s = (r.body as { status?: ReviewStatus }).status ?? {};
  const who = await whoAmI(context, kc, source, token);
  return value({
    allowed: s.allowed === true,
    denied: s.denied === true,
    reason: s.reason ?? s.evaluationError ?? '',
    authenticated: true,
    user: spec.user,
    username: who.username,
    identifiedBy: who.via,
    userMatches: who.username === undefined ? undefined : who.username === spec.user,
  });
};
