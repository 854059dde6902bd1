import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeCommand, runCommand } from '../../../src/adapters/process/run.js';

/** Whether a process whose command line contains `marker` still runs. */
function running(marker: string): boolean {
  return execFileSync('ps', ['-eo', 'args'])
    .toString()
    .split('\n')
    .some((l) => l.includes(marker) && !l.includes('ps -eo'));
}

describe('runCommand', () => {
  it('returns data for success, failure and a missing program, never throwing', async () => {
    const ok = await runCommand('sh', ['-c', 'echo out; echo err >&2']);
    expect(ok).toMatchObject({ exitCode: 0, stdout: 'out\n', stderr: 'err\n', failure: '' });
    const bad = await runCommand('sh', ['-c', 'echo why >&2; exit 3']);
    expect(bad).toMatchObject({ exitCode: 3, notFound: false });
    expect(bad.failure).toBe('sh -c echo why >&2; exit 3: exit 3 (why)');
    const missing = await runCommand('khl-no-such-program', []);
    expect(missing).toMatchObject({
      exitCode: -1,
      notFound: true,
      failure: 'khl-no-such-program: command not found',
    });
  });

  it('ends the whole process tree on timeout and returns when it says', async () => {
    const marker = `khl-timeout-${process.pid}-${Date.now()}`;
    const started = Date.now();
    // A child and a grandchild that both hold stdout: killing only `sh` would leave them running.
    const r = await runCommand('sh', ['-c', `sleep 300 # ${marker}\n`, 'x'], { timeoutMs: 500 });
    const ms = Date.now() - started;
    expect(r).toMatchObject({ exitCode: -1, timedOut: true, cancelled: false });
    expect(r.failure).toContain('timed out after 1 s');
    expect(ms).toBeLessThan(4_000);
    expect(running(marker)).toBe(false);
  });

  it('ends a script blocked on a FIFO (no writer ever comes) at its timeout', async () => {
    const dir = fs.mkdtempSync(path.join(process.env.K8S_HARDEN_LAB_HOME ?? '/tmp', 'fifo-'));
    const fifo = path.join(dir, 'f');
    execFileSync('mkfifo', [fifo]);
    const started = Date.now();
    const r = await runCommand('bash', ['-c', 'cat "$1" | wc -c', 'bash', fifo], { timeoutMs: 700 });
    expect(r.timedOut).toBe(true);
    expect(Date.now() - started).toBeLessThan(4_000);
  });

  it('cancels through its signal, ending the children too', async () => {
    const marker = `khl-cancel-${process.pid}-${Date.now()}`;
    const controller = new AbortController();
    const pending = runCommand('bash', ['-c', `sleep 300 & sleep 301 # ${marker}\nwait`], {
      signal: controller.signal,
      timeoutMs: 60_000,
    });
    await new Promise((r) => setTimeout(r, 300));
    expect(running(marker)).toBe(true);
    const started = Date.now();
    controller.abort();
    const r = await pending;
    expect(r).toMatchObject({ cancelled: true, timedOut: false, exitCode: -1 });
    expect(r.failure).toContain(': cancelled');
    expect(Date.now() - started).toBeLessThan(4_000);
    expect(running(marker)).toBe(false);
  });

  it('does not wait for a background child a finished program left holding its output', async () => {
    const marker = `khl-leftover-${process.pid}-${Date.now()}`;
    const started = Date.now();
    const r = await runCommand('bash', ['-c', `(sleep 300 # ${marker}\n) & echo done`], {
      timeoutMs: 60_000,
    });
    expect(r).toMatchObject({ exitCode: 0, stdout: 'done\n', timedOut: false });
    expect(Date.now() - started).toBeLessThan(4_000);
    expect(running(marker)).toBe(false);
  });

  it('leaves a daemon that gave itself a session of its own (setsid) running', async () => {
    // A unique duration marks the daemon; the script waits a moment, as engine.sh waits for dockerd.
    const secs = `30.${process.pid}`;
    const r = await runCommand('bash', [
      '-c',
      `setsid sleep ${secs} >/dev/null 2>&1 </dev/null & sleep 0.5; echo started`,
    ]);
    expect(r).toMatchObject({ exitCode: 0, stdout: 'started\n' });
    expect(running(`sleep ${secs}`)).toBe(true);
    execFileSync('pkill', ['-f', `^sleep ${secs}$`]);
  });
});

describe('runCommand: what it says (issue 13.8, D8)', () => {
  it('names a script argument by its first line, never writing the script out', async () => {
    const script = 'kc="$1"\ntoken=$(echo t)\necho "$token"\nexit 4';
    const r = await runCommand('sh', ['-c', script, 'sh', 'x'], { timeoutMs: 5_000 });
    expect(r.failure).toBe('sh -c <script "kc="$1"…", 4 line(s)> sh x: exit 4');
    expect(describeCommand('sh', ['-c', 'x'.repeat(200)])).toMatch(/^sh -c <script "x{40}…", 1 line\(s\)>$/);
  });

  it('says a missing working folder, not "command not found"', async () => {
    const r = await runCommand('sh', ['-c', 'true'], { cwd: '/nonexistent/khl-ws', timeoutMs: 5_000 });
    expect(r.notFound).toBe(false);
    expect(r.exitCode).toBe(-1);
    expect(r.failure).toContain('the folder /nonexistent/khl-ws does not exist');
  });
});
