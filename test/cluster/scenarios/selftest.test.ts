import { describe, expect, it } from 'vitest';
import { shippedScenarios } from '../../scenarios/harness.js';
import { defineClusterSelfTest } from './cluster-harness.js';

// Every cluster scenario folder proves itself on the lab from its own selftest.yaml.
const { ids, invalid } = shippedScenarios('cluster');

describe('cluster scenarios', () => {
  it('all load (a folder that does not is a failure here, not a silent skip)', () => {
    expect(invalid).toEqual([]);
    expect(ids.length).toBeGreaterThan(0);
  });
});

for (const id of ids) defineClusterSelfTest(id);
