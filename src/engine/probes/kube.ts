import type { Observation } from '../../domain/checks.js';
import type { ApiResponse, KubeApi } from '../ports.js';
import { nodeBatch } from './node-batch.js';
import { clusterIo, type ProbeContext } from './types.js';

export type { ApiResponse };

/** The lab admin's client (the lab's own kubeconfig). */
export function labApi(context: ProbeContext): KubeApi {
  const { io, kubeconfigPath } = clusterIo(context);
  return io.kube.lab(kubeconfigPath);
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
      if (context.apiserverLog !== false)
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
