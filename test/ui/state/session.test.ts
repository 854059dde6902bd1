import { describe, expect, it } from 'vitest';
import type { CheckResult } from '../../../src/domain/checks.js';
import { newSession, type Session, sessionActionId, sessionReducer } from '../../../src/ui/state/session.js';

const result = (checkId: string): CheckResult => ({
  checkId,
  title: checkId,
  status: 'pass',
  expected: 'x',
  actual: 'y',
  graded: true,
  weight: 1,
});
const score = { percent: 100, passedWeight: 1, totalWeight: 1, hintFactor: 1, forfeited: false };

describe('sessionReducer', () => {
  it('a setup keeps the last lines it printed and ends set up', () => {
    let s = sessionReducer(newSession('a', false, null), { type: 'setup/start', id: 'a' });
    for (const line of ['1', '2', '3', '4', '5'])
      s = sessionReducer(s, { type: 'setup/line', id: 'a', line });
    expect(s.log).toEqual(['2', '3', '4', '5']);
    expect(sessionReducer(s, { type: 'setup/done', id: 'a', attempt: null })).toMatchObject({
      phase: 'idle',
      setUp: true,
    });
  });

  it('a re-start is not set up until its setup is done (the old rounds and watch stop)', () => {
    const running: Session = { ...newSession('a', true, null), results: [result('c1')], rounds: 2 };
    const s = sessionReducer(running, { type: 'setup/start', id: 'a' });
    expect(s).toMatchObject({ phase: 'setting-up', setUp: false, results: null });
    expect(sessionReducer(s, { type: 'setup/done', id: 'a', attempt: null }).setUp).toBe(true);
  });

  it('a check round keeps the selection in range and clears an old error', () => {
    let s: Session = { ...newSession('a', true, null), selected: 5, message: { kind: 'error', text: 'old' } };
    s = sessionReducer(s, { type: 'check/start', id: 'a' });
    s = sessionReducer(s, {
      type: 'check/done',
      id: 'a',
      results: [result('c1'), result('c2')],
      score,
      allPass: true,
      attempt: null,
    });
    expect(s).toMatchObject({ phase: 'idle', selected: 1, rounds: 1, allPass: true, message: null });
  });

  it('a reset starts over; moves apply to whichever session is open', () => {
    const s = sessionReducer({ ...newSession('a', true, null), rounds: 3 }, { type: 'reset/done', id: 'a' });
    expect(s).toMatchObject({ setUp: false, rounds: 0, results: null });
    expect(sessionActionId({ type: 'select/move', delta: 1 })).toBeNull();
    expect(sessionActionId({ type: 'suspend', id: 'a' })).toBe('a');
  });
});
