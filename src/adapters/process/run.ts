import { execa } from 'execa';
import type { RunOptions as BaseRunOptions, CommandResult } from '../../engine/ports.js';
import { log } from '../log.js';

export type { CommandResult };

export type RunOptions = BaseRunOptions & {
  /** Do not log the arguments (they may hold a token or key). */
  readonly secretArgs?: boolean;
};

export const DEFAULT_TIMEOUT_MS = 60_000;

/**
 * Runs a program without a shell. Resolves for every outcome (non-zero exit, timeout, cancel,
 * missing binary) so callers branch on data and errors are mapped once, at the edge.
 */
export async function runCommand(
  file: string,
  args: readonly string[],
  options: RunOptions = {},
): Promise<CommandResult> {
  const started = Date.now();
  const shown = options.secretArgs ? `${file} …` : [file, ...args].join(' ');
  const subprocess = execa(file, [...args], {
    cwd: options.cwd,
    env: options.env as Record<string, string> | undefined,
    extendEnv: !options.cleanEnv,
    input: options.input,
    stdin: options.input === undefined ? 'ignore' : 'pipe',
    timeout: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    cancelSignal: options.signal,
    forceKillAfterDelay: 2_000,
    reject: false,
    stripFinalNewline: false,
    maxBuffer: 64 * 1024 * 1024,
    detached: Boolean(options.processGroup),
  });
  let endGroup = () => {};
  if (options.processGroup && subprocess.pid !== undefined) {
    const pid = subprocess.pid;
    const kill = () => {
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        // The group is gone already.
      }
    };
    // Just after execa's own timeout, which marks the result as timed out.
    const timer = setTimeout(kill, (options.timeoutMs ?? DEFAULT_TIMEOUT_MS) + 100);
    options.signal?.addEventListener('abort', kill, { once: true });
    endGroup = () => {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', kill);
    };
  }
  if (options.onLine) {
    const onLine = options.onLine;
    const relay = (chunk: unknown) => {
      for (const line of String(chunk).split('\n')) if (line.trim() !== '') onLine(line);
    };
    subprocess.stdout?.on('data', relay);
    subprocess.stderr?.on('data', relay);
  }
  const r = await subprocess;
  endGroup();
  const notFound = (r as { code?: string }).code === 'ENOENT';
  const cancelled = Boolean(r.isCanceled);
  const timedOut = Boolean(r.timedOut);
  const exitCode = typeof r.exitCode === 'number' && !timedOut && !cancelled ? r.exitCode : -1;
  let failure = '';
  if (notFound) failure = `${file}: command not found`;
  else if (timedOut)
    failure = `${shown}: timed out after ${Math.round((options.timeoutMs ?? DEFAULT_TIMEOUT_MS) / 1000)} s`;
  else if (cancelled) failure = `${shown}: cancelled`;
  else if (exitCode !== 0) {
    const lastLine =
      String(r.stderr ?? '')
        .trim()
        .split('\n')
        .pop() ?? '';
    failure = `${shown}: exit ${exitCode}${lastLine ? ` (${lastLine})` : ''}`;
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

/** Resolves true when `file` can be found on PATH (or is an existing path). */
export async function commandExists(file: string): Promise<boolean> {
  const r = await runCommand('sh', ['-c', 'command -v "$1"', 'sh', file], { timeoutMs: 5_000 });
  return r.exitCode === 0;
}
