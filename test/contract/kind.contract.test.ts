import { afterAll, beforeAll, vi } from 'vitest';
import { KindProvider } from '../../src/adapters/lab/kind-provider.js';
import { installFakeLabTools } from '../helpers/fake-lab-tools.js';
import { providerContract } from './provider-contract.js';

// Unit tier: the kind lab over recording fakes of kind, docker and kubectl (kind cannot run on the
// machines this suite is developed on). The cluster tier runs the same contract on real labs.
beforeAll(() => {
  installFakeLabTools();
});

afterAll(() => {
  vi.unstubAllEnvs();
});

providerContract({
  name: 'kind (recording fakes of kind, docker, kubectl)',
  make: () => new KindProvider({ pollIntervalMs: 10, readyTimeoutMs: 5_000 }),
});
