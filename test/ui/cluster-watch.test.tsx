import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { AttemptStore } from '../../src/adapters/attempt-store.js';
import { clusterWatcher, uiServicesFrom } from '../../src/cli/compose.js';
import type { CheckResult } from '../../src/domain/checks.js';
import type { Scenario } from '../../src/domain/scenario.js';
import type { ClusterWatchState } from '../../src/engine/cluster-watch.js';
import type { CheckOutcome, Trainer } from '../../src/engine/trainer.js';
import { initialState } from '../../src/ui/state.js';
import type { ClusterRound, ClusterWatchHandle, UiServices } from '../../src/ui/ui-services.js';
import { press, renderApp, settle, waitFor } from './helpers/render.js';
import { type Fixture, fixtureTrainer, makeFixture, removeFixture } from './helpers/scenario-fixture.js';

let fixture: Fixture;
let trainer: Trainer;
let attempts: AttemptStore;
const START = Date.parse('2030-01-01T00:00:00Z');
/** The clock the UI reads (frozen: TEST_TIMING does not tick). */
const clock = START + 60_000;

const APISERVER_WAIT = [
  'apiserver restarting — waiting (connect ECONNREFUSED 10.0.0.2:6443)',
  '  last lines of its log:',
  '  E0101 flag provided but not defined: -authorization-mod',
  '  Error: unknown flag: --authorization-mod',
].join('\n');

const OFFER_NOTICE = 'The apiserver has not come back for 61 s. Restore the last manifest that worked?';

/** A cluster watch the test drives: it reports the rounds the test emits, scored by the trainer. */
function fakeClusterWatch() {
  let onRound: ((round: ClusterRound) => void) | undefined;
  let scenario: Scenario | undefined;
  let round = 0;
  let finishRestore: (() => void) | undefined;
  const emit = (
    statuses: readonly CheckResult['status'][],
    extra: Partial<Pick<ClusterWatchState, 'waiting' | 'rollbackOffered' | 'notice'>> = {},
  ) => {
    if (!scenario || !onRound) throw new Error('the watch was not started');
    const results: CheckResult[] = scenario.checks.map((c, i) => {
      const status = statuses[i] ?? 'pass';
      return {
        checkId: c.id,
        title: c.title,
        status,
        expected: 'as the task says',
        actual: status === 'waiting' ? APISERVER_WAIT : status,
        graded: c.graded,
        weight: c.weight,
      };
    });
    const outcome: CheckOutcome = trainer.outcome(scenario, results);
    onRound({
      watch: { round: ++round, results, rollbackOffered: false, ...extra },
      outcome,
    });
  };
  const handle: ClusterWatchHandle = {
    checkNow: vi.fn(),
    // Progress, then (once the test lets it finish) the fresh round: every check passes.
    restoreLastGood: vi.fn(async (onLine: (line: string) => void) => {
      onLine('restored the last working kube-apiserver.yaml; waiting for the apiserver');
      await new Promise<void>((resolve) => {
        finishRestore = resolve;
      });
      emit(['pass', 'pass', 'pass'], { notice: 'Restored the last apiserver manifest that worked.' });
    }),
    stop: vi.fn(),
  };
  const watchCluster = vi.fn((s: Scenario, cb: (r: ClusterRound) => void) => {
    scenario = s;
    onRound = cb;
    return handle;
  });
  return { watchCluster, handle, emit, finishRestore: () => finishRestore?.() };
}

function services(extras: Parameters<typeof uiServicesFrom>[2]): UiServices {
  return uiServicesFrom(trainer, [], { now: () => clock, watch: () => () => {}, ...extras });
}

/** The fixture scenario as a cluster scenario, set up with an attempt running. */
function clusterScenarioSetUp() {
  const dir = path.join(fixture.scenarios, 'tls-on');
  const file = path.join(dir, 'scenario.yaml');
  fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('lab: none', 'lab: cluster'));
  const attempt = attempts.start('tls-on', new Date(START));
  return initialState({
    scenario: {
      id: 'tls-on',
      setUp: true,
      attempt: { ...attempt, finishedAt: null, forfeited: false },
    },
  });
}

beforeEach(() => {
  fixture = makeFixture();
  vi.stubEnv('K8S_HARDEN_LAB_HOME', fixture.home);
  ({ trainer, attempts } = fixtureTrainer(fixture, () => new Date(clock)));
});

afterEach(() => removeFixture(fixture));

const helpBar = (frame: string) => frame.trimEnd().split('\n').at(-1) ?? '';

describe('watch mode on a cluster (TUI)', () => {
  it('shows the apiserver restart as waiting, offers the rollback on b, and completes after it', async () => {
    // Given a cluster scenario that is set up, with a cluster watch
    const fake = fakeClusterWatch();
    const app = renderApp(services({ watchCluster: fake.watchCluster }), clusterScenarioSetUp());
    // ink-testing-library draws 100 columns wide: make it an 80-column terminal
    Object.defineProperty(app.stdout, 'columns', { value: 80, configurable: true });
    app.stdout.emit('resize');
    await vi.waitFor(() => expect(fake.watchCluster).toHaveBeenCalledOnce());

    // When the apiserver restarts after a manifest edit (12 s ago)
    const waiting = { reason: APISERVER_WAIT, sinceMs: clock - 12_000, apiserver: true };
    fake.emit(['waiting', 'waiting', 'pass'], { waiting });

    // Then a banner says so, with the last lines of its log, and no check shows as failed
    const frame = await waitFor(app.lastFrame, (f) => f.includes('· 2 waiting'));
    expect(frame).toContain('apiserver restarting — waiting 12 s (connect ECONNREFUSED');
    expect(frame).toContain('Error: unknown flag: --authorization-mod');
    expect(frame).toContain('Checks: 0/2 graded passing · 2 waiting');
    expect(frame).toContain('… server.tls is true in app.yaml (waiting)');
    expect(frame).not.toContain('✘');
    for (const line of frame.split('\n')) expect(line.length, line).toBeLessThanOrEqual(80);
    // and the rollback is not offered yet: not in the help bar, and b does nothing but say so
    expect(helpBar(frame)).not.toContain('b restore');
    await press(app, 'b', 'Nothing to restore');
    expect(fake.handle.restoreLastGood).not.toHaveBeenCalled();

    // r asks the watch for a round now
    await press(app, 'r', 'checking…');
    expect(fake.handle.checkNow).toHaveBeenCalledOnce();

    // When the apiserver stays away past the limit
    fake.emit(['waiting', 'waiting', 'pass'], {
      waiting: { ...waiting, sinceMs: clock - 61_000 },
      rollbackOffered: true,
      notice: OFFER_NOTICE,
    });

    // Then the notice and the key are offered
    const offered = await waitFor(app.lastFrame, (f) => f.includes('Press b to restore it.'));
    expect(offered).toContain('apiserver restarting — waiting 61 s');
    expect(offered).toContain('has not come back for 61 s');
    expect(helpBar(offered)).toContain('b restore');
    expect(offered).not.toContain('✘');
    for (const line of offered.split('\n')) expect(line.length, line).toBeLessThanOrEqual(80);

    // When b is pressed: progress lines while it restores
    const restoring = await press(app, 'b', 'waiting for the apiserver');
    expect(fake.handle.restoreLastGood).toHaveBeenCalledOnce();
    expect(restoring).toContain('Restoring the last apiserver manifest that worked…');
    expect(helpBar(restoring)).not.toContain('b restore');

    // Then the fresh round after it, every check passing, completes the scenario
    fake.finishRestore();
    const done = await waitFor(app.lastFrame, (f) => f.includes('Completed: Turn TLS on'));
    expect(done).toContain('Score 100%');
    expect(attempts.get('tls-on')?.finishedAt).toBeTruthy();
    // The screen left: the watch is stopped
    await vi.waitFor(() => expect(fake.handle.stop).toHaveBeenCalled());
  });

  it('shows a kubelet that is down as waiting, and a round that could not run as an error', async () => {
    const fake = fakeClusterWatch();
    const app = renderApp(services({ watchCluster: fake.watchCluster }), clusterScenarioSetUp());
    await vi.waitFor(() => expect(fake.watchCluster).toHaveBeenCalledOnce());
    const reason =
      'kubelet on worker is not running — waiting for it to start (systemctl status kubelet; journalctl -u kubelet)';
    fake.emit(['pass', 'waiting', 'pass'], { waiting: { reason, sinceMs: clock - 5_000, apiserver: false } });
    const frame = await waitFor(app.lastFrame, (f) => f.includes('1 waiting'));
    expect(frame).toContain('kubelet on worker is not running — waiting 5 s for it to start');
    expect(frame).toContain('Checks: 1/2 graded passing · 1 waiting');
    expect(frame).not.toContain('✘');
    expect(helpBar(frame)).not.toContain('b restore');
  });

  it('keeps cluster-free scenarios on the poll: the watch is never started', async () => {
    const fake = fakeClusterWatch();
    const check = vi.spyOn(trainer, 'check');
    const attempt = attempts.start('tls-on', new Date(START));
    const app = renderApp(
      services({ watchCluster: fake.watchCluster }),
      initialState({ scenario: { id: 'tls-on', setUp: true, attempt: { ...attempt, finishedAt: null } } }),
    );
    await waitFor(app.lastFrame, (f) => f.includes('graded passing'));
    await settle();
    expect(check).toHaveBeenCalled();
    expect(fake.watchCluster).not.toHaveBeenCalled();
  });
});

describe('clusterWatcher (the services adapter)', () => {
  it('scores the bounded results and offers the rollback through the lab hooks', async () => {
    const scenario = trainer.get('tls-on');
    const waitingResult: CheckResult = {
      checkId: 'tls-enabled',
      title: 't',
      status: 'waiting',
      expected: 'e',
      actual: APISERVER_WAIT,
      graded: true,
      weight: 1,
    };
    let up = false;
    const check = vi.fn(async () =>
      trainer.outcome(scenario, [up ? { ...waitingResult, status: 'pass', actual: 'ok' } : waitingResult]),
    );
    const restore = vi.fn(async (onLine: (line: string) => void) => {
      onLine('restored');
      up = true;
    });
    let now = 0;
    const rounds: ClusterRound[] = [];
    const watch = clusterWatcher(
      { check },
      { saveLastGood: async () => true, restoreLastGood: restore },
      { intervalMs: 1_000_000, rollbackAfterMs: 60_000, waitingLimitMs: 120_000, now: () => now },
    )(scenario, (r) => rounds.push(r));
    await vi.waitFor(() => expect(rounds).toHaveLength(1));
    expect(rounds[0]?.watch.waiting?.apiserver).toBe(true);
    expect(rounds[0]?.outcome?.results[0]?.status).toBe('waiting');
    expect(rounds[0]?.outcome?.allPass).toBe(false);

    now = 61_000;
    watch.checkNow();
    await vi.waitFor(() => expect(rounds).toHaveLength(2));
    expect(rounds[1]?.watch.rollbackOffered).toBe(true);

    // Past the waiting limit the outcome carries the bounded result: a fail, not a waiting
    now = 130_000;
    watch.checkNow();
    await vi.waitFor(() => expect(rounds).toHaveLength(3));
    expect(rounds[2]?.outcome?.results[0]?.status).toBe('fail');
    expect(rounds[2]?.outcome?.results[0]?.actual).toMatch(/^still waiting after 130 s/);

    const lines: string[] = [];
    await watch.restoreLastGood((l) => lines.push(l));
    expect(lines).toEqual(['restored']);
    expect(rounds.at(-1)?.outcome?.results[0]?.status).toBe('pass');
    expect(rounds.at(-1)?.watch.rollbackOffered).toBe(false);
    watch.stop();
  });

  it('never offers the rollback for a scenario that says apiserverHelp: false', async () => {
    const scenario = { ...trainer.get('tls-on'), apiserverHelp: false };
    const waiting: CheckResult = {
      checkId: 'tls-enabled',
      title: 't',
      status: 'waiting',
      expected: 'e',
      actual: APISERVER_WAIT,
      graded: true,
      weight: 1,
    };
    const saves = vi.fn(async () => true);
    let now = 0;
    const rounds: ClusterRound[] = [];
    const watch = clusterWatcher(
      { check: async () => trainer.outcome(scenario, [waiting]) },
      { saveLastGood: saves, restoreLastGood: async () => {} },
      { intervalMs: 1_000_000, rollbackAfterMs: 60_000, waitingLimitMs: 120_000, now: () => now },
    )(scenario, (r) => rounds.push(r));
    await vi.waitFor(() => expect(rounds).toHaveLength(1));
    now = 61_000;
    watch.checkNow();
    await vi.waitFor(() => expect(rounds).toHaveLength(2));
    expect(rounds[1]?.watch.waiting?.apiserver).toBe(true);
    expect(rounds[1]?.watch.rollbackOffered).toBe(false);
    expect(saves).not.toHaveBeenCalled();
    watch.stop();
  });

  it('is built from lab hooks only: without them cluster scenarios stay on the poll', () => {
    const hooks = { saveLastGood: async () => true, restoreLastGood: async () => {} };
    expect(uiServicesFrom(trainer, [], { clusterLab: hooks }).watchCluster).toBeTypeOf('function');
    expect(uiServicesFrom(trainer).watchCluster).toBeUndefined();
  });

  it('reports a round that could not run without an outcome', async () => {
    const scenario = trainer.get('tls-on');
    const rounds: ClusterRound[] = [];
    const watch = clusterWatcher(
      {
        check: async () => {
          throw new Error('no lab');
        },
      },
      undefined,
      { intervalMs: 1_000_000 },
    )(scenario, (r) => rounds.push(r));
    await vi.waitFor(() => expect(rounds).toHaveLength(1));
    expect(rounds[0]?.watch.error).toBe('no lab');
    expect(rounds[0]?.outcome).toBeUndefined();
    watch.stop();
  });
});
