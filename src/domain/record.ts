import { z } from 'zod';
import { HINT_LEVELS } from './checks.js';
import { DOMAINS, type Domain, type ScenarioData } from './scenario.js';

/**
 * The learning record, pure: an append-only log of what happened in each attempt (start, the set
 * of failing checks whenever it changes, hints, the solution seen, solved or stopped, and the
 * commands the learner ran in the shells the app opened, already redacted), and the statistics
 * drawn from it: solve-time trends, weak areas by CKS domain and CIS id, and a spaced "next up"
 * queue. Nothing here reads a clock or a file: the store appends, these functions fold.
 */

export const RECORD_VERSION = 1;

const base = {
  v: z.literal(RECORD_VERSION),
  at: z.string(),
  scenario: z.string(),
  /** The attempt's start (its identity per scenario); null for a command run with no attempt open. */
  attempt: z.string().nullable(),
};

export const recordEventSchema = z.discriminatedUnion('type', [
  z.object({
    ...base,
    type: z.literal('start'),
    exam: z.string().nullable().default(null),
    seed: z.number().nullable().default(null),
  }),
  z.object({ ...base, type: z.literal('checks'), failing: z.array(z.string()), graded: z.number() }),
  z.object({ ...base, type: z.literal('hint'), checkId: z.string(), level: z.enum(HINT_LEVELS) }),
  z.object({ ...base, type: z.literal('solution') }),
  z.object({
    ...base,
    type: z.literal('solved'),
    score: z.number(),
    timeMs: z.number(),
    hints: z.number(),
    forfeited: z.boolean(),
  }),
  z.object({ ...base, type: z.literal('stop') }),
  z.object({
    ...base,
    type: z.literal('command'),
    /** `workspace`, or the node's role or name for a node shell. */
    shell: z.string(),
    command: z.string(),
  }),
]);
export type RecordEvent = z.infer<typeof recordEventSchema>;
/** An event as written: `v` is filled in by whoever appends it. */
type WithoutV<T> = T extends unknown ? Omit<T, 'v'> : never;
export type NewRecordEvent = WithoutV<RecordEvent>;

export type CommandEntry = { readonly at: string; readonly shell: string; readonly command: string };

export type AttemptRecord = {
  readonly scenario: string;
  readonly startedAt: string;
  /** Solved or stopped; null while it runs. */
  readonly endedAt: string | null;
  readonly outcome: 'solved' | 'stopped' | 'open';
  /** Setup to the first round in which every check passed. */
  readonly timeToGreenMs: number | null;
  readonly hints: number;
  readonly forfeited: boolean;
  /** How long each check was seen failing (from the start, to the end or the last event). */
  readonly failingMs: Readonly<Record<string, number>>;
  /** Checks failing when the attempt ended (or at its last round). */
  readonly failingAtEnd: readonly string[];
  readonly commands: readonly CommandEntry[];
  readonly exam: string | null;
};

const t = (iso: string) => Date.parse(iso);

/** Folds the log into attempts, oldest first. Events of an unknown attempt are ignored. */
export function attemptsOf(events: readonly RecordEvent[]): AttemptRecord[] {
  type Acc = {
    scenario: string;
    startedAt: string;
    endedAt: string | null;
    outcome: AttemptRecord['outcome'];
    timeToGreenMs: number | null;
    hints: number;
    forfeited: boolean;
    failingMs: Record<string, number>;
    lastFailing: readonly string[] | null;
    lastAt: number;
    commands: CommandEntry[];
    exam: string | null;
  };
  const open = new Map<string, Acc>();
  const all: Acc[] = [];
  const key = (scenario: string, attempt: string) => `${scenario}\u0000${attempt}`;
  /** Adds the time since the last round to every check failing in it. */
  const advance = (a: Acc, to: number) => {
    if (a.lastFailing)
      for (const id of a.lastFailing) a.failingMs[id] = (a.failingMs[id] ?? 0) + Math.max(0, to - a.lastAt);
    a.lastAt = Math.max(a.lastAt, to);
  };
  for (const e of [...events].sort((x, y) => t(x.at) - t(y.at))) {
    if (e.attempt === null) continue;
    const k = key(e.scenario, e.attempt);
    if (e.type === 'start') {
      const acc: Acc = {
        scenario: e.scenario,
        startedAt: e.attempt,
        endedAt: null,
        outcome: 'open',
        timeToGreenMs: null,
        hints: 0,
        forfeited: false,
        failingMs: {},
        lastFailing: null,
        lastAt: t(e.attempt),
        commands: [],
        exam: e.exam,
      };
      open.set(k, acc);
      all.push(acc);
      continue;
    }
    const a = open.get(k);
    if (!a) continue;
    switch (e.type) {
      case 'checks':
        if (a.lastFailing === null) {
          // The time before the first round counts for what that round found failing.
          a.lastFailing = e.failing;
          advance(a, t(e.at));
        } else {
          advance(a, t(e.at));
          a.lastFailing = e.failing;
        }
        if (e.failing.length === 0 && a.timeToGreenMs === null)
          a.timeToGreenMs = Math.max(0, t(e.at) - t(a.startedAt));
        break;
      case 'hint':
        a.hints += 1;
        break;
      case 'solution':
        a.forfeited = true;
        break;
      case 'solved':
        advance(a, t(e.at));
        a.lastFailing = [];
        a.outcome = 'solved';
        a.endedAt = e.at;
        a.timeToGreenMs ??= e.timeMs;
        a.forfeited ||= e.forfeited;
        // The attempt's own count (hints taken before a reset carry into it) wins over the log's.
        a.hints = Math.max(a.hints, e.hints);
        open.delete(k);
        break;
      case 'stop':
        advance(a, t(e.at));
        a.outcome = 'stopped';
        a.endedAt = e.at;
        open.delete(k);
        break;
      case 'command':
        a.commands.push({ at: e.at, shell: e.shell, command: e.command });
        break;
    }
  }
  return all.map((a) => ({
    scenario: a.scenario,
    startedAt: a.startedAt,
    endedAt: a.endedAt,
    outcome: a.outcome,
    timeToGreenMs: a.timeToGreenMs,
    hints: a.hints,
    forfeited: a.forfeited,
    failingMs: a.failingMs,
    failingAtEnd: a.outcome === 'solved' ? [] : (a.lastFailing ?? []),
    commands: a.commands,
    exam: a.exam,
  }));
}

/** The failing set changed since `previous` (order does not matter). */
export function failingChanged(previous: readonly string[] | undefined, next: readonly string[]): boolean {
  if (!previous || previous.length !== next.length) return true;
  const set = new Set(previous);
  return next.some((id) => !set.has(id));
}

// --- statistics ------------------------------------------------------------------------------

/** Solve times (setup to first all-green) of a scenario's clean solves, oldest first. */
export function solveTimes(attempts: readonly AttemptRecord[], scenario: string): number[] {
  return attempts
    .filter(
      (a) => a.scenario === scenario && a.outcome === 'solved' && !a.forfeited && a.timeToGreenMs !== null,
    )
    .map((a) => a.timeToGreenMs as number);
}

const BARS = '▁▂▃▄▅▆▇█';

/** A sparkline of `values` (the last `max` of them), low to high; '' with none. */
export function sparkline(values: readonly number[], max = 12): string {
  const v = values.slice(-max);
  if (v.length === 0) return '';
  const lo = Math.min(...v);
  const hi = Math.max(...v);
  return v
    .map((x) => BARS[hi === lo ? 3 : Math.round(((x - lo) / (hi - lo)) * (BARS.length - 1))] ?? BARS[0])
    .join('');
}

/** The trend in words: a second half faster or slower than the first. */
export function trendWord(values: readonly number[]): 'faster' | 'slower' | 'steady' | null {
  if (values.length < 2) return null;
  const half = Math.floor(values.length / 2);
  const avg = (xs: readonly number[]) => xs.reduce((s, x) => s + x, 0) / Math.max(1, xs.length);
  const before = avg(values.slice(0, half));
  const after = avg(values.slice(half));
  if (after < before * 0.9) return 'faster';
  if (after > before * 1.1) return 'slower';
  return 'steady';
}

export type ScenarioFacts = Pick<ScenarioData, 'id' | 'title' | 'domain' | 'minutes' | 'cis'> & {
  readonly checks: readonly { readonly id: string; readonly cis?: string | undefined }[];
};

export type AreaRow = {
  readonly key: string;
  readonly label: string;
  readonly attempts: number;
  readonly unsolved: number;
  readonly hinted: number;
  readonly failingMs: number;
  /** 0–1: the share of attempts not solved cleanly (unsolved counts fully, hints half). */
  readonly weakness: number;
};

export type WeakAreas = { readonly domains: readonly AreaRow[]; readonly cis: readonly AreaRow[] };

/**
 * Weak areas: per CKS domain, and per CIS id (a check's own, else its scenario's), the attempts
 * that touched it, those not solved (or solved with the solution seen), those that needed hints,
 * and how long its checks were failing. Sorted weakest first; ended attempts only.
 */
export function weakAreas(
  attempts: readonly AttemptRecord[],
  scenarios: readonly ScenarioFacts[],
): WeakAreas {
  const byId = new Map(scenarios.map((s) => [s.id, s]));
  type Acc = { label: string; attempts: number; unsolved: number; hinted: number; failingMs: number };
  const domains = new Map<string, Acc>();
  const cis = new Map<string, Acc>();
  const bump = (m: Map<string, Acc>, k: string, label: string, f: (a: Acc) => void) => {
    const a = m.get(k) ?? { label, attempts: 0, unsolved: 0, hinted: 0, failingMs: 0 };
    f(a);
    m.set(k, a);
  };
  for (const a of attempts) {
    const s = byId.get(a.scenario);
    if (!s || a.outcome === 'open') continue;
    const unsolved = a.outcome !== 'solved' || a.forfeited ? 1 : 0;
    const hinted = a.hints > 0 ? 1 : 0;
    const total = Object.values(a.failingMs).reduce((x, y) => x + y, 0);
    bump(domains, s.domain, DOMAINS[s.domain as Domain], (x) => {
      x.attempts += 1;
      x.unsolved += unsolved;
      x.hinted += hinted;
      x.failingMs += total;
    });
    const ids = new Map<string, { failingMs: number; atEnd: boolean }>();
    for (const c of s.checks) {
      const id = c.cis ?? (s.cis.length === 1 ? s.cis[0] : undefined);
      if (!id) continue;
      const prev = ids.get(id) ?? { failingMs: 0, atEnd: false };
      ids.set(id, {
        failingMs: prev.failingMs + (a.failingMs[c.id] ?? 0),
        atEnd: prev.atEnd || a.failingAtEnd.includes(c.id),
      });
    }
    for (const id of s.cis) if (!ids.has(id)) ids.set(id, { failingMs: 0, atEnd: unsolved === 1 });
    for (const [id, f] of ids)
      bump(cis, id, `CIS ${id}`, (x) => {
        x.attempts += 1;
        x.unsolved += f.atEnd || unsolved ? 1 : 0;
        x.hinted += hinted;
        x.failingMs += f.failingMs;
      });
  }
  const rows = (m: Map<string, Acc>): AreaRow[] =>
    [...m.entries()]
      .map(([key, a]) => ({
        key,
        ...a,
        weakness: a.attempts === 0 ? 0 : Math.min(1, (a.unsolved + 0.5 * a.hinted) / a.attempts),
      }))
      .sort((x, y) => y.weakness - x.weakness || y.failingMs - x.failingMs || x.key.localeCompare(y.key));
  return { domains: rows(domains), cis: rows(cis) };
}

export type NextUpItem = {
  readonly scenario: string;
  readonly title: string;
  /** When it comes back: the last attempt plus the interval its outcome earned. */
  readonly due: string;
  readonly dueNow: boolean;
  readonly reason: string;
};

const DAY = 24 * 60 * 60 * 1000;

/**
 * The "next up" queue, spaced over days: a scenario comes back 1 day after an attempt that did not
 * solve it (or saw the solution), 2 days after a solve with hints, 3 after a slow solve (over its
 * expected minutes), and 7 days after a clean one, doubling with each clean solve in a row.
 * Due items first, then by due date. Scenarios never tried are not in it (the list shows them).
 */
export function nextUp(
  attempts: readonly AttemptRecord[],
  scenarios: readonly ScenarioFacts[],
  now: number,
): NextUpItem[] {
  const items: NextUpItem[] = [];
  for (const s of scenarios) {
    const mine = attempts.filter((a) => a.scenario === s.id && a.outcome !== 'open');
    const last = mine[mine.length - 1];
    if (!last) continue;
    const end = t(last.endedAt ?? last.startedAt);
    let interval: number;
    let reason: string;
    const slow = last.timeToGreenMs !== null && last.timeToGreenMs > s.minutes * 60_000;
    if (last.outcome !== 'solved') [interval, reason] = [DAY, 'not solved last time'];
    else if (last.forfeited) [interval, reason] = [DAY, 'solved with the solution seen'];
    else if (last.hints > 0)
      [interval, reason] = [2 * DAY, `needed ${last.hints} hint${last.hints === 1 ? '' : 's'}`];
    else if (slow)
      [interval, reason] = [
        3 * DAY,
        `slow: ${Math.round((last.timeToGreenMs ?? 0) / 60_000)} min against ~${s.minutes}`,
      ];
    else {
      let clean = 0;
      for (let i = mine.length - 1; i >= 0; i--) {
        const a = mine[i];
        if (a?.outcome !== 'solved' || a.forfeited || a.hints > 0) break;
        clean += 1;
      }
      interval = 7 * DAY * 2 ** Math.min(5, clean - 1);
      reason = `review (${clean} clean solve${clean === 1 ? '' : 's'} in a row)`;
    }
    const due = end + interval;
    items.push({
      scenario: s.id,
      title: s.title,
      due: new Date(due).toISOString(),
      dueNow: due <= now,
      reason,
    });
  }
  return items.sort((a, b) => Number(b.dueNow) - Number(a.dueNow) || t(a.due) - t(b.due));
}
