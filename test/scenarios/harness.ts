/**
 * Shared helpers for scenario self-tests. Provider-agnostic: everything goes through a Trainer and
 * a scenario id, so cluster scenarios reuse it with a Trainer whose `resolveLab` points at a lab.
 *
 *   const h = scenarioHarness(trainer, 'tls-ca');
 *   await h.setup();            // every graded check must now fail
 *   await h.learner('openssl …'); // a learner's own commands, in the workspace, with the scenario env
 *   expectOnlyFailing(await h.check(), ['john-verifies']);
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AttemptStore } from '../../src/adapters/attempt-store.js';
import type { CommandResult } from '../../src/adapters/process/run.js';
import { ProgressStore } from '../../src/adapters/progress-store.js';
import type { CheckResult } from '../../src/domain/checks.js';
import type { Scenario } from '../../src/domain/scenario.js';
import { Trainer, type TrainerDeps } from '../../src/engine/trainer.js';

export const SCENARIOS_ROOT = path.resolve(import.meta.dirname, '..', '..', 'scenarios');

/**
 * A Trainer over the real scenarios/ folder with its data in a fresh temporary
 * K8S_HARDEN_LAB_HOME (stubbed; undo with vi.unstubAllEnvs and remove with `cleanup`).
 */
export function createTestTrainer(
  deps: Partial<Pick<TrainerDeps, 'scenariosRoot' | 'resolveLab' | 'clusterHooks' | 'now'>> = {},
): { trainer: Trainer; home: string; cleanup: () => void } {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'khl-scenario-'));
  vi.stubEnv('K8S_HARDEN_LAB_HOME', home);
  vi.stubEnv('K8S_HARDEN_LAB_PROGRESS_DIR', path.join(home, 'progress'));
  const trainer = new Trainer({
    scenariosRoot: deps.scenariosRoot ?? SCENARIOS_ROOT,
    progress: new ProgressStore(path.join(home, 'progress')),
    attempts: new AttemptStore(path.join(home, 'attempts')),
    resolveLab: deps.resolveLab,
    clusterHooks: deps.clusterHooks,
    now: deps.now,
  });
  return {
    trainer,
    home,
    cleanup: () => {
      vi.unstubAllEnvs();
      fs.rmSync(home, { recursive: true, force: true });
    },
  };
}

export type ScenarioHarness = {
  readonly trainer: Trainer;
  readonly scenario: Scenario;
  readonly workspace: string;
  setup(): Promise<void>;
  solve(): Promise<void>;
  reset(): Promise<void>;
  check(): Promise<readonly CheckResult[]>;
  /** Runs learner commands (bash, `set -euo pipefail`) in the workspace; throws with the output when they fail. */
  learner(script: string): Promise<CommandResult>;
};

export function scenarioHarness(trainer: Trainer, id: string): ScenarioHarness {
  const scenario = trainer.get(id);
  const workspace = trainer.workspace(scenario);
  return {
    trainer,
    scenario,
    workspace,
    setup: () => trainer.setup(scenario),
    solve: () => trainer.solve(scenario),
    reset: () => trainer.reset(scenario),
    check: async () => (await trainer.check(scenario)).results,
    learner: async (script) => {
      const r = await trainer.runAsLearner(scenario, `set -euo pipefail\n${script}`);
      if (r.exitCode !== 0)
        throw new Error(
          `learner script failed: ${r.failure}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`,
        );
      return r;
    },
  };
}

/** `id: STATUS expected … / actual …` lines, so a failing assertion says what each check saw. */
export function explain(results: readonly CheckResult[]): string {
  return results.map((r) => `${r.checkId}: ${r.status} (expected ${r.expected}; ${r.actual})`).join('\n');
}

export function gradedStatuses(results: readonly CheckResult[]): Record<string, string> {
  return Object.fromEntries(results.filter((r) => r.graded).map((r) => [r.checkId, r.status]));
}

/** Every graded check fails (a plain fail, not an error: a fresh setup must be judged, not crash a probe). */
export function expectAllGradedFail(results: readonly CheckResult[]): void {
  const graded = results.filter((r) => r.graded);
  expect(graded.length, explain(results)).toBeGreaterThan(0);
  for (const r of graded) expect(r.status, `${r.checkId} after setup\n${explain(results)}`).toBe('fail');
}

export function expectAllGradedPass(results: readonly CheckResult[]): void {
  for (const r of results.filter((x) => x.graded))
    expect(r.status, `${r.checkId}\n${explain(results)}`).toBe('pass');
}

/** Exactly these graded checks fail and every other graded one passes. */
export function expectOnlyFailing(results: readonly CheckResult[], failing: readonly string[]): void {
  const ids = new Set(results.map((r) => r.checkId));
  for (const id of failing) expect(ids.has(id), `no check ${id}`).toBe(true);
  const statuses = gradedStatuses(results);
  const expected = Object.fromEntries(
    Object.keys(statuses).map((id) => [id, failing.includes(id) ? 'fail' : 'pass']),
  );
  expect(statuses, explain(results)).toEqual(expected);
}

/** A learner's way to the goal, or a near miss and the checks it must fail. */
export type LearnerCase = { readonly name: string; readonly script: string };
export type NearMiss = LearnerCase & { readonly failing: readonly string[] };

/** Text of every result, to assert that a secret never appears in what the learner is shown. */
export function shownText(results: readonly CheckResult[]): string {
  return results.map((r) => `${r.title}\n${r.expected}\n${r.actual}`).join('\n');
}

export type SelfTestOptions = {
  /** Correct solutions other than the reference one; each must pass every graded check. */
  readonly otherSolutions: readonly LearnerCase[];
  /** Almost-right attempts; each must fail exactly its `failing` checks and pass the rest. */
  readonly nearMisses: readonly NearMiss[];
  /** Builds the Trainer (default: createTestTrainer over scenarios/ in a temporary home). */
  readonly makeTrainer?: () => { trainer: Trainer; cleanup: () => void };
  /** Extra assertions after the reference solution (for example: a secret is never shown). */
  readonly afterSolution?: (h: ScenarioHarness, results: readonly CheckResult[]) => void | Promise<void>;
  readonly timeout?: number;
};

/**
 * The standard self-test of a scenario: after setup every graded check fails, after the reference
 * solution all pass, after reset the workspace is gone; other solutions pass; near misses fail the
 * right check.
 */
export function defineScenarioSelfTest(id: string, options: SelfTestOptions): void {
  describe(`scenario ${id}`, () => {
    let h: ScenarioHarness;
    let cleanup: () => void;
    beforeEach(() => {
      const made = (options.makeTrainer ?? createTestTrainer)();
      cleanup = made.cleanup;
      h = scenarioHarness(made.trainer, id);
    });
    afterEach(() => cleanup());

    it(
      'fails every graded check after setup, passes them all after the reference solution, and reset removes the workspace',
      async () => {
        await h.setup();
        expect(fs.existsSync(h.workspace)).toBe(true);
        expectAllGradedFail(await h.check());
        await h.solve();
        const solved = await h.check();
        expectAllGradedPass(solved);
        await options.afterSolution?.(h, solved);
        await h.reset();
        expect(fs.existsSync(h.workspace)).toBe(false);
      },
      options.timeout,
    );

    for (const solution of options.otherSolutions)
      it(
        `accepts another correct solution: ${solution.name}`,
        async () => {
          await h.setup();
          await h.learner(solution.script);
          expectAllGradedPass(await h.check());
        },
        options.timeout,
      );

    for (const miss of options.nearMisses)
      it(
        `near miss fails ${miss.failing.join(', ')}: ${miss.name}`,
        async () => {
          await h.setup();
          await h.learner(miss.script);
          expectOnlyFailing(await h.check(), miss.failing);
        },
        options.timeout,
      );
  });
}
