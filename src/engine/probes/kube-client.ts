import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { KubeConfig } from '@kubernetes/client-node';
import type { Observation } from '../../domain/checks.js';
import { nodeBatch } from './node-batch.js';
import type { ProbeContext } from './types.js';

/**
 * A small Kubernetes API client: @kubernetes/client-node's `KubeConfig` supplies the server, TLS
 * material and credentials (`applyToHTTPSOptions`), and requests go out through node's https with a
 * keep-alive agent. Raw paths let a probe name a resource by its plural (`pods`, `nodes`,
 * `poddisruptionbudgets`) without discovery, and a failed connection stays data (`unreachable`).
 */

export type ApiResponse =
  | { readonly type: 'ok'; readonly status: number; readonly body: unknown }
  | { readonly type: 'http'; readonly status: number; readonly body: unknown; readonly message: string }
  | { readonly type: 'unreachable'; readonly message: string }
  /** The kubeconfig itself cannot be used (credentials, TLS settings): not a waiting window. */
  | { readonly type: 'invalid'; readonly message: string };

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

export type RequestOptions = {
  readonly method?: 'GET' | 'POST' | 'DELETE';
  readonly body?: unknown;
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
};

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
    Accept: 'application/json',
    ...(payload
      ? { 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(payload)) }
      : {}),
  };
  const url = new URL(path, cluster.server);
  // Plain http only for test servers; a lab's apiserver is always https.
  const transport = url.protocol === 'http:' ? http : https;
  const agent = agentFor(kc);
  if (agent && transport === https) opts.agent = agent;
  return new Promise<ApiResponse>((resolve) => {
    const req = https.request(
      url,
      { ...opts, timeout: options.timeoutMs ?? 10_000, signal: options.signal },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', (error) => resolve({ type: 'unreachable', message: error.message }));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let body: unknown = text;
          try {
            body = text ? JSON.parse(text) : undefined;
          } catch {
            // Not JSON (for example a plain "Unauthorized"): keep the text.
          }
          const status = res.statusCode ?? 0;
          if (status >= 200 && status < 300) resolve({ type: 'ok', status, body });
          else {
            const m = (body as { message?: unknown } | undefined)?.message;
            const message =
              typeof m === 'string' ? m : typeof body === 'string' && body ? body.trim() : `HTTP ${status}`;
            resolve({ type: 'http', status, body, message });
          }
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

/** The lab admin's client (the lab's own kubeconfig). */
export function labClient(context: ProbeContext): KubeConfig {
  if (!context.cluster) throw new Error('this check needs the lab cluster, but no lab is attached');
  return loadKubeConfig(context.cluster.kubeconfigPath);
}

/** True when a response means "the apiserver is not serving right now" rather than an answer. */
export function apiDown(r: ApiResponse): boolean {
  return r.type === 'unreachable' || (r.type === 'http' && (r.status >= 500 || r.status === 429));
}

const APISERVER_LOGS = [
  '/var/log/pods/kube-system_kube-apiserver-*/kube-apiserver/*.log',
  '/var/log/containers/kube-apiserver-*.log',
];

/** Strips the CRI log prefix (`2024-01-01T00:00:00.000Z stderr F `) from a container log line. */
export function criLogText(line: string): string {
  const m = /^\S+ (?:stdout|stderr) [FP] (.*)$/.exec(line);
  return m?.[1] ?? line;
}

/**
 * The `waiting` observation for an apiserver that does not answer: why, and the last lines of its
 * log read on the control-plane node (memoised per round, so many probes cost one read).
 */
export function apiWaiting(context: ProbeContext, r: ApiResponse): Promise<Observation> {
  const key = 'api:waiting';
  let pending = context.roundCache.get(key) as Promise<Observation> | undefined;
  if (!pending) {
    pending = (async (): Promise<Observation> => {
      const why = r.type === 'http' ? `HTTP ${r.status}: ${r.message}` : 'message' in r ? r.message : '';
      let tail = '';
      try {
        const batch = await nodeBatch(context, 'control-plane');
        const tails = await Promise.all(APISERVER_LOGS.map((glob) => batch.tail(glob, 3)));
        const t = tails.find((x) => x && x.lines.length > 0);
        if (t) tail = t.lines.map((l) => `  ${criLogText(l).slice(0, 200)}`).join('\n');
      } catch {
        // No log to show: the reason alone.
      }
      return {
        type: 'waiting',
        message: `apiserver restarting — waiting (${why.split('\n')[0]})${tail ? `\n  last lines of its log:\n${tail}` : ''}`,
      };
    })();
    context.roundCache.set(key, pending);
  }
  return pending;
}

/** `/api/v1` or `/apis/<group>/<version>`. */
export function apiBase(apiVersion: string): string {
  return apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
}

export function collectionPath(apiVersion: string, resource: string, namespace?: string): string {
  return `${apiBase(apiVersion)}${namespace ? `/namespaces/${encodeURIComponent(namespace)}` : ''}/${resource}`;
}
