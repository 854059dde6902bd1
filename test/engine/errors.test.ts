import { describe, expect, it } from 'vitest';
import { BugError, describeError, EXIT, ExternalError, UserError } from '../../src/engine/errors.js';

const failed = {
  exitCode: 2,
  stderr: 'boom\n',
  timedOut: false,
  cancelled: false,
  notFound: false,
  failure: 'bash setup.sh: exit 2 (boom)',
};

describe('describeError: the one mapping, for the CLI and the TUI', () => {
  it('a user error says what to do next, with its exit code', () => {
    expect(
      describeError(new UserError('unknown scenario "x"', 'run `k8s-harden-lab list`', EXIT.usage)),
    ).toEqual({
      message: 'unknown scenario "x"',
      next: 'run `k8s-harden-lab list`',
      exitCode: EXIT.usage,
      bug: false,
      line: 'unknown scenario "x". Next: run `k8s-harden-lab list`',
    });
  });

  it('an external error keeps the command and its result, and is the user’s to act on', () => {
    const e = new ExternalError('bash setup.sh', failed, 'setup failed: exit 2', 'run reset');
    expect(e).toBeInstanceOf(UserError);
    expect(e.command).toBe('bash setup.sh');
    expect(e.result.failure).toMatch(/boom/);
    expect(describeError(e)).toMatchObject({ exitCode: EXIT.lab, bug: false, next: 'run reset' });
  });

  it('a bug error and anything else are bugs, pointing at the log', () => {
    expect(describeError(new BugError('the reference solution failed'), '/x/debug.log')).toMatchObject({
      exitCode: EXIT.bug,
      bug: true,
      next: 'this is a bug; please report it (the details are in /x/debug.log)',
    });
    expect(describeError(new TypeError('x is undefined'))).toMatchObject({
      message: 'x is undefined',
      exitCode: EXIT.bug,
      bug: true,
      next: 'this looks like a bug; the details are in the debug log',
    });
    expect(describeError('a string').message).toBe('a string');
  });

  it('duck-typed objects with a nextStep are not user errors (the old messageOf trusted any object)', () => {
    expect(describeError({ message: 'm', nextStep: 'n' }).bug).toBe(true);
  });
});
