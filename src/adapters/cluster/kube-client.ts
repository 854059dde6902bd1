import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { KubeConfig } from '@kubernetes/client-node';
import type {
  ApiResponse,
  KubeApi,
  KubeClients,
  KubeRequestOptions,
  ProbeCredentials,
} from '../../engine/ports.js';

/**
 * A small Kubernetes API client: @kubernetes/client-node's `KubeConfig` supplies the server, TLS
 * material and credentials (`applyToHTTPSOptions`), and requests go out through node's https with a
 * keep-alive agent. Raw paths let a probe name a resource by its plural (`pods`, `nodes`,
 * `poddisruptionbudgets`) without discovery, and a failed connection stays data (`unreachable`).
 */

export type { ApiResponse };

type Loaded = { readonly kc: KubeConfig; readonly agent: https.Agent; readonly mtimeMs: number };
const loaded = new Map<string, Loaded>();

/** Loads (and caches while the file is unchanged) a kubeconfig, optionally on another context. */
export function loadKubeConfig(file: string, context?: string): KubeConfig {
  const mtimeMs = fs.statSync(file).mtimeMs;
  const key = `${file}\0${context ?? ''}`;
  const hit = loaded.get(key);
  if (hit && hit.mtimeMs === mtimeMs) return hit.kc;
  hit?.agent.destroy();
  const kc = new KubeConfig();
  kc.loadFromFile(file);
  if (context) {
    if (!kc.getContextObject(context)) throw new Error(`${file} has no context "${context}"`);
    kc.setCurrentContext(context);
  }
  loaded.set(key, { kc, agent: new https.Agent({ keepAlive: true, maxSockets: 16 }), mtimeMs });
  return kc;
}

function agentFor(kc: KubeConfig): https.Agent | undefined {
  for (const l of loaded.values()) if (l.kc === kc) return l.agent;
  return undefined;
}

/** Drops cached clients (tests; and the lab's kubeconfig being rewritten by `up`). */
export function forgetKubeConfigs(): void {
  for (const l of loaded.values()) l.agent.destroy();
  loaded.clear();
}

export type RequestOptions = KubeRequestOptions;

export async function kubeRequest(
  kc: KubeConfig,
  path: string,
  options: RequestOptions = {},
): Promise<ApiResponse> {
  const cluster = kc.getCurrentCluster();
  if (!cluster) return { type: 'invalid', message: 'the kubeconfig names no cluster' };
  const opts: https.RequestOptions = { method: options.method ?? 'GET', headers: {} };
  try {
    await kc.applyToHTTPSOptions(opts);
  } catch (error) {
    return { type: 'invalid', message: `the kubeconfig cannot be used: ${(error as Error).message}` };
  }
  const payload = options.body === undefined ? undefined : JSON.stringify(options.body);
  opts.headers = {
    ...(opts.headers as Record<string, string>),
    ...(options.headers as Record<string, string | string[]> | undefined),
    Accept: 'application/json, */*',
    ...(payload
      ? {
          'Content-Type': options.contentType ?? 'application/json',
          'Content-Length': String(Buffer.byteLength(payload)),
        }
      : {}),
  };
  const maxBytes = options.maxBytes ?? 8 * 1024 * 1024;
  const url = new URL(path, cluster.server);
  // Plain http only for test servers; a lab's apiserver is always https, through a keep-alive agent.
  const transport = url.protocol === 'http:' ? http : https;
  if (transport === http) delete opts.agent;
  else {
    const agent = agentFor(kc);
    if (agent) opts.agent = agent;
  }
  return new Promise<ApiResponse>((resolve) => {
    const req = transport.request(
      url,
      { ...opts, timeout: options.timeoutMs ?? 10_000, signal: options.signal },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        let truncated = false;
        const finish = () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let body: unknown = text;
          try {
            body = text ? JSON.parse(text) : undefined;
          } catch {
            // Not JSON (for example a plain "Unauthorized"): keep the text.
          }
          const status = res.statusCode ?? 0;
          const cut = truncated ? { truncated } : {};
          if (status >= 200 && status < 300) resolve({ type: 'ok', status, body, ...cut });
          else {
            const m = (body as { message?: unknown } | undefined)?.message;
            const message =
              typeof m === 'string' ? m : typeof body === 'string' && body ? body.trim() : `HTTP ${status}`;
            resolve({ type: 'http', status, body, message, ...cut });
          }
        };
        res.on('data', (c: Buffer) => {
          if (truncated) return;
          size += c.length;
          if (size > maxBytes) {
            // Enough to judge (a /metrics answer runs to megabytes): keep what fits and stop reading.
            chunks.push(c.subarray(0, c.length - (size - maxBytes)));
            truncated = true;
            finish();
            res.destroy();
            return;
          }
          chunks.push(c);
        });
        res.on('error', (error) => {
          if (!truncated) resolve({ type: 'unreachable', message: error.message });
        });
        res.on('end', () => {
          if (!truncated) finish();
        });
      },
    );
    req.on('timeout', () =>
      req.destroy(new Error(`no answer from ${url.host} within ${(options.timeoutMs ?? 10_000) / 1000} s`)),
    );
    req.on('error', (error: NodeJS.ErrnoException) =>
      resolve({
        type: 'unreachable',
        message: error.code ? `${error.code}: ${error.message}` : error.message,
      }),
    );
    if (payload) req.write(payload);
    req.end();
  });
}

type UserOverride = {
  /** Replaces the user's token. */
  readonly token?: { readonly value: string | undefined } | undefined;
  /** Replace the user's client certificate and key files with their text (the files are never read here). */
  readonly certPem?: string | undefined;
  readonly keyPem?: string | undefined;
};

/** A client over a loaded kubeconfig; `override` replaces the user's credentials on every request. */
function api(load: () => KubeConfig, override: UserOverride = {}): KubeApi {
  return {
    request: (path, options) => {
      let kc: KubeConfig;
      try {
        kc = load();
      } catch (error) {
        return Promise.resolve({ type: 'invalid', message: (error as Error).message.split('\n')[0] ?? '' });
      }
      const user = kc.getCurrentUser() as {
        token?: string | undefined;
        certFile?: string | undefined;
        certData?: string | undefined;
        keyFile?: string | undefined;
        keyData?: string | undefined;
      } | null;
      if (user) {
        if (override.token) user.token = override.token.value;
        const b64 = (text: string) => Buffer.from(text).toString('base64');
        if (override.certPem !== undefined) {
          user.certFile = undefined;
          user.certData = b64(override.certPem);
        }
        if (override.keyPem !== undefined) {
          user.keyFile = undefined;
          user.keyData = b64(override.keyPem);
        }
      }
      return kubeRequest(kc, path, options);
    },
  };
}

/**
 * The lab's cluster (server and CA) with a probe's own credentials. A fresh KubeConfig per call:
 * the credentials live only in memory for the request, and no cache keeps a key or a token.
 */
function withCredentials(labKubeconfigPath: string, credentials: ProbeCredentials): KubeApi {
  return {
    request: (path, options) => {
      let kc: KubeConfig;
      try {
        const lab = loadKubeConfig(labKubeconfigPath);
        const cluster = lab.getCurrentCluster();
        if (!cluster)
          return Promise.resolve({ type: 'invalid', message: 'the lab kubeconfig names no cluster' });
        const b64 = (text: string) => Buffer.from(text).toString('base64');
        const user =
          credentials.type === 'token'
            ? { name: 'probe', token: credentials.token }
            : credentials.type === 'certificate'
              ? { name: 'probe', certData: b64(credentials.certPem), keyData: b64(credentials.keyPem) }
              : { name: 'probe' };
        kc = new KubeConfig();
        kc.loadFromOptions({
          clusters: [cluster],
          users: [user],
          contexts: [{ name: 'probe', cluster: cluster.name, user: 'probe' }],
          currentContext: 'probe',
        });
      } catch (error) {
        return Promise.resolve({ type: 'invalid', message: (error as Error).message.split('\n')[0] ?? '' });
      }
      return kubeRequest(kc, path, options);
    },
  };
}

export const kubeClients: KubeClients = {
  withCredentials,
  lab: (kubeconfigPath) => api(() => loadKubeConfig(kubeconfigPath)),
  fromFile: (file, options = {}) => {
    loadKubeConfig(file, options.context);
    return api(() => loadKubeConfig(file, options.context), {
      ...('token' in options ? { token: { value: options.token } } : {}),
      certPem: options.clientCertificate?.certPem,
      keyPem: options.clientCertificate?.keyPem,
    });
  },
};
