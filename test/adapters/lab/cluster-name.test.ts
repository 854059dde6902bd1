import { describe, expect, it } from 'vitest';
import { DEFAULT_LAB_CLUSTER, labCluster } from '../../../src/adapters/lab/cluster-name.js';

// One reading of K8S_HARDEN_LAB_CLUSTER for the guard, the registry and the CLI (code review §6c.8:
// one read it with ??, another with ||, so an empty value named two different clusters).
describe('labCluster', () => {
  it.each([
    [{}, DEFAULT_LAB_CLUSTER],
    [{ K8S_HARDEN_LAB_CLUSTER: '' }, DEFAULT_LAB_CLUSTER],
    [{ K8S_HARDEN_LAB_CLUSTER: 'khl-2' }, 'khl-2'],
  ])('%j → %s', (env, cluster) => {
    expect(labCluster(env)).toBe(cluster);
  });
});
