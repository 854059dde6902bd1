import { log } from '../adapters/log.js';
import { describeError } from '../engine/errors.js';

/** Where a command writes. Injected so tests capture output instead of touching the terminal. */
export type Io = {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
  readonly isTTY: boolean;
  readonly env: NodeJS.ProcessEnv;
};

/** `k8s-harden-lab list | head` closes the pipe early: that is not an error, just stop writing. */
function ignoreClosedPipe(stream: NodeJS.WriteStream): void {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
}

export const processIo = (): Io => {
  ignoreClosedPipe(process.stdout);
  ignoreClosedPipe(process.stderr);
  return {
    out: (text) => process.stdout.write(text.endsWith('\n') ? text : `${text}\n`),
    err: (text) => process.stderr.write(text.endsWith('\n') ? text : `${text}\n`),
    isTTY: Boolean(process.stdout.isTTY && process.stdin.isTTY),
    env: process.env,
  };
};

/** The CLI's edge: every error becomes `error:` and `next:` lines through describeError. */
export function reportError(io: Io, error: unknown): number {
  const d = describeError(error, log.path());
  if (d.bug) log.error('unexpected error', { error: error instanceof Error ? error.stack : String(error) });
  io.err(`error: ${d.message}\nnext: ${d.next}`);
  return d.exitCode;
}

export function formatDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  const m = Math.floor(s / 60);
  return m > 0 ? `${m}m ${String(s % 60).padStart(2, '0')}s` : `${s}s`;
}
