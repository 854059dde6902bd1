import path from 'node:path';
import type { Observation } from '../../domain/checks.js';
import type { KubeApi } from '../ports.js';
import { type CredentialSource, clientFiles, credentialSource, describeKubeconfig } from './kubeconfig.js';
import { clusterIo, type ProbeContext, probeError } from './types.js';
import { inWorkspace, readFileFacts } from './workspace.js';

/** A workspace kubeconfig made ready to send requests as kubectl would with it. */
export type WorkspaceClient = {
  readonly kc: KubeApi;
  readonly source: CredentialSource;
  /** The bearer token kubectl would send (undefined for a certificate or no credential). */
  readonly token: string | undefined;
  /** The namespace kubectl would use with the context (`default` when it names none). */
  readonly namespace: string;
};

/**
 * A file a workspace kubeconfig names, read only inside the workspace: its text, or why it cannot
 * be used. Throws when the file cannot be looked at (a link that leaves the workspace).
 */
async function namedFile(context: ProbeContext, file: string): Promise<{ text: string } | { why: string }> {
  const rel = path.relative(context.workspace, file);
  if (rel.startsWith('..') || path.isAbsolute(rel))
    return { why: 'is outside the workspace (the checks read only workspace files)' };
  const f = await readFileFacts(context, rel, undefined);
  if (!f.exists) return { why: 'does not exist' };
  return f.content === undefined ? { why: f.unreadable ?? 'cannot be read' } : { text: f.content };
}

/** A file a workspace kubeconfig names, read only inside the workspace; undefined when missing or outside. */
export async function readNamed(context: ProbeContext, file: string): Promise<string | undefined> {
  const f = await namedFile(context, file);
  return 'text' in f ? f.text : undefined;
}

/**
 * The learner's kubeconfig (a workspace file) as a client. Never runs a credential plugin (that is
 * a program the learner names; client-node would run it), and sends the token kubectl would send
 * (client-go: a readable tokenFile wins over token, trimmed, read only inside the workspace), not
 * client-node's own reading of the file.
 */
export async function workspaceClient(
  context: ProbeContext,
  kubeconfig: string,
  contextName: string | undefined,
): Promise<{ ok: true; client: WorkspaceClient } | { ok: false; observation: Observation }> {
  const fail = (message: string) => ({ ok: false as const, observation: probeError(message) });
  const file = inWorkspace(context, kubeconfig);
  if (!file) return fail(`${kubeconfig} is outside the scenario workspace`);
  const text = await readFileFacts(context, kubeconfig, undefined).catch((error: Error) => error);
  if (text instanceof Error) return fail(text.message);
  if (!text.exists) return fail(`${kubeconfig} does not exist`);
  if (text.content === undefined) return fail(`${kubeconfig} ${text.unreadable ?? 'cannot be read'}`);
  let source: CredentialSource;
  let namespace: string;
  try {
    source = credentialSource(text.content, contextName, path.dirname(file));
    namespace =
      describeKubeconfig(text.content, contextName, path.dirname(file)).context.namespace ?? 'default';
  } catch (error) {
    return fail(`${kubeconfig} ${(error as Error).message}`);
  }
  if (source.type === 'plugin')
    return fail(
      `${kubeconfig} authenticates with a credential plugin (${source.kind}), which the checks never run`,
    );
  const token =
    source.type === 'token'
      ? source.token
      : source.type === 'token-file'
        ? (await readNamed(context, source.path))?.trim() || source.fallback
        : undefined;
  // Client certificate and key files are read here, only inside the workspace, and handed over
  // as data: client-node would read any path, and a missing file would reach the learner as ENOENT.
  const clientCertificate: { certPem?: string; keyPem?: string } = {};
  try {
    const { user, files } = clientFiles(text.content, contextName, path.dirname(file));
    for (const f of files) {
      const read = await namedFile(context, f.path);
      if (!('text' in read))
        return fail(
          `${kubeconfig} cannot be used: ${f.written} (${f.field} of user ${user ?? '?'}) ${read.why}`,
        );
      clientCertificate[f.field === 'client-certificate' ? 'certPem' : 'keyPem'] = read.text;
    }
  } catch (error) {
    return fail(`${kubeconfig} ${(error as Error).message}`);
  }
  let kc: KubeApi;
  try {
    kc = clusterIo(context).io.kube.fromFile(file, {
      ...(contextName ? { context: contextName } : {}),
      ...(source.type === 'token-file' ? { token } : {}),
      ...(Object.keys(clientCertificate).length > 0 ? { clientCertificate } : {}),
    });
  } catch (error) {
    return fail(`${kubeconfig} cannot be used: ${(error as Error).message.split('\n')[0]}`);
  }
  return { ok: true, client: { kc, source, token, namespace } };
}
