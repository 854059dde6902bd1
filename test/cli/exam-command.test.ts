import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Io } from '../../src/cli/io.js';
import { main } from '../../src/cli/main.js';
import { SCENARIOS_ROOT } from '../scenarios/harness.js';

function capture(): Io & { stdout: () => string; stderr: () => string } {
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
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'khl-exam-cli-'));
  vi.stubEnv('K8S_HARDEN_LAB_HOME', home);
  vi.stubEnv('K8S_HARDEN_LAB_PROGRESS_DIR', path.join(home, 'progress'));
  vi.stubEnv('K8S_HARDEN_LAB_SCENARIOS', SCENARIOS_ROOT);
  // No lab in this test: cluster tasks are left out, with the reason.
  vi.stubEnv('K8S_HARDEN_LAB_CLUSTER', 'khl-no-such-lab');
});
afterEach(() => {
  vi.unstubAllEnvs();
  fs.rmSync(home, { recursive: true, force: true });
});

describe('k8s-harden-lab exam (no terminal, no lab)', () => {
  it('draws what can run and says why, sets up, gives JSON, finishes with a result, keeps it in progress', async () => {
    const io = capture();
    expect(await main(['exam', '--seed', '5', '--tasks', '3'], io)).toBe(0);
    const text = io.stdout();
    expect(text).toMatch(/Exam: 3 tasks · 120 min · pass mark 67% · seed 5/);
    expect(text).toMatch(/left out: abac-policy: needs a lab cluster/);
    expect(text).toMatch(/\[3\/3\] setting up/);
    expect(text).toContain('No hints or solutions until the end.');

    // The same seed draws the same exam: --json shows it running, without results
    const json = capture();
    expect(await main(['exam', '--json'], json)).toBe(0);
    const running = JSON.parse(json.stdout());
    expect(running.status).toBe('running');
    expect(running.seed).toBe(5);
    expect(running.result).toBeNull();
    expect(running.tasks.map((t: { lab: string }) => t.lab)).toEqual(['none', 'none', 'none']);
    expect(new Set(running.tasks.map((t: { seed: number }) => t.seed)).size).toBe(3);
    // Each task was set up with its own seed (derived from the exam's): its parameters come from it.
    for (const t of running.tasks as Array<{ scenario: string; seed: number }>) {
      const attempt = JSON.parse(fs.readFileSync(path.join(home, 'attempts', `${t.scenario}.json`), 'utf8'));
      expect(attempt.seed, t.scenario).toBe(t.seed);
    }

    // A second exam is refused while one runs
    const again = capture();
    expect(await main(['exam', '--seed', '6'], again)).toBe(0);
    expect(again.stdout()).toMatch(/Exam running: .* left/);

    // --finish scores it (nothing solved: a fail, exit 1) with expected/actual per failing check
    const done = capture();
    expect(await main(['exam', '--finish', '--json'], done)).toBe(1);
    const finished = JSON.parse(done.stdout());
    expect(finished.status).toBe('finished');
    expect(finished.result.passed).toBe(false);
    expect(finished.result.passMark).toBe(67);
    expect(finished.result.tasks).toHaveLength(3);
    const check = finished.result.tasks[0].checks.find((c: { status: string }) => c.status !== 'pass');
    expect(check.expected).toBeTruthy();
    expect(finished.result.tasks[0].solution.length).toBeGreaterThan(0);
    expect(finished.result.tasks[0].debrief).toMatch(/Why it matters/i);

    // progress --json carries the exam and the record; the report has a section for it
    const progress = capture();
    expect(await main(['progress', '--json'], progress)).toBe(0);
    const p = JSON.parse(progress.stdout());
    expect(p.exams).toHaveLength(1);
    expect(p.recording).toBe(true);
    expect(p.attempts.length).toBe(3);
    expect(p.attempts[0].exam).toBe(finished.id);
    const report = capture();
    expect(await main(['progress', 'report'], report)).toBe(0);
    expect(report.stdout()).toContain('## Exams');
    expect(report.stdout()).toMatch(/\| \d+% \| fail \(mark 67%\) \| 3 \|/);

    // Nothing runs now: --abandon says so (exit 2); the tasks can be reset one by one
    const none = capture();
    expect(await main(['exam', '--abandon'], none)).toBe(2);
    expect(none.stderr()).toMatch(/no exam is running/);
  });

  it('abandons cleanly: every task reset', async () => {
    const io = capture();
    expect(await main(['exam', '--seed', '2', '--tasks', '2'], io)).toBe(0);
    const ws = path.join(home, 'workspaces');
    expect(fs.readdirSync(ws)).toHaveLength(2);
    const out = capture();
    expect(await main(['exam', '--abandon'], out)).toBe(0);
    expect(out.stdout()).toContain('Exam abandoned: every task was reset.');
    expect(fs.readdirSync(ws)).toHaveLength(0);
  });

  it('refuses a bad seed and turns the record off and on', async () => {
    const bad = capture();
    expect(await main(['exam', '--seed', 'x'], bad)).toBe(2);
    const off = capture();
    expect(await main(['record', 'off'], off)).toBe(0);
    const status = capture();
    expect(await main(['record'], status)).toBe(0);
    expect(status.stdout()).toMatch(/The learning record is off/);
    expect(await main(['record', 'on'], capture())).toBe(0);
  });
});
