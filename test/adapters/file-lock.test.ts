import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { withFileLock } from '../../src/adapters/file-lock.js';
import { UserError } from '../../src/engine/errors.js';

let dir: string;
let lock: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'khl-lock-'));
  lock = path.join(dir, 'data.json.lock');
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

/** The pid of a process that has already exited. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
  return Number(r.stdout.toString());
}

const holder = (pid: number, host = os.hostname()) => JSON.stringify({ pid, host, nonce: 'theirs' });

describe('withFileLock', () => {
  it('holds the lock while the work runs, returns its value and leaves nothing behind', () => {
    const value = withFileLock(lock, () => {
      expect(JSON.parse(fs.readFileSync(lock, 'utf8'))).toMatchObject({ pid: process.pid });
      return 42;
    });
    expect(value).toBe(42);
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  it('releases the lock when the work throws', () => {
    expect(() =>
      withFileLock(lock, () => {
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  it('takes over a lock whose holder on this host no longer runs', () => {
    fs.writeFileSync(lock, holder(deadPid()));
    expect(withFileLock(lock, () => 'mine', { timeoutMs: 2_000 })).toBe('mine');
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  it('waits for a live holder and gives up with a UserError that names the lock and the next step', () => {
    fs.writeFileSync(lock, holder(process.pid));
    const started = Date.now();
    let error: unknown;
    try {
      withFileLock(lock, () => 'never', { timeoutMs: 300 });
    } catch (e) {
      error = e;
    }
    expect(Date.now() - started).toBeGreaterThanOrEqual(300);
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).message).toContain(`process ${process.pid}`);
    expect((error as UserError).nextStep).toContain(`remove ${lock}`);
    // The live holder's lock is untouched.
    expect(fs.readFileSync(lock, 'utf8')).toBe(holder(process.pid));
  });

  it('judges a holder on another host (or unreadable content) by the age of the lock', () => {
    fs.writeFileSync(lock, holder(1, 'elsewhere'));
    expect(() => withFileLock(lock, () => 'never', { timeoutMs: 100, staleMs: 60_000 })).toThrow(
      /held by process 1 on elsewhere/,
    );
    const old = new Date(Date.now() - 120_000);
    fs.utimesSync(lock, old, old);
    expect(withFileLock(lock, () => 'mine', { timeoutMs: 1_000, staleMs: 60_000 })).toBe('mine');

    fs.writeFileSync(lock, 'not json');
    fs.utimesSync(lock, old, old);
    expect(withFileLock(lock, () => 'mine again', { timeoutMs: 1_000, staleMs: 60_000 })).toBe('mine again');
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  it('never removes a lock that is not its own on release', () => {
    withFileLock(lock, () => {
      // Someone judged us stale by mistake and took over: their lock must survive our release.
      fs.writeFileSync(lock, holder(process.pid, 'successor'));
    });
    expect(fs.readFileSync(lock, 'utf8')).toBe(holder(process.pid, 'successor'));
  });
});
