import { z } from 'zod';
import type { CheckResult } from './checks.js';
import { prng, seedSchema } from './random.js';
import { DIFFICULTIES, DOMAINS, type Domain, type ScenarioData } from './scenario.js';
import { score } from './scoring.js';

/**
 * Exam mode, pure: the exam's data file (weights and the pass mark, next to the scenarios), a
 * seeded draw of tasks across the CKS domains, the exam clock (remaining time kept across an
 * interruption, time per task), and the scoring of the frozen final round.
 */

// --- the data file: scenarios/exam.yaml ------------------------------------------------------

const domainKeys = Object.keys(DOMAINS) as [Domain, ...Domain[]];

export const examConfigSchema = z
  .object({
    format_version: z.literal(1),
    passMark: z.number().min(0).max(100).default(67).describe('the total (percent) that passes'),
    minutes: z.number().int().positive().max(600).default(120).describe('the default time limit'),
    tasks: z.number().int().positive().max(50).default(16).describe('how many tasks an exam draws'),
    domains: z
      .partialRecord(z.enum(domainKeys), z.number().min(0))
      .describe('how often each CKS domain is drawn (relative; 0 = never)'),
    taskWeights: z
      .record(z.enum(DIFFICULTIES), z.number().positive())
      .describe("a task's weight (its share of the total) by difficulty"),
    scenarios: z
      .record(
        z.string(),
        z
          .object({
            weight: z.number().positive().optional(),
            exclude: z.boolean().optional(),
          })
          .strict(),
      )
      .default({})
      .describe('per scenario: another weight, or `exclude: true` (never drawn)'),
    apart: z
      .array(z.tuple([z.string(), z.string()]))
      .default([])
      .describe('pairs never drawn together besides those whose `backup:` paths overlap'),
  })
  .strict();
export type ExamConfig = z.infer<typeof examConfigSchema>;

// --- a seeded PRNG (random.ts; kept exported here for the exam's callers) ----------------------

export { prng, seedSchema };

/** The seed of the `index`-th task of an exam: the attempt's own seed (parameters plug in here). */
export function taskSeed(examSeed: number, index: number): number {
  return Math.floor(prng((examSeed ^ Math.imul(index + 1, 0x9e3779b1)) >>> 0)() * 0x7fffffff);
}

// --- the draw --------------------------------------------------------------------------------

/** What the draw knows of a scenario. */
export type ExamCandidate = Pick<
  ScenarioData,
  'id' | 'title' | 'domain' | 'difficulty' | 'lab' | 'minutes' | 'backup'
>;

export type ExamTaskPlan = {
  readonly scenario: string;
  readonly title: string;
  readonly domain: Domain;
  readonly lab: 'none' | 'cluster';
  readonly weight: number;
  readonly seed: number;
};

export type LeftOut = { readonly scenario: string; readonly reason: string };

export type ExamPlan = {
  readonly seed: number;
  readonly minutes: number;
  readonly passMark: number;
  readonly tasks: readonly ExamTaskPlan[];
  /** Scenarios that could not be drawn, and why (no lab, excluded, set up outside the exam…). */
  readonly leftOut: readonly LeftOut[];
  /** Why fewer tasks than asked for were drawn, when that happened. */
  readonly short: string | null;
};

/** Two node files overlap: the same node and the same path, or one inside the other. */
function overlaps(a: ExamCandidate, b: ExamCandidate): boolean {
  const inside = (x: string, y: string) => x === y || y.startsWith(x.endsWith('/') ? x : `${x}/`);
  return a.backup.some((fa) =>
    b.backup.some((fb) => fa.node === fb.node && (inside(fa.path, fb.path) || inside(fb.path, fa.path))),
  );
}

/** Whether two tasks cannot share one lab: both on the cluster and their node files overlap, or `apart`. */
export function conflict(a: ExamCandidate, b: ExamCandidate, apart: ExamConfig['apart'] = []): boolean {
  if (apart.some(([x, y]) => (x === a.id && y === b.id) || (x === b.id && y === a.id))) return true;
  return a.lab === 'cluster' && b.lab === 'cluster' && overlaps(a, b);
}

export type DrawOptions = {
  readonly seed: number;
  readonly tasks?: number | undefined;
  readonly minutes?: number | undefined;
  /** Reasons a scenario cannot run now (no lab, set up outside the exam), by id. */
  readonly unavailable?: ReadonlyMap<string, string>;
};

export function taskWeight(config: ExamConfig, c: ExamCandidate): number {
  return config.scenarios[c.id]?.weight ?? config.taskWeights[c.difficulty] ?? 1;
}

/**
 * Draws an exam: for each slot a domain by its weight (among domains with a task still drawable),
 * then a task of that domain uniformly; a task that cannot share the lab with one already drawn is
 * never drawable. The same seed, scenarios and options give the same exam.
 */
export function drawExam(
  candidates: readonly ExamCandidate[],
  config: ExamConfig,
  options: DrawOptions,
): ExamPlan {
  const random = prng(options.seed);
  const leftOut: LeftOut[] = [];
  const pool: ExamCandidate[] = [];
  for (const c of [...candidates].sort((a, b) => a.id.localeCompare(b.id))) {
    const why = options.unavailable?.get(c.id);
    if (config.scenarios[c.id]?.exclude) leftOut.push({ scenario: c.id, reason: 'excluded in exam.yaml' });
    else if ((config.domains[c.domain] ?? 0) <= 0)
      leftOut.push({ scenario: c.id, reason: `domain ${DOMAINS[c.domain]} has weight 0 in exam.yaml` });
    else if (why) leftOut.push({ scenario: c.id, reason: why });
    else pool.push(c);
  }
  const wanted = options.tasks ?? config.tasks;
  const drawn: ExamCandidate[] = [];
  while (drawn.length < wanted) {
    const drawable = pool.filter(
      (c) => !drawn.includes(c) && !drawn.some((d) => conflict(c, d, config.apart)),
    );
    if (drawable.length === 0) break;
    const domains = [...new Set(drawable.map((c) => c.domain))];
    const total = domains.reduce((sum, d) => sum + (config.domains[d] ?? 0), 0);
    let pick = random() * total;
    let domain = domains[domains.length - 1] as Domain;
    for (const d of domains) {
      pick -= config.domains[d] ?? 0;
      if (pick < 0) {
        domain = d;
        break;
      }
    }
    const ofDomain = drawable.filter((c) => c.domain === domain);
    const chosen = ofDomain[Math.floor(random() * ofDomain.length)] ?? ofDomain[0];
    if (!chosen) break;
    drawn.push(chosen);
  }
  for (const c of pool)
    if (!drawn.includes(c)) {
      const with_ = drawn.find((d) => conflict(c, d, config.apart));
      if (with_)
        leftOut.push({ scenario: c.id, reason: `cannot share the lab with ${with_.id} (same node files)` });
    }
  const short =
    drawn.length >= wanted
      ? null
      : `${drawn.length} of ${wanted} tasks: no more scenarios can run together${
          leftOut.length > 0 ? ` (${leftOut.length} left out, see why below)` : ''
        }`;
  return {
    seed: options.seed,
    minutes: options.minutes ?? config.minutes,
    passMark: config.passMark,
    tasks: drawn.map((c, i) => ({
      scenario: c.id,
      title: c.title,
      domain: c.domain,
      lab: c.lab,
      weight: taskWeight(config, c),
      seed: taskSeed(options.seed, i),
    })),
    leftOut,
    short,
  };
}

// --- the exam as it runs ---------------------------------------------------------------------

export const EXAM_VERSION = 1;

const checkOutcomeSchema = z.object({
  checkId: z.string(),
  title: z.string(),
  graded: z.boolean(),
  weight: z.number(),
  status: z.enum(['pass', 'fail', 'error', 'waiting']),
  expected: z.string(),
  actual: z.string(),
});

const taskResultSchema = z.object({
  scenario: z.string(),
  title: z.string(),
  domain: z.enum(domainKeys),
  weight: z.number(),
  /** 0–100: the weighted share of its graded checks that pass (0 when a guard fails). */
  percent: z.number(),
  /** weight × share: what it adds to the total. */
  points: z.number(),
  timeMs: z.number(),
  flagged: z.boolean(),
  /** Why the task scores 0 although checks pass (a guard failed), or why it was not checked. */
  note: z.string().nullable(),
  checks: z.array(checkOutcomeSchema),
  debrief: z.string(),
  solution: z.string(),
});
export type ExamTaskResult = z.infer<typeof taskResultSchema>;

const resultSchema = z.object({
  percent: z.number(),
  passed: z.boolean(),
  passMark: z.number(),
  points: z.number(),
  maxPoints: z.number(),
  usedMs: z.number(),
  finishedAt: z.string(),
  reason: z.enum(['time', 'submitted']),
  tasks: z.array(taskResultSchema),
});
export type ExamResult = z.infer<typeof resultSchema>;

const taskSchema = z.object({
  scenario: z.string(),
  title: z.string(),
  domain: z.enum(domainKeys),
  lab: z.enum(['none', 'cluster']),
  weight: z.number(),
  seed: z.number(),
  flagged: z.boolean(),
  timeMs: z.number(),
  /** Setup failed: the task stays in the exam and scores what its checks say. */
  setupError: z.string().nullable(),
});
export type ExamTask = z.infer<typeof taskSchema>;

export const examSchema = z.object({
  version: z.literal(EXAM_VERSION),
  id: z.string(),
  seed: z.number(),
  minutes: z.number(),
  passMark: z.number(),
  createdAt: z.string(),
  status: z.enum(['setting-up', 'running', 'finished', 'abandoned']),
  tasks: z.array(taskSchema),
  leftOut: z.array(z.object({ scenario: z.string(), reason: z.string() })),
  current: z.number().int().min(0),
  /** Time used before `runningSince`; the clock runs only while the exam is open. */
  usedMs: z.number().min(0),
  runningSince: z.string().nullable(),
  /** When the time on the current task started counting (null while paused). */
  taskSince: z.string().nullable(),
  result: resultSchema.nullable(),
});
export type Exam = z.infer<typeof examSchema>;

export function newExam(plan: ExamPlan, now: Date): Exam {
  return {
    version: EXAM_VERSION,
    id: `exam-${now.toISOString().replace(/[:.]/g, '-')}-${plan.seed}`,
    seed: plan.seed,
    minutes: plan.minutes,
    passMark: plan.passMark,
    createdAt: now.toISOString(),
    status: 'setting-up',
    tasks: plan.tasks.map((t) => ({ ...t, flagged: false, timeMs: 0, setupError: null })),
    leftOut: [...plan.leftOut],
    current: 0,
    usedMs: 0,
    runningSince: null,
    taskSince: null,
    result: null,
  };
}

const ms = (iso: string | null) => (iso === null ? null : Date.parse(iso));

export function limitMs(exam: Pick<Exam, 'minutes'>): number {
  return exam.minutes * 60_000;
}

/** Time used so far, counting the running stretch up to `now`. */
export function usedMs(exam: Exam, now: number): number {
  const since = ms(exam.runningSince);
  return exam.usedMs + (since === null ? 0 : Math.max(0, now - since));
}

export function remainingMs(exam: Exam, now: number): number {
  return Math.max(0, limitMs(exam) - usedMs(exam, now));
}

/** The countdown's colour band: ok, then a warning in the last quarter, then red in the last 10 %. */
export function timeBand(exam: Exam, now: number): 'ok' | 'low' | 'critical' {
  const left = remainingMs(exam, now) / limitMs(exam);
  return left <= 0.1 ? 'critical' : left <= 0.25 ? 'low' : 'ok';
}

/** Adds the time on the current task up to `now` (the task clock restarts at `now`, or stops). */
function settleTask(exam: Exam, now: number, restart: boolean): Exam {
  const since = ms(exam.taskSince);
  const tasks =
    since === null
      ? exam.tasks
      : exam.tasks.map((t, i) =>
          i === exam.current ? { ...t, timeMs: t.timeMs + Math.max(0, now - since) } : t,
        );
  return { ...exam, tasks, taskSince: restart && since !== null ? new Date(now).toISOString() : null };
}

/** Opens the exam: the clock runs from `now` (already running, e.g. after a crash: it kept running). */
export function resumeExam(exam: Exam, now: number): Exam {
  if (exam.status !== 'running' || exam.runningSince !== null) return exam;
  const at = new Date(now).toISOString();
  return { ...exam, runningSince: at, taskSince: at };
}

/** Leaves the exam: the clock stops and the remaining time is kept. */
export function pauseExam(exam: Exam, now: number): Exam {
  const since = ms(exam.runningSince);
  if (since === null) return exam;
  const settled = settleTask(exam, Math.min(now, since + remainingMs(exam, since)), false);
  return { ...settled, usedMs: Math.min(limitMs(exam), usedMs(exam, now)), runningSince: null };
}

export function selectTask(exam: Exam, index: number, now: number): Exam {
  const target = Math.max(0, Math.min(exam.tasks.length - 1, index));
  if (target === exam.current) return exam;
  return { ...settleTask(exam, now, true), current: target };
}

export function toggleFlag(exam: Exam, index: number): Exam {
  return { ...exam, tasks: exam.tasks.map((t, i) => (i === index ? { ...t, flagged: !t.flagged } : t)) };
}

// --- scoring the frozen round ----------------------------------------------------------------

export type TaskRound = {
  readonly scenario: Pick<ScenarioData, 'hintCosts'>;
  readonly results: readonly CheckResult[];
  readonly debrief: string;
  readonly solution: string;
  /** The checks could not run (the lab went away): the task scores 0, with this as its note. */
  readonly error?: string;
};

/**
 * The exam's score: each task scores the weighted share of its graded checks that pass (no hints
 * exist in an exam, so nothing is taken off), and 0 when a guard fails (a fix that breaks the node
 * is no fix). The total is the tasks' points over their weights, against the pass mark.
 */
export function scoreExam(
  exam: Exam,
  rounds: ReadonlyMap<string, TaskRound>,
  finishedAt: Date,
  reason: ExamResult['reason'],
): ExamResult {
  const tasks = exam.tasks.map((t): ExamTaskResult => {
    const round = rounds.get(t.scenario);
    const results = round?.results ?? [];
    const s = round ? score(round.scenario, results, [], false) : undefined;
    const share = s && s.totalWeight > 0 ? s.passedWeight / s.totalWeight : 0;
    const guardFailed = results.some((r) => !r.graded && r.status !== 'pass');
    const counted = guardFailed ? 0 : share;
    const note = round?.error
      ? `not checked: ${round.error}`
      : !round
        ? 'not checked'
        : guardFailed
          ? 'a guard failed (an ungraded check): the task scores 0'
          : t.setupError
            ? `setup had failed: ${t.setupError}`
            : null;
    return {
      scenario: t.scenario,
      title: t.title,
      domain: t.domain,
      weight: t.weight,
      percent: Math.round(100 * counted),
      points: t.weight * counted,
      timeMs: t.timeMs,
      flagged: t.flagged,
      note,
      checks: results.map((r) => ({
        checkId: r.checkId,
        title: r.title,
        graded: r.graded,
        weight: r.weight,
        status: r.status,
        expected: r.expected,
        actual: r.actual,
      })),
      debrief: round?.debrief ?? '',
      solution: round?.solution ?? '',
    };
  });
  const maxPoints = tasks.reduce((sum, t) => sum + t.weight, 0);
  const points = tasks.reduce((sum, t) => sum + t.points, 0);
  const percent = maxPoints === 0 ? 0 : Math.round((100 * points) / maxPoints);
  return {
    percent,
    passed: percent >= exam.passMark,
    passMark: exam.passMark,
    points: Math.round(points * 100) / 100,
    maxPoints,
    usedMs: Math.min(limitMs(exam), exam.usedMs),
    finishedAt: finishedAt.toISOString(),
    reason,
    tasks,
  };
}

/** Ends the exam: the clock stops at `now` (or where the time ran out) and the result is kept. */
export function finishExam(exam: Exam, result: ExamResult): Exam {
  return { ...exam, status: 'finished', result };
}
