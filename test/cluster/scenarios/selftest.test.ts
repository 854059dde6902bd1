import { describe, expect, it } from 'vitest';
import { shippedScenarios } from '../../scenarios/harness.js';
import { clusterScenarioIds } from './shims.js';

// Every cluster scenario folder proves itself on the lab from its own selftest.yaml, each in a file
// of its own (.generated/<id>.test.ts, written by the tier's config) so they run in parallel.
const { ids, invalid } = shippedScenarios('cluster');

describe('cluster scenarios', () => {
  it('all load (a folder that does not is a failure here, not a silent skip)', () => {
    expect(invalid).toEqual([]);
    expect(ids.length).toBeGreaterThan(0);
    expect(clusterScenarioIds()).toEqual([...ids].sort());
  });
});
