import fs from 'node:fs/promises';
import path from 'node:path';
import type { FileFacts, WorkspaceFiles } from '../engine/ports.js';

const tables = new Map<string, Promise<Map<number, string>>>();
/** A user or group name for an id, from /etc/passwd or /etc/group (the id itself when unknown). */
function nameOf(table: 'passwd' | 'group', id: number): Promise<string> {
  let pending = tables.get(table);
  if (!pending) {
    pending = (async () => {
      const map = new Map<number, string>();
      try {
        for (const line of (await fs.readFile(`/etc/${table}`, 'utf8')).split('\n')) {
          const [name, , num] = line.split(':');
          if (name && num) map.set(Number(num), name);
        }
      } catch {
        // No table: numeric ids are still meaningful.
      }
      return map;
    })();
    tables.set(table, pending);
  }
  return pending.then((m) => m.get(id) ?? String(id));
}

/** Files larger than this are described but not read (a check never loads a huge file). */
export const MAX_CONTENT_BYTES = 4 * 1024 * 1024;

/** The path under `root`, or undefined when it would leave it (`..`, an absolute path elsewhere). */
export function under(root: string, file: string): string | undefined {
  const base = path.resolve(root);
  const target = path.resolve(base, file);
  return target === base || target.startsWith(base + path.sep) ? target : undefined;
}

async function read(root: string, file: string): Promise<FileFacts> {
  const target = under(root, file);
  if (!target) throw new Error(`${file} is outside the scenario workspace`);
  let stat: Awaited<ReturnType<typeof fs.stat>>;
  try {
    stat = await fs.stat(target);
  } catch {
    return { exists: false };
  }
  // A link may point anywhere: the checks read only what really lies inside the workspace.
  const [real, realRoot] = await Promise.all([fs.realpath(target), fs.realpath(root)]);
  if (real !== realRoot && !real.startsWith(realRoot + path.sep))
    throw new Error(
      `${path.relative(root, target)} is a link to ${real}, outside the workspace; the checks read only files in the workspace`,
    );
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

async function list(root: string, dir: string): Promise<string[] | undefined> {
  const target = under(root, dir);
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

/** Learner files as data: inside the workspace only, bounded, never a FIFO or a device. */
export const workspaceFiles: WorkspaceFiles = { read, list };
