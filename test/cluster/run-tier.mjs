// The cluster tier: the scenario and lab files on their clusters, then — whatever they did — the
// down step that removes the clusters this run made. Exits with the first failure's code.
import { spawnSync } from 'node:child_process';

const vitest = (config) =>
  spawnSync(process.execPath, ['node_modules/vitest/vitest.mjs', 'run', '--config', config], {
    stdio: 'inherit',
  }).status ?? 1;

const started = Date.now();
const tier = vitest('vitest.cluster.config.ts');
const down = vitest('vitest.cluster-down.config.ts');
process.stdout.write(`[cluster tier] wall time ${Math.round((Date.now() - started) / 60_000)} min\n`);
process.exit(tier !== 0 ? tier : down);
