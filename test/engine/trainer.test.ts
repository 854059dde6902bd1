import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { AttemptStore } from '../../src/adapters/attempt-store.js';
import type { ProgressStore } from '../../src/adapters/progress-store.js';
import { EXIT, UserError } from '../../src/engine/errors.js';
import { carriedFrom, type Trainer } from '../../src/engine/trainer.js';
import { type Fixture, fixtureTrainer, makeFixture } from '../ui/helpers/scenario-fixture.js';

let fixture: Fixture;
let trainer: Trainer;
let progress: ProgressStore;
let attempts: AttemptStore;
beforeEach(() => {
  fixture = makeFixture();
  ({ trainer, progress, attempts } = fixtureTrainer(fixture));
});
afterEach(() => {
  vi.restoreAllMocks();
  fs.rmSync(fixture.root, { recursive: true, force: true });
});

const scenario = () => trainer.get('tls-on');
const ws = (f: string) => path.join(trainer.workspace(scenario()), f);
const solveByHand = () => {
  fs.writeFileSync(ws('app.yaml'), 'server:\n  tls: true\n');
  fs.writeFileSync(ws('notes.txt'), 'done\n');
};
async function hint(times: number) {
  for (let i = 0; i < times; i++) trainer.revealHint(scenario(), (await trainer.check(scenario())).results);
}

describe('Trainer.setup on a scenario already set up', () => {
  it('refuses without force, naming --force and reset, and keeps the work', async () => {
    await trainer.setup(scenario());
    fs.writeFileSync(ws('notes.txt'), 'my work\n');
    const refused = await trainer.setup(scenario()).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(UserError);
    expect((refused as UserError).exitCode).toBe(EXIT.usage);
    expect((refused as UserError).message).toMatch(/already set up/);
    expect((refused as UserError).nextStep).toContain('k8s-harden-lab start tls-on --force');
    expect((refused as UserError).nextStep).toContain('k8s-harden-lab reset tls-on');
    expect(fs.readFileSync(ws('notes.txt'), 'utf8')).toBe('my work\n');
  });

  it('starts over with force: the workspace is fresh', async () => {
    await trainer.setup(scenario());
    fs.writeFileSync(ws('notes.txt'), 'my work\n');
    await trainer.setup(scenario(), { force: true });
    expect(fs.existsSync(ws('notes.txt'))).toBe(false);
    expect(fs.existsSync(ws('app.yaml'))).toBe(true);
  });
});

describe('hints and forfeits since the last completed attempt count for the score', () => {
  it('a forced re-start keeps the hints taken: the next completion is scored and recorded with them', async () => {
    await trainer.setup(scenario());
    await hint(2);
    await trainer.setup(scenario(), { force: true });
    expect(trainer.attempt('tls-on')?.hints).toHaveLength(2);
    solveByHand();
    const outcome = await trainer.check(scenario());
    expect(outcome.score.hintFactor).toBeLessThan(1);
    expect(outcome.completed).toMatchObject({ attempts: 1, hintsUsed: 2 });
    expect(outcome.completed?.bestScore).toBe(outcome.score.percent);
    expect(outcome.score.percent).toBeLessThan(100);
  });

  it('a reset keeps hints and a viewed solution for the next attempt, which then scores 0', async () => {
    await trainer.setup(scenario());
    await hint(1);
    trainer.revealSolution(scenario());
    await trainer.reset(scenario());
    // No running attempt after reset (no timer, nothing recorded by a round)…
    expect(trainer.attempt('tls-on')).toBeUndefined();
    expect((await trainer.check(scenario())).completed).toBeUndefined();
    // …but the next setup takes the hint and the forfeit over.
    await trainer.setup(scenario());
    expect(trainer.attempt('tls-on')).toMatchObject({ forfeited: true, finishedAt: null });
    expect(trainer.attempt('tls-on')?.hints).toHaveLength(1);
    solveByHand();
    const outcome = await trainer.check(scenario());
    expect(outcome.score.percent).toBe(0);
    expect(outcome.completed).toMatchObject({ forfeits: 1, hintsUsed: 1, bestScore: null });
    // That completion settled it: the attempt after it starts clean.
    await trainer.setup(scenario(), { force: true });
    expect(trainer.attempt('tls-on')).toMatchObject({ forfeited: false, hints: [] });
  });

  it('hints taken before setup are charged to the first attempt', async () => {
    await hint(2);
    expect(trainer.attempt('tls-on')).toBeUndefined();
    await trainer.setup(scenario());
    expect(trainer.attempt('tls-on')?.hints.map((h) => h.level)).toEqual(['nudge', 'teach']);
  });

  it('a reset with nothing to carry clears the attempt; a completed attempt carries nothing', async () => {
    await trainer.setup(scenario());
    await trainer.reset(scenario());
    expect(attempts.get('tls-on')).toBeUndefined();
    const done = { startedAt: 'x', hints: [{ checkId: 'a', level: 'nudge' as const }], forfeited: true };
    expect(carriedFrom({ ...done, finishedAt: '2026-01-01T00:00:00Z' })).toBeUndefined();
    expect(carriedFrom({ ...done, finishedAt: null })).toEqual({ hints: done.hints, forfeited: true });
    expect(carriedFrom(undefined)).toBeUndefined();
  });
});

describe('a failed progress write', () => {
  it('keeps the results, reports the error and leaves the attempt open for the next round', async () => {
    await trainer.setup(scenario());
    solveByHand();
    const denied = Object.assign(new Error('EACCES: permission denied, open progress.json'), {
      code: 'EACCES',
    });
    vi.spyOn(progress, 'record').mockImplementationOnce(() => {
      throw denied;
    });
    const failed = await trainer.check(scenario());
    expect(failed.allPass).toBe(true);
    expect(failed.results.length).toBeGreaterThan(0);
    expect(failed.saveError).toBe(denied);
    expect(failed.completed).toBeUndefined();
    expect(trainer.attempt('tls-on')?.finishedAt).toBeNull();
    // Once the file can be written, the next round records the completion.
    const retried = await trainer.check(scenario());
    expect(retried.saveError).toBeUndefined();
    expect(retried.completed).toMatchObject({ completed: true, attempts: 1 });
  });
});
