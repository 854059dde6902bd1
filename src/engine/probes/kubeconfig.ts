import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { type KeptCredential, matchesKept } from '../kept-credential.js';
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
  /** What kubectl would send for the context described (set by the probe; never the secret itself). */
  readonly credential?: CredentialFacts;
};

export type CredentialFacts = {
  /** In words, without the secret: "the token in tokenFile john.token", "no credential: …". */
  readonly sends: string;
  /**
   * With the probe's `credentialFile`: kubectl would send exactly that file's token (or
   * certificate) as setup wrote it. Undefined without one.
   */
  readonly matches: boolean | undefined;
};

/** Where the credential kubectl sends for a user comes from, as client-go picks it. */
export type CredentialSource =
  | { readonly type: 'token'; readonly token: string }
  | {
      readonly type: 'token-file';
      readonly path: string;
      readonly written: string;
      readonly fallback?: string | undefined;
    }
  | { readonly type: 'certificate'; readonly pem: string }
  | { readonly type: 'certificate-file'; readonly path: string; readonly written: string }
  | { readonly type: 'plugin'; readonly kind: 'exec' | 'auth-provider' }
  | { readonly type: 'other'; readonly what: string };

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

/**
 * The credential kind of a kubeconfig `user:` entry. A token file wins over a token, as in
 * client-go: with both set, every request carries the file's content once it can be read.
 */
export function credentialOf(user: Record<string, unknown>): CredentialKind {
  if (str(user.tokenFile)) return 'token-file';
  if (str(user.token)) return 'token';
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
function parseRoot(text: string): Record<string, unknown> {
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (error) {
    throw new Error(`is not valid YAML: ${(error as Error).message.split('\n')[0]}`);
  }
  if (doc === null || doc === undefined) doc = {};
  if (typeof doc !== 'object' || Array.isArray(doc)) throw new Error('is not a kubeconfig (not a mapping)');
  return doc as Record<string, unknown>;
}

/** The `user:` entry a context names (the current one by default). */
function userEntry(
  root: Record<string, unknown>,
  contextName: string | undefined,
): Record<string, unknown> | undefined {
  const name = contextName ?? str(root['current-context']);
  const entry = asList(root.contexts).find((c) => c.name === name);
  const userName = str(record(entry?.context).user);
  const found = asList(root.users).find((u) => u.name === userName);
  return found ? record(found.user) : undefined;
}

/** A client certificate or key file a context's user names (not the inline `-data` forms). */
export type ClientFile = {
  readonly field: 'client-certificate' | 'client-key';
  /** Resolved against the kubeconfig's folder, as kubectl does. */
  readonly path: string;
  readonly written: string;
};

/** The user a context names, and the client certificate and key files it reads (for `-data`, none). */
export function clientFiles(
  text: string,
  contextName: string | undefined,
  dir: string,
): { readonly user: string | undefined; readonly files: readonly ClientFile[] } {
  const root = parseRoot(text);
  const name = contextName ?? str(root['current-context']);
  const user = str(record(asList(root.contexts).find((c) => c.name === name)?.context).user);
  const entry = userEntry(root, contextName) ?? {};
  const files: ClientFile[] = [];
  for (const field of ['client-certificate', 'client-key'] as const) {
    const written = str(entry[field]);
    if (written && !str(entry[`${field}-data`]))
      files.push({ field, path: path.resolve(dir, written), written });
  }
  return { user, files };
}

/**
 * Where the credential for a context comes from (client-go's rules: a token file wins over a
 * token once it can be read; a relative path resolves against the kubeconfig's folder `dir`).
 */
export function credentialSource(
  text: string,
  contextName: string | undefined,
  dir: string,
): CredentialSource {
  const root = parseRoot(text);
  const user = userEntry(root, contextName);
  if (!user) return { type: 'other', what: 'no user for this context' };
  const tokenFile = str(user.tokenFile);
  const token = str(user.token);
  if (tokenFile)
    return { type: 'token-file', path: path.resolve(dir, tokenFile), written: tokenFile, fallback: token };
  if (token) return { type: 'token', token };
  const certData = str(user['client-certificate-data']);
  if (certData) return { type: 'certificate', pem: Buffer.from(certData, 'base64').toString('utf8') };
  const certFile = str(user['client-certificate']);
  if (certFile) return { type: 'certificate-file', path: path.resolve(dir, certFile), written: certFile };
  const kind = credentialOf(user);
  if (kind === 'exec' || kind === 'auth-provider') return { type: 'plugin', kind };
  return { type: 'other', what: kind === 'basic' ? 'a user name and password' : 'no credential at all' };
}

/**
 * What kubectl would send, compared with `expected` (the credential file as setup wrote it, kept
 * as digests: keepCredential), in words that never show the secret. `read` gives a file's text
 * (undefined when missing) or throws with why it cannot be read.
 */
export async function describeCredential(
  source: CredentialSource,
  expected: KeptCredential | undefined,
  read: (file: string) => Promise<string | undefined>,
): Promise<CredentialFacts> {
  const compare = (value: string, kind: 'token' | 'certificate'): boolean | undefined =>
    expected === undefined ? undefined : matchesKept(value, kind, expected);
  switch (source.type) {
    case 'token':
      return { sends: 'the token written in the kubeconfig', matches: compare(source.token, 'token') };
    case 'token-file': {
      let text: string | undefined;
      let why = '';
      try {
        text = await read(source.path);
        if (text === undefined) why = 'does not exist';
      } catch (error) {
        why = (error as Error).message;
      }
      if (text !== undefined)
        // client-go trims the file's content.
        return { sends: `the token in tokenFile ${source.written}`, matches: compare(text.trim(), 'token') };
      if (source.fallback)
        return {
          sends: `the token written in the kubeconfig (tokenFile ${source.written} ${why})`,
          matches: compare(source.fallback, 'token'),
        };
      return {
        sends: `no credential: tokenFile ${source.written} ${why}`,
        matches: expected === undefined ? undefined : false,
      };
    }
    case 'certificate':
      return {
        sends: 'the client certificate in the kubeconfig',
        matches: compare(source.pem, 'certificate'),
      };
    case 'certificate-file': {
      let text: string | undefined;
      try {
        text = await read(source.path);
      } catch {
        text = undefined;
      }
      return text === undefined
        ? {
            sends: `no credential: client-certificate ${source.written} cannot be read`,
            matches: expected === undefined ? undefined : false,
          }
        : { sends: `the client certificate in ${source.written}`, matches: compare(text, 'certificate') };
    }
    case 'plugin':
      return {
        sends: `a credential plugin (${source.kind}), which the checks never run`,
        matches: expected === undefined ? undefined : false,
      };
    case 'other':
      return { sends: source.what, matches: expected === undefined ? undefined : false };
  }
}

export function describeKubeconfig(text: string, contextName?: string, dir = '.'): KubeconfigFacts {
  const root = parseRoot(text);
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
    if (facts.content === undefined)
      return probeError(`the kubeconfig ${spec.path} ${facts.unreadable ?? 'cannot be read'}`);
    const target = inWorkspace(context, spec.path) ?? spec.path;
    let described: KubeconfigFacts;
    try {
      described = describeKubeconfig(facts.content, spec.context, path.dirname(target));
    } catch (error) {
      return probeError(`the kubeconfig ${spec.path} ${(error as Error).message}`);
    }
    // Files the kubeconfig names are read only inside the workspace, like every probe's.
    const read = async (file: string) => {
      const rel = path.relative(context.workspace, file);
      if (rel.startsWith('..') || path.isAbsolute(rel))
        throw new Error('is outside the workspace (the checks read only workspace files)');
      const f = await readFileFacts(context, rel, undefined);
      if (f.exists && f.content === undefined) throw new Error('cannot be read');
      return f.exists ? f.content : undefined;
    };
    // The credential to compare with is the file as setup wrote it, kept with the attempt outside
    // the workspace: the learner may rewrite the file, never what the check expects.
    let expected: KeptCredential | undefined;
    if (spec.credentialFile) {
      expected = context.keptCredentials?.[spec.credentialFile];
      if (!expected)
        return probeError(
          `${spec.credentialFile} (the credential to compare with) was not kept when the scenario was set up: start the scenario again`,
        );
    }
    const credential = await describeCredential(
      credentialSource(facts.content, spec.context, path.dirname(target)),
      expected,
      read,
    );
    return value({ ...described, credential });
  } catch (error) {
    return probeError((error as Error).message);
  }
};
