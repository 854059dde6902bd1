import { describe, expect, it } from 'vitest';
import {
  EMPTY_SCENARIO_PROGRESS,
  PROGRESS_VERSION,
  progressFileSchema,
  recordAttempt,
} from '../../src/domain/progress.js';

const at = new Date('2026-01-02T03:04:05.000Z');
const outcome = (over: Partial<Parameters<typeof recordAttempt>[1]> = {}) => ({
  passed: true,
  score: 80,
  timeMs: 60_000,
  hintsUsed: 1,
  forfeited: false,
  at,
  ...over,
});

describe('recordAttempt', () => {
  it('starts from nothing', () => {
    expect(recordAttempt(undefined, outcome())).toEqual({
      completed: true,
      bestScore: 80,
      attempts: 1,
      bestTimeMs: 60_000,
      hintsUsed: 1,
      forfeits: 0,
      lastAttemptAt: at.toISOString(),
    });
  });
  it('keeps the best score and the best time separately', () => {
    const first = recordAttempt(undefined, outcome({ score: 90, timeMs: 100_000 }));
    const second = recordAttempt(first, outcome({ score: 70, timeMs: 30_000, hintsUsed: 2 }));
    expect(second).toMatchObject({ bestScore: 90, bestTimeMs: 30_000, attempts: 2, hintsUsed: 3 });
  });
  it('a forfeited attempt neither completes nor sets a best (code review 6c.19: "done" means solved)', () => {
    const p = recordAttempt(undefined, outcome({ forfeited: true, score: 0 }));
    expect(p).toMatchObject({
      completed: false,
      bestScore: null,
      bestTimeMs: null,
      forfeits: 1,
      attempts: 1,
    });
    // An earlier solve stays.
    expect(recordAttempt({ ...p, completed: true }, outcome({ forfeited: true })).completed).toBe(true);
  });
  it('a failed attempt counts but does not complete', () => {
    const p = recordAttempt(EMPTY_SCENARIO_PROGRESS, outcome({ passed: false }));
    expect(p).toMatchObject({ completed: false, bestScore: null, attempts: 1 });
    expect(recordAttempt({ ...p, completed: true }, outcome({ passed: false })).completed).toBe(true);
  });
});

describe('progress file schema', () => {
  it('accepts the current version only', () => {
    expect(progressFileSchema.safeParse({ version: PROGRESS_VERSION, scenarios: {} }).success).toBe(true);
    expect(progressFileSchema.safeParse({ version: PROGRESS_VERSION + 1, scenarios: {} }).success).toBe(
      false,
    );
    expect(
      progressFileSchema.safeParse({
        version: PROGRESS_VERSION,
        scenarios: { a: { ...EMPTY_SCENARIO_PROGRESS, bestScore: 101 } },
      }).success,
    ).toBe(false);
  });
});
