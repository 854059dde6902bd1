import { defineConfig } from 'vitest/config';
import { writeScenarioShims } from './test/cluster/scenarios/shims.js';
import LongestFirstSequencer from './test/cluster/sequencer.js';

// One file per self-test case, so cases spread over the clusters (see shims.ts), longest first.
writeScenarioShims();

// Cluster tier: real kind clusters (test/cluster/global-setup.ts makes KHL_TIER_CLUSTERS of them),
// one per worker, so files run in parallel, each alone on its cluster. The down step that removes
// them runs after this config (test/cluster/run-tier.mjs).
const clusters = Math.max(1, Number(process.env.KHL_TIER_CLUSTERS ?? 3) || 3);

export default defineConfig({
  test: {
    include: ['test/cluster/**/*.test.ts'],
    exclude: ['test/cluster/down/**'],
    env: { FORCE_COLOR: '0' },
    setupFiles: ['test/setup.ts'],
    pool: 'forks',
    maxWorkers: clusters,
    fileParallelism: true,
    sequence: { concurrent: false, sequencer: LongestFirstSequencer },
    testTimeout: 15 * 60_000,
    hookTimeout: 30 * 60_000,
    globalSetup: ['test/cluster/global-setup.ts'],
  },
});
