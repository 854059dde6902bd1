import { describe, expect, it, vi } from 'vitest';
import type { CheckResult } from '../../src/domain/checks.js';
import { boundWaiting, ClusterWatch, type ClusterWatchState } from '../../src/engine/cluster-watch.js';

const r = (status: CheckResult['status'], actual = 'x'): CheckResult => ({
  checkId: 'a',
  title: 't',
  status,
  expected: 'e',
  actual,
  graded: true,
  weight: 1,
});

describe('cluster watch', () => {
  it('keeps a waiting window as waiting, then fails it after the limit', () => {
    const since = new Map<string, number>();
    expect(boundWaiting([r('waiting', 'kubelet down')], since, 0, 60_000)[0]?.status).toBe('waiting');
    expect(boundWaiting([r('waiting', 'kubelet down')], since, 59_000, 60_000)[0]?.status).toBe('waiting');
    const late = boundWaiting([r('waiting', 'kubelet down')], since, 61_000, 60_000)[0];
    expect(late?.status).toBe('fail');
    expect(late?.actual).toBe('still waiting after 61 s — kubelet down');
    // Back to normal: the clock resets.
    boundWaiting([r('pass')], since, 62_000, 60_000);
    expect(boundWaiting([r('waiting')], since, 63_000, 60_000)[0]?.status).toBe('waiting');
  });

  it('offers the rollback when the apiserver stays away, and re-checks after it', async () => {
    let clock = 0;
    let apiserverUp = false;
    const states: ClusterWatchState[] = [];
    let restored = 0;
    let saved = 0;
    const watch = new ClusterWatch({
      runRound: async () => [
        apiserverUp ? r('pass') : r('waiting', 'apiserver restarting — waiting (ECONNREFUSED)'),
      ],
      onState: (s) => states.push(s),
      saveLastGood: async () => saved++,
      restoreLastGood: async () => {
        restored++;
        apiserverUp = true;
      },
      rollbackAfterMs: 60_000,
      waitingLimitMs: 600_000,
      intervalMs: 1_000_000,
      now: () => clock,
    });
    watch.start();
    await watch.checkNow();
    expect(states.at(-1)?.waiting?.apiserver).toBe(true);
    expect(states.at(-1)?.rollbackOffered).toBe(false);
    clock = 61_000;
    await watch.checkNow();
    expect(states.at(-1)?.rollbackOffered).toBe(true);
    expect(states.at(-1)?.notice).toMatch(/has not come back for 61 s/);
    expect(saved).toBe(0);
    await watch.restoreLastGood();
    expect(restored).toBe(1);
    expect(states.at(-1)?.results[0]?.status).toBe('pass');
    expect(states.at(-1)?.rollbackOffered).toBe(false);
    expect(saved).toBe(1);
    watch.stop();
  });
});

describe('ClusterWatch poll', () => {
  it('waits longer after each round that changes nothing (3, 6, 12, 15 s), and polls fast again on a change or checkNow', async () => {
    vi.useFakeTimers();
    try {
      let status: CheckResult['status'] = 'fail';
      const at: number[] = [];
      const watch = new ClusterWatch({
        runRound: async () => {
          at.push(Date.now());
          return [r(status)];
        },
        onState: () => {},
        intervalMs: 3_000,
        idleIntervalMs: 15_000,
      });
      const t0 = Date.now();
      watch.start();
      await vi.advanceTimersByTimeAsync(52_000);
      // Round 1 has nothing to compare with: 3 s; then 6, 12, 15, 15 (calm rounds).
      expect(at.map((t) => (t - t0) / 1000)).toEqual([0, 3, 9, 21, 36, 51]);
      // A change: the next poll is 3 s later again.
      status = 'pass';
      await vi.advanceTimersByTimeAsync(15_000);
      const changed = at.at(-1) ?? 0;
      await vi.advanceTimersByTimeAsync(3_000);
      expect(((at.at(-1) ?? 0) - changed) / 1000).toBe(3);
      // Calm again for a while, then checkNow (the key): that round, and 3 s after it.
      await vi.advanceTimersByTimeAsync(60_000);
      await watch.checkNow();
      const asked = at.at(-1) ?? 0;
      await vi.advanceTimersByTimeAsync(3_000);
      expect(((at.at(-1) ?? 0) - asked) / 1000).toBe(3);
      watch.stop();
      const n = at.length;
      await vi.advanceTimersByTimeAsync(60_000);
      expect(at.length).toBe(n);
    } finally {
      vi.useRealTimers();
    }
  });

  it('left alone, it slows down to one round every 30 s by default (3, 6, 12, 24, 30 s)', async () => {
    vi.useFakeTimers();
    try {
      const at: number[] = [];
      const watch = new ClusterWatch({
        runRound: async () => {
          at.push(Date.now());
          return [r('fail')];
        },
        onState: () => {},
      });
      const t0 = Date.now();
      watch.start();
      await vi.advanceTimersByTimeAsync(106_000);
      expect(at.map((t) => (t - t0) / 1000)).toEqual([0, 3, 9, 21, 45, 75, 105]);
      watch.stop();
    } finally {
      vi.useRealTimers();
    }
  });
});
