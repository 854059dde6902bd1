import { describe, expect, it } from 'vitest';
import type { StepEvent } from '../../src/adapters/lab/provider.js';
import type { CheckResult } from '../../src/domain/checks.js';
import type { Score } from '../../src/domain/scoring.js';
import { commandFor } from '../../src/ui/keys.js';
import {
  type Action,
  type AppState,
  initialState,
  modeOf,
  reducer,
  resumeState,
} from '../../src/ui/state.js';

const run = (state: AppState, ...actions: Action[]) => actions.reduce(reducer, state);
const home = () => initialState({ notices: ['progress file was damaged'] });
const opened = () => run(home(), { type: 'open', id: 'a', setUp: true, attempt: null });
const result = (checkId: string, status: CheckResult['status']): CheckResult => ({
  checkId,
  title: checkId,
  status,
  expected: 'x',
  actual: 'y',
  graded: true,
  weight: 1,
});
const score: Score = { percent: 50, passedWeight: 1, totalWeight: 2, hintFactor: 1, forfeited: false };
const checkDone = (id: string): Action => ({
  type: 'check/done',
  id,
  results: [result('one', 'pass'), result('two', 'fail')],
  score,
  allPass: false,
  attempt: null,
});

describe('home list', () => {
  it('moves the selection within the list', () => {
    // Given three scenarios
    const s = run(
      home(),
      { type: 'home/move', delta: 1, count: 3 },
      { type: 'home/move', delta: 5, count: 3 },
    );
    // Then the selection stops at the last one, and moving up stops at the first
    expect(s.home.selected).toBe(2);
    expect(run(s, { type: 'home/move', delta: -9, count: 3 }).home.selected).toBe(0);
  });

  it('filters as you type and clears with esc', () => {
    const s = run(
      home(),
      { type: 'home/move', delta: 1, count: 3 },
      { type: 'home/filter-start' },
      { type: 'home/filter-type', text: 'k' },
      { type: 'home/filter-type', text: 'u' },
    );
    expect(s.home).toMatchObject({ filter: 'ku', filtering: true, selected: 0 });
    expect(modeOf(s)).toBe('filter');
    expect(run(s, { type: 'home/filter-erase' }).home.filter).toBe('k');
    const cleared = run(s, { type: 'home/filter-clear' });
    expect(cleared.home).toMatchObject({ filter: '', filtering: false });
    expect(modeOf(cleared)).toBe('home');
  });

  it('drops notices once', () => {
    const s = run(home(), { type: 'notices/dismiss' });
    expect(s.notices).toEqual([]);
    expect(run(s, { type: 'notices/dismiss' })).toBe(s);
  });
});

describe('screens and overlays', () => {
  it('opens a scenario and goes back home keeping the list state', () => {
    const s = run(
      home(),
      { type: 'home/filter-type', text: 'tls' },
      { type: 'open', id: 'a', setUp: false, attempt: null },
    );
    expect(s.screen).toMatchObject({ name: 'scenario', session: { id: 'a', setUp: false, phase: 'idle' } });
    expect(modeOf(s)).toBe('scenario');
    const back = run(s, { type: 'back' });
    expect(back.screen.name).toBe('home');
    expect(back.home.filter).toBe('tls');
  });

  it('help toggles over any screen and esc closes it first', () => {
    const s = run(opened(), { type: 'help/toggle' });
    expect(modeOf(s)).toBe('help');
    const back = run(s, { type: 'back' });
    expect(back.overlay).toBeNull();
    expect(back.screen.name).toBe('scenario');
    expect(run(s, { type: 'help/toggle' }).overlay).toBeNull();
  });

  it('asks for confirmation only on the scenario screen', () => {
    expect(run(home(), { type: 'confirm/ask', action: 'reset' }).overlay).toBeNull();
    const s = run(opened(), { type: 'confirm/ask', action: 'solution' });
    expect(s.overlay).toEqual({ kind: 'confirm', action: 'solution' });
    expect(modeOf(s)).toBe('confirm');
    expect(run(s, { type: 'overlay/close' }).overlay).toBeNull();
  });

  it('the restart confirm takes the keyboard: y and n come from the key table', () => {
    const s = run(opened(), { type: 'confirm/ask', action: 'restart' });
    expect(s.overlay).toEqual({ kind: 'confirm', action: 'restart' });
    expect(modeOf(s)).toBe('confirm');
    expect(commandFor(modeOf(s), 'y', {})).toBe('yes');
    expect(commandFor(modeOf(s), 'n', {})).toBe('no');
    expect(commandFor(modeOf(s), '', { escape: true })).toBe('no');
    expect(commandFor(modeOf(s), 's', {})).toBeUndefined();
  });
});

describe('scenario session', () => {
  it('records a check round and clamps the selected check', () => {
    const s = run(
      opened(),
      { type: 'check/start', id: 'a' },
      { type: 'select/move', delta: 4 },
      checkDone('a'),
    );
    if (s.screen.name !== 'scenario') throw new Error('not on the scenario');
    expect(s.screen.session).toMatchObject({ phase: 'idle', selected: 0, rounds: 1, allPass: false });
    const moved = run(s, { type: 'select/move', delta: 4 });
    expect(moved.screen.name === 'scenario' && moved.screen.session.selected).toBe(1);
  });

  it('keeps the cluster watch view; a round that could not run is an error, results kept', () => {
    const watch = {
      waiting: { reason: 'apiserver restarting — waiting', sinceMs: 0, apiserver: true },
      rollbackOffered: true,
      notice: 'The apiserver has not come back for 61 s.',
    };
    const s = run(opened(), checkDone('a'), { type: 'check/start', id: 'a' });
    const seen = run(s, { type: 'watch/state', id: 'a', watch, error: null });
    if (seen.screen.name !== 'scenario') throw new Error('not on the scenario');
    expect(seen.screen.session).toMatchObject({ watch, phase: 'checking', message: null });
    const failed = run(seen, { type: 'watch/state', id: 'a', watch, error: 'no lab' });
    if (failed.screen.name !== 'scenario') throw new Error('not on the scenario');
    expect(failed.screen.session).toMatchObject({ phase: 'idle', rounds: 1 });
    expect(failed.screen.session.message).toEqual({
      kind: 'error',
      text: 'The checks could not run: no lab',
    });
    expect(run(seen, { type: 'watch/state', id: 'other', watch, error: null })).toBe(seen);
  });

  it('restores: lines while it runs, a message when done; a fresh setup forgets the watch', () => {
    const s = run(
      opened(),
      { type: 'restore/start', id: 'a' },
      { type: 'setup/line', id: 'a', line: 'restored' },
    );
    if (s.screen.name !== 'scenario') throw new Error('not on the scenario');
    expect(s.screen.session).toMatchObject({ phase: 'restoring', log: ['restored'] });
    const done = run(s, { type: 'restore/done', id: 'a', message: 'Restored.' });
    if (done.screen.name !== 'scenario') throw new Error('not on the scenario');
    expect(done.screen.session).toMatchObject({
      phase: 'idle',
      message: { kind: 'info', text: 'Restored.' },
    });
    const watch = { waiting: null, rollbackOffered: false, notice: null };
    const again = run(
      done,
      { type: 'watch/state', id: 'a', watch, error: null },
      { type: 'setup/start', id: 'a' },
    );
    expect(again.screen.name === 'scenario' && again.screen.session.watch).toBeNull();
  });

  it('ignores answers for a scenario that is no longer on screen', () => {
    const s = opened();
    expect(run(s, checkDone('other'))).toBe(s);
    const atHome = run(s, { type: 'back' });
    expect(run(atHome, checkDone('a'))).toBe(atHome);
  });

  it('goes through setup: lines, done, then a failure message', () => {
    const s = run(
      run(home(), { type: 'open', id: 'a', setUp: false, attempt: null }),
      { type: 'setup/start', id: 'a' },
      ...['1', '2', '3', '4', '5'].map((line): Action => ({ type: 'setup/line', id: 'a', line })),
    );
    if (s.screen.name !== 'scenario') throw new Error('not on the scenario');
    expect(s.screen.session.phase).toBe('setting-up');
    expect(s.screen.session.log).toEqual(['2', '3', '4', '5']);
    const done = run(s, { type: 'setup/done', id: 'a', attempt: null });
    expect(done.screen.name === 'scenario' && done.screen.session.setUp).toBe(true);
    const failed = run(s, { type: 'op/failed', id: 'a', message: 'setup failed' });
    expect(failed.screen.name === 'scenario' && failed.screen.session.message).toEqual({
      kind: 'error',
      text: 'setup failed',
    });
  });

  it('shows a hint, the solution pane and resets to a fresh session', () => {
    const hint = { checkTitle: 'two', level: 'teach' as const, cost: 0.1, text: 'do it' };
    const s = run(
      opened(),
      { type: 'hint/shown', id: 'a', hint, message: null, attempt: null },
      { type: 'solution/shown', id: 'a', text: 'echo fix' },
    );
    if (s.screen.name !== 'scenario') throw new Error('not on the scenario');
    expect(s.screen.session).toMatchObject({ hint, pane: 'solution', solution: 'echo fix' });
    const reset = run(s, { type: 'reset/start', id: 'a' }, { type: 'reset/done', id: 'a' });
    expect(reset.screen.name === 'scenario' && reset.screen.session).toMatchObject({
      setUp: false,
      hint: null,
      solution: null,
      phase: 'idle',
    });
  });

  it('shows the result and scrolls it', () => {
    const s = run(opened(), {
      type: 'result/show',
      id: 'a',
      result: { percent: 90, elapsedMs: 1000, hintsUsed: 1, forfeited: false, progress: null },
    });
    expect(modeOf(s)).toBe('result');
    const scrolled = run(s, { type: 'scroll', delta: 10, max: 4 });
    expect(scrolled.screen.name === 'result' && scrolled.screen.scroll).toBe(4);
  });

  it('comes back from a suspension idle', () => {
    const s = run(opened(), { type: 'suspend', id: 'a' }, { type: 'help/toggle' });
    const resumed = resumeState(s);
    expect(resumed.overlay).toBeNull();
    expect(resumed.screen.name === 'scenario' && resumed.screen.session.phase).toBe('idle');
  });

  it('rejects unknown actions at run time too', () => {
    expect(() => reducer(home(), { type: 'nope' } as unknown as Action)).toThrow(/unexpected/);
  });
});

describe('lab screen', () => {
  const start = (state: AppState, run = 1): AppState =>
    run === 0 ? state : reducer(state, { type: 'lab/start', run, at: 1_000 });
  const labOf = (state: AppState) => {
    if (state.screen.name !== 'lab') throw new Error(`not on the lab screen: ${state.screen.name}`);
    return state.screen.lab;
  };
  const step = (event: StepEvent, at = 2_000, run = 1): Action => ({ type: 'lab/step', run, event, at });

  it('offers a lab only on the scenario screen, and remembers it offered', () => {
    expect(run(home(), { type: 'lab/offer', id: 'a' }).overlay).toBeNull();
    expect(run(opened(), { type: 'lab/offer', id: 'other' }).overlay).toBeNull();
    const s = run(opened(), { type: 'lab/offer', id: 'a' });
    expect(s.overlay).toEqual({ kind: 'confirm', action: 'create-lab' });
    expect(s.labOffered).toEqual(['a']);
    expect(run(s, { type: 'overlay/close' }, { type: 'lab/offer', id: 'a' }).labOffered).toEqual(['a']);
  });

  it('records steps: start, progress line, done with the final ms, fail with command and log', () => {
    const s = run(
      start(opened()),
      step({ type: 'start', step: 'packages' }, 1_500),
      step({ type: 'progress', step: 'packages', line: 'unpacking' }),
      step({ type: 'done', step: 'packages', ms: 900 }),
      step({ type: 'start', step: 'init' }, 2_500),
      step({ type: 'fail', step: 'init', ms: 40, command: 'kubeadm init', logFile: '/l.log' }),
    );
    expect(modeOf(s)).toBe('lab');
    expect(labOf(s)).toMatchObject({
      phase: 'running',
      lastLine: null,
      steps: [
        { step: 'packages', status: 'done', startedAt: 1_500, ms: 900 },
        {
          step: 'init',
          status: 'failed',
          startedAt: 2_500,
          ms: 40,
          command: 'kubeadm init',
          logFile: '/l.log',
        },
      ],
    });
    const progressed = run(
      start(opened()),
      step({ type: 'start', step: 'x' }),
      step({ type: 'progress', step: 'x', line: 'l' }),
    );
    expect(labOf(progressed).lastLine).toBe('l');
  });

  it('drops events of another run and is not left by a stray back', () => {
    const s = start(opened());
    expect(run(s, step({ type: 'start', step: 'x' }, 2_000, 7))).toBe(s);
    expect(run(s, { type: 'back' })).toBe(s);
    expect(run(s, { type: 'lab/close' })).toBe(s);
    expect(run(s, { type: 'lab/start', run: 2, at: 5 })).toBe(s);
  });

  it('goes back where the learner was on success, idle and with the message', () => {
    const checking = run(opened(), { type: 'check/start', id: 'a' });
    const s = run(start(checking), {
      type: 'lab/finished',
      run: 1,
      result: { ok: true, changed: true, message: 'lab up' },
      at: 9_000,
    });
    expect(s.screen.name === 'scenario' && s.screen.session).toMatchObject({
      id: 'a',
      phase: 'idle',
      message: { kind: 'info', text: 'Lab ready: lab up' },
    });
    const fromHome = run(start(home()), {
      type: 'lab/finished',
      run: 1,
      result: { ok: true, changed: false, message: 'already up' },
      at: 9_000,
    });
    expect(fromHome.screen.name).toBe('home');
    expect(fromHome.home.message).toBe('Lab ready: already up');
  });

  it('stays on a failure, stopping the running step, and closes back with an error', () => {
    const s = run(start(opened()), step({ type: 'start', step: 'init' }, 2_000), {
      type: 'lab/finished',
      run: 1,
      result: { ok: false, step: 'init', message: 'no apiserver', logFile: '/l.log' },
      at: 5_000,
    });
    expect(labOf(s)).toMatchObject({
      phase: 'failed',
      steps: [{ step: 'init', status: 'failed', ms: 3_000 }],
      failure: { step: 'init', message: 'no apiserver', logFile: '/l.log' },
    });
    const back = run(s, { type: 'lab/close' });
    expect(back.screen.name === 'scenario' && back.screen.session.message).toEqual({
      kind: 'error',
      text: 'No lab: creating it failed at "init".',
    });
  });

  it('asks before cancelling, then ends as cancelled', () => {
    const asked = run(start(opened()), { type: 'lab/cancel-ask' });
    expect(modeOf(asked)).toBe('confirm');
    expect(modeOf(run(asked, { type: 'lab/cancel-keep' }))).toBe('lab');
    const cancelling = run(asked, { type: 'lab/cancelling', run: 1 });
    expect(labOf(cancelling)).toMatchObject({ phase: 'cancelling', confirmCancel: false });
    // no cancel question while it stops
    expect(labOf(run(cancelling, { type: 'lab/cancel-ask' })).confirmCancel).toBe(false);
    const cancelled = run(cancelling, {
      type: 'lab/finished',
      run: 1,
      result: { ok: false, step: 'x', message: 'aborted' },
      at: 3_000,
    });
    expect(labOf(cancelled).phase).toBe('cancelled');
    const back = run(cancelled, { type: 'lab/close' });
    expect(back.screen.name === 'scenario' && back.screen.session.message?.text).toBe(
      'Lab creation cancelled.',
    );
  });

  it('keeps the lab screen under the help overlay', () => {
    const s = run(start(home()), { type: 'help/toggle' });
    expect(modeOf(s)).toBe('help');
    expect(run(s, { type: 'back' }).screen.name).toBe('lab');
  });
});
