import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { parse, stringify } from 'yaml';
import { z } from 'zod';
import { labDir } from '../paths.js';

/**
 * How the app marks a lab as its own: its own kubeconfig file in `labDir(cluster)`, a context named
 * after the cluster, and `state.json` next to it recording which server that context must reach.
 * The lab-only guard compares every target against this record. Both providers write it.
 */
export const labStateSchema = z.object({
  provider: z.literal('kind'),
  cluster: z.string().min(1),
  /** The context in the app's kubeconfig that reaches the lab. */
  context: z.string().min(1),
  /** The API server URL of that context, as written in the kubeconfig. */
  server: z.string().min(1),
  /** sha256 of the cluster CA certificate (DER), hex, when the kubeconfig embeds it. */
  caFingerprint: z.string().optional(),
  createdAt: z.string().min(1),
  /** kind only: the node image and the container engine used (`lab`: the project's own). */
  image: z.string().optional(),
  engine: z.enum(['docker', 'podman', 'lab']).optional(),
});

export type LabState = z.infer<typeof labStateSchema>;

export function labKubeconfigPath(cluster: string, env: NodeJS.ProcessEnv = process.env): string {
  return path.join(labDir(cluster, env), 'kubeconfig');
}

export function labStatePath(cluster: string, env: NodeJS.ProcessEnv = process.env): string {
  return path.join(labDir(cluster, env), 'state.json');
}

/** The lab's context name in the app's kubeconfig: the cluster name itself (`k8s-harden-lab`). */
export function labContextName(cluster: string): string {
  return cluster;
}

/** Reads state.json; undefined when it is missing or not a valid record. */
export function readLabState(cluster: string, env: NodeJS.ProcessEnv = process.env): LabState | undefined {
  let text: string;
  try {
    text = fs.readFileSync(labStatePath(cluster, env), 'utf8');
  } catch {
    return undefined;
  }
  try {
    const parsed = labStateSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

export function writeLabState(state: LabState, env: NodeJS.ProcessEnv = process.env): void {
  const file = labStatePath(state.cluster, env);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, `${JSON.stringify(labStateSchema.parse(state), null, 2)}\n`, { mode: 0o600 });
  fs.renameSync(tmp, file);
}

/** Removes the app's kubeconfig and state for a lab. Never touches anything outside labDir. */
export function removeLabState(cluster: string, env: NodeJS.ProcessEnv = process.env): void {
  fs.rmSync(labKubeconfigPath(cluster, env), { force: true });
  fs.rmSync(labStatePath(cluster, env), { force: true });
}

// ---------------------------------------------------------------------------------------------
// Kubeconfig reading (just what the lab needs; no client library).

type NamedEntry = { name?: unknown; context?: unknown; cluster?: unknown };

export type KubeconfigContext = {
  readonly name: string;
  readonly cluster: string | undefined;
  readonly server: string | undefined;
  readonly caData: string | undefined;
};

export type ParsedKubeconfig = {
  readonly currentContext: string | undefined;
  readonly contexts: readonly KubeconfigContext[];
};

function asRecord(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
}

function asString(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** Parses kubeconfig text; throws on YAML errors (callers decide what that means). */
export function parseKubeconfig(text: string): ParsedKubeconfig {
  const doc = asRecord(parse(text));
  const clusters = new Map<string, { server?: string | undefined; caData?: string | undefined }>();
  for (const entry of (Array.isArray(doc.clusters) ? doc.clusters : []) as NamedEntry[]) {
    const name = asString(entry?.name);
    const body = asRecord(entry?.cluster);
    if (name) {
      clusters.set(name, {
        server: asString(body.server),
        caData: asString(body['certificate-authority-data']),
      });
    }
  }
  const contexts: KubeconfigContext[] = [];
  for (const entry of (Array.isArray(doc.contexts) ? doc.contexts : []) as NamedEntry[]) {
    const name = asString(entry?.name);
    if (!name) continue;
    const cluster = asString(asRecord(entry?.context).cluster);
    const c = cluster ? clusters.get(cluster) : undefined;
    contexts.push({ name, cluster, server: c?.server, caData: c?.caData });
  }
  return { currentContext: asString(doc['current-context']), contexts };
}

/** Renames a context (and makes it current) in kubeconfig text; other entries are kept as they are. */
export function renameKubeconfigContext(text: string, from: string, to: string): string {
  const doc = asRecord(parse(text));
  const contexts = (Array.isArray(doc.contexts) ? doc.contexts : []) as NamedEntry[];
  if (from !== to) {
    const filtered = contexts.filter((c) => c?.name !== to);
    for (const c of filtered) if (c?.name === from) c.name = to;
    doc.contexts = filtered;
  }
  doc['current-context'] = to;
  return stringify(doc);
}

/** sha256 (hex) of the DER certificate in base64 `certificate-authority-data`. */
export function caFingerprint(caData: string | undefined): string | undefined {
  if (!caData) return undefined;
  const pem = Buffer.from(caData, 'base64').toString('utf8');
  const match = /-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/.exec(pem);
  if (!match?.[1]) return undefined;
  const der = Buffer.from(match[1].replace(/\s+/g, ''), 'base64');
  return createHash('sha256').update(der).digest('hex');
}
