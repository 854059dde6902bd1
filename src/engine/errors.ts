/**
 * The error model, after Shopify cli-kit's error.ts: whose fault it is decides the words.
 *
 * - UserError: the user can act; it carries the next step and an exit code.
 * - ExternalError: a program the app ran failed (a setup script, a node command); the user can
 *   act too, and it carries the command and its result.
 * - BugError: ours (or a scenario's) to fix; the user can only report it.
 *
 * Anything else thrown is treated as a bug. describeError is the one mapping from an error to the
 * words and the exit code, used by the CLI and the TUI alike.
 */

export const EXIT = {
  ok: 0,
  /** Checks ran and not all graded ones pass. */
  checksFailing: 1,
  /** Bad arguments or an unknown scenario id. */
  usage: 2,
  /** Scenario files are invalid. */
  invalid: 3,
  /** The lab (cluster) is missing or unhealthy, or a safety guard refused. */
  lab: 4,
  /**
   * This machine or the workspace: a local scenario's setup failed, the reference solution failed
   * over the learner's files, a file or folder the app needs cannot be read or written.
   */
  environment: 5,
  /** Anything unexpected. */
  bug: 70,
} as const;

export class UserError extends Error {
  constructor(
    message: string,
    readonly nextStep: string,
    readonly exitCode: number = EXIT.checksFailing,
  ) {
    super(message);
    this.name = 'UserError';
  }
}

/** What a failed program returned (the process port's result; see engine/ports.ts). */
export type ExternalResult = {
  readonly exitCode: number;
  readonly stderr: string;
  readonly timedOut: boolean;
  readonly cancelled: boolean;
  readonly notFound: boolean;
  /** One line: the command and why it failed. */
  readonly failure: string;
};

/** A program the app ran failed: the user's to act on, with what ran and what it said. */
export class ExternalError extends UserError {
  constructor(
    readonly command: string,
    readonly result: ExternalResult,
    message: string,
    nextStep: string,
    exitCode: number = EXIT.lab,
  ) {
    super(message, nextStep, exitCode);
    this.name = 'ExternalError';
  }
}

/** Ours to fix (or a scenario's): said as a bug, with where the details are. */
export class BugError extends Error {
  readonly exitCode = EXIT.bug;
  constructor(message: string) {
    super(message);
    this.name = 'BugError';
  }
}

export type ErrorDescription = {
  readonly message: string;
  readonly next: string;
  readonly exitCode: number;
  /** A bug: the caller logs the stack. */
  readonly bug: boolean;
  /** `message. Next: next`, for one line in the TUI. */
  readonly line: string;
};

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** What a system call's error code means, in words a learner can act on. */
const ERRNO_WORDS: Readonly<Record<string, string>> = {
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'the file system is read-only',
  EEXIST: 'something is already there',
  ENOTDIR: 'a file is where a folder should be',
  EISDIR: 'a folder is where a file should be',
  ENOENT: 'it does not exist',
  ENOSPC: 'the disk is full',
  EDQUOT: 'the disk quota is used up',
  EMFILE: 'too many open files',
};

/** A file-system error from Node (it has a code and a path): the machine's problem, not a bug. */
function systemError(error: unknown): { code: string; path: string; syscall?: string } | undefined {
  if (!(error instanceof Error)) return undefined;
  const e = error as NodeJS.ErrnoException;
  if (typeof e.code !== 'string' || !(e.code in ERRNO_WORDS)) return undefined;
  const where = e.path ?? (e.syscall === 'uv_cwd' ? 'the current folder' : undefined);
  if (!where) return undefined;
  return { code: e.code, path: where, ...(e.syscall ? { syscall: e.syscall } : {}) };
}

/**
 * Text from outside (an id, a name) made safe to print: control characters and terminal escape
 * sequences shown as `\xNN`, and long text cut.
 */
export function printable(text: string, max = 80): string {
  let safe = '';
  for (const c of text) {
    const code = c.charCodeAt(0);
    safe += code < 0x20 || (code >= 0x7f && code <= 0x9f) ? `\\x${code.toString(16).padStart(2, '0')}` : c;
  }
  return safe.length > max ? `${safe.slice(0, max)}… (${text.length} characters)` : safe;
}

/** The one mapping from an error to words and an exit code. `logPath`: where a bug's details are. */
export function describeError(error: unknown, logPath?: string): ErrorDescription {
  const make = (message: string, next: string, exitCode: number, bug: boolean): ErrorDescription => ({
    message,
    next,
    exitCode,
    bug,
    line: `${message}. Next: ${next}`,
  });
  if (error instanceof UserError) return make(error.message, error.nextStep, error.exitCode, false);
  const where = `the details are in ${logPath ?? 'the debug log'}`;
  if (error instanceof BugError)
    return make(error.message, `this is a bug; please report it (${where})`, EXIT.bug, true);
  const system = systemError(error);
  if (system)
    return make(
      `cannot use ${system.path}: ${ERRNO_WORDS[system.code]} (${system.code}${system.syscall ? `, ${system.syscall}` : ''})`,
      system.path === 'the current folder'
        ? 'the folder you are in was deleted: `cd` to another one and run the command again'
        : `check ${system.path} (its owner, mode and free space), or move the app's data with K8S_HARDEN_LAB_HOME`,
      EXIT.environment,
      false,
    );
  return make(errorMessage(error), `this looks like a bug; ${where}`, EXIT.bug, true);
}
