import { describe, expect, it } from 'vitest';
import { defineScenarioSelfTest, shippedScenarios } from './harness.js';

// Every cluster-free scenario folder proves itself from its own selftest.yaml.
const { ids, invalid } = shippedScenarios('none');

describe('cluster-free scenarios', () => {
  it('all load (a folder that does not is a failure here, not a silent skip)', () => {
    expect(invalid).toEqual([]);
    expect(ids.length).toBeGreaterThan(0);
  });
});

for (const id of ids) defineScenarioSelfTest(id);
