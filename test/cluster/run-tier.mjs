// The cluster tier: the scenario and lab files on their clusters, then — whatever they did — the
// down step that removes the clusters this run made. Prints the minutes each file and each case
// took (the tier must stay under 45 minutes warm as scenarios are added). Exits with the first
// failure's code.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const results = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'khl-tier-')), 'results.json');
const vitest = (config, extra = []) =>
  spawnSync(process.execPath, ['node_modules/vitest/vitest.mjs', 'run', '--config', config, ...extra], {
    stdio: 'inherit',
  }).status ?? 1;

const started = Date.now();
const tier = vitest('vitest.cluster.config.ts', [
  '--reporter=default',
  '--reporter=json',
  `--outputFile=${results}`,
]);
const down = vitest('vitest.cluster-down.config.ts');
const minutes = (ms) => (ms / 60_000).toFixed(1);

try {
  const report = JSON.parse(fs.readFileSync(results, 'utf8'));
  const rows = report.testResults.map((file) => {
    const cases = file.assertionResults.length;
    const ms = file.assertionResults.reduce((sum, c) => sum + (c.duration ?? 0), 0);
    return { name: path.relative(process.cwd(), file.name), cases, ms };
  });
  // Each file's duration, for the next run's longest-first order (test/cluster/sequencer.ts).
  const durationsFile = path.join('test', 'cluster', 'durations.json');
  let durations = {};
  try {
    durations = JSON.parse(fs.readFileSync(durationsFile, 'utf8'));
  } catch {
    durations = {};
  }
  for (const r of rows) if (r.cases) durations[r.name.split(path.sep).join('/')] = Math.round(r.ms);
  // Files no longer generated (a case removed, a scenario renamed) drop out.
  const sorted = Object.fromEntries(
    Object.entries(durations)
      .filter(([file]) => fs.existsSync(file))
      .sort(([a], [b]) => a.localeCompare(b)),
  );
  fs.writeFileSync(durationsFile, `${JSON.stringify(sorted, null, 2)}\n`);
  const cases = rows.reduce((n, r) => n + r.cases, 0);
  const ms = rows.reduce((n, r) => n + r.ms, 0);
  process.stdout.write(
    '\n[cluster tier] file                                             cases   min  min/case\n',
  );
  for (const r of rows.sort((a, b) => b.ms - a.ms))
    process.stdout.write(
      `[cluster tier] ${r.name.padEnd(48)} ${String(r.cases).padStart(5)} ${minutes(r.ms).padStart(5)} ${r.cases ? minutes(r.ms / r.cases).padStart(9) : ''}\n`,
    );
  process.stdout.write(
    `[cluster tier] ${cases} cases, ${minutes(ms)} min of test time, ${cases ? minutes(ms / cases) : '-'} min per case\n`,
  );
  // The failures again, last: a long run's log is often read from its end only.
  const failed = report.testResults.flatMap((file) =>
    file.assertionResults
      .filter((c) => c.status === 'failed')
      .map((c) => ({ file: path.relative(process.cwd(), file.name), c })),
  );
  const broken = report.testResults.filter(
    (file) => file.status === 'failed' && file.assertionResults.every((c) => c.status !== 'failed'),
  );
  for (const { file, c } of failed) {
    const why = (c.failureMessages ?? []).join('\n').split('\n').slice(0, 12).join('\n  ');
    process.stdout.write(`[cluster tier] FAILED ${file} > ${c.title}\n  ${why}\n`);
  }
  for (const file of broken)
    process.stdout.write(
      `[cluster tier] FAILED ${path.relative(process.cwd(), file.name)}: ${String(file.message ?? 'the file did not run').split('\n')[0]}\n`,
    );
  process.stdout.write(
    `[cluster tier] ${failed.length + broken.length === 0 ? 'all passed' : `${failed.length} case(s) and ${broken.length} file(s) failed`}\n`,
  );
} catch {
  // no report (the tier did not start): the vitest output above says why
}
process.stdout.write(`[cluster tier] wall time ${minutes(Date.now() - started)} min\n`);
process.exit(tier !== 0 ? tier : down);
