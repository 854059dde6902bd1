/**
 * Shared helpers for scenario self-tests. The cases are data in each scenario folder
 * (selftest.yaml); selftest.test.ts runs every cluster-free folder through defineScenarioSelfTest,
 * and the cluster tier's harness reuses the same helpers with a Trainer whose `resolveLab` points
 * at a lab.
 *
 *   const h = scenarioHarness(trainer, 'tls-ca');
 *   await h.setup();              // every graded check must now fail
 *   await h.learner('openssl …'); // a learner's own commands, in the workspace, with the scenario env
 *   expectExactlyNotPassing(await h.check(), ['john-verifies']);
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AttemptStore } from '../../src/adapters/attempt-store.js';
import { ProgressStore } from '../../src/adapters/progress-store.js';
import { loadScenarios } from '../../src/adapters/scenario-loader.js';
import { trainerDeps } from '../../src/cli/compose.js';
import type { CheckResult } from '../../src/domain/checks.js';
import { drawParams, renderText } from '../../src/domain/params.js';
import { formatProblem, type Scenario } from '../../src/domain/scenario.js';
import { isSolved } from '../../src/domain/scoring.js';
import { selfTestSeeds } from '../../src/domain/selftest.js';
import type { CommandResult } from '../../src/engine/ports.js';
import { Trainer, type TrainerDeps } from '../../src/engine/trainer.js';

export const SCENARIOS_ROOT = path.resolve(import.meta.dirname, '..', '..', 'scenarios');

/**
 * A Trainer over the real scenarios/ folder with its data in a fresh temporary
 * K8S_HARDEN_LAB_HOME (stubbed; undo with vi.unstubAllEnvs and remove with `cleanup`).
 */
export function createTestTrainer(
  deps: Partial<Pick<TrainerDeps, 'resolveLab' | 'clusterHooks' | 'now'>> & { scenariosRoot?: string } = {},
): { trainer: Trainer; home: string; cleanup: () => void } {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'khl-scenario-'));
  vi.stubEnv('K8S_HARDEN_LAB_HOME', home);
  vi.stubEnv('K8S_HARDEN_LAB_PROGRESS_DIR', path.join(home, 'progress'));
  const trainer = new Trainer(
    trainerDeps({
      scenariosRoot: deps.scenariosRoot ?? SCENARIOS_ROOT,
      progress: new ProgressStore(path.join(home, 'progress')),
      attempts: new AttemptStore(path.join(home, 'attempts')),
      env: { ...process.env, K8S_HARDEN_LAB_HOME: home },
      ...deps,
    }),
  );
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
  /** Sets up; with a seed, a parameterised scenario draws its values from it (else a fresh seed). */
  setup(seed?: number): Promise<void>;
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
    setup: (seed) => trainer.setup(scenario, seed === undefined ? {} : { seed }),
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

/**
 * Checks that keep a solution from counting as solved, as the learner would see it: every graded
 * check and every guard must pass (domain isSolved), so a way that keeps the grades but breaks a
 * guard is no solution.
 */
export function unsolvedBy(results: readonly CheckResult[]): string[] {
  return isSolved(results) ? [] : results.filter((r) => r.status !== 'pass').map((r) => r.checkId);
}

/** The learner would see "solved". */
export function expectSolved(results: readonly CheckResult[]): void {
  expect(unsolvedBy(results), explain(results)).toEqual([]);
  expect(isSolved(results), explain(results)).toBe(true);
}

/**
 * Exactly the `failing` checks (graded or guards) do not pass and every other check does;
 * `mayAlsoFail`: either. "Not pass" is `fail`, or also `error` with `errorCounts` (on a lab a probe
 * may refuse to guess: a kubelet config changed but not yet applied).
 */
export function expectExactlyNotPassing(
  results: readonly CheckResult[],
  failing: readonly string[],
  mayAlsoFail: readonly string[] = [],
  options: { readonly errorCounts?: boolean } = {},
): void {
  const ids = new Set(results.map((r) => r.checkId));
  for (const id of [...failing, ...mayAlsoFail]) expect(ids.has(id), `no check ${id}`).toBe(true);
  const notPass = (r: CheckResult) =>
    r.status === 'fail' || (options.errorCounts === true && r.status === 'error');
  const got = Object.fromEntries(
    results
      .filter((r) => !mayAlsoFail.includes(r.checkId))
      .map((r) => [r.checkId, r.status === 'pass' ? 'pass' : notPass(r) ? 'not pass' : r.status]),
  );
  const want = Object.fromEntries(
    Object.keys(got).map((id) => [id, failing.includes(id) ? 'not pass' : 'pass']),
  );
  expect(got, explain(results)).toEqual(want);
}

/** The attempt has this seed, and its values fill every placeholder of the brief and the checks. */
export function expectSeedFilledIn(h: ScenarioHarness, seed: number): void {
  const bound = h.trainer.bound(h.scenario);
  expect(bound.bound?.seed).toBe(seed);
  expect(bound.briefText).not.toMatch(/\{\{\s*param|‹/);
  expect(JSON.stringify(bound.checks)).not.toMatch(/\{\{\s*param|‹/);
}

/** Text of every result, to assert that a secret never appears in what the learner is shown. */
export function shownText(results: readonly CheckResult[]): string {
  return results.map((r) => `${r.title}\n${r.expected}\n${r.actual}`).join('\n');
}

/** No result shows the content of a secret file of the workspace (a token). */
export function expectSecretsHidden(h: ScenarioHarness, results: readonly CheckResult[]): void {
  const values = h.trainer.bound(h.scenario).bound?.values ?? {};
  for (const named of h.scenario.selftest.secrets ?? []) {
    const file = renderText(named, values);
    const target = path.join(h.workspace, file);
    if (!fs.existsSync(target)) continue;
    const secret = fs.readFileSync(target, 'utf8').trim();
    expect(secret.length, `${file} is empty`).toBeGreaterThan(0);
    expect(shownText(results), `${file} shown in a result`).not.toContain(secret);
  }
}

/** The shipped scenarios, for the harnesses to iterate (a folder that does not load is a failure there). */
export function shippedScenarios(lab: 'none' | 'cluster'): { ids: string[]; invalid: string[] } {
  const entries = loadScenarios(SCENARIOS_ROOT);
  return {
    ids: entries.flatMap((e) => (e.valid && e.scenario.lab === lab ? [e.scenario.id] : [])),
    invalid: entries.flatMap((e) =>
      e.valid ? [] : [`${e.id}: ${e.problems.map(formatProblem).join('; ')}`],
    ),
  };
}

/**
 * The standard self-test of a cluster-free scenario, from its selftest.yaml: after setup every
 * graded check fails, after the reference solution it is solved, after reset the workspace is
 * gone; every other solution solves it; each near miss fails exactly its checks. No result ever
 * shows a secret file's content. A scenario with `params:` proves the reference once per seed of
 * its self-test (selfTestSeeds: `seeds:`, else three), each from a fresh setup that draws other
 * values; the other cases run with the first seed.
 */
export function defineScenarioSelfTest(id: string): void {
  const probe = createTestTrainer();
  const loaded = probe.trainer.get(id);
  probe.cleanup();
  const { selftest } = loaded;
  const seeds = selfTestSeeds(loaded);
  const timeout = (selftest.timeoutSeconds ?? 20) * 1000;
  describe(`scenario ${id}`, () => {
    let h: ScenarioHarness;
    let cleanup: () => void;
    beforeEach(() => {
      const made = createTestTrainer();
      cleanup = made.cleanup;
      h = scenarioHarness(made.trainer, id);
    });
    afterEach(() => cleanup());

    const reference = async (seed: number | undefined) => {
      await h.setup(seed);
      expect(fs.existsSync(h.workspace)).toBe(true);
      if (seed !== undefined) expectSeedFilledIn(h, seed);
      const fresh = await h.check();
      expectAllGradedFail(fresh);
      expectSecretsHidden(h, fresh);
      await h.solve();
      const solved = await h.check();
      expectSolved(solved);
      expectSecretsHidden(h, solved);
      await h.reset();
      expect(fs.existsSync(h.workspace)).toBe(false);
    };
    const what =
      'fails every graded check after setup, is solved by the reference solution, and reset removes the workspace';
    if (seeds.length === 0) it(what, () => reference(undefined), timeout);
    else {
      it(`draws different values for its seeds (${seeds.join(', ')})`, () => {
        const specs = loaded.paramTemplate?.specs ?? {};
        const drawn = new Set(seeds.map((seed) => JSON.stringify(drawParams(specs, seed))));
        expect(drawn.size, `the seeds ${seeds.join(', ')} all draw the same values`).toBeGreaterThan(1);
      });
      for (const seed of seeds) it(`seed ${seed}: ${what}`, () => reference(seed), timeout);
    }
    const first = seeds[0];

    for (const solution of selftest.otherSolutions)
      it(
        `is solved another way: ${solution.name}`,
        async () => {
          await h.setup(first);
          await h.learner(solution.script);
          const results = await h.check();
          expectSolved(results);
          expectSecretsHidden(h, results);
        },
        timeout,
      );

    for (const miss of selftest.nearMisses)
      it(
        `near miss fails ${miss.failing.join(', ')}: ${miss.name}`,
        async () => {
          await h.setup(first);
          await h.learner(miss.script);
          const results = await h.check();
          expectExactlyNotPassing(results, miss.failing, miss.mayAlsoFail);
          expectSecretsHidden(h, results);
        },
        timeout,
      );
  });
}
