import { describe, expect, it } from 'vitest';
import { chooseProvider } from '../../src/adapters/lab/choose.js';
import { KindProvider } from '../../src/adapters/lab/kind-provider.js';
import { systemProbes } from '../../src/adapters/system-probes.js';
import { providerContract } from '../contract/provider-contract.js';

/**
 * Cluster tier for the kind lab: the provider contract on a real kind cluster, named apart from the
 * learner's lab (`k8s-harden-lab-contract`) and deleted at the end. Runs where Docker or Podman and
 * kind are available; anywhere else it says why as a visible skip. With
 * K8S_HARDEN_LAB_REQUIRE_KIND=1 (a Docker CI runner) a skip is a failure.
 */
const choice = await chooseProvider({
  requested: 'kind',
  env: process.env,
  probes: systemProbes(process.cwd()),
});
const required = process.env.K8S_HARDEN_LAB_REQUIRE_KIND === '1';

if (!choice.ok || choice.provider !== 'kind') {
  const why = choice.ok ? `chose ${choice.provider}` : choice.reason;
  describe('kind lab cluster tier', () => {
    it.skipIf(!required)(`cannot run here: ${why}`, () => {
      expect.fail(`kind contract required (K8S_HARDEN_LAB_REQUIRE_KIND=1) but ${why}`);
    });
    it.skipIf(required)(`skipped: ${why}`, () => {
      console.info(`provider contract: kind not run on this machine: ${why}`);
    });
  });
} else {
  providerContract({
    name: `kind (real cluster, ${choice.engine})`,
    make: () => new KindProvider({ cluster: 'k8s-harden-lab-contract', engine: choice.engine }),
    createTimeoutMs: 15 * 60_000,
  });
}
