import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { ProbeExecutor } from './types.js';
import { probeError, value } from './types.js';
import { inWorkspace, readFileFacts } from './workspace.js';

/** How a kubeconfig user authenticates, as kubectl would pick it. */
export type CredentialKind =
  | 'token'
  | 'token-file'
  | 'client-certificate'
  | 'exec'
  | 'auth-provider'
  | 'basic'
  | 'none';

export type KubeconfigContextFacts = {
  /** The context described: the one asked for, or the file's current context. */
  readonly name: string | undefined;
  readonly exists: boolean;
  readonly cluster: string | undefined;
  readonly clusterExists: boolean;
  readonly user: string | undefined;
  readonly userExists: boolean;
  /** The namespace kubectl uses with this context: the explicit one, or `default` (unset when there is no such context). */
  readonly namespace: string | undefined;
  readonly namespaceSet: boolean;
  readonly server: string | undefined;
  readonly credential: CredentialKind;
  /** For `token-file`: where the token file is, resolved against the kubeconfig's folder like kubectl does. */
  readonly tokenFile: string | undefined;
};

export type KubeconfigFacts = {
  readonly currentContext: string | undefined;
  readonly contexts: readonly string[];
  readonly clusters: readonly string[];
  readonly users: readonly string[];
  readonly context: KubeconfigContextFacts;
};

type Named = { name?: unknown; [key: string]: unknown };

function asList(v: unknown): Named[] {
  return Array.isArray(v) ? v.filter((x): x is Named => typeof x === 'object' && x !== null) : [];
}

function names(list: Named[]): string[] {
  return list.map((x) => x.name).filter((n): n is string => typeof n === 'string');
}

function record(v: unknown): Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/** The credential kind of a kubeconfig `user:` entry; a token wins over a token file, as in client-go. */
export function credentialOf(user: Record<string, unknown>): CredentialKind {
  if (str(user.token)) return 'token';
  if (str(user.tokenFile)) return 'token-file';
  if (str(user['client-certificate']) || str(user['client-certificate-data'])) return 'client-certificate';
  if (Object.keys(record(user.exec)).length > 0) return 'exec';
  if (Object.keys(record(user['auth-provider'])).length > 0) return 'auth-provider';
  if (str(user.username) || str(user.password)) return 'basic';
  return 'none';
}

/**
 * Facts about a kubeconfig's text. `dir` is the folder the file lives in (relative file
 * references resolve against it). Throws with plain words when the text is not a kubeconfig.
 */
export function describeKubeconfig(text: string, contextName?: string, dir = '.'): KubeconfigFacts {
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (error) {
    throw new Error(`is not valid YAML: ${(error as Error).message.split('\n')[0]}`);
  }
  if (doc === null || doc === undefined) doc = {};
  if (typeof doc !== 'object' || Array.isArray(doc)) throw new Error('is not a kubeconfig (not a mapping)');
  const root = doc as Record<string, unknown>;
  const contexts = asList(root.contexts);
  const clusters = asList(root.clusters);
  const users = asList(root.users);
  const currentContext = str(root['current-context']);
  const name = contextName ?? currentContext;
  const entry = contexts.find((c) => c.name === name);
  const ctx = record(entry?.context);
  const clusterName = str(ctx.cluster);
  const userName = str(ctx.user);
  const clusterEntry = clusters.find((c) => c.name === clusterName);
  const userEntry = users.find((u) => u.name === userName);
  const user = record(userEntry?.user);
  const credential = credentialOf(user);
  const tokenFile = str(user.tokenFile);
  const namespace = str(ctx.namespace);
  return {
    currentContext,
    contexts: names(contexts),
    clusters: names(clusters),
    users: names(users),
    context: {
      name,
      exists: entry !== undefined,
      cluster: clusterName,
      clusterExists: clusterEntry !== undefined,
      user: userName,
      userExists: userEntry !== undefined,
      namespace: entry === undefined ? undefined : (namespace ?? 'default'),
      namespaceSet: namespace !== undefined,
      server: str(record(clusterEntry?.cluster).server),
      credential,
      tokenFile:
        credential === 'token-file' && tokenFile !== undefined ? path.resolve(dir, tokenFile) : undefined,
    },
  };
}

/** Facts about a workspace kubeconfig file: contexts, current context, and one context in detail. */
export const kubeconfigProbe: ProbeExecutor<'kubeconfig'> = async (spec, context) => {
  try {
    const facts = await readFileFacts(context, spec.path, undefined);
    if (!facts.exists) return probeError(`the kubeconfig ${spec.path} does not exist`);
    if (facts.content === undefined) return probeError(`the kubeconfig ${spec.path} cannot be read`);
    const target = inWorkspace(context, spec.path) ?? spec.path;
    try {
      return value(describeKubeconfig(facts.content, spec.context, path.dirname(target)));
    } catch (error) {
      return probeError(`the kubeconfig ${spec.path} ${(error as Error).message}`);
    }
  } catch (error) {
    return probeError((error as Error).message);
  }
};
