import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { Observation } from '../../domain/checks.js';
import { select } from '../../domain/field-path.js';
import type { CommandResult, FileFacts } from '../ports.js';
import { nodeFileReader } from './node.js';
import { resolveNode } from './nodes.js';
import type { ProbeContext, ProbeExecutor } from './types.js';
import { probeError, value } from './types.js';

/** Resolves a workspace-relative path; refuses paths that leave the workspace. */
export function inWorkspace(context: ProbeContext, file: string): string | undefined {
  const root = path.resolve(context.workspace);
  const target = path.resolve(root, file);
  return target === root || target.startsWith(root + path.sep) ? target : undefined;
}

/** Reads a file either from the workspace or from a node (through the round's node batch). */
export type FileReader = (
  context: ProbeContext,
  file: string,
  node: string | undefined,
) => Promise<FileFacts>;

export type { FileFacts };

export const readFileFacts: FileReader = async (context, file, node) => {
  if (node) {
    if (!context.cluster)
      throw new Error(`this check reads ${file} on node ${node}, but no lab cluster is attached`);
    return nodeFileReader(context, file, node);
  }
  return context.io.files.read(context.workspace, file);
};

/** Names of the regular files (and links to them) in a workspace folder; undefined when it is not a folder. */
export function listWorkspaceDir(context: ProbeContext, dir: string): Promise<string[] | undefined> {
  return context.io.files.list(context.workspace, dir);
}

/** `text` and `lines`: a saved answer compared without the newline an editor or `>` adds. */
export function withText(facts: FileFacts): FileFacts & { text?: string; lines?: string[] } {
  if (facts.content === undefined) return facts;
  const lines = facts.content
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '');
  return { ...facts, text: facts.content.trim(), lines };
}

export const fileProbe: ProbeExecutor<'file'> = async (spec, context) => {
  try {
    return value(withText(await readFileFacts(context, spec.path, spec.node)));
  } catch (error) {
    return probeError((error as Error).message);
  }
};

/** Parses `KEY="value"` lines (env files such as kubeadm-flags.env). */
export function parseEnvFile(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const m = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
    if (!m?.[1]) continue;
    let v = m[2] ?? '';
    if ((v.startsWith('"') && v.endsWith('"')) || (v.startsWith("'") && v.endsWith("'"))) v = v.slice(1, -1);
    out[m[1]] = v;
  }
  return out;
}

export function parseStructured(text: string, format: 'yaml' | 'json' | 'env'): unknown {
  if (format === 'env') return parseEnvFile(text);
  if (format === 'json') return JSON.parse(text);
  return parseYaml(text);
}

export const fieldProbe: ProbeExecutor<'field'> = async (spec, context) => {
  let facts: FileFacts;
  try {
    facts = await readFileFacts(context, spec.path, spec.node);
  } catch (error) {
    return probeError((error as Error).message);
  }
  if (!facts.exists) return probeError(`${spec.path} does not exist`);
  if (facts.content === undefined) return probeError(`${spec.path} ${facts.unreadable ?? 'cannot be read'}`);
  try {
    return value(select(parseStructured(facts.content, spec.format), spec.at));
  } catch (error) {
    return probeError(
      `${spec.path} is not valid ${spec.format.toUpperCase()}: ${(error as Error).message.split('\n')[0]}`,
    );
  }
};

function commandObservation(r: CommandResult): Observation {
  if (r.timedOut || r.cancelled || r.notFound) return probeError(r.failure);
  return value({
    exitCode: r.exitCode,
    stdout: r.stdout.trim(),
    stderr: r.stderr.trim(),
    output: `${r.stdout}${r.stderr}`.trim(),
  });
}

export const commandProbe: ProbeExecutor<'command'> = async (spec, context) => {
  const timeoutMs = (spec.timeoutSeconds ?? 20) * 1000;
  if (spec.where === 'node') {
    if (!context.cluster || !spec.node)
      return probeError('this check runs on a node, but no lab cluster is attached');
    const node = await resolveNode(context, spec.node);
    return commandObservation(
      await context.cluster.provider.exec(node, ['sh', '-c', spec.run], {
        timeoutMs,
        signal: context.signal,
      }),
    );
  }
  // A command that asks the lab uses the kubectl that matches the lab's version, when it has one.
  const kubectl = context.cluster?.provider.kubectlPath();
  const labPath =
    kubectl && path.isAbsolute(kubectl)
      ? { PATH: `${path.dirname(kubectl)}${path.delimiter}${process.env.PATH ?? ''}` }
      : {};
  return commandObservation(
    await context.io.run('sh', ['-c', spec.run], {
      cwd: context.workspace,
      env: {
        WORKSPACE: context.workspace,
        HOME: context.workspace,
        KUBECONFIG: context.cluster?.kubeconfigPath ?? path.join(context.workspace, '.kube', 'config'),
        ...labPath,
      },
      timeoutMs,
      signal: context.signal,
    }),
  );
};
