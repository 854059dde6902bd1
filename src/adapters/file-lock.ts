import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import { UserError } from '../engine/errors.js';
import { log } from './log.js';

/**
 * A lock file next to the data it guards, held for a short read-modify-write, so two processes
 * (two `check`s, a TUI and a CLI) never overwrite each other's update. Synchronous, because the
 * stores behind it are: the wait sleeps the thread between tries (Atomics.wait), never spins.
 *
 * The lock is taken by hard-linking a finished temp file to the lock name: link() fails when the
 * name exists, so the lock appears atomically and always with its holder's content (pid, host, a
 * nonce). A lock is stale when its holder on this host no longer runs, or, for a holder elsewhere
 * or content that cannot be read, when it has not changed for `staleMs`. A stale lock is renamed
 * away before it is removed, and only when the renamed file is the one judged stale, so two
 * waiters breaking the same stale lock cannot remove a lock one of them has just taken.
 */

export type LockOptions = {
  /** Give up after waiting this long (a live holder keeps the lock only for a file write). */
  readonly timeoutMs?: number;
  /** A lock whose holder cannot be asked is stale after this long without a change. */
  readonly staleMs?: number;
};

type Holder = { readonly pid: number; readonly host: string; readonly nonce: string };

const DEFAULTS = { timeoutMs: 15_000, staleMs: 30_000 } as const;
const sleeper = new Int32Array(new SharedArrayBuffer(4));

function sleepSync(ms: number): void {
  Atomics.wait(sleeper, 0, 0, ms);
}

const code = (error: unknown) => (error as NodeJS.ErrnoException | undefined)?.code;

function readHolder(file: string): { raw: string; holder: Holder | undefined } | undefined {
  let raw: string;
  try {
    raw = fs.readFileSync(file, 'utf8');
  } catch (error) {
    if (code(error) === 'ENOENT') return undefined;
    throw error;
  }
  try {
    const h = JSON.parse(raw) as Partial<Holder>;
    const ok = typeof h.pid === 'number' && typeof h.host === 'string' && typeof h.nonce === 'string';
    return { raw, holder: ok ? (h as Holder) : undefined };
  } catch {
    return { raw, holder: undefined };
  }
}

function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it runs, as someone else.
    return code(error) === 'EPERM';
  }
}

/** Removes the lock when it is stale; true when the caller should try to take it again at once. */
function breakIfStale(lockFile: string, staleMs: number): boolean {
  const seen = readHolder(lockFile);
  if (!seen) return true;
  let mtimeMs: number;
  try {
    mtimeMs = fs.statSync(lockFile).mtimeMs;
  } catch (error) {
    if (code(error) === 'ENOENT') return true;
    throw error;
  }
  const { holder } = seen;
  const stale =
    holder && holder.host === os.hostname() ? !running(holder.pid) : Date.now() - mtimeMs > staleMs;
  if (!stale) return false;
  const moved = `${lockFile}.stale-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    fs.renameSync(lockFile, moved);
  } catch (error) {
    if (code(error) === 'ENOENT') return true;
    throw error;
  }
  const got = readHolder(moved);
  if (got?.raw === seen.raw) {
    fs.rmSync(moved, { force: true });
    log.warn('stale lock removed', { lock: lockFile, holder: holder ?? seen.raw.slice(0, 80) });
    return true;
  }
  // Between the look and the rename another process replaced the stale lock with its own: put it back.
  try {
    fs.linkSync(moved, lockFile);
  } catch {
    // Yet another process took the name meanwhile; the moved lock's holder finishes unguarded.
  }
  fs.rmSync(moved, { force: true });
  return false;
}

/** Runs `f` holding the lock `lockFile`; throws a UserError naming the lock when it cannot be had in time. */
export function withFileLock<T>(lockFile: string, f: () => T, options: LockOptions = {}): T {
  const timeoutMs = options.timeoutMs ?? DEFAULTS.timeoutMs;
  const staleMs = options.staleMs ?? DEFAULTS.staleMs;
  const holder: Holder = { pid: process.pid, host: os.hostname(), nonce: randomBytes(8).toString('hex') };
  const content = JSON.stringify(holder);
  const tmp = `${lockFile}.${process.pid}-${holder.nonce}.tmp`;
  fs.writeFileSync(tmp, content);
  const deadline = Date.now() + timeoutMs;
  let wait = 2;
  try {
    for (;;) {
      try {
        fs.linkSync(tmp, lockFile);
        break;
      } catch (error) {
        if (code(error) !== 'EEXIST') throw error;
      }
      if (breakIfStale(lockFile, staleMs)) continue;
      if (Date.now() >= deadline) {
        const other = readHolder(lockFile)?.holder;
        throw new UserError(
          `${lockFile} is held by ${other ? `process ${other.pid} on ${other.host}` : 'another process'} for more than ${Math.round(timeoutMs / 1000)} s`,
          `if no other k8s-harden-lab is running, remove ${lockFile} and try again`,
        );
      }
      // Jittered, growing waits: twenty processes queueing for a write of a few milliseconds.
      sleepSync(Math.min(wait, Math.max(1, deadline - Date.now())) * (0.5 + Math.random()));
      wait = Math.min(wait * 2, 100);
    }
  } finally {
    fs.rmSync(tmp, { force: true });
  }
  try {
    return f();
  } finally {
    // Remove only our own lock (a holder judged stale by mistake must not remove its successor's).
    if (readHolder(lockFile)?.raw === content) fs.rmSync(lockFile, { force: true });
  }
}
