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

/**
 * Whether the node's kubelet is running (its process exists). Enqueued alongside the probe's own
 * request, so it rides the same round trip.
 */
export async function kubeletRunning(batch: NodeBatch): Promise<boolean> {
  return (await batch.processes('kubelet')).length > 0;
}

export function kubeletWaiting(node: string): Observation {
  return {
    type: 'waiting',
    message: `kubelet on ${node} is not running — waiting for it to start (systemctl status kubelet; journalctl -u kubelet)`,
  };
}

function portOf(url: URL): number {
  if (url.port) return Number(url.port);
  return url.protocol === 'https:' ? 443 : 80;
}

/**
 * `nodeHttp`: the status code of a request made inside the node, without credentials
 * (`curl -sk`): `{status, reachable}`; status 0 when nothing answered. A kubelet port while the
 * kubelet is not running → waiting.
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
  const [status, running] = await Promise.all([
    batch.httpStatus(spec.url),
    kubeletPort ? kubeletRunning(batch) : Promise.resolve(true),
  ]);
  if (kubeletPort && !running) return kubeletWaiting(batch.node);
  return value({ status, reachable: status > 0 });
};

/** `nodePort`: `{open}` — a TCP connect from inside the node. A kubelet port while it is down → waiting. */
export const nodePortProbe: ProbeExecutor<'nodePort'> = async (spec, context) => {
  const batch = await nodeBatch(context, spec.node);
  const kubeletPort = KUBELET_PORTS.has(spec.port);
  const [open, running] = await Promise.all([
    batch.portOpen(spec.host, spec.port),
    kubeletPort ? kubeletRunning(batch) : Promise.resolve(true),
  ]);
  if (kubeletPort && !running) return kubeletWaiting(batch.node);
  return value({ open });
};
