import { describe, expect, it } from 'vitest';
import type { CheckResult } from '../../src/domain/checks.js';
import { expectExactlyNotPassing, expectSolved, unsolvedBy } from './harness.js';

const result = (checkId: string, status: CheckResult['status'], graded = true): CheckResult => ({
  checkId,
  title: checkId,
  status,
  expected: 'x',
  actual: 'y',
  graded,
  weight: 1,
});

// A way that keeps every grade but breaks a guard: the learner never sees "solved".
const gradesButBrokenGuard = [result('a', 'pass'), result('b', 'pass'), result('node-ready', 'fail', false)];

describe('the self-test judges as the learner is judged', () => {
  it('another solution must solve the scenario: a broken guard fails it', () => {
    expect(unsolvedBy(gradesButBrokenGuard)).toEqual(['node-ready']);
    expect(() => expectSolved(gradesButBrokenGuard)).toThrow();
    expect(() => expectSolved([result('a', 'pass'), result('node-ready', 'pass', false)])).not.toThrow();
  });

  it('a near miss fails exactly its checks, guards included', () => {
    // Named as failing, but the guard holds: the case proves nothing and must say so.
    const guardHolds = [result('a', 'fail'), result('node-ready', 'pass', false)];
    expect(() => expectExactlyNotPassing(guardHolds, ['a', 'node-ready'])).toThrow();
    // A guard broken that the case does not name.
    expect(() => expectExactlyNotPassing(gradesButBrokenGuard, [])).toThrow();
    expect(() => expectExactlyNotPassing(gradesButBrokenGuard, ['node-ready'])).not.toThrow();
    // An error is not a fail unless the tier says so (a lab probe may refuse to guess).
    const errored = [result('a', 'error'), result('b', 'pass')];
    expect(() => expectExactlyNotPassing(errored, ['a'])).toThrow();
    expect(() => expectExactlyNotPassing(errored, ['a'], [], { errorCounts: true })).not.toThrow();
    expect(() => expectExactlyNotPassing(errored, [], ['a'])).not.toThrow();
  });
});
