/**
 * Startup benchmark (prints figures; not a test). Launches the built app under a pseudo-terminal
 * N times and measures launch → first home-screen frame seen on the terminal, and peak RSS; in the
 * same run, the same for a bare Ink "hello" app as the baseline. Runs alternate between them.
 *
 *   npm run build && npm run bench            # 15 runs each
 *   BENCH_RUNS=30 npm run bench
 *
 * How: `script -qfec` gives the child a real pty; `/usr/bin/time -f %M -o FILE` records its peak
 * RSS and CPU time (user + system) without writing to the terminal; K8S_HARDEN_LAB_EXIT_AFTER_FIRST_FRAME=1 makes the app quit
 * right after it drew the first frame (the hello fixture does the same). The clock stops when the
 * marker text of the first frame arrives on the pty, not when the process exits.
 *
 * The app keeps its scenario list between runs (src/adapters/scenario-cache.ts): the main row is
 * a start with the list kept (every start after the first one, until a scenario or the app
 * changes); the "first start" row gives each run a fresh data folder, so the scenario folders are
 * read and checked as on the first start after an install or an edit. The main row's data folder
 * holds a learner's progress file (every other scenario tried), which the home screen reads.
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { shQuote } from '../src/engine/shell-quote.js';

const root = path.resolve(import.meta.dirname, '..');
const runs = Number(process.env.BENCH_RUNS ?? 15);
const timeoutMs = 30_000;

type Sample = {
  readonly firstFrameMs: number;
  readonly exitMs: number;
  readonly peakRssKb: number;
  /** User + system CPU time of the process, launch to exit (less sensitive to a busy machine). */
  readonly cpuMs: number;
};
type Target = {
  readonly name: string;
  readonly args: readonly string[];
  readonly marker: string;
  /** A data folder of its own for each run (nothing kept from the run before). */
  readonly freshHome?: boolean;
};

function need(bin: string): void {
  if (spawnSync('sh', ['-c', `command -v ${bin}`]).status !== 0) {
    console.error(`bench: needs \`${bin}\` (util-linux script / GNU time)`);
    process.exit(2);
  }
}

function once(target: Target, env: NodeJS.ProcessEnv): Promise<Sample> {
  const rssFile = path.join(
    os.tmpdir(),
    `khl-bench-rss-${process.pid}-${Math.random().toString(36).slice(2)}`,
  );
  const command = ['/usr/bin/time', '-f', '%M %U %S', '-o', rssFile, process.execPath, ...target.args]
    .map(shQuote)
    .join(' ');
  const home = target.freshHome ? fs.mkdtempSync(path.join(os.tmpdir(), 'khl-bench-fresh-')) : undefined;
  const runEnv = home ? { ...env, K8S_HARDEN_LAB_HOME: home } : env;
  return new Promise<Sample>((resolve, reject) => {
    const started = performance.now();
    let firstFrameMs: number | undefined;
    let seen = '';
    const child = spawn('script', ['-qfec', command, '/dev/null'], {
      cwd: root,
      env: runEnv,
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${target.name}: no first frame within ${timeoutMs} ms; output so far:\n${seen}`));
    }, timeoutMs);
    child.stdout.on('data', (chunk: Buffer) => {
      if (firstFrameMs !== undefined) return;
      seen += chunk.toString('utf8');
      if (seen.includes(target.marker)) firstFrameMs = performance.now() - started;
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      const exitMs = performance.now() - started;
      const [rssText = '', user = '', system = ''] = (
        fs.readFileSync(rssFile, 'utf8').trim().split('\n').at(-1) ?? ''
      ).split(' ');
      const rss = Number.parseInt(rssText, 10);
      const cpuMs = (Number.parseFloat(user) + Number.parseFloat(system)) * 1000;
      fs.rmSync(rssFile, { force: true });
      if (firstFrameMs === undefined || code !== 0)
        reject(new Error(`${target.name}: exit ${code}, first frame not seen; output:\n${seen}`));
      else resolve({ firstFrameMs, exitMs, peakRssKb: rss, cpuMs });
    });
  }).finally(() => {
    if (home) fs.rmSync(home, { recursive: true, force: true });
  });
}

/**
 * A learner's progress file, as after some use (every other scenario tried, most of them solved),
 * in the main row's data folder: the home screen reads and checks it before its first frame, as it
 * does for a learner. Returns how many scenarios it holds.
 */
function seedProgress(home: string): number {
  const scenarios = process.env.K8S_HARDEN_LAB_SCENARIOS
    ? path.resolve(process.env.K8S_HARDEN_LAB_SCENARIOS)
    : path.join(root, 'scenarios');
  const ids = fs
    .readdirSync(scenarios, { withFileTypes: true })
    .filter((d) => d.isDirectory() && !d.name.startsWith('.') && !d.name.startsWith('_'))
    .map((d) => d.name)
    .sort()
    .filter((_, i) => i % 2 === 0);
  const progress = Object.fromEntries(
    ids.map((id, i) => {
      const solved = i % 3 !== 2;
      return [
        id,
        {
          completed: solved,
          bestScore: solved ? 70 + ((i * 7) % 31) : null,
          attempts: 1 + (i % 4),
          bestTimeMs: solved ? 240_000 + i * 61_000 : null,
          hintsUsed: i % 3,
          forfeits: 0,
          lastAttemptAt: new Date(Date.UTC(2026, 10, 1 + i, 18)).toISOString(),
        },
      ];
    }),
  );
  fs.writeFileSync(
    path.join(home, 'progress.json'),
    JSON.stringify({ version: 1, scenarios: progress }, undefined, '\t'),
  );
  return ids.length;
}

function quantile(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return (sorted[lo] ?? 0) + ((sorted[hi] ?? 0) - (sorted[lo] ?? 0)) * (pos - lo);
}

type Summary = {
  name: string;
  median: number;
  p95: number;
  exitMedian: number;
  rssMedianMb: number;
  rssMaxMb: number;
  cpuMedian: number;
};

function summarise(name: string, samples: readonly Sample[]): Summary {
  const ff = samples.map((s) => s.firstFrameMs);
  const rss = samples.map((s) => s.peakRssKb / 1024);
  return {
    name,
    median: quantile(ff, 0.5),
    p95: quantile(ff, 0.95),
    exitMedian: quantile(
      samples.map((s) => s.exitMs),
      0.5,
    ),
    rssMedianMb: quantile(rss, 0.5),
    rssMaxMb: Math.max(...rss),
    cpuMedian: quantile(
      samples.map((s) => s.cpuMs),
      0.5,
    ),
  };
}

async function main(): Promise<void> {
  const loadBefore = os.loadavg();
  need('script');
  need('/usr/bin/time');
  if (!fs.existsSync(path.join(root, 'dist', 'cli', 'main.js'))) {
    console.error('bench: dist/ is missing; run `npm run build` first');
    process.exit(2);
  }
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'khl-bench-home-'));
  const seeded = seedProgress(home);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    K8S_HARDEN_LAB_HOME: home,
    K8S_HARDEN_LAB_EXIT_AFTER_FIRST_FRAME: '1',
    NO_COLOR: '1',
    TERM: process.env.TERM && process.env.TERM !== 'dumb' ? process.env.TERM : 'xterm-256color',
    COLUMNS: '80',
    LINES: '24',
  };
  delete env.CI;
  const app: Target = {
    name: 'k8s-harden-lab (home screen)',
    args: [path.join(root, 'bin', 'k8s-harden-lab.js')],
    marker: 'Kubernetes hardening trainer',
  };
  const firstStart: Target = { ...app, name: 'k8s-harden-lab, first start', freshHome: true };
  const hello: Target = {
    name: 'bare Ink hello (baseline)',
    args: [path.join(root, 'bench', 'fixtures', 'hello.mjs')],
    marker: 'Hello from Ink',
  };
  const targets = [app, firstStart, hello];
  const samples = new Map<Target, Sample[]>(targets.map((t) => [t, []]));
  try {
    // One warm-up each (file cache), not counted.
    for (const target of targets) await once(target, env);
    for (let i = 0; i < runs; i++)
      for (const target of targets) samples.get(target)?.push(await once(target, env));
  } finally {
    fs.rmSync(home, { recursive: true, force: true });
  }
  const a = summarise(app.name, samples.get(app) ?? []);
  const f = summarise(firstStart.name, samples.get(firstStart) ?? []);
  const h = summarise(hello.name, samples.get(hello) ?? []);
  const row = (s: Summary) =>
    `| ${s.name.padEnd(30)} | ${s.median.toFixed(0).padStart(9)} | ${s.p95.toFixed(0).padStart(6)} | ${s.exitMedian.toFixed(0).padStart(16)} | ${s.rssMedianMb.toFixed(1).padStart(20)} | ${s.rssMaxMb.toFixed(1).padStart(6)} | ${s.cpuMedian.toFixed(0).padStart(16)} |`;
  console.log(
    `Startup: launch → first frame on a pty, ${runs} runs each (+1 warm-up), node ${process.version}, ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? '?'}); progress kept for ${seeded} scenarios`,
  );
  console.log('');
  console.log(
    '| app                            | median ms | p95 ms | exit ms (median) | peak RSS MB (median) | max MB | CPU ms (median) |',
  );
  console.log(
    '|--------------------------------|----------:|-------:|-----------------:|---------------------:|-------:|----------------:|',
  );
  console.log(row(a));
  console.log(row(f));
  console.log(row(h));
  console.log('');
  console.log(
    `ratio app / baseline: first frame ×${(a.median / h.median).toFixed(2)} (median), ×${(a.p95 / h.p95).toFixed(2)} (p95); peak RSS ×${(a.rssMedianMb / h.rssMedianMb).toFixed(2)}; CPU time ×${(a.cpuMedian / h.cpuMedian).toFixed(2)}`,
  );
  console.log(
    `first start / baseline: first frame ×${(f.median / h.median).toFixed(2)} (median), ×${(f.p95 / h.p95).toFixed(2)} (p95)`,
  );
  const load = os.loadavg();
  const avg = (l: readonly number[]) => l.map((x) => x.toFixed(1)).join(' ');
  console.log(`load average (1, 5, 15 min): ${avg(loadBefore)} before, ${avg(load)} after`);
}

await main();
