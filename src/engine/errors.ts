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
  return make(errorMessage(error), `this looks like a bug; ${where}`, EXIT.bug, true);
}
