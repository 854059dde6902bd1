import type { Observation } from '../../domain/checks.js';
import { type NodeBatch, nodeBatch } from './node-batch.js';
import type { ProbeExecutor } from './types.js';
import { probeError, value } from './types.js';
import type { FileReader } from './workspace.js';

/** Ports the kubelet serves: probing them while the kubelet is down says nothing about its settings. */
export const KUBELET_PORTS: ReadonlySet<number> = new Set([10250, 10255, 10248]);

/** `file`/`field`/`x509` with `node:` read through the round's node batch. */
export const nodeFileReader: FileReader = async (context, file, node) => {
  if (!file.startsWith('/')) throw new Error(`node paths must be absolute: ${file}`);
  const batch = await nodeBatch(context, node ?? 'control-plane');
  return batch.file(file);
};

/** A kubelet started less than this long ago may not listen yet: its ports say nothing yet. */
export const KUBELET_STARTUP_MS = 20_000;

/**
 * The node's kubelet: running (a process exists) and how long ago it started. Enqueued alongside
 * the probe's own request, so it rides the same round trip.
 */
export async function kubeletState(
  batch: NodeBatch,
): Promise<{ running: boolean; young: boolean; listening: boolean }> {
  // The main port answering means the kubelet has started its servers: a port still closed then
  // (10255 with readOnlyPort 0) is closed for good, not "not yet".
  const [processes, listening] = await Promise.all([
    batch.processes('kubelet'),
    batch.portOpen('127.0.0.1', 10250),
  ]);
  const newest = processes.at(-1);
  if (!newest) return { running: false, young: false, listening };
  return { running: true, young: Date.now() - newest.startedAt * 1000 < KUBELET_STARTUP_MS, listening };
}

export function kubeletWaiting(node: string, starting = false): Observation {
  return {
    type: 'waiting',
    message: starting
      ? `kubelet on ${node} is starting — waiting for it to listen`
      : `kubelet on ${node} is not running — waiting for it to start (systemctl status kubelet; journalctl -u kubelet)`,
  };
}

function portOf(url: URL): number {
  if (url.port) return Number(url.port);
  return url.protocol === 'https:' ? 443 : 80;
}

/**
 * `nodeHttp`: the status code of a request made inside the node, without credentials
 * (`curl -sk`): `{status, reachable}`; status 0 when nothing answered. A kubelet port while the
 * kubelet is not running, or started < 20 s ago and not serving yet (10250 closed) → waiting.
 */
export const nodeHttpProbe: ProbeExecutor<'nodeHttp'> = async (spec, context) => {
  let url: URL;
  try {
    url = new URL(spec.url);
  } catch {
    return probeError(`not a URL: ${spec.url}`);
  }
  const batch = await nodeBatch(context, spec.node);
  const kubeletPort = KUBELET_PORTS.has(portOf(url));
  const [status, kubelet] = await Promise.all([
    batch.httpStatus(spec.url),
    kubeletPort ? kubeletState(batch) : Promise.resolve({ running: true, young: false, listening: true }),
  ]);
  if (!kubelet.running) return kubeletWaiting(batch.node);
  if (kubelet.young && !kubelet.listening && status === 0) return kubeletWaiting(batch.node, true);
  return value({ status, reachable: status > 0 });
};

/** `nodePort`: `{open}` — a TCP connect from inside the node. A kubelet port while it is down → waiting. */
export const nodePortProbe: ProbeExecutor<'nodePort'> = async (spec, context) => {
  const batch = await nodeBatch(context, spec.node);
  const kubeletPort = KUBELET_PORTS.has(spec.port);
  const [open, kubelet] = await Promise.all([
    batch.portOpen(spec.host, spec.port),
    kubeletPort ? kubeletState(batch) : Promise.resolve({ running: true, young: false, listening: true }),
  ]);
  if (!kubelet.running) return kubeletWaiting(batch.node);
  if (kubelet.young && !kubelet.listening && !open) return kubeletWaiting(batch.node, true);
  return value({ open });
};
