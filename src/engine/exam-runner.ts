import path from 'node:path';
import {
  drawExam,
  type Exam,
  type ExamConfig,
  type ExamPlan,
  finishExam,
  newExam,
  pauseExam,
  remainingMs,
  scoreExam,
  type TaskRound,
} from '../domain/exam.js';
import { renderScript } from '../domain/params.js';
import type { Scenario } from '../domain/scenario.js';
import { describeError, EXIT, UserError } from './errors.js';
import type { ExamPort } from './ports.js';
import type { Trainer } from './trainer.js';

/** The exam's data file as read: its config, or why it cannot be used. */
export type ExamConfigSource = () =>
  | { readonly ok: true; readonly config: ExamConfig }
  | { readonly ok: false; readonly message: string };

export type ExamDeps = {
  readonly trainer: Pick<Trainer, 'list' | 'get' | 'setup' | 'check' | 'reset' | 'isSetUp'> &
    Partial<Pick<Trainer, 'bound'>>;
  readonly exams: ExamPort;
  readonly config: ExamConfigSource;
  /** Null when the lab can run cluster tasks; else why not, in words. */
  readonly labProblem: () => Promise<string | null>;
  /** Reads a scenario file (the reference solution, for the result). */
  readonly readText: (file: string) => string;
  readonly now: () => Date;
  /** A fresh seed when none is given. */
  readonly randomSeed: () => number;
};

export type PlanOptions = {
  readonly minutes?: number | undefined;
  readonly tasks?: number | undefined;
  readonly seed?: number | undefined;
};

/** A draw, with what starting it would wipe (drawn tasks already set up start over). */
export type PlannedExam = { readonly plan: ExamPlan; readonly restarts: readonly string[] };

/** Setting up the drawn tasks, one after another. */
export type ExamSetupEvent =
  | { readonly type: 'task-start'; readonly index: number; readonly total: number; readonly title: string }
  | { readonly type: 'line'; readonly index: number; readonly line: string }
  | { readonly type: 'task-done'; readonly index: number }
  | { readonly type: 'task-failed'; readonly index: number; readonly message: string };

/**
 * Exam mode over the Trainer: draws (pure, seeded), sets every task up as an attempt of its own
 * (with its seed), and at the end (or when time is out) runs one final round per task, frozen
 * into the result with each task's debrief and reference solution. No hint or solution is given
 * before that: the exam never calls them.
 */
export class ExamRunner {
  constructor(private readonly deps: ExamDeps) {}

  private config(): ExamConfig {
    const read = this.deps.config();
    if (!read.ok)
      throw new UserError(
        `the exam's data file cannot be used: ${read.message}`,
        'fix scenarios/exam.yaml (weights and the pass mark; see the comments in it)',
        EXIT.invalid,
      );
    return read.config;
  }

  private scenarios(): Scenario[] {
    return this.deps.trainer.list().flatMap((e) => (e.valid ? [e.scenario] : []));
  }

  /** Draws an exam: what runs here now (no lab: cluster-free only, with why), seeded. */
  async plan(options: PlanOptions = {}): Promise<PlannedExam> {
    const config = this.config();
    const scenarios = this.scenarios();
    const unavailable = new Map<string, string>();
    const cluster = scenarios.filter((s) => s.lab === 'cluster');
    const labProblem = cluster.length > 0 ? await this.deps.labProblem() : null;
    for (const s of cluster) {
      if (labProblem) unavailable.set(s.id, `needs a lab cluster: ${labProblem}`);
      else if (this.deps.trainer.isSetUp(s))
        unavailable.set(s.id, `set up outside the exam: reset it first (k8s-harden-lab reset ${s.id})`);
    }
    const seed = options.seed ?? this.deps.randomSeed();
    const plan = drawExam(scenarios, config, {
      seed,
      tasks: options.tasks,
      minutes: options.minutes,
      unavailable,
    });
    const restarts = plan.tasks
      .map((t) => t.scenario)
      .filter((id) => {
        const s = scenarios.find((x) => x.id === id);
        return s !== undefined && this.deps.trainer.isSetUp(s);
      });
    return { plan, restarts };
  }

  /** The exam not finished or abandoned yet. */
  current(): Exam | undefined {
    return this.deps.exams.current();
  }

  /** Every exam kept, oldest first. */
  list(): Exam[] {
    return this.deps.exams.list();
  }

  save(exam: Exam): void {
    this.deps.exams.save(exam);
  }

  /** Whether the time is up (then `finish` with reason `time`). */
  expired(exam: Exam, now = this.deps.now().getTime()): boolean {
    return exam.status === 'running' && remainingMs(exam, now) === 0;
  }

  /**
   * Sets every drawn task up (a drawn task already set up starts over). A task whose setup fails
   * stays in the exam with its error (it scores what its checks say). The exam is then running,
   * its clock stopped until it is opened (`resumeExam`).
   */
  async start(
    plan: ExamPlan,
    options: { readonly onEvent?: (e: ExamSetupEvent) => void; readonly signal?: AbortSignal } = {},
  ): Promise<Exam> {
    const running = this.current();
    if (running)
      throw new UserError(
        `an exam is already running (${running.tasks.length} tasks, started ${running.createdAt})`,
        'open it with `k8s-harden-lab exam` (it resumes), or drop it with `k8s-harden-lab exam --abandon`',
        EXIT.usage,
      );
    if (plan.tasks.length === 0)
      throw new UserError(
        'no task can be drawn',
        plan.leftOut[0] ? `${plan.leftOut[0].scenario}: ${plan.leftOut[0].reason}` : 'add scenarios',
        EXIT.usage,
      );
    const onEvent = options.onEvent ?? (() => {});
    let exam = newExam(plan, this.deps.now());
    this.save(exam);
    for (const [index, task] of exam.tasks.entries()) {
      onEvent({ type: 'task-start', index, total: exam.tasks.length, title: task.title });
      let setupError: string | null = null;
      try {
        await this.deps.trainer.setup(this.deps.trainer.get(task.scenario), {
          force: true,
          seed: task.seed,
          exam: exam.id,
          ...(options.signal ? { signal: options.signal } : {}),
          onLine: (line) => onEvent({ type: 'line', index, line }),
        });
        onEvent({ type: 'task-done', index });
      } catch (error) {
        if (options.signal?.aborted) throw error;
        setupError = describeError(error).message;
        onEvent({ type: 'task-failed', index, message: setupError });
      }
      exam = { ...exam, tasks: exam.tasks.map((t, i) => (i === index ? { ...t, setupError } : t)) };
      this.save(exam);
    }
    exam = { ...exam, status: 'running' };
    this.save(exam);
    return exam;
  }

  /**
   * Ends the exam: the clock stops (at the limit when time ran out), one round per task is run and
   * frozen into the result, with each task's debrief and reference solution, and it is kept.
   */
  async finish(
    exam: Exam,
    reason: 'time' | 'submitted',
    options: { readonly onTask?: (index: number) => void } = {},
  ): Promise<Exam> {
    const now = this.deps.now();
    const stopped = pauseExam(exam, now.getTime());
    const rounds = new Map<string, TaskRound>();
    for (const [index, task] of stopped.tasks.entries()) {
      options.onTask?.(index);
      let scenario: Scenario;
      try {
        scenario = this.deps.trainer.get(task.scenario);
      } catch (error) {
        rounds.set(task.scenario, {
          scenario: { hintCosts: { nudge: 0, teach: 0, command: 0 } },
          results: [],
          debrief: '',
          solution: '',
          error: describeError(error).message,
        });
        continue;
      }
      // Each task's debrief and solution with the values its own seed drew.
      const bound = this.deps.trainer.bound?.(scenario) ?? scenario;
      const texts = { debrief: bound.debriefText, solution: this.solutionOf(bound) };
      try {
        const outcome = await this.deps.trainer.check(scenario);
        rounds.set(task.scenario, { scenario, results: outcome.results, ...texts });
      } catch (error) {
        rounds.set(task.scenario, { scenario, results: [], ...texts, error: describeError(error).message });
      }
    }
    const finished = finishExam(stopped, scoreExam(stopped, rounds, now, reason));
    this.save(finished);
    return finished;
  }

  private solutionOf(scenario: Scenario): string {
    try {
      const text = this.deps.readText(path.join(scenario.dir, scenario.solution));
      return scenario.bound ? renderScript(text, scenario.bound.values) : text;
    } catch {
      return '';
    }
  }

  /** Drops the exam: every task set up is reset (as `reset <id>` does); the exam is kept as abandoned. */
  async abandon(exam: Exam, options: { readonly onLine?: (line: string) => void } = {}): Promise<Exam> {
    return this.resetTasks(
      {
        ...pauseExam(exam, this.deps.now().getTime()),
        status: exam.status === 'finished' ? 'finished' : 'abandoned',
      },
      options,
    );
  }

  /** Resets every task of an exam that is still set up (after an exam, or to abandon one). */
  async resetTasks(exam: Exam, options: { readonly onLine?: (line: string) => void } = {}): Promise<Exam> {
    const onLine = options.onLine ?? (() => {});
    for (const task of exam.tasks) {
      try {
        const scenario = this.deps.trainer.get(task.scenario);
        if (!this.deps.trainer.isSetUp(scenario)) continue;
        onLine(`resetting ${task.scenario}…`);
        await this.deps.trainer.reset(scenario, { onLine: (line) => onLine(`  ${line}`) });
      } catch (error) {
        onLine(`${task.scenario}: ${describeError(error).message}`);
      }
    }
    this.save(exam);
    return exam;
  }
}
