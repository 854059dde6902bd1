/**
 * The cluster tier runs its files on several kind clusters at once (kind makes a second cluster
 * cheap): `KHL_TIER_CLUSTERS` clusters named `khl-tier-1…N` (`KHL_TIER_PREFIX`), one per vitest worker. A worker finds
 * its cluster by VITEST_POOL_ID (1…N), so no two files ever share a cluster at the same time.
 */
import { inject } from 'vitest';
import { defaultLabHome } from './lab-home.js';

export const TIER_CLUSTERS = Math.max(1, Number(process.env.KHL_TIER_CLUSTERS ?? 3) || 3);

/** `KHL_TIER_PREFIX` names the clusters (default khl-tier): two people can run files side by side. */
export function tierClusterName(index: number): string {
  return `${process.env.KHL_TIER_PREFIX || 'khl-tier'}-${index}`;
}

/** The cluster of this worker (VITEST_POOL_ID is 1-based; outside vitest, the first). */
export function myCluster(): string {
  const id = Number(process.env.VITEST_POOL_ID ?? 1) || 1;
  return tierClusterName(((id - 1) % TIER_CLUSTERS) + 1);
}

/** Where the tier's labs keep their state: the app's data folder unless the run says otherwise. */
export function tierLabHome(): string {
  let provided: string | undefined;
  try {
    provided = inject('labHome') || undefined;
  } catch {
    provided = undefined;
  }
  return provided ?? process.env.KHL_TEST_LAB_HOME ?? defaultLabHome();
}

/** The environment that reaches this worker's cluster (state in the lab home, cluster by name). */
export function labEnv(): NodeJS.ProcessEnv {
  return {
    ...process.env,
    K8S_HARDEN_LAB_HOME: tierLabHome(),
    K8S_HARDEN_LAB_LABS_DIR: '',
    K8S_HARDEN_LAB_CLUSTER: myCluster(),
  };
}
