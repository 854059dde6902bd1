import { describe, expect, it } from 'vitest';
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
