import { describe, expect, it } from 'vitest';
import { chooseProvider } from '../../src/adapters/lab/choose.js';
import { KindProvider } from '../../src/adapters/lab/kind-provider.js';
import { systemProbes } from '../../src/adapters/system-probes.js';
import { providerContract } from '../contract/provider-contract.js';
import { tierLabHome } from './tier.js';

/**
 * The provider contract on real kind: a cluster of its own (`k8s-harden-lab-contract`), created
 * and deleted here, with the engine the chooser picks (the learner's Docker or Podman, else the
 * project's own engine and the offline node image). Where no kind can run it is a visible skip,
 * and under CI=true a failure.
 */
const choice = await chooseProvider({ env: process.env, probes: systemProbes(process.cwd()) });

if (!choice.ok) {
  describe('kind lab provider contract', () => {
    it.skipIf(process.env.CI === 'true')(`skipped: ${choice.reason}`, () => {
      console.info(`provider contract: kind not run on this machine: ${choice.reason}`);
    });
    it.skipIf(process.env.CI !== 'true')(`cannot run under CI: ${choice.reason}`, () => {
      expect.fail(`the kind provider contract must run in CI, but ${choice.reason}`);
    });
  });
} else {
  providerContract({
    name: `kind (real cluster, ${choice.engine === 'lab' ? 'offline node image on the lab engine' : choice.engine})`,
    make: () =>
      new KindProvider({
        cluster: 'k8s-harden-lab-contract',
        engine: choice.engine,
        env: { ...process.env, K8S_HARDEN_LAB_HOME: tierLabHome(), K8S_HARDEN_LAB_LABS_DIR: '' },
      }),
    createTimeoutMs: 15 * 60_000,
  });
}
