import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ExamStore } from '../../src/adapters/exam-store.js';
import { examRunner, uiServicesFrom } from '../../src/cli/compose.js';
import { examServices } from '../../src/cli/ui-learning.js';
import type { Trainer } from '../../src/engine/trainer.js';
import type { UiServices } from '../../src/ui/ui-services.js';
import { KEY, press, renderApp, waitFor } from './helpers/render.js';
import { type Fixture, fixtureTrainer, makeFixture, removeFixture } from './helpers/scenario-fixture.js';

const RIGHT = '\u001B[C';
const LEFT = '\u001B[D';
const T0 = Date.parse('2030-01-01T09:00:00Z');

let fixture: Fixture;
let trainer: Trainer;
let clock: number;
let store: ExamStore;

const EXAM_YAML = `format_version: 1
passMark: 67
minutes: 120
tasks: 16
domains: { cluster-hardening: 15, monitoring-runtime: 20 }
taskWeights: { easy: 4, medium: 7, hard: 10 }
`;

function services(): UiServices {
  const runner = examRunner(trainer, fixture.scenarios, () => Promise.reject(new Error('no lab here')), {
    exams: store,
    now: () => new Date(clock),
  });
  return {
    ...uiServicesFrom(trainer, [], { now: () => clock, watch: () => () => {} }),
    exam: examServices(runner),
  };
}

beforeEach(() => {
  fixture = makeFixture();
  vi.stubEnv('K8S_HARDEN_LAB_HOME', fixture.home);
  fs.writeFileSync(path.join(fixture.scenarios, 'exam.yaml'), EXAM_YAML);
  clock = T0;
  ({ trainer } = fixtureTrainer(fixture, () => new Date(clock)));
  store = new ExamStore(path.join(fixture.home, 'exams'));
});

afterEach(() => removeFixture(fixture));

/** The clock ticks every 20 ms of real time; the test moves the fake clock itself. */
const TIMING = { pollMs: 0, tickMs: 20 };

describe('exam mode (TUI, real keystrokes, a fake clock)', () => {
  it('draws, sets up with progress, moves, flags, runs out of time and shows the result', async () => {
    // Given the home screen
    const app = renderApp(services(), undefined, TIMING);
    await waitFor(app.lastFrame, (f) => f.includes('Turn TLS on'));

    // When the learner presses E, the draw is shown: both tasks, their weights, why not 16
    const plan = await press(app, 'E', 'Exam: 2 tasks · 120 min · pass mark 67%');
    expect(plan).toMatch(/2 of 16 tasks/);
    expect(plan).toContain('No hints and no solutions until the end.');

    // Enter sets every task up, then the countdown starts
    const started = await press(app, KEY.enter, 'Exam · task 1 of 2');
    expect(started).toContain('⏱ 2:00:00 left');
    expect(started).toMatch(/›1:50%/);
    expect(started).toContain('The exam has started.');
    for (const id of ['tls-on', 'audit-log'])
      expect(fs.existsSync(path.join(fixture.home, 'workspaces', id, 'app.yaml'))).toBe(true);
    // No hint and no solution during the exam: h and v do nothing here
    // The draw's order comes from the store (a frame read too early could show the header only).
    const firstTitle =
      store.current()?.tasks[0]?.scenario === 'audit-log' ? 'Keep an audit log' : 'Turn TLS on in app.yaml';
    await waitFor(app.lastFrame, (f) => f.includes(firstTitle));

    // → moves to task 2, f flags it, ← goes back
    clock += 10 * 60_000;
    const second = await press(app, RIGHT, 'Exam · task 2 of 2');
    // The task's title is the third line (both fixture briefs say "Turn TLS on in app.yaml").
    const secondTitle = firstTitle === 'Keep an audit log' ? 'Turn TLS on in app.yaml' : 'Keep an audit log';
    expect(second.split('\n')[2]).toContain(secondTitle);
    expect(second.split('\n')[2]).not.toContain(firstTitle);
    const flagged = await press(app, 'f', '⚑ flagged');
    expect(flagged).toMatch(/2:50%⚑/);
    clock += 5 * 60_000;
    await press(app, LEFT, 'Exam · task 1 of 2');

    // The learner fixes task 1 completely (both graded checks) in its workspace
    const task1 = store.current()?.tasks[0]?.scenario ?? '';
    const ws = path.join(fixture.home, 'workspaces', task1);
    fs.writeFileSync(path.join(ws, 'app.yaml'), 'server:\n  tls: true\n');
    fs.writeFileSync(path.join(ws, 'notes.txt'), 'done\n');

    // The countdown changes as time runs out
    clock = T0 + 100 * 60_000;
    await waitFor(app.lastFrame, (f) => f.includes('⏱ 20:00 left (low)'));
    clock = T0 + 110 * 60_000;
    await waitFor(app.lastFrame, (f) => f.includes('⏱ 10:00 left (!)'));

    // When the time is up, the checks are frozen and the result shows
    clock = T0 + 121 * 60_000;
    const result = await waitFor(app.lastFrame, (f) => f.includes('Exam result:'), 10_000);
    expect(result).toContain('time ran out');
    expect(result).toMatch(/Exam result: 50% · FAIL \(pass mark 67%\)/);
    expect(result).toMatch(/1\. .*50% +100%/);
    expect(result).toMatch(/2\. .*50% +0%/);
    expect(result).toContain('⚑');
    // Task 1 passed, with its debrief and reference solution
    expect(result).toContain('✔ server.tls is true in app.yaml');
    // Task 2: its failing subtasks with expected and actual
    const task2 = await press(app, KEY.down, '2. ');
    const detail = await waitFor(app.lastFrame, (f) => f.includes('expected:') && f.includes('0%'));
    expect(detail).toContain('✘ server.tls is true in app.yaml');
    expect(detail).toContain('actual:   found `false`');
    expect(task2).toBeTruthy();
    const more = await press(app, KEY.pageDown, 'Reference solution');
    expect(more).toContain('── Reference solution');

    // The result is kept: time per task counted while the learner was on it
    const kept = store.list()[0];
    expect(kept?.status).toBe('finished');
    expect(kept?.result?.percent).toBe(50);
    expect(kept?.result?.usedMs).toBe(120 * 60_000);
    expect(kept?.tasks.map((t) => t.timeMs)).toEqual([115 * 60_000, 5 * 60_000]);

    // enter goes back to the list
    await press(app, KEY.enter, 'Type / to filter');
  });

  it('pauses on esc with the remaining time kept, resumes on E, and abandons cleanly', async () => {
    const app = renderApp(services(), undefined, TIMING);
    await waitFor(app.lastFrame, (f) => f.includes('Turn TLS on'));
    await press(app, 'E', 'Exam: 2 tasks');
    await press(app, KEY.enter, '⏱ 2:00:00 left');

    // 30 minutes in, the learner leaves: the exam pauses
    clock += 30 * 60_000;
    await waitFor(app.lastFrame, (f) => f.includes('⏱ 1:30:00 left'));
    await press(app, KEY.escape, 'Type / to filter');
    expect(store.current()?.runningSince).toBeNull();

    // A day later it resumes where it was
    clock += 24 * 60 * 60_000;
    const resumed = await press(app, 'E', 'Exam resumed: 1:30:00 left.');
    expect(resumed).toContain('⏱ 1:30:00 left');

    // X asks, y abandons: every task is reset and the exam is kept as abandoned
    await press(app, 'X', 'Abandon the exam?');
    await press(app, 'y', 'Type / to filter');
    expect(store.current()).toBeUndefined();
    expect(store.list()[0]?.status).toBe('abandoned');
    for (const id of ['tls-on', 'audit-log'])
      expect(fs.existsSync(path.join(fixture.home, 'workspaces', id))).toBe(false);
  });

  it('finishes on F after asking (n keeps it running)', async () => {
    const app = renderApp(services(), undefined, TIMING);
    await waitFor(app.lastFrame, (f) => f.includes('Turn TLS on'));
    await press(app, 'E', 'Exam: 2 tasks');
    await press(app, KEY.enter, 'Exam · task 1 of 2');
    await press(app, 'F', 'Finish the exam now?');
    await press(app, 'n', (f) => !f.includes('Finish the exam now?'));
    await press(app, 'F', 'Finish the exam now?');
    const result = await press(app, 'y', 'Exam result: 0% · FAIL', 10_000);
    expect(result).toContain('· finished');
  });
});
