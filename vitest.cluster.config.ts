import { defineConfig } from 'vitest/config';
import PathSequencer from './test/cluster/sequencer.js';

// Cluster tier: one real lab cluster shared by every file, so files run one after another.
export default defineConfig({
  test: {
    include: ['test/cluster/**/*.test.ts'],
    env: { FORCE_COLOR: '0' },
    setupFiles: ['test/setup.ts'],
    fileParallelism: false,
    sequence: { concurrent: false, sequencer: PathSequencer },
    testTimeout: 15 * 60_000,
    hookTimeout: 30 * 60_000,
    globalSetup: ['test/cluster/global-setup.ts'],
  },
});
