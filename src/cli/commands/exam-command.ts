import { type Exam, pauseExam, remainingMs, resumeExam, seedSchema } from '../../domain/exam.js';
import { EXIT, UserError } from '../../engine/errors.js';
import type { PlanOptions } from '../../engine/exam-runner.js';
import type { AppServices } from '../compose.js';
import { formatDuration, type Io } from '../io.js';

export type ExamCommandOptions = {
  readonly minutes?: string;
  readonly tasks?: string;
  readonly seed?: string;
  readonly json?: boolean;
  readonly tui?: boolean;
  readonly finish?: boolean;
  readonly abandon?: boolean;
  readonly pause?: boolean;
};

function positive(name: string, value: string | undefined, max: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0 || n > max)
    throw new UserError(
      `--${name} must be a whole number from 1 to ${max}`,
      `for example --${name} 10`,
      EXIT.usage,
    );
  return n;
}

export function planOptions(o: ExamCommandOptions): PlanOptions {
  const seed = o.seed === undefined ? undefined : Number(o.seed);
  if (seed !== undefined && !seedSchema.safeParse(seed).success)
    throw new UserError(
      '--seed must be a whole number from 0 to 2147483647',
      'for example --seed 42',
      EXIT.usage,
    );
  return { minutes: positive('minutes', o.minutes, 600), tasks: positive('tasks', o.tasks, 50), seed };
}

/** What `exam --json` prints: the exam, with its result once finished (hints and solutions only then). */
export function examJson(exam: Exam, now: number): unknown {
  const finished = exam.status === 'finished';
  return {
    id: exam.id,
    status: exam.status,
    seed: exam.seed,
    minutes: exam.minutes,
    passMark: exam.passMark,
    createdAt: exam.createdAt,
    remainingMs: remainingMs(exam, now),
    current: exam.current,
    tasks: exam.tasks.map((t) => ({
      scenario: t.scenario,
      title: t.title,
      domain: t.domain,
      lab: t.lab,
      weight: t.weight,
      seed: t.seed,
      flagged: t.flagged,
      timeMs: t.timeMs,
      setupError: t.setupError,
    })),
    leftOut: exam.leftOut,
    result: finished ? exam.result : null,
  };
}

function printPlanLine(io: Io, exam: Exam): void {
  const total = exam.tasks.reduce((s, t) => s + t.weight, 0);
  for (const [i, t] of exam.tasks.entries())
    io.out(
      `  ${String(i + 1).padStart(2)}. ${t.scenario.padEnd(28)} ${String(total ? Math.round((100 * t.weight) / total) : 0).padStart(3)}%  ${t.lab === 'cluster' ? 'cluster' : 'local  '}${t.flagged ? '  flagged' : ''}${t.setupError ? `  setup failed: ${t.setupError}` : ''}`,
    );
}

function printResult(io: Io, exam: Exam): void {
  const r = exam.result;
  if (!r) return;
  io.out(
    `Exam result: ${r.percent}% · ${r.passed ? 'PASS' : 'FAIL'} (pass mark ${r.passMark}%) · ${formatDuration(r.usedMs)} of ${exam.minutes} min · ${r.reason === 'time' ? 'time ran out' : 'finished'}`,
  );
  for (const [i, t] of r.tasks.entries()) {
    io.out(
      `\n${i + 1}. ${t.title} — ${t.percent}% (weight ${t.weight}, ${formatDuration(t.timeMs)}${t.flagged ? ', flagged' : ''})`,
    );
    if (t.note) io.out(`   note: ${t.note}`);
    for (const c of t.checks) {
      io.out(`   ${c.status === 'pass' ? 'PASS' : 'FAIL'} ${c.title}${c.graded ? '' : ' (guard)'}`);
      if (c.status !== 'pass') io.out(`        expected ${c.expected}\n        ${c.actual}`);
    }
  }
  io.out(
    '\nDebriefs and reference solutions: `k8s-harden-lab exam --json` (result.tasks[].debrief, .solution) or the TUI.',
  );
}

/**
 * `exam`: with a terminal it opens the exam in the TUI (a running one resumes, otherwise one is
 * drawn with the options); without one (or --no-tui) it draws and sets up, and the learner works
 * in their own shells with the clock running until `exam --pause` or `exam --finish`.
 * `--json` prints the current exam (or the last one) with its result once finished.
 */
export async function examCommand(
  services: AppServices,
  io: Io,
  o: ExamCommandOptions,
  openTui: (options: PlanOptions) => Promise<number>,
): Promise<number> {
  const runner = services.exams;
  const options = planOptions(o);
  const now = () => Date.now();
  let current = runner.current();
  if (current && runner.expired(current, now())) {
    io.err('note: the exam ran out of time: its checks are run and scored now.');
    current = await runner.finish(current, 'time');
  }
  if (o.abandon) {
    if (!current)
      throw new UserError('no exam is running', 'start one with `k8s-harden-lab exam`', EXIT.usage);
    await runner.abandon(current, { onLine: (line) => io.out(`  ${line}`) });
    io.out('Exam abandoned: every task was reset.');
    return EXIT.ok;
  }
  if (o.finish) {
    if (!current)
      throw new UserError('no exam is running', 'start one with `k8s-harden-lab exam`', EXIT.usage);
    const done = await runner.finish(current, 'submitted');
    if (o.json) io.out(JSON.stringify(examJson(done, now()), null, 2));
    else printResult(io, done);
    return done.result?.passed ? EXIT.ok : EXIT.checksFailing;
  }
  if (o.pause) {
    if (!current)
      throw new UserError('no exam is running', 'start one with `k8s-harden-lab exam`', EXIT.usage);
    runner.save(pauseExam(current, now()));
    io.out(
      `Exam paused: ${formatDuration(remainingMs(current, now()))} left. \`k8s-harden-lab exam\` resumes it.`,
    );
    return EXIT.ok;
  }
  if (o.json) {
    const exam =
      current ??
      runner
        .list()
        .filter((e) => e.status === 'finished')
        .pop();
    io.out(JSON.stringify(exam ? examJson(exam, now()) : null, null, 2));
    return EXIT.ok;
  }
  if (o.tui !== false && io.isTTY) return openTui(options);
  if (current) {
    const resumed = resumeExam(current, now());
    runner.save(resumed);
    io.out(
      `Exam running: ${formatDuration(remainingMs(resumed, now()))} left (the clock runs until \`exam --pause\`).`,
    );
    printPlanLine(io, resumed);
    io.out('Work in your shells (`k8s-harden-lab start` prints each shell line); `exam --finish` scores it.');
    return EXIT.ok;
  }
  const { plan, restarts } = await runner.plan(options);
  io.out(
    `Exam: ${plan.tasks.length} tasks · ${plan.minutes} min · pass mark ${plan.passMark}% · seed ${plan.seed}`,
  );
  if (plan.short) io.out(`note: ${plan.short}`);
  for (const l of plan.leftOut) io.out(`  left out: ${l.scenario}: ${l.reason}`);
  if (restarts.length > 0) io.out(`note: starting over (already set up): ${restarts.join(', ')}`);
  const exam = await runner.start(plan, {
    onEvent: (e) => {
      if (e.type === 'task-start') io.out(`[${e.index + 1}/${e.total}] setting up ${e.title}…`);
      else if (e.type === 'line') io.out(`      ${e.line}`);
      else if (e.type === 'task-failed') io.out(`      setup failed: ${e.message}`);
    },
  });
  const started = resumeExam(exam, now());
  runner.save(started);
  printPlanLine(io, started);
  io.out(
    `The clock runs: ${plan.minutes} min. No hints or solutions until the end. \`exam --pause\` stops the clock, \`exam --finish\` scores it, \`exam --abandon\` resets every task.`,
  );
  return EXIT.ok;
}
