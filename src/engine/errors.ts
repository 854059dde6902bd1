/**
 * Errors the user can act on: each carries the next step and an exit code. Mapped to text once,
 * at the edge (CLI or TUI); anything else is a bug and is reported as one.
 */
export class UserError extends Error {
  constructor(
    message: string,
    readonly nextStep: string,
    readonly exitCode = 1,
  ) {
    super(message);
    this.name = 'UserError';
  }
}

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

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
