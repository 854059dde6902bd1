import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { AttemptStore } from '../../src/adapters/attempt-store.js';
import { runCommand } from '../../src/adapters/process/run.js';
import { ProgressStore } from '../../src/adapters/progress-store.js';
import { trainerDeps } from '../../src/cli/compose.js';
import type { Io } from '../../src/cli/io.js';
import { main } from '../../src/cli/main.js';
import { describeError } from '../../src/engine/errors.js';
import type { RunProcess } from '../../src/engine/ports.js';
import { Trainer } from '../../src/engine/trainer.js';
import { VALID_SELFTEST } from '../helpers/scenario-folder.js';

/**
 * The fault suite (issue 13.9): every defect of the adversarial run, injected again on each run,
 * against the real CLI (in-process and as a process from source), the real process runner and
 * the real stores. It counts what it tried, the faults it injected and what was lost (hangs,
 * completions, wrong exit codes, secrets in the log, outside files read), prints the figures, and
 * fails unless nothing was lost. The README's development section quotes the line it prints.
 */

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const CLI = path.join(ROOT, 'test', 'fault', 'khl-cli.ts');
const figures = { attempts: 0, faults: 0, lost: [] as string[] };
const lose = (what: string) => figures.lost.push(what);

let home: string;
let scenarios: string;
let env: NodeJS.ProcessEnv;
const ws = (id: string) => path.join(home, 'workspaces', id);

function scenario(id: string, checks: string, files: Record<string, string> = {}) {
  const dir = path.join(scenarios, id);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(
    path.join(dir, 'scenario.yaml'),
    `format_version: 1\nid: ${id}\ntitle: fault ${id}\ndomain: cluster-setup\ndifficulty: easy\nminutes: 1\nlab: none\nchecks:\n${checks}`,
  );
  const all: Record<string, string> = {
    'brief.md': '# Brief\n',
    'debrief.md': '# Debrief\n\n## Why it matters\n\nx\n\n## Common mistakes\n\ny\n',
    'setup.sh': 'echo token-file > john.token\n',
    'solution.sh': 'cat john.token > answer.txt\n',
    'selftest.yaml': VALID_SELFTEST.replaceAll('[first]', '[answer]').replaceAll('[second]', '[answer]'),
    ...files,
  };
  for (const [name, text] of Object.entries(all)) fs.writeFileSync(path.join(dir, name), text);
}

const fileCheck = (id: string, file: string) =>
  `  - id: ${id}\n    title: ${file} exists\n    probe: { kind: file, path: ${file} }\n    field: exists\n    expect: { op: eq, value: true }\n    hint: { nudge: n, teach: t, command: c }\n`;
const catCheck = `  - id: token-read\n    title: the token can be read\n    graded: false\n    probe: { kind: command, run: "cat john.token", timeoutSeconds: 2 }\n    field: exitCode\n    expect: { op: eq, value: 0 }\n    hint: { nudge: n, teach: t, command: c }\n`;

type Captured = Io & { stdout: () => string; stderr: () => string };
function capture(extra: NodeJS.ProcessEnv = {}): Captured {
  const out: string[] = [];
  const err: string[] = [];
  return {
    out: (t) => out.push(`${t}\n`),
    err: (t) => err.push(`${t}\n`),
    isTTY: false,
    env: { ...env, ...extra },
    stdout: () => out.join(''),
    stderr: () => err.join(''),
  };
}

/** The CLI in-process; every call is an attempt. */
async function khl(args: string[], extra: NodeJS.ProcessEnv = {}) {
  figures.attempts++;
  for (const [k, v] of Object.entries(extra)) process.env[k] = v;
  try {
    const io = capture(extra);
    const code = await main(args, io);
    return { code, out: io.stdout(), err: io.stderr() };
  } finally {
    for (const k of Object.keys(extra)) {
      if (env[k] === undefined) delete process.env[k];
      else process.env[k] = env[k];
    }
  }
}

/** The CLI as a process from source; resolves with how long it took to end on its own. */
function khlProcess(
  args: string[],
  options: { tty?: boolean; keys?: Array<[number, string]>; limitMs: number },
) {
  figures.attempts++;
  const argv = ['--import', 'tsx', CLI, ...args];
  const [file, fileArgs] = options.tty
    ? ['script', ['-qfec', [process.execPath, ...argv].map((a) => `'${a}'`).join(' '), '/dev/null']]
    : [process.execPath, argv];
  const started = Date.now();
  const child = spawn(file as string, fileArgs as string[], {
    env: { ...env, CI: 'false' },
    cwd: ROOT,
    detached: true,
  });
  let out = '';
  child.stdout.on('data', (d) => {
    out += String(d);
  });
  child.stderr.on('data', (d) => {
    out += String(d);
  });
  for (const [at, key] of options.keys ?? []) setTimeout(() => child.stdin.write(key), at);
  return new Promise<{ code: number | null; ms: number; out: string; hung: boolean }>((resolve) => {
    const kill = setTimeout(() => {
      try {
        process.kill(-(child.pid ?? 0), 'SIGKILL');
      } catch {}
      resolve({ code: null, ms: Date.now() - started, out, hung: true });
    }, options.limitMs);
    child.on('close', (code) => {
      clearTimeout(kill);
      resolve({ code, ms: Date.now() - started, out, hung: false });
    });
  });
}

/** A Trainer whose scripts get a short time limit, so a hang is seen in seconds, not minutes. */
function fastTrainer(limitMs: number) {
  const run: RunProcess = (file, args, options = {}) =>
    runCommand(file, args, { ...options, timeoutMs: limitMs });
  const deps = trainerDeps({
    scenariosRoot: scenarios,
    progress: new ProgressStore(),
    attempts: new AttemptStore(),
  });
  return new Trainer({ ...deps, run });
}

const running = (marker: string) =>
  execFileSync('ps', ['-eo', 'args'])
    .toString()
    .split('\n')
    .some((l) => l.includes(marker) && !l.includes('ps -eo'));

beforeAll(() => {
  home = fs.mkdtempSync(path.join(process.env.K8S_HARDEN_LAB_HOME ?? '/tmp', 'fault-'));
  scenarios = path.join(home, 'scenarios');
  env = {
    K8S_HARDEN_LAB_HOME: path.join(home, 'data'),
    K8S_HARDEN_LAB_PROGRESS_DIR: path.join(home, 'progress'),
    K8S_HARDEN_LAB_SCENARIOS: scenarios,
    K8S_HARDEN_LAB_DEBUG: '1',
    K8S_HARDEN_LAB_CLUSTER: 'khl-fault-none',
  };
  home = env.K8S_HARDEN_LAB_HOME as string;
  for (const [k, v] of Object.entries(env)) vi.stubEnv(k, v as string);
  scenario('fifo', fileCheck('answer', 'answer.txt') + catCheck);
  scenario('hang', fileCheck('answer', 'answer.txt'), {
    'setup.sh': `(sleep 300 # khl-fault-orphan-${process.pid}\n) &\nsleep 301 # khl-fault-setup-${process.pid}\n`,
  });
  scenario('badsetup', fileCheck('answer', 'answer.txt'), {
    'setup.sh': 'echo "openssl: not found" >&2; exit 127\n',
  });
  for (let i = 1; i <= 20; i++)
    scenario(`quick-${String(i).padStart(2, '0')}`, fileCheck('answer', 'answer.txt'), {
      'setup.sh': 'echo done > answer.txt\n',
    });
  scenario('secret', fileCheck('answer', 'answer.txt'), {
    'setup.sh': `echo "current-context: TOPSECRET-VALUE" > ../../outside-secret\nln -s ../../outside-secret answer.txt\necho 'password: correct horse battery staple' > creds\n`,
  });
});

afterAll(() => {
  const line = `fault suite: ${figures.attempts} attempts, ${figures.faults} faults injected, lost: ${figures.lost.length === 0 ? 'nothing' : figures.lost.join('; ')}`;
  process.stdout.write(`\n${line}\n`);
  fs.rmSync(path.dirname(home), { recursive: true, force: true });
  vi.unstubAllEnvs();
});

describe('fault suite (issue 13)', () => {
  it('13.1 a FIFO in the workspace during solve: returns at its time limit, exit 5 naming the cause', async () => {
    expect((await khl(['start', 'fifo'])).code).toBe(0);
    fs.rmSync(path.join(ws('fifo'), 'john.token'));
    execFileSync('mkfifo', [path.join(ws('fifo'), 'john.token')]);
    figures.faults++;
    const trainer = fastTrainer(2_000);
    const started = Date.now();
    const error = await trainer.solve(trainer.get('fifo')).catch((e: unknown) => e);
    const ms = Date.now() - started;
    const d = describeError(error);
    if (ms > 7_000) lose(`solve over a FIFO took ${ms} ms`);
    if (d.exitCode !== 5 || !/timed out after 2 s/.test(d.message))
      lose(`solve over a FIFO: exit ${d.exitCode} ${d.message}`);
    expect(d.message).toContain('failed over the files in');
  });

  it('13.1 check with a FIFO prints its results and the process ends on its own', async () => {
    figures.faults++;
    const r = await khlProcess(['check', 'fifo'], { limitMs: 30_000 });
    if (r.hung) lose('check with a FIFO never exited');
    expect(r.out).toContain('the token can be read');
    expect(r.code).toBe(1);
  }, 40_000);

  it('13.1 a setup whose children outlive it returns at its time limit, children ended', async () => {
    figures.faults++;
    const trainer = fastTrainer(2_000);
    const started = Date.now();
    const error = await trainer.setup(trainer.get('hang')).catch((e: unknown) => e);
    const ms = Date.now() - started;
    if (ms > 7_000) lose(`setup "timed out after 2 s" returned after ${ms} ms`);
    expect(describeError(error).message).toContain('timed out after 2 s');
    await new Promise((r) => setTimeout(r, 500));
    if (running(`khl-fault-orphan-${process.pid}`) || running(`khl-fault-setup-${process.pid}`))
      lose('setup left a child running');
  });

  it('13.1 the TUI over a blocked child quits on q and leaves nothing behind', async () => {
    figures.faults++;
    // The TUI sets the scenario up, then the learner swaps the token for a FIFO: the watch
    // loop's next round runs a `cat` that blocks until its time limit; then `q`.
    const swap = setTimeout(() => {
      fs.rmSync(path.join(ws('fifo'), 'john.token'), { force: true });
      execFileSync('mkfifo', [path.join(ws('fifo'), 'john.token')]);
      fs.writeFileSync(path.join(ws('fifo'), 'nudge.txt'), 'x');
    }, 8_000);
    const r = await khlProcess(['start', 'fifo', '--force'], {
      tty: true,
      keys: [[9_000, 'q']],
      limitMs: 30_000,
    });
    clearTimeout(swap);
    if (r.hung) lose('the TUI did not quit on q');
    if (r.hung) process.stdout.write(`TUI output:\n${r.out.slice(-3000)}\n`);
    await new Promise((res) => setTimeout(res, 500));
    const left = execFileSync('ps', ['-eo', 'args'])
      .toString()
      .split('\n')
      .filter((l) => l.includes(ws('fifo')) || l === 'cat john.token');
    if (left.length > 0) lose(`the TUI left ${left.length} process(es)`);
    expect(r.hung).toBe(false);
  }, 40_000);

  it('13.2 twenty parallel checks that each complete a scenario leave twenty completions', async () => {
    const ids = Array.from({ length: 20 }, (_, i) => `quick-${String(i + 1).padStart(2, '0')}`);
    for (const id of ids) expect((await khl(['start', id])).code).toBe(0);
    figures.faults += ids.length;
    const results = await Promise.all(ids.map((id) => khlProcess(['check', id], { limitMs: 60_000 })));
    expect(results.every((r) => r.code === 0)).toBe(true);
    const progress = JSON.parse(
      fs.readFileSync(path.join(env.K8S_HARDEN_LAB_PROGRESS_DIR as string, 'progress.json'), 'utf8'),
    );
    const done = ids.filter((id) => progress.scenarios?.[id]?.completed);
    if (done.length !== ids.length) lose(`${ids.length - done.length} of ${ids.length} completions`);
    expect(done).toHaveLength(ids.length);
  }, 90_000);

  it('13.4 a learner link out of the workspace is never read; 13.8 no secret reaches the log', async () => {
    expect((await khl(['start', 'secret'])).code).toBe(0);
    figures.faults += 2;
    const r = await khl(['check', 'secret', '--json']);
    if (r.out.includes('TOPSECRET')) lose('an outside file was read through a link');
    expect(r.out).toContain('outside the workspace');
    const logFile = path.join(home, 'logs', 'debug.log');
    const log = fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8') : '';
    if (/TOPSECRET|horse battery/.test(log)) lose('a secret in the debug log');
  });

  it('13.6 exit codes and messages match the README', async () => {
    const expectCode = async (args: string[], code: number, text: RegExp, extra: NodeJS.ProcessEnv = {}) => {
      figures.faults++;
      const r = await khl(args, extra);
      if (r.code !== code || !text.test(r.out + r.err))
        lose(`${args.join(' ')}: exit ${r.code} ${JSON.stringify((r.out + r.err).slice(0, 200))}`);
      return r;
    };
    await expectCode(['help'], 0, /Usage/);
    await expectCode(['help', 'start'], 0, /start/);
    await expectCode(['start', 'badsetup'], 5, /setup of "badsetup" failed.*openssl: not found/s);
    await expectCode(['start', '\u001b[31mRED\u001b[0m'], 2, /unknown scenario "\\x1b\[31mRED\\x1b\[0m"/);
    const json = await expectCode(['check', 'quick-01', '--json'], 0, /"setUp": true/);
    expect(json.out).not.toContain('\u001b');
    await khl(['reset', 'fifo']);
    const notSetUp = await expectCode(['check', 'fifo', '--json'], 1, /"setUp": false/);
    expect(JSON.parse(notSetUp.out).note).toContain('not set up');
    const blocker = path.join(path.dirname(home), 'a-file');
    fs.writeFileSync(blocker, 'x');
    await expectCode(['progress'], 5, /cannot use .*a-file.*(ENOTDIR|EEXIST)/, {
      K8S_HARDEN_LAB_PROGRESS_DIR: path.join(blocker, 'sub'),
    });
    await expectCode(['validate'], 0, /scenario\(s\)/);
  });

  it('13.1 a catastrophic pattern is refused by validate, exit 3', async () => {
    const bad = path.join(path.dirname(home), 'bad-scenarios');
    fs.mkdirSync(bad);
    const saved = scenarios;
    scenarios = bad;
    scenario(
      'redos',
      `  - id: notes\n    title: notes\n    probe: { kind: file, path: notes.txt }\n    field: content\n    expect: { op: matches, value: "^(a+)+$" }\n    hint: { nudge: n, teach: t, command: c }\n`,
    );
    scenarios = saved;
    figures.faults++;
    const r = await khl(['validate', bad]);
    if (r.code !== 3 || !/repeats a group/.test(r.out + r.err))
      lose(`validate accepted ^(a+)+$ (exit ${r.code})`);
  });

  it('loses nothing', () => {
    expect(figures.lost).toEqual([]);
  });
});
