import fs from 'node:fs';
import type { CommandResult, RunOptions } from '../../engine/ports.js';
import { log } from '../log.js';

export type { CommandResult, RunOptions };

export const DEFAULT_TIMEOUT_MS = 60_000;

/**
 * The command in one short line, for the log and for failure messages: a script argument (more
 * than one line, or long) is named by its first line and size, never written out whole — probe
 * scripts are long, and their values may be secrets that redaction would only mangle.
 */
export function describeCommand(file: string, args: readonly string[]): string {
  const short = (arg: string) => {
    const lines = arg.split('\n');
    if (lines.length === 1 && arg.length <= 80) return arg;
    const first = (lines.find((l) => l.trim() !== '') ?? '').trim().slice(0, 40);
    return `<script "${first}…", ${lines.length} line(s)>`;
  };
  return [file, ...args.map(short)].join(' ');
}

/** After SIGTERM, how long the process tree gets before SIGKILL; then how long for its pipes. */
const KILL_GRACE_MS = 2_000;

/**
 * Runs a program without a shell. Resolves for every outcome (non-zero exit, timeout, cancel,
 * missing binary) so callers branch on data and errors are mapped once, at the edge.
 *
 * The program runs in a process group of its own, and a timeout or cancel ends the whole group
 * (SIGTERM, then SIGKILL), not only the direct child: a script's `go build`, `sleep` or blocked
 * `cat` would otherwise run on and keep the pipes open, and the call would return long after its
 * time. When the program exits, whatever it left running in its group is ended too. Programs that
 * start a daemon on purpose give it a session of its own (`setsid`), out of reach of this.
 */
export async function runCommand(
  file: string,
  args: readonly string[],
  options: RunOptions = {},
): Promise<CommandResult> {
  const started = Date.now();
  const shown = describeCommand(file, args);
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  // execa and its hundred modules load on the first command, not before the home screen's first frame.
  const { execa } = await import('execa');
  const subprocess = execa(file, [...args], {
    ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
    ...(options.env === undefined ? {} : { env: options.env as Record<string, string> }),
    extendEnv: !options.cleanEnv,
    ...(options.input === undefined ? {} : { input: options.input }),
    stdin: options.input === undefined ? 'ignore' : 'pipe',
    detached: true,
    reject: false,
    stripFinalNewline: false,
    maxBuffer: 64 * 1024 * 1024,
  });
  const pid = subprocess.pid;
  const killGroup = (signal: NodeJS.Signals) => {
    if (pid === undefined) return;
    try {
      process.kill(-pid, signal);
    } catch {
      // the group is gone already
    }
  };
  let stopped: 'timeout' | 'cancel' | undefined;
  const timers: NodeJS.Timeout[] = [];
  const stop = (why: 'timeout' | 'cancel') => {
    if (stopped) return;
    stopped = why;
    killGroup('SIGTERM');
    timers.push(
      setTimeout(() => {
        killGroup('SIGKILL');
        // A process outside the group (it called setsid) may still hold the pipes: stop waiting.
        timers.push(
          setTimeout(() => {
            subprocess.stdout?.destroy();
            subprocess.stderr?.destroy();
          }, KILL_GRACE_MS),
        );
      }, KILL_GRACE_MS),
    );
  };
  timers.push(setTimeout(() => stop('timeout'), timeoutMs));
  const onAbort = () => stop('cancel');
  if (options.signal?.aborted) onAbort();
  else options.signal?.addEventListener('abort', onAbort, { once: true });
  // Leftovers in the group (a backgrounded child) would keep the pipes open after the program ends.
  subprocess.once('exit', () => killGroup('SIGKILL'));
  if (options.onLine) {
    const onLine = options.onLine;
    const relay = (chunk: unknown) => {
      for (const line of String(chunk).split('\n')) if (line.trim() !== '') onLine(line);
    };
    subprocess.stdout?.on('data', relay);
    subprocess.stderr?.on('data', relay);
  }
  const r = await subprocess;
  for (const t of timers) clearTimeout(t);
  options.signal?.removeEventListener('abort', onAbort);
  const enoent = (r as { code?: string }).code === 'ENOENT';
  // spawn says ENOENT for a missing working folder too: that is not a missing program.
  const noCwd = enoent && options.cwd !== undefined && !fs.existsSync(options.cwd);
  const notFound = enoent && !noCwd;
  const cancelled = stopped === 'cancel';
  const timedOut = stopped === 'timeout';
  const exitCode = typeof r.exitCode === 'number' && !timedOut && !cancelled && !noCwd ? r.exitCode : -1;
  let failure = '';
  if (noCwd) failure = `${shown}: the folder ${options.cwd} does not exist`;
  else if (notFound) failure = `${file}: command not found`;
  else if (timedOut) failure = `${shown}: timed out after ${Math.round(timeoutMs / 1000)} s`;
  else if (cancelled) failure = `${shown}: cancelled`;
  else if (exitCode !== 0) {
    const lastLine =
      String(r.stderr ?? '')
        .trim()
        .split('\n')
        .pop() ?? '';
    failure = `${shown}: ${r.exitCode === undefined && r.signal ? `killed by ${r.signal}` : `exit ${exitCode}`}${lastLine ? ` (${lastLine})` : ''}`;
  }
  log.debug('run', { cmd: shown, exitCode, ms: Date.now() - started, failure: failure || undefined });
  return {
    exitCode,
    stdout: String(r.stdout ?? ''),
    stderr: String(r.stderr ?? ''),
    notFound,
    timedOut,
    cancelled,
    failure,
  };
}
