import { inject } from 'vitest';
import { HostLabProvider } from '../../src/adapters/lab/host-provider.js';
import { providerContract } from '../contract/provider-contract.js';

/**
 * The provider contract against the real host lab the tier shares. `create` on the running lab
 * must report it and change nothing; the lab is not deleted here (zz-down.test.ts does that last).
 */
const unavailable = inject('labUnavailable');
if (!unavailable) {
  providerContract({
    name: 'host (real kubeadm cluster)',
    make: () => new HostLabProvider({ env: { ...process.env, K8S_HARDEN_LAB_HOME: inject('labHome') } }),
    deleteAtEnd: false,
    existing: true,
    createTimeoutMs: 30 * 60_000,
  });
}
