import { constants as fsConstants } from 'node:fs';
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

const sizeWords = (bytes: number) =>
  bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MB` : `${Math.ceil(bytes / 1024)} kB`;

/**
 * At most MAX_CONTENT_BYTES of a regular file, or why not. Opened non-blocking and checked again
 * on the open descriptor, so a file swapped for a FIFO after the stat never blocks; read through
 * a fixed buffer, so a file that grows while it is read (an endless writer) costs no more memory.
 */
async function boundedContent(file: string): Promise<{ content?: string; unreadable?: string }> {
  let handle: fs.FileHandle;
  try {
    handle = await fs.open(file, fsConstants.O_RDONLY | fsConstants.O_NONBLOCK | fsConstants.O_NOFOLLOW);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return {
      unreadable:
        code === 'EACCES' || code === 'EPERM' ? 'cannot be read (no permission)' : `cannot be read (${code})`,
    };
  }
  try {
    const stat = await handle.stat();
    if (!stat.isFile())
      return { unreadable: 'is not a regular file (a FIFO, a device or a folder is never read)' };
    const limit = MAX_CONTENT_BYTES;
    const chunks: Buffer[] = [];
    let length = 0;
    while (length <= limit) {
      const chunk = Buffer.alloc(Math.min(64 * 1024, limit + 1 - length));
      const { bytesRead } = await handle.read(chunk, 0, chunk.length, length);
      if (bytesRead === 0) break;
      chunks.push(chunk.subarray(0, bytesRead));
      length += bytesRead;
    }
    if (length > limit)
      return {
        unreadable: `is ${sizeWords(Math.max(stat.size, length))}, more than the ${sizeWords(limit)} a check reads`,
      };
    return { content: Buffer.concat(chunks).toString('utf8') };
  } catch (error) {
    return { unreadable: `cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})` };
  } finally {
    await handle.close().catch(() => undefined);
  }
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
  // A link may point anywhere: the checks read only what really lies inside the workspace (a
  // link in any folder of the path counts, `.kube` -> elsewhere too).
  const [real, realRoot] = await Promise.all([fs.realpath(target), fs.realpath(root)]);
  if (real !== realRoot && !real.startsWith(realRoot + path.sep))
    throw new Error(
      `${path.relative(root, target)} is a link to ${real}, outside the workspace; the checks read only files in the workspace`,
    );
  // An existing file that cannot be read still exists; content stays undefined and says why.
  const { content, unreadable } = await boundedContent(real);
  return {
    exists: true,
    mode: (stat.mode & 0o7777).toString(8).padStart(3, '0'),
    owner: await nameOf('passwd', stat.uid),
    group: await nameOf('group', stat.gid),
    size: stat.size,
    content,
    ...(unreadable ? { unreadable } : {}),
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
