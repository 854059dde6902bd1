import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { uiServicesFrom } from '../../src/cli/compose.js';
import type { CheckResult } from '../../src/domain/checks.js';
import type { Scenario } from '../../src/domain/scenario.js';
import type { Trainer } from '../../src/engine/trainer.js';
import type { Timing } from '../../src/ui/App.js';
import { initialState } from '../../src/ui/state.js';
import { formatTimer } from '../../src/ui/text.js';
import type {
  ClusterRound,
  ClusterWatchHandle,
  UiServices,
  WorkspaceWatch,
} from '../../src/ui/ui-services.js';
import { press, renderApp, waitFor } from './helpers/render.js';
import { type Fixture, fixtureTrainer, makeFixture, removeFixture } from './helpers/scenario-fixture.js';

// Issue 14.6, a quiet watch: a round on a file change, a slow poll besides, and a poll round that
// changes nothing draws nothing. Driven through the real trainer and real keystrokes.

let fixture: Fixture;
let trainer: Trainer;
const START = Date.parse('2030-01-01T00:00:00Z');

/** A workspace watcher the test fires by hand; `watching` as a real one would say. */
function manualWatch(watching = true) {
  const listeners = new Set<() => void>();
  return {
    watch: (_s: unknown, onChange: () => void): WorkspaceWatch => {
      listeners.add(onChange);
      return Object.assign(() => void listeners.delete(onChange), { watching });
    },
    fire: () => {
      for (const l of listeners) l();
    },
  };
}

/** The trainer's services, with the rounds counted. */
function services(watch: UiServices['watch'], now: () => number = () => START + 5 * 60_000) {
  const ui = uiServicesFrom(trainer, [], { now, watch });
  const counted = { rounds: 0 };
  const check = ui.check;
  ui.check = (s, o) => {
    counted.rounds++;
    return check(s, o);
  };
  return { ui, counted };
}

/** Opens the fixture scenario already set up, as `start tls-on` does, and waits for the first round. */
async function openSetUp(ui: UiServices, timing: Timing) {
  const scenario = trainer.get('tls-on');
  await trainer.setup(scenario);
  const app = renderApp(
    ui,
    initialState({
      scenario: { id: 'tls-on', setUp: true, attempt: trainer.attempt('tls-on') ?? null },
      notices: [],
    }),
    timing,
  );
  await waitFor(app.lastFrame, (f) => f.includes('Checks: 0/2 graded passing'));
  return app;
}

const until = async (condition: () => boolean, timeoutMs = 5000) => {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > timeoutMs) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
};

beforeEach(() => {
  fixture = makeFixture();
  vi.stubEnv('K8S_HARDEN_LAB_HOME', fixture.home);
  ({ trainer } = fixtureTrainer(fixture, () => new Date(START)));
});

afterEach(() => removeFixture(fixture));

const workspaceFile = (name: string) => path.join(fixture.home, 'workspaces', 'tls-on', name);

describe('a quiet watch (issue 14.6)', () => {
  it('re-checks when a file in the workspace changes, and only then while the poll is slow', async () => {
    const watcher = manualWatch();
    const { ui, counted } = services(watcher.watch);
    // The poll is slow while the workspace is watched: no round comes from it in this test.
    const app = await openSetUp(ui, { pollMs: 20, slowPollMs: 60_000, tickMs: 0 });
    const afterOpen = counted.rounds;
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(counted.rounds).toBe(afterOpen);

    // The learner fixes the file: the change starts a round at once, and the check turns green.
    fs.writeFileSync(workspaceFile('app.yaml'), 'server:\n  tls: true\n');
    watcher.fire();
    const fixed = await waitFor(app.lastFrame, (f) => f.includes('Checks: 1/2 graded passing'));
    expect(fixed).toContain('✔ server.tls is true in app.yaml');
    expect(counted.rounds).toBe(afterOpen + 1);
  });

  it('draws nothing for poll rounds that change nothing, and draws the one that does', async () => {
    const { ui, counted } = services(manualWatch().watch);
    const app = await openSetUp(ui, { pollMs: 20, slowPollMs: 20, tickMs: 0 });
    const frames = app.frames.length;
    const rounds = counted.rounds;
    await until(() => counted.rounds >= rounds + 5);
    // Five rounds ran; the screen was not drawn again.
    expect(app.frames.length).toBe(frames);
    expect(app.lastFrame()).not.toContain('checking…');

    // A change no watcher saw (say, an editor on a mount without events): the poll finds it.
    fs.writeFileSync(workspaceFile('app.yaml'), 'server:\n  tls: true\n');
    await waitFor(app.lastFrame, (f) => f.includes('Checks: 1/2 graded passing'));
    const changed = app.frames.length;
    const later = counted.rounds;
    await until(() => counted.rounds >= later + 3);
    expect(app.frames.length).toBe(changed);
  });

  it('r still shows "checking…" and the round, though nothing changed', async () => {
    const { ui, counted } = services(manualWatch().watch);
    const app = await openSetUp(ui, { pollMs: 0, tickMs: 0 });
    const frames = app.frames.length;
    const rounds = counted.rounds;
    await press(app, 'r', () => counted.rounds > rounds);
    await until(() => app.frames.length > frames);
    expect(app.lastFrame()).toContain('Checks: 0/2 graded passing');
  });

  it('polls often when the workspace cannot be watched', async () => {
    const { ui, counted } = services(manualWatch(false).watch);
    await openSetUp(ui, { pollMs: 20, slowPollMs: 60_000, tickMs: 0 });
    const rounds = counted.rounds;
    await until(() => counted.rounds >= rounds + 3);
  });

  it('shows the timer to the minute, drawn again only when the minute changes', async () => {
    let now = START + 10_000;
    const { ui } = services(manualWatch().watch, () => now);
    const app = await openSetUp(ui, { pollMs: 0, tickMs: 10 });
    expect(app.lastFrame()).toContain('⏱ <1m score');
    const frames = app.frames.length;
    now = START + 40_000;
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(app.frames.length).toBe(frames);
    now = START + 61_000;
    await waitFor(app.lastFrame, (f) => f.includes('⏱ 1m score'));
    expect(app.frames.length).toBe(frames + 1);
  });
});

describe('a quiet cluster watch (issue 14.6)', () => {
  it('draws a round of the watch only when it changes something', async () => {
    // The fixture scenario as a cluster scenario, set up; the test plays the cluster watch.
    const file = path.join(fixture.scenarios, 'tls-on', 'scenario.yaml');
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('lab: none', 'lab: cluster'));
    trainer.reload();
    let onRound: ((round: ClusterRound) => void) | undefined;
    let scenario: Scenario | undefined;
    let n = 0;
    const emit = (statuses: readonly CheckResult['status'][]) => {
      if (!scenario || !onRound) throw new Error('the watch was not started');
      const results: CheckResult[] = scenario.checks.map((c, i) => ({
        checkId: c.id,
        title: c.title,
        status: statuses[i] ?? 'pass',
        expected: 'as the task says',
        actual: statuses[i] ?? 'pass',
        graded: c.graded,
        weight: c.weight,
      }));
      onRound({
        watch: { round: ++n, results, rollbackOffered: false },
        outcome: trainer.outcome(scenario, results),
      });
    };
    const handle: ClusterWatchHandle = { checkNow: vi.fn(), restoreLastGood: vi.fn(), stop: vi.fn() };
    const ui = uiServicesFrom(trainer, [], {
      now: () => START + 60_000,
      watch: manualWatch().watch,
      watchCluster: (s, cb) => {
        scenario = s;
        onRound = cb;
        return handle;
      },
    });
    const attempt = trainer.attempt('tls-on') ?? null;
    const app = renderApp(
      ui,
      initialState({ scenario: { id: 'tls-on', setUp: true, attempt }, notices: [] }),
      { pollMs: 0, tickMs: 0 },
    );
    await until(() => onRound !== undefined);
    emit(['fail', 'fail', 'pass']);
    await waitFor(app.lastFrame, (f) => f.includes('Checks: 0/2 graded passing') && !f.includes('checking…'));
    const frames = app.frames.length;
    // The watch's own rounds, every few seconds, the same each time: nothing is drawn.
    for (let i = 0; i < 5; i++) emit(['fail', 'fail', 'pass']);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(app.frames.length).toBe(frames);
    // A round that changes a result is drawn.
    emit(['pass', 'fail', 'pass']);
    await waitFor(app.lastFrame, (f) => f.includes('Checks: 1/2 graded passing'));
  });
});

describe('formatTimer', () => {
  it('counts whole minutes', () => {
    expect(formatTimer(0)).toBe('<1m');
    expect(formatTimer(59_999)).toBe('<1m');
    expect(formatTimer(60_000)).toBe('1m');
    expect(formatTimer(59 * 60_000 + 59_000)).toBe('59m');
    expect(formatTimer(62 * 60_000)).toBe('1h 02m');
  });
});
