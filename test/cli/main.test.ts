import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ProgressStore } from '../../src/adapters/progress-store.js';
import type { Io } from '../../src/cli/io.js';
import { main } from '../../src/cli/main.js';
import { describeError } from '../../src/engine/errors.js';
import { VALID_YAML, writeScenario } from '../helpers/scenario-folder.js';
import { SCENARIOS_ROOT } from '../scenarios/harness.js';

type Captured = Io & { stdout: () => string; stderr: () => string };
function capture(): Captured {
  const out: string[] = [];
  const err: string[] = [];
  return {
    out: (t) => out.push(t.endsWith('\n') ? t : `${t}\n`),
    err: (t) => err.push(t.endsWith('\n') ? t : `${t}\n`),
    isTTY: false,
    env: process.env,
    stdout: () => out.join(''),
    stderr: () => err.join(''),
  };
}

let home: string;
beforeEach(() => {
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'khl-cli-'));
  vi.stubEnv('K8S_HARDEN_LAB_HOME', home);
  vi.stubEnv('K8S_HARDEN_LAB_PROGRESS_DIR', path.join(home, 'progress'));
  vi.stubEnv('K8S_HARDEN_LAB_SCENARIOS', SCENARIOS_ROOT);
});
afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
  fs.rmSync(home, { recursive: true, force: true });
});

describe('main', () => {
  it('--help lists the commands and exits 0', async () => {
    const io = capture();
    expect(await main(['--help'], io)).toBe(0);
    for (const c of ['list', 'start', 'check', 'hint', 'reset', 'solve', 'validate', 'progress'])
      expect(io.stdout()).toContain(c);
  });

  it('with no command opens the terminal UI, which without a terminal says so and exits 2', async () => {
    const io = capture();
    const written: string[] = [];
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
      written.push(String(chunk));
      return true;
    });
    expect(await main([], io)).toBe(2);
    expect(written.join('')).toMatch(/^The terminal UI needs an interactive terminal/);
    expect(io.stdout()).toBe('');
  });

  it('--version prints the package version', async () => {
    const io = capture();
    expect(await main(['--version'], io)).toBe(0);
    const pkg = JSON.parse(fs.readFileSync(path.join(SCENARIOS_ROOT, '..', 'package.json'), 'utf8'));
    expect(io.stdout().trim()).toBe(pkg.version);
  });

  it('an unknown command is one clear line and exit 2', async () => {
    const io = capture();
    expect(await main(['frobnicate'], io)).toBe(2);
    expect(io.stderr().split('\n')[0]).toBe("error: unknown command 'frobnicate'");
  });

  it('an unknown scenario id is one clear line and exit 2', async () => {
    const io = capture();
    expect(await main(['check', 'no-such-scenario'], io)).toBe(2);
    const [first, next] = io.stderr().split('\n');
    expect(first).toBe('error: unknown scenario "no-such-scenario"');
    expect(next).toMatch(/^next: .*k8s-harden-lab list/);
  });

  it.each([[['check']], [['list', '--bogus']], [['hint', 'a', 'b']]])(
    'bad arguments %j exit 2',
    async (argv) => {
      const io = capture();
      expect(await main(argv, io)).toBe(2);
      expect(io.stderr()).toMatch(/error/);
    },
  );

  it('validate passes on the shipped scenarios', async () => {
    const io = capture();
    expect(await main(['validate', SCENARIOS_ROOT], io)).toBe(0);
    expect(io.stdout()).toMatch(/all valid/);
  });

  it('validate on a broken folder exits 3 with file:line: field: reason', async () => {
    const dir = path.join(home, 'broken');
    writeScenario(dir, 'good', VALID_YAML);
    writeScenario(dir, 'bad', VALID_YAML.replace('weight: 2', 'weight: heavy'));
    const io = capture();
    expect(await main(['validate', dir], io)).toBe(3);
    expect(io.stderr()).toMatch(/bad[/\\]scenario\.yaml:16: checks\.1\.weight: .*number/);
    expect(io.stdout()).toMatch(/2 scenario\(s\) .*1 problem/);
  });

  it('list still works with a broken scenario and marks it invalid', async () => {
    const dir = path.join(home, 'mixed');
    writeScenario(dir, 'good', VALID_YAML);
    writeScenario(dir, 'bad', 'id: bad\ntitle: [\n');
    vi.stubEnv('K8S_HARDEN_LAB_SCENARIOS', dir);
    const io = capture();
    expect(await main(['list'], io)).toBe(0);
    expect(io.stdout()).toMatch(/good/);
    expect(io.stdout()).toMatch(/! bad .*invalid: .*scenario\.yaml:\d+/);
    const json = capture();
    expect(await main(['list', '--json'], json)).toBe(0);
    expect(JSON.parse(json.stdout()).map((e: { id: string; valid: boolean }) => [e.id, e.valid])).toEqual([
      ['bad', false],
      ['good', true],
    ]);
  });

  it('start, check --json, solve, check --json, progress --json', async () => {
    const id = 'kubeconfig-contexts';
    const start = capture();
    // Seed 1 draws the context production (the scenario's params: are drawn from the seed).
    expect(await main(['start', id, '--seed', '1'], start)).toBe(0);
    expect(start.stdout()).toMatch(/Workspace: .*kubeconfig-contexts/);

    const failing = capture();
    expect(await main(['check', id, '--json'], failing)).toBe(1);
    const before = JSON.parse(failing.stdout());
    expect(before).toMatchObject({ scenario: id, allPass: false, score: 0 });
    expect(before.results[0]).toEqual({
      checkId: 'current-context',
      title: expect.any(String),
      status: 'fail',
      expected: 'current-context of my-kube-config is `production`',
      actual: 'found `kubernetes-admin@kubernetes`',
      graded: true,
      weight: 2,
    });

    const hint = capture();
    expect(await main(['hint', id], hint)).toBe(0);
    expect(hint.stdout()).toMatch(/Hint \(nudge, costs 5%\)/);

    expect(await main(['solve', id], capture())).toBe(0);
    const passing = capture();
    expect(await main(['check', id, '--json'], passing)).toBe(0);
    expect(JSON.parse(passing.stdout())).toMatchObject({ allPass: true, score: 0 });

    const progress = capture();
    expect(await main(['progress', '--json'], progress)).toBe(0);
    const p = JSON.parse(progress.stdout());
    expect(p.file).toBe(path.join(home, 'progress', 'progress.json'));
    // The solution was shown: an attempt, not a solve.
    expect(p.scenarios[id]).toMatchObject({
      completed: false,
      bestScore: null,
      forfeits: 1,
      attempts: 1,
      hintsUsed: 1,
    });

    const reset = capture();
    expect(await main(['reset', id], reset)).toBe(0);
    expect(fs.existsSync(path.join(home, 'workspaces', id))).toBe(false);
  });

  it('start --seed N draws the same parameters again; start without one draws a seed and keeps it for check', async () => {
    const id = 'kubeconfig-contexts';
    const line = (out: string) => out.split('\n').find((l) => l.startsWith('Parameters (seed'));
    const first = capture();
    expect(await main(['start', id, '--seed', '2', '--no-tui'], first)).toBe(0);
    const drawn = line(first.stdout());
    expect(drawn).toMatch(
      /^Parameters \(seed 2; `k8s-harden-lab start kubeconfig-contexts --seed 2` draws them again\): context=\S+, namespace=\S+, user=\S+$/,
    );
    const user = /user=(\S+)$/.exec(drawn ?? '')?.[1] ?? '';
    const context = /context=([^,]+),/.exec(drawn ?? '')?.[1] ?? '';
    // The brief names the drawn values, setup made the user's token file, no placeholder is left.
    expect(first.stdout()).toContain(`1. Make \`${context}\` the **current context of \`my-kube-config\`**.`);
    expect(first.stdout()).not.toMatch(/\{\{|‹/);
    expect(fs.existsSync(path.join(home, 'workspaces', id, `${user}.token`))).toBe(true);

    // check, hint and solve use the attempt's seed.
    const check = capture();
    expect(await main(['check', id, '--json'], check)).toBe(1);
    const checked = JSON.parse(check.stdout());
    expect(checked).toMatchObject({ seed: 2, params: { user, context } });
    const results = checked.results as Array<{ checkId: string; expected: string }>;
    expect(results.find((r) => r.checkId === 'current-context')?.expected).toBe(
      `current-context of my-kube-config is \`${context}\``,
    );
    expect(await main(['solve', id], capture())).toBe(0);
    expect(await main(['check', id], capture())).toBe(0);

    const again = capture();
    expect(await main(['start', id, '--seed', '2', '--force', '--no-tui'], again)).toBe(0);
    expect(line(again.stdout())).toBe(drawn);

    // Without --seed: a fresh seed, kept with the attempt.
    const fresh = capture();
    expect(await main(['start', id, '--force', '--no-tui'], fresh)).toBe(0);
    const seed = Number(/seed (\d+);/.exec(line(fresh.stdout()) ?? '')?.[1]);
    const attempt = JSON.parse(fs.readFileSync(path.join(home, 'attempts', `${id}.json`), 'utf8'));
    expect(attempt.seed).toBe(seed);

    const bad = capture();
    expect(await main(['start', id, '--seed', '-1', '--force'], bad)).toBe(2);
    expect(bad.stderr()).toMatch(/--seed must be a whole number from 0 to 2147483647/);
  });

  it('a corrupt progress file is set aside with a note, never a crash', async () => {
    fs.mkdirSync(path.join(home, 'progress'), { recursive: true });
    fs.writeFileSync(path.join(home, 'progress', 'progress.json'), '{{{');
    const io = capture();
    expect(await main(['progress', '--json'], io)).toBe(0);
    expect(io.stderr()).toMatch(/note: Your progress file was damaged/);
    expect(JSON.parse(io.stdout()).scenarios).toEqual({});
  });

  it('start on a scenario already set up refuses without --force and keeps the work', async () => {
    const id = 'kubeconfig-contexts';
    expect(await main(['start', id], capture())).toBe(0);
    const mine = path.join(home, 'workspaces', id, 'my-notes.txt');
    fs.writeFileSync(mine, 'work in progress\n');

    const again = capture();
    expect(await main(['start', id], again)).toBe(2);
    expect(again.stdout()).toBe('');
    const [first, next] = again.stderr().split('\n');
    expect(first).toMatch(/^error: "kubeconfig-contexts" is already set up/);
    expect(next).toMatch(/^next: .*start kubeconfig-contexts --force.*reset kubeconfig-contexts/);
    expect(fs.readFileSync(mine, 'utf8')).toBe('work in progress\n');

    expect(await main(['start', id, '--force'], capture())).toBe(0);
    expect(fs.existsSync(mine)).toBe(false);
  });

  it('a failed progress write still prints the results, then a warning with the next step', async () => {
    const id = 'kubeconfig-contexts';
    expect(await main(['start', id], capture())).toBe(0);
    expect(await main(['solve', id], capture())).toBe(0);
    const denied = Object.assign(new Error('EACCES: permission denied, rename progress.json'), {
      code: 'EACCES',
    });
    vi.spyOn(ProgressStore.prototype, 'record').mockImplementationOnce(() => {
      throw denied;
    });
    const io = capture();
    expect(await main(['check', id], io)).toBe(describeError(denied).exitCode);
    expect(io.stdout()).toMatch(/^PASS /m);
    expect(io.stdout()).toMatch(/graded checks pass/);
    expect(io.stderr()).toMatch(/^warning: .*progress could not be saved: EACCES/m);
    expect(io.stderr()).toMatch(/^next: .*k8s-harden-lab check kubeconfig-contexts` again/m);

    // The attempt was kept: the next check records it, as an attempt with the solution shown.
    const again = capture();
    expect(await main(['check', id], again)).toBe(0);
    expect(again.stdout()).toMatch(/with the solution shown: the attempt is kept, not counted as solved/);
    expect(again.stdout()).not.toMatch(/Solved!/);
    const progress = capture();
    expect(await main(['progress', '--json'], progress)).toBe(0);
    expect(JSON.parse(progress.stdout()).scenarios[id]).toMatchObject({ forfeits: 1, attempts: 1 });
  });

  it('check --json says when the progress could not be saved', async () => {
    const id = 'kubeconfig-contexts';
    expect(await main(['start', id], capture())).toBe(0);
    expect(await main(['solve', id], capture())).toBe(0);
    vi.spyOn(ProgressStore.prototype, 'record').mockImplementationOnce(() => {
      throw new Error('disk full');
    });
    const io = capture();
    await main(['check', id, '--json'], io);
    expect(JSON.parse(io.stdout())).toMatchObject({ allPass: true, saved: false, saveError: 'disk full' });
  });

  it('validate reports a bomb, a directory, a FIFO and /dev/zero as problems (exit 3); the good one still lists', async () => {
    const dir = path.join(home, 'hostile');
    const levels = ['a0: &a0 [x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 10; i++)
      levels.push(
        `a${i}: &a${i} [${Array(9)
          .fill(`*a${i - 1}`)
          .join(', ')}]`,
      );
    writeScenario(dir, 'bomb', `${levels.join('\n')}\n`);
    fs.mkdirSync(path.join(writeScenario(dir, 'dir-brief', VALID_YAML, { 'brief.md': null }), 'brief.md'));
    execFileSync('mkfifo', [
      path.join(writeScenario(dir, 'fifo', VALID_YAML, { 'brief.md': null }), 'brief.md'),
    ]);
    fs.symlinkSync(
      '/dev/zero',
      path.join(writeScenario(dir, 'zero', VALID_YAML, { 'brief.md': null }), 'brief.md'),
    );
    writeScenario(dir, 'good', VALID_YAML);
    const io = capture();
    expect(await main(['validate', dir], io)).toBe(3);
    const lines = io.stderr().trim().split('\n');
    expect(lines).toHaveLength(4);
    expect(lines.every((l) => /^\S+:\d+: /.test(l))).toBe(true);
    expect(io.stdout()).toMatch(/5 scenario\(s\) .*4 problem/);
    vi.stubEnv('K8S_HARDEN_LAB_SCENARIOS', dir);
    const list = capture();
    expect(await main(['list'], list)).toBe(0);
    expect(list.stdout()).toMatch(/^ +good +Cluster Setup/m);
  });

  it('validate with no scenario folders says so and exits 3, never "all valid"', async () => {
    const empty = path.join(home, 'empty');
    fs.mkdirSync(empty);
    const io = capture();
    expect(await main(['validate', empty], io)).toBe(3);
    expect(io.stdout()).not.toMatch(/all valid/);
    expect(io.stderr()).toMatch(/^error: no scenario folders found in /);
    const json = capture();
    expect(await main(['validate', empty, '--json'], json)).toBe(3);
    expect(JSON.parse(json.stdout())).toMatchObject({
      scenarios: 0,
      error: expect.stringMatching(/no scenario/),
    });
  });
});
