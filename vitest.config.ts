import { defineConfig } from 'vitest/config';

// Fast tier: domain, engine, adapters with fakes, UI through ink-testing-library, and the
// cluster-free scenario self-tests. The cluster tier has its own config (vitest.cluster.config.ts).
export default defineConfig({
  test: {
    include: ['test/**/*.test.{ts,tsx}'],
    exclude: ['test/cluster/**', 'node_modules/**'],
    // CI=false: under CI=true Ink draws only the last frame, and the TUI tests read every frame.
    env: { FORCE_COLOR: '0', NO_COLOR: '1', CI: 'false' },
    setupFiles: ['test/setup.ts'],
    testTimeout: 20_000,
  },
});
