/**
 * Cluster-tier scenario self-tests: the shared harness (test/scenarios/harness.ts) driven against
 * the real lab, one scenario at a time, with a reset after EVERY case so the lab is left as found.
 *
 * The lab is the one `k8s-harden-lab up` made (its state under the app's real data folder, or
 * KHL_TEST_LAB_HOME); scenario workspaces and progress stay in the test's temporary home.
 * Without a lab the cases skip, except under CI=true where that is a failure.
 */
import { describe, expect, it } from 'vitest';
import { runCommand } from '../../../src/adapters/process/run.js';
import { resolveLab } from '../../../src/cli/lab-access.js';
import type { CheckResult } from '../../../src/domain/checks.js';
import type { Scenario } from '../../../src/domain/scenario.js';
import { selfTestSeeds } from '../../../src/domain/selftest.js';
import { ClusterLifecycle } from '../../../src/engine/cluster-lifecycle.js';
import type { ClusterAccess } from '../../../src/engine/probes/types.js';
import { testLifecycleIo } from '../../helpers/probe-io.js';
import {
  createTestTrainer,
  expectAllGradedFail,
  expectExactlyNotPassing,
  expectSecretsHidden,
  expectSeedFilledIn,
  expectSolved,
  explain,
  type ScenarioHarness,
  scenarioHarness,
} from '../../scenarios/harness.js';
import { waitLabSettled } from '../control-plane.js';
import { labEnv } from '../tier.js';

export { labEnv } from '../tier.js';

let labPromise: Promise<ClusterAccess | string> | undefined;
/** The lab, or why there is none. */
export function findLab(): Promise<ClusterAccess | string> {
  labPromise ??= resolveLab({ env: labEnv() }).then(
    (access) => access,
    (error: unknown) => (error as Error).message,
  );
  return labPromise;
}

export async function kubectl(access: ClusterAccess, args: string[], timeoutMs = 60_000) {
  return runCommand('kubectl', ['--kubeconfig', access.kubeconfigPath, ...args], { timeoutMs });
}

/** sha256 of each node file (or `absent`), read on its node: what reset must bring back. */
export async function nodeFileHashes(
  access: ClusterAccess,
  files: readonly { node: string; path: string }[],
): Promise<Record<string, string>> {
  const nodes = await access.provider.nodes();
  const out: Record<string, string> = {};
  for (const f of files) {
    const node = nodes.find((n) => n.role === f.node || n.name === f.node)?.name ?? f.node;
    const r = await access.provider.exec(node, [
      'sh',
      '-c',
      'if [ -e "$1" ]; then sha256sum "$1" | cut -d" " -f1; else echo absent; fi',
      'sh',
      f.path,
    ]);
    out[`${f.node}:${f.path}`] = r.exitCode === 0 ? r.stdout.trim() : `error: ${r.failure}`;
  }
  return out;
}

/** The cluster is healthy: /readyz ok and every node Ready (waits up to `timeoutMs`). */
export async function expectClusterHealthy(access: ClusterAccess, timeoutMs = 240_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < end) {
    const ready = await kubectl(access, ['get', '--raw', '/readyz'], 10_000);
    const nodes = await kubectl(
      access,
      [
        'get',
        'nodes',
        '-o',
        'jsonpath={range .items[*]}{.metadata.name}={.status.conditions[?(@.type=="Ready")].status} {end}',
      ],
      10_000,
    );
    last = `readyz: ${ready.stdout.trim() || ready.stderr.trim()}; nodes: ${nodes.stdout.trim()}`;
    const allReady =
      nodes.exitCode === 0 && nodes.stdout.trim() !== '' && !/=(False|Unknown)/.test(nodes.stdout);
    if (ready.stdout.trim() === 'ok' && allReady) return;
    await new Promise((r) => setTimeout(r, 3000));
  }
  expect.fail(`the cluster is not healthy after reset: ${last}`);
}

function printResults(label: string, results: readonly CheckResult[]): void {
  console.log(`--- ${label}\n${explain(results)}`);
}

/**
 * The harness with each step timed: the tier's minutes are mostly waits (apiserver restarts, the
 * kubelet's back-off), and a case's line of step times shows where they went.
 */
function timed(h: ScenarioHarness, steps: string[]): ScenarioHarness {
  const time =
    <A extends unknown[], R>(name: string, fn: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      const started = Date.now();
      try {
        return await fn(...args);
      } finally {
        steps.push(`${name} ${Math.round((Date.now() - started) / 1000)} s`);
      }
    };
  return {
    ...h,
    setup: time('setup', h.setup),
    solve: time('solve', h.solve),
    reset: time('reset', h.reset),
    check: time('check', h.check),
    learner: time('learner', h.learner),
  };
}

/**
 * The standard cluster self-test, from the scenario's selftest.yaml: after setup every graded
 * check fails; the reference solution solves it (graded checks and guards); after reset the
 * backed-up node files are byte-identical to before setup and the cluster is healthy. Every other
 * solution solves it; each near miss fails exactly its checks (an `error` counts as not passing:
 * a probe may refuse to guess) — each case set up and reset on its own. With `params:` the
 * reference is a case per seed of the self-test. `only` defines one case (the reference(s), then
 * the other solutions, then the near misses): the tier gives each case a
 * file of its own so cases spread over the clusters (shims.ts).
 */
export function defineClusterSelfTest(id: string, only?: number): void {
  const inCi = process.env.CI === 'true';
  const probe = createTestTrainer();
  const loaded = probe.trainer.get(id);
  const { selftest } = loaded;
  const seeds = selfTestSeeds(loaded);
  const first = seeds[0];
  probe.cleanup();
  const timeout = selftest.timeoutSeconds === undefined ? undefined : selftest.timeoutSeconds * 1000;
  const withLab = async (
    body: (h: ScenarioHarness, access: ClusterAccess, scenario: Scenario) => Promise<void>,
    ctx: { skip: (note?: string) => void },
  ) => {
    const access = await findLab();
    if (typeof access === 'string') {
      if (inCi) expect.fail(`no lab cluster for the cluster tier: ${access}`);
      ctx.skip(`no lab cluster: ${access}`);
      return;
    }
    const steps: string[] = [];
    const started = Date.now();
    await waitLabSettled(access.provider, access.kubeconfigPath);
    steps.push(`settle ${Math.round((Date.now() - started) / 1000)} s`);
    const { trainer, cleanup } = createTestTrainer({
      resolveLab: async () => access,
      clusterHooks: new ClusterLifecycle({ io: testLifecycleIo(labEnv()) }),
    });
    const h = timed(scenarioHarness(trainer, id), steps);
    const before = await nodeFileHashes(access, h.scenario.backup);
    try {
      await body(h, access, h.scenario);
    } finally {
      try {
        await h.reset();
        await expectClusterHealthy(access);
        expect(await nodeFileHashes(access, h.scenario.backup), 'node files after reset').toEqual(before);
      } finally {
        console.log(
          `--- ${id} steps: ${steps.join(', ')}; ${Math.round((Date.now() - started) / 1000)} s in all`,
        );
        cleanup();
      }
    }
  };

  const reference = (seed: number | undefined) => ({
    title: `${seed === undefined ? '' : `seed ${seed}: `}setup fails every graded check; the reference solution solves it; reset restores the lab`,
    body: async (h: ScenarioHarness) => {
      await h.setup(seed);
      if (seed !== undefined) expectSeedFilledIn(h, seed);
      const fresh = await h.check();
      printResults(`${id} after setup${seed === undefined ? '' : ` (seed ${seed})`}`, fresh);
      expectAllGradedFail(fresh);
      await h.solve();
      const solved = await h.check();
      printResults(`${id} after the reference solution`, solved);
      expectSolved(solved);
      expectSecretsHidden(h, solved);
    },
  });
  // A parameterised scenario proves its reference with every seed of its self-test (each a fresh
  // setup drawing other values); the other cases run with the first seed, as the fast tier does.
  const cases: { title: string; body: (h: ScenarioHarness) => Promise<void> }[] = [
    ...(seeds.length === 0 ? [reference(undefined)] : seeds.map(reference)),
    ...selftest.otherSolutions.map((solution) => ({
      title: `is solved another way: ${solution.name}`,
      body: async (h: ScenarioHarness) => {
        await h.setup(first);
        await h.learner(solution.script);
        const results = await h.check();
        printResults(`${id} other solution: ${solution.name}`, results);
        expectSolved(results);
        expectSecretsHidden(h, results);
      },
    })),
    ...selftest.nearMisses.map((miss) => ({
      title: `near miss fails ${miss.failing.join(', ')}: ${miss.name}`,
      body: async (h: ScenarioHarness) => {
        await h.setup(first);
        await h.learner(miss.script);
        const results = await h.check();
        printResults(`${id} near miss: ${miss.name}`, results);
        expectExactlyNotPassing(results, miss.failing, miss.mayAlsoFail, { errorCounts: true });
        expectSecretsHidden(h, results);
      },
    })),
  ];

  describe(`cluster scenario ${id}`, () => {
    if (only !== undefined && !cases[only])
      it(`has a case ${only}`, () => {
        expect.fail(`${id} has ${cases.length} self-test cases, no case ${only}: the tier's shims are stale`);
      });
    cases.forEach((c, i) => {
      if (only === undefined || only === i) it(c.title, async (ctx) => withLab(c.body, ctx), timeout);
    });
  });
}
