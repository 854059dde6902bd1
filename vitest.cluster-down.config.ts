import { defineConfig } from 'vitest/config';

// The cluster tier's last step: remove the clusters the tier made and prove nothing is left.
export default defineConfig({
  test: {
    include: ['test/cluster/down/**/*.test.ts'],
    env: { FORCE_COLOR: '0' },
    setupFiles: ['test/setup.ts'],
    testTimeout: 15 * 60_000,
  },
});
