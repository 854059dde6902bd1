import { z } from 'zod';
import { seedSchema } from './random.js';

/**
 * A scenario's proof, kept next to it as data (`selftest.yaml`): other correct ways to the goal,
 * and near misses with the checks they must fail. One generic harness per test tier runs every
 * folder: after setup every graded check fails; the reference solution and every other solution
 * solve it (graded checks and guards); each near miss fails exactly its `failing` checks.
 */

const checkId = z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'a check id of this scenario');

const learnerCase = {
  name: z.string().min(1).describe('what this attempt does differently, in one line'),
  script: z
    .string()
    .min(1)
    .describe(
      "the learner's commands: bash with `set -euo pipefail`, cwd = the workspace, the scenario's environment",
    ),
};

export const otherSolutionSchema = z.object(learnerCase).strict();

export const nearMissSchema = z
  .object({
    ...learnerCase,
    failing: z
      .array(checkId)
      .min(1)
      .describe('the checks (graded or guards) this attempt must not pass; every other check must pass'),
    mayAlsoFail: z
      .array(checkId)
      .optional()
      .describe('checks that may fail too, or not: what they see depends on a race inside Kubernetes'),
    why: z.string().min(1).optional().describe('with mayAlsoFail: the race, in a sentence'),
  })
  .strict()
  .superRefine((m, ctx) => {
    if (m.mayAlsoFail?.length && !m.why)
      ctx.addIssue({
        code: 'custom',
        message: 'say why with `why:` when a check may also fail',
        path: ['why'],
      });
    for (const id of m.mayAlsoFail ?? [])
      if (m.failing.includes(id))
        ctx.addIssue({
          code: 'custom',
          message: `${id} is in both failing and mayAlsoFail`,
          path: ['mayAlsoFail'],
        });
  });

export const MIN_OTHER_SOLUTIONS = 1;
export const MIN_NEAR_MISSES = 2;

export const selfTestSchema = z
  .object({
    otherSolutions: z
      .array(otherSolutionSchema)
      .min(MIN_OTHER_SOLUTIONS, `at least ${MIN_OTHER_SOLUTIONS} other correct solution`)
      .describe('correct ways other than solution.sh; each must solve the scenario'),
    nearMisses: z
      .array(nearMissSchema)
      .min(MIN_NEAR_MISSES, `at least ${MIN_NEAR_MISSES} near misses`)
      .describe('almost-right attempts; each must fail exactly its checks'),
    secrets: z
      .array(z.string().min(1))
      .optional()
      .describe('workspace files whose content no check result may ever show (a token)'),
    seeds: z
      .array(seedSchema)
      .min(1)
      .optional()
      .describe(
        'with params: the seeds the reference solution is proven with, each from a fresh setup (default `[1, 2, 3]`); the other cases run with the first',
      ),
    timeoutSeconds: z
      .number()
      .positive()
      .max(1800)
      .optional()
      .describe('time limit for one case in the test run (default 20 s cluster-free, 15 min on a lab)'),
  })
  .strict();

export type SelfTest = z.infer<typeof selfTestSchema>;
export type NearMiss = z.infer<typeof nearMissSchema>;
export type OtherSolution = z.infer<typeof otherSolutionSchema>;

/** The seeds a parameterised scenario's self-test runs its setup and reference solution with. */
export const DEFAULT_SELFTEST_SEEDS: readonly number[] = [1, 2, 3];

/** The seeds to prove a scenario with: its own `seeds:`, else three; none without params. */
export function selfTestSeeds(scenario: {
  readonly params?: Readonly<Record<string, unknown>> | undefined;
  readonly selftest: SelfTest;
}): readonly number[] {
  if (!scenario.params || Object.keys(scenario.params).length === 0) return [];
  return scenario.selftest.seeds ?? DEFAULT_SELFTEST_SEEDS;
}
