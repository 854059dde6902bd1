import { z } from 'zod';

/** Progress file format. Bump the version when the shape changes; an unknown version is set aside, not guessed at. */
export const PROGRESS_VERSION = 1;

export const scenarioProgressSchema = z
  .object({
    completed: z.boolean(),
    bestScore: z.number().min(0).max(100).nullable(),
    attempts: z.number().int().min(0),
    bestTimeMs: z.number().int().min(0).nullable(),
    /** Hints revealed over all attempts. */
    hintsUsed: z.number().int().min(0),
    /** Attempts where the reference solution was revealed or run. */
    forfeits: z.number().int().min(0),
    lastAttemptAt: z.string().nullable(),
  })
  .strict();
export type ScenarioProgress = z.infer<typeof scenarioProgressSchema>;

export const progressFileSchema = z
  .object({
    version: z.literal(PROGRESS_VERSION),
    scenarios: z.record(z.string(), scenarioProgressSchema),
  })
  .strict();
export type ProgressFile = z.infer<typeof progressFileSchema>;

export const EMPTY_SCENARIO_PROGRESS: ScenarioProgress = {
  completed: false,
  bestScore: null,
  attempts: 0,
  bestTimeMs: null,
  hintsUsed: 0,
  forfeits: 0,
  lastAttemptAt: null,
};

export type AttemptOutcome = {
  readonly passed: boolean;
  readonly score: number;
  readonly timeMs: number;
  readonly hintsUsed: number;
  readonly forfeited: boolean;
  readonly at: Date;
};

/**
 * Folds one finished attempt into a scenario's record. Pure. A forfeited attempt (the reference
 * solution revealed or run) counts as an attempt, but never completes the scenario or sets a best:
 * "done" on the home list means the learner solved it.
 */
export function recordAttempt(
  previous: ScenarioProgress | undefined,
  outcome: AttemptOutcome,
): ScenarioProgress {
  const p = previous ?? EMPTY_SCENARIO_PROGRESS;
  const counts = outcome.passed && !outcome.forfeited;
  return {
    completed: p.completed || counts,
    bestScore: counts ? Math.max(p.bestScore ?? 0, outcome.score) : p.bestScore,
    attempts: p.attempts + 1,
    bestTimeMs: counts ? Math.min(p.bestTimeMs ?? Number.POSITIVE_INFINITY, outcome.timeMs) : p.bestTimeMs,
    hintsUsed: p.hintsUsed + outcome.hintsUsed,
    forfeits: p.forfeits + (outcome.forfeited ? 1 : 0),
    lastAttemptAt: outcome.at.toISOString(),
  };
}
