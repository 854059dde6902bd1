import { apiDown, apiWaiting, labApi } from './kube.js';
import type { ProbeExecutor } from './types.js';
import { probeError, value } from './types.js';
import { readFileFacts } from './workspace.js';

type Claims = Record<string, unknown> & {
  iss?: unknown;
  exp?: unknown;
  iat?: unknown;
  'kubernetes.io'?: { pod?: { name?: string }; secret?: { name?: string } };
};

/** The JWT payload, decoded and NOT verified (the TokenReview is what is trusted). */
export function jwtClaims(token: string): Claims | undefined {
  const parts = token.split('.');
  if (parts.length !== 3 || !parts[1]) return undefined;
  try {
    const claims = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8')) as unknown;
    return claims && typeof claims === 'object' && !Array.isArray(claims) ? (claims as Claims) : undefined;
  } catch {
    return undefined;
  }
}

const iso = (seconds: unknown) =>
  typeof seconds === 'number' ? new Date(seconds * 1000).toISOString() : undefined;

/** What a token's claims say about its lifetime and binding (no secret in any of it). */
export function claimFacts(claims: Claims | undefined, nowMs: number) {
  const exp = typeof claims?.exp === 'number' ? claims.exp : undefined;
  const iat = typeof claims?.iat === 'number' ? claims.iat : undefined;
  const bound = claims?.['kubernetes.io'];
  return {
    claims,
    expires: exp !== undefined,
    issuedAt: iso(iat),
    expiresAt: iso(exp),
    lifetimeSeconds: exp !== undefined && iat !== undefined ? exp - iat : undefined,
    expiresInSeconds: exp !== undefined ? Math.round(exp - nowMs / 1000) : undefined,
    legacy: claims?.iss === 'kubernetes/serviceaccount',
    boundTo: bound?.pod?.name
      ? `pod/${bound.pod.name}`
      : bound?.secret?.name
        ? `secret/${bound.secret.name}`
        : undefined,
  };
}

const SA = /^system:serviceaccount:([^:]+):([^:]+)$/;

/**
 * `token`: a token file judged by the API (a TokenReview sent by the lab admin) and by its decoded
 * claims. The observation never holds the token.
 */
export const tokenProbe: ProbeExecutor<'token'> = async (spec, context) => {
  const f = await readFileFacts(context, spec.file, spec.node).catch((error: Error) => error);
  if (f instanceof Error) return probeError(f.message);
  const token = f.exists ? (f.content ?? '').trim() : '';
  if (!token) return value({ exists: false, jwt: false, authenticated: false });
  const claims = jwtClaims(token);
  const r = await labApi(context).request('/apis/authentication.k8s.io/v1/tokenreviews', {
    method: 'POST',
    body: { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec: { token } },
    signal: context.signal,
  });
  if (r.type !== 'ok') {
    if (apiDown(r)) return apiWaiting(context, r);
    return probeError(`the token review failed: ${r.message}`);
  }
  const status = (
    r.body as {
      status?: { authenticated?: boolean; user?: { username?: string; groups?: string[] } };
    }
  ).status;
  const authenticated = status?.authenticated === true;
  const username = authenticated ? status?.user?.username : undefined;
  const sa = username ? SA.exec(username) : null;
  return value({
    exists: true,
    jwt: claims !== undefined,
    authenticated,
    username,
    groups: authenticated ? (status?.user?.groups ?? []) : undefined,
    serviceAccount: sa ? `${sa[1]}/${sa[2]}` : undefined,
    ...claimFacts(claims, Date.now()),
  });
};
