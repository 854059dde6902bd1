/**
 * Idle-watch benchmark (prints figures; not a test): what an open scenario costs while nobody
 * touches it (issue 14.6; docs/bench-watch.md). A child process sets a scenario up (temporary
 * data folder), opens it in the real terminal UI (runTui over the app's own services, as
 * `k8s-harden-lab start <id>` does, on a pty-less terminal: streams that say they are an 80×24
 * TTY), waits for the first round to settle, then measures over a window with no file changing:
 * its own CPU time (process.cpuUsage(), user + system, every thread), the CPU time of the
 * processes it started and waited for (the probes' shells, from /proc/self/stat), the frames Ink
 * wrote and the check rounds run. In the same run, alternating with it, another child does the
 * same for a bare idle Ink app (one line of text, mounted, reading keys): the baseline.
 *
 *   npm run build && npm run bench:watch                 # kubeconfig-contexts, 2 × 60 s each
 *   npm run bench:watch -- tls-ca                        # another scenario
 *   WATCH_WINDOW_S=20 WATCH_RUNS=3 npm run bench:watch   # other windows and counts
 *
 * WATCH_SETTLE_S (5) is the wait before the window; WATCH_NODE_ENV=development measures React's
 * development build (both children; default production, as the app loads it); WATCH_TIMING
 * ('{"pollMs":4000,"tickMs":1000}') overrides the UI's timing; WATCH_DEBUG=1 shows the UI's stderr.
 *
 * A cluster scenario needs the app's lab (`k8s-harden-lab up`): the bench never creates one.
 * With no lab reachable it says so and skips the scenario (exit 0); with one, it sets the
 * scenario up on it, measures, and resets it.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough, Writable } from 'node:stream';

const root = path.resolve(import.meta.dirname, '..');
const dist = (rel: string) => new URL(`../dist/${rel}`, import.meta.url).href;
const windowMs = Number(process.env.WATCH_WINDOW_S ?? 60) * 1000;
const settleMs = Number(process.env.WATCH_SETTLE_S ?? 5) * 1000;
const runs = Number(process.env.WATCH_RUNS ?? 2);

type Figures = {
  readonly kind: 'app' | 'baseline';
  /** The process's own CPU time (process.cpuUsage: user + system, all its threads). */
  readonly cpuMs: number;
  /** CPU time of the processes it started and waited for in the window (the probes' shells). */
  readonly childCpuMs: number;
  readonly windowMs: number;
  readonly frames: number;
  readonly rounds: number;
};
type Skipped = { readonly kind: 'skipped'; readonly reason: string };

/** Streams Ink takes for a terminal: 80×24, TTY, raw mode accepted; frames counted. */
function fakeTerminal() {
  let frames = 0;
  const stdout = Object.assign(
    new Writable({
      write(chunk: Buffer | string, _encoding, done) {
        // A frame, not the short escape sequences Ink writes around one (synchronised output, cursor).
        if (chunk.length > 16) frames++;
        done();
      },
    }),
    { isTTY: true, columns: 80, rows: 24 },
  ) as unknown as NodeJS.WriteStream;
  const stdin = Object.assign(new PassThrough(), {
    isTTY: true,
    isRaw: false,
    ref() {
      return stdin;
    },
    unref() {
      return stdin;
    },
    setRawMode(this: { isRaw: boolean }, mode: boolean) {
      this.isRaw = mode;
      return this;
    },
  }) as unknown as NodeJS.ReadStream;
  const stderr = new PassThrough() as unknown as NodeJS.WriteStream;
  if (process.env.WATCH_DEBUG) (stderr as unknown as PassThrough).pipe(process.stderr);
  return { stdout, stdin, stderr, frames: () => frames };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** CPU ms of the waited-for children so far (/proc/self/stat cutime + cstime; 0 elsewhere). */
function childrenCpuMs(): number {
  try {
    const stat = fs.readFileSync('/proc/self/stat', 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // After the name: state is field 3, so cutime (16) and cstime (17) are at 13 and 14 here.
    const ticks = Number(fields[13]) + Number(fields[14]);
    return (ticks * 1000) / 100;
  } catch {
    return 0;
  }
}

async function measure(frames: () => number, rounds: () => number): Promise<Omit<Figures, 'kind'>> {
  await sleep(settleMs);
  const f0 = frames();
  const r0 = rounds();
  const c0 = process.cpuUsage();
  const k0 = childrenCpuMs();
  const t0 = performance.now();
  await sleep(windowMs);
  const c = process.cpuUsage(c0);
  return {
    cpuMs: (c.user + c.system) / 1000,
    childCpuMs: childrenCpuMs() - k0,
    windowMs: performance.now() - t0,
    frames: frames() - f0,
    rounds: rounds() - r0,
  };
}

async function childBaseline(): Promise<Figures> {
  const { render, Text } = await import('ink');
  const { createElement } = await import('react');
  const term = fakeTerminal();
  const instance = render(createElement(Text, null, 'Hello from Ink'), {
    stdin: term.stdin,
    stdout: term.stdout,
    stderr: term.stderr,
    exitOnCtrlC: false,
    patchConsole: false,
  });
  // A mounted app reads keys, as the trainer does (useInput puts stdin in raw mode).
  term.stdin.resume();
  const figures = await measure(term.frames, () => 0);
  instance.unmount();
  return { kind: 'baseline', ...figures };
}

async function childApp(id: string): Promise<Figures | Skipped> {
  const compose = await import(dist('cli/compose.js'));
  const app = compose.createServices();
  const scenario = app.trainer.get(id);
  if (scenario.lab === 'cluster') {
    try {
      await (await import(dist('cli/lab-access.js'))).resolveLab();
    } catch (error) {
      return {
        kind: 'skipped',
        reason: `${id} is a cluster scenario and no lab is reachable (${(error as Error).message}); this bench never creates one: run \`k8s-harden-lab up\` first to measure it`,
      };
    }
  }
  await app.trainer.setup(scenario, { force: true });
  let rounds = 0;
  const check = app.trainer.check.bind(app.trainer);
  app.trainer.check = (...args: unknown[]) => {
    rounds++;
    return check(...args);
  };
  const [{ runTui }, { tuiLabDeps }] = await Promise.all([
    import(dist('ui/run-tui.js')),
    import(dist('cli/tui-lab.js')),
  ]);
  const lab = tuiLabDeps(process.env, {
    record: app.record,
    attempt: (sid: string) => app.trainer.attempt(sid)?.startedAt ?? null,
  });
  const ui = compose.uiServicesFromApp(app, lab.clusterLab ? { clusterLab: lab.clusterLab } : {});
  const term = fakeTerminal();
  const done = runTui(
    ui,
    { scenarioId: id },
    {
      stdin: term.stdin,
      stdout: term.stdout,
      stderr: term.stderr,
      env: process.env,
      ...(process.env.WATCH_TIMING ? { timing: JSON.parse(process.env.WATCH_TIMING) } : {}),
    },
  );
  if (process.env.WATCH_DEBUG) void done.then((code: number) => console.error(`runTui ended: ${code}`));
  const figures = await measure(term.frames, () => rounds);
  term.stdin.write('q');
  await done;
  if (scenario.lab === 'cluster') await app.trainer.reset(scenario, {});
  return { kind: 'app', ...figures };
}

function runChild(args: string[], env: NodeJS.ProcessEnv): Promise<Figures | Skipped> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', import.meta.filename, ...args], {
      cwd: root,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString('utf8');
    });
    // Ink shows the cursor on exit (on stderr): kept out of the figures unless the child fails.
    child.stderr.on('data', (c: Buffer) => {
      err += c.toString('utf8');
    });
    child.on('close', (code) => {
      const line = out.trim().split('\n').at(-1) ?? '';
      try {
        if (code !== 0) throw new Error(`exit ${code}`);
        resolve(JSON.parse(line) as Figures | Skipped);
      } catch (error) {
        reject(new Error(`child ${args.join(' ')} failed (${(error as Error).message}): ${out}${err}`));
      }
    });
  });
}

const median = (values: readonly number[]) => {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? (s[mid] ?? 0) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
};

async function main(): Promise<void> {
  const [mode, arg] = process.argv.slice(2);
  if (mode === '--child-app' || mode === '--child-baseline') {
    const figures =
      mode === '--child-app' ? await childApp(arg ?? 'kubeconfig-contexts') : await childBaseline();
    process.stdout.write(`${JSON.stringify(figures)}\n`);
    // The app's loaders may keep handles (a lab client, timers); the figures are out.
    process.exit(0);
  }
  const id = mode ?? 'kubeconfig-contexts';
  if (!fs.existsSync(path.join(root, 'dist', 'cli', 'main.js'))) {
    console.error('bench: dist/ is missing; run `npm run build` first');
    process.exit(2);
  }
  const loadBefore = os.loadavg();
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'khl-bench-watch-'));
  const { labsStateDir } = await import(dist('adapters/paths.js'));
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    K8S_HARDEN_LAB_HOME: home,
    // The lab, if any, is the one the app uses (its state lives under the real data folder).
    K8S_HARDEN_LAB_LABS_DIR: labsStateDir(process.env),
    K8S_HARDEN_LAB_RECORD: '0',
    // React's production build, as `k8s-harden-lab` loads it for the UI (both children);
    // WATCH_NODE_ENV=development measures the development build instead.
    NODE_ENV: process.env.WATCH_NODE_ENV ?? 'production',
    NO_COLOR: '1',
    TERM: 'xterm-256color',
  };
  delete env.CI;
  const app: Figures[] = [];
  const base: Figures[] = [];
  try {
    for (let i = 0; i < runs; i++) {
      const a = await runChild(['--child-app', id], env);
      if (a.kind === 'skipped') {
        console.log(`watch-idle: skipped: ${a.reason}`);
        return;
      }
      app.push(a as Figures);
      base.push((await runChild(['--child-baseline'], env)) as Figures);
    }
  } finally {
    fs.rmSync(home, { recursive: true, force: true });
  }
  const own = (f: Figures) => (100 * f.cpuMs) / f.windowMs;
  const kids = (f: Figures) => (100 * f.childCpuMs) / f.windowMs;
  const total = (f: Figures) => own(f) + kids(f);
  const cell = (v: number, w: number, digits = 2) => v.toFixed(digits).padStart(w);
  const row = (name: string, all: readonly Figures[]) =>
    `| ${name.padEnd(36)} | ${cell(median(all.map(total)), 11)} | ${cell(median(all.map(own)), 9)} | ${cell(
      median(all.map(kids)),
      10,
    )} | ${all
      .map((f) => total(f).toFixed(2))
      .join(', ')
      .padStart(
        16,
      )} | ${cell(median(all.map((f) => f.frames)), 6, 0)} | ${cell(median(all.map((f) => f.rounds)), 6, 0)} |`;
  console.log(
    `Idle watch: ${id} open after setup, nothing changing; ${runs} runs × ${(windowMs / 1000).toFixed(0)} s window (after ${(settleMs / 1000).toFixed(0)} s to settle) each, alternating; node ${process.version}, ${os.cpus().length} CPUs`,
  );
  console.log('');
  console.log(
    '| process                              | % of a core | own (app) | its shells | total, each run  | frames | rounds |',
  );
  console.log(
    '|--------------------------------------|------------:|----------:|-----------:|-----------------:|-------:|-------:|',
  );
  console.log(row(`k8s-harden-lab, ${id}`, app));
  console.log(row('bare idle Ink app (baseline)', base));
  console.log('');
  const appPct = median(app.map(total));
  const extra = appPct - median(base.map(total));
  console.log(
    `app ${appPct.toFixed(2)} % of a core (target: under 1 %), ${extra.toFixed(2)} % above the baseline; medians of ${runs}`,
  );
  const avg = (l: readonly number[]) => l.map((x) => x.toFixed(1)).join(' ');
  console.log(`load average (1, 5, 15 min): ${avg(loadBefore)} before, ${avg(os.loadavg())} after`);
}

await main();
