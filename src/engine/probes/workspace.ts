import fs from 'node:fs/promises';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { type CommandResult, runCommand } from '../../adapters/process/run.js';
import type { Observation } from '../../domain/checks.js';
import { select } from '../../domain/field-path.js';
import { resolveNode } from './nodes.js';
import type { ProbeContext, ProbeExecutor } from './types.js';
import { probeError, value } from './types.js';

/** Resolves a workspace-relative path; refuses paths that leave the workspace. */
export function inWorkspace(context: ProbeContext, file: string): string | undefined {
  const root = path.resolve(context.workspace);
  const target = path.resolve(root, file);
  return target === root || target.startsWith(root + path.sep) ? target : undefined;
}

/** Reads a file either from the workspace or from a node (through the cluster probes' batcher). */
export type FileReader = (
  context: ProbeContext,
  file: string,
  node: string | undefined,
) => Promise<FileFacts>;

export type FileFacts = {
  readonly exists: boolean;
  /** Octal permission bits, as `ls` shows them without the type: "600". */
  readonly mode?: string;
  readonly owner?: string;
  readonly group?: string;
  readonly size?: number;
  readonly content?: string;
};

let passwd: Promise<Map<number, string>> | undefined;
function nameOf(table: 'passwd' | 'group', id: number): Promise<string> {
  const load = async () => {
    const map = new Map<number, string>();
    try {
      for (const line of (await fs.readFile(`/etc/${table}`, 'utf8')).split('\n')) {
        const [name, , uid] = line.split(':');
        if (name && uid) map.set(Number(uid), name);
      }
    } catch {
      // No table: numeric ids are still meaningful.
    }
    return map;
  };
  if (table === 'passwd' && !passwd) passwd = load();
  const promise = table === 'passwd' && passwd ? passwd : load();
  return promise.then((m) => m.get(id) ?? String(id));
}

/** Files larger than this are described but not read (a check never loads a huge file). */
export const MAX_CONTENT_BYTES = 4 * 1024 * 1024;

export async function readLocalFile(target: string, root?: string): Promise<FileFacts> {
  let stat: Awaited<ReturnType<typeof fs.stat>>;
  try {
    stat = await fs.stat(target);
  } catch {
    return { exists: false };
  }
  if (root !== undefined) {
    // A link may point anywhere: the checks read only what really lies inside the workspace.
    const [real, realRoot] = await Promise.all([fs.realpath(target), fs.realpath(root)]);
    if (real !== realRoot && !real.startsWith(realRoot + path.sep))
      throw new Error(
        `${path.relative(root, target)} is a link to ${real}, outside the workspace; the checks read only files in the workspace`,
      );
  }
  // An existing file that cannot be read (permissions) still exists; content stays undefined. Only
  // regular files are read: a FIFO or a device would block or never end.
  const content =
    stat.isFile() && stat.size <= MAX_CONTENT_BYTES
      ? await fs.readFile(target, 'utf8').catch(() => undefined)
      : undefined;
  return {
    exists: true,
    mode: (stat.mode & 0o7777).toString(8).padStart(3, '0'),
    owner: await nameOf('passwd', stat.uid),
    group: await nameOf('group', stat.gid),
    size: stat.size,
    content,
  };
}

/** Node files are served by the cluster probes; until a lab is attached they report why they cannot run. */
let nodeFileReader: FileReader | undefined;
export function setNodeFileReader(reader: FileReader): void {
  nodeFileReader = reader;
}

export const readFileFacts: FileReader = async (context, file, node) => {
  if (node) {
    if (!context.cluster)
      throw new Error(`this check reads ${file} on node ${node}, but no lab cluster is attached`);
    if (!nodeFileReader) throw new Error('node file probes are not available in this build');
    return nodeFileReader(context, file, node);
  }
  const target = inWorkspace(context, file);
  if (!target) throw new Error(`${file} is outside the scenario workspace`);
  return readLocalFile(target, context.workspace);
};

/** Names of the regular files (and links to them) in a workspace folder; undefined when it is not a folder. */
export async function listWorkspaceDir(context: ProbeContext, dir: string): Promise<string[] | undefined> {
  const target = inWorkspace(context, dir);
  if (!target) throw new Error(`${dir} is outside the scenario workspace`);
  try {
    const entries = await fs.readdir(target, { withFileTypes: true });
    return entries
      .filter((e) => e.isFile() || e.isSymbolicLink())
      .map((e) => e.name)
      .sort();
  } catch {
    return undefined;
  }
}

export const fileProbe: ProbeExecutor<'file'> = async (spec, context) => {
  try {
    return value(await readFileFacts(context, spec.path, spec.node));
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
  if (!facts.exists || facts.content === undefined) return probeError(`${spec.path} does not exist`);
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
    await runCommand('sh', ['-c', spec.run], {
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
