import { log } from '../adapters/log.js';
import type { CheckResult } from '../domain/checks.js';
import { errorMessage } from './errors.js';

/**
 * Watch mode on a cluster (beside watch.ts, which watches workspace files): a check round every few
 * seconds and on demand. Probes report known transient windows as `waiting` (apiserver restarting
 * after a manifest edit, kubelet down); this loop shows them as such, and bounds them: a check
 * that has been waiting longer than `waitingLimitMs` becomes `fail` ("still waiting after …"),
 * because a component stopped for good must fail eventually. When the apiserver has been away
 * longer than `rollbackAfterMs`, the state offers restoring the last manifest that worked.
 */

export type WaitingWindow = {
  /** The first waiting check's message (apiserver restarting / kubelet not running …). */
  readonly reason: string;
  readonly sinceMs: number;
  readonly apiserver: boolean;
};

export type ClusterWatchState = {
  readonly round: number;
  readonly results: readonly CheckResult[];
  readonly waiting?: WaitingWindow;
  /** True when restoreLastGood() is offered (one key in the TUI). */
  readonly rollbackOffered: boolean;
  /** Words for the offer / the last rollback, when there is one. */
  readonly notice?: string;
  readonly error?: string;
};

export type ClusterWatchOptions = {
  readonly runRound: (signal: AbortSignal) => Promise<readonly CheckResult[]>;
  readonly onState: (state: ClusterWatchState) => void;
  /** Keeps the apiserver manifest when the apiserver is healthy (ClusterLifecycle.saveLastGoodManifest). */
  readonly saveLastGood?: () => Promise<unknown>;
  /** Puts it back (ClusterLifecycle.restoreLastGoodManifest). */
  readonly restoreLastGood?: (onLine: (line: string) => void) => Promise<void>;
  /** The poll after a round that changed something (default 3 s). */
  readonly intervalMs?: number;
  /**
   * The slowest poll (default 30 s, as the workspace's slow poll): each round that changes nothing
   * doubles the wait up to this (3, 6, 12, 24, 30 s), so a lab left alone costs two rounds a
   * minute; a change, a waiting check or checkNow (the TUI's key, a workspace file change, the end
   * of a node shell) go back to `intervalMs`.
   */
  readonly idleIntervalMs?: number;
  readonly waitingLimitMs?: number;
  readonly rollbackAfterMs?: number;
  readonly saveEveryMs?: number;
  readonly now?: () => number;
};

export function isApiserverWaiting(r: CheckResult): boolean {
  return r.status === 'waiting' && r.actual.startsWith('apiserver');
}

/**
 * Converts checks that have been waiting for longer than `limitMs` into fails. `since` remembers
 * when each check started waiting (mutated: entries are added and cleared).
 */
export function boundWaiting(
  results: readonly CheckResult[],
  since: Map<string, number>,
  nowMs: number,
  limitMs: number,
): CheckResult[] {
  return results.map((r) => {
    if (r.status !== 'waiting') {
      since.delete(r.checkId);
      return r;
    }
    const start = since.get(r.checkId) ?? nowMs;
    since.set(r.checkId, start);
    const waited = nowMs - start;
    if (waited < limitMs) return r;
    return {
      ...r,
      status: 'fail',
      actual: `still waiting after ${Math.round(waited / 1000)} s — ${r.actual.split('\n')[0]}`,
    };
  });
}

/** The same verdicts and words, check for check. */
function sameResults(a: readonly CheckResult[] | undefined, b: readonly CheckResult[]): boolean {
  if (!a || a.length !== b.length) return false;
  return a.every((r, i) => {
    const o = b[i];
    return o !== undefined && r.checkId === o.checkId && r.status === o.status && r.actual === o.actual;
  });
}

export class ClusterWatch {
  private readonly intervalMs: number;
  private readonly idleIntervalMs: number;
  /** The wait before the next poll round: intervalMs, doubled by each round that changed nothing. */
  private nextMs: number;
  /** checkNow was called: the wait after its round is the short one, whatever the round found. */
  private asked = false;
  private readonly waitingLimitMs: number;
  private readonly rollbackAfterMs: number;
  private readonly saveEveryMs: number;
  private readonly now: () => number;
  private readonly since = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private stopped = true;
  private controller = new AbortController();
  private round = 0;
  private apiserverAwaySince: number | undefined;
  private lastSave = 0;
  private notice: string | undefined;
  private last: ClusterWatchState | undefined;

  constructor(private readonly options: ClusterWatchOptions) {
    this.intervalMs = options.intervalMs ?? 3_000;
    this.idleIntervalMs = Math.max(this.intervalMs, options.idleIntervalMs ?? 30_000);
    this.nextMs = this.intervalMs;
    this.waitingLimitMs = options.waitingLimitMs ?? 180_000;
    this.rollbackAfterMs = options.rollbackAfterMs ?? 60_000;
    this.saveEveryMs = options.saveEveryMs ?? 15_000;
    this.now = options.now ?? Date.now;
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.controller = new AbortController();
    void this.checkNow();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.controller.abort();
  }

  state(): ClusterWatchState | undefined {
    return this.last;
  }

  /** A round now (the TUI's key, or a file change); rounds never overlap. Polls fast again. */
  checkNow(): Promise<void> {
    this.asked = true;
    return this.queueRound();
  }

  /** A round now, or right after the running one; the timer's rounds keep the back-off. */
  private queueRound(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    clearTimeout(this.timer);
    this.running = this.runOnce().finally(() => {
      this.running = undefined;
      if (this.again && !this.stopped) {
        this.again = false;
        void this.queueRound();
      } else if (!this.stopped) this.timer = setTimeout(() => void this.queueRound(), this.nextMs);
    });
    return this.running;
  }

  private async runOnce(): Promise<void> {
    const now = this.now();
    let state: ClusterWatchState;
    try {
      const raw = await this.options.runRound(this.controller.signal);
      const results = boundWaiting(raw, this.since, this.now(), this.waitingLimitMs);
      const firstWaiting = raw.find((r) => r.status === 'waiting');
      const apiserverAway = raw.some(isApiserverWaiting);
      if (apiserverAway) this.apiserverAwaySince ??= now;
      else this.apiserverAwaySince = undefined;
      const away = this.apiserverAwaySince === undefined ? 0 : now - this.apiserverAwaySince;
      const rollbackOffered =
        Boolean(this.options.restoreLastGood) && apiserverAway && away >= this.rollbackAfterMs;
      if (rollbackOffered)
        this.notice = `The apiserver has not come back for ${Math.round(away / 1000)} s. Restore the last manifest that worked?`;
      else if (!apiserverAway && this.notice?.startsWith('The apiserver')) this.notice = undefined;
      if (!apiserverAway && this.options.saveLastGood && now - this.lastSave >= this.saveEveryMs) {
        this.lastSave = now;
        void this.options
          .saveLastGood()
          .catch((error) => log.warn('save last good manifest', { error: errorMessage(error) }));
      }
      state = {
        round: ++this.round,
        results,
        ...(firstWaiting
          ? {
              waiting: {
                reason: firstWaiting.actual,
                sinceMs: this.since.get(firstWaiting.checkId) ?? now,
                apiserver: isApiserverWaiting(firstWaiting),
              },
            }
          : {}),
        rollbackOffered,
        ...(this.notice ? { notice: this.notice } : {}),
      };
    } catch (error) {
      state = {
        round: ++this.round,
        results: this.last?.results ?? [],
        rollbackOffered: false,
        error: errorMessage(error),
      };
    }
    // A round like the last one (nothing waiting, no error) lets the next wait longer.
    const calm = !state.error && !state.waiting && sameResults(this.last?.results, state.results);
    this.nextMs = calm && !this.asked ? Math.min(this.nextMs * 2, this.idleIntervalMs) : this.intervalMs;
    this.asked = false;
    this.last = state;
    if (!this.stopped) this.options.onState(state);
  }

  /** Restores the last working apiserver manifest (the offered key), then re-checks. */
  async restoreLastGood(onLine: (line: string) => void = () => {}): Promise<void> {
    if (!this.options.restoreLastGood) throw new Error('no rollback is available for this lab');
    await this.options.restoreLastGood(onLine);
    this.notice = 'Restored the last apiserver manifest that worked.';
    this.apiserverAwaySince = undefined;
    this.since.clear();
    await this.checkNow();
  }
}
