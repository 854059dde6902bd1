import { describe, expect, it } from 'vitest';
import type { CheckResult } from '../../src/domain/checks.js';
import {
  conflict,
  drawExam,
  type Exam,
  type ExamCandidate,
  type ExamConfig,
  examConfigSchema,
  newExam,
  pauseExam,
  prng,
  remainingMs,
  resumeExam,
  scoreExam,
  selectTask,
  type TaskRound,
  timeBand,
  toggleFlag,
  usedMs,
} from '../../src/domain/exam.js';

const config: ExamConfig = examConfigSchema.parse({
  format_version: 1,
  domains: { 'cluster-setup': 15, 'cluster-hardening': 15, 'system-hardening': 10, 'monitoring-runtime': 20 },
  taskWeights: { easy: 4, medium: 7, hard: 10 },
});

const apiserver = { node: 'control-plane', path: '/etc/kubernetes/manifests/kube-apiserver.yaml' };
const kubelet = { node: 'worker', path: '/var/lib/kubelet/config.yaml' };
const c = (id: string, over: Partial<ExamCandidate> = {}): ExamCandidate => ({
  id,
  title: id,
  domain: 'cluster-setup',
  difficulty: 'medium',
  lab: 'cluster',
  minutes: 20,
  backup: [],
  ...over,
});

const pool: ExamCandidate[] = [
  c('abac', { domain: 'cluster-hardening', difficulty: 'hard', backup: [apiserver] }),
  c('audit', { domain: 'monitoring-runtime', backup: [apiserver] }),
  c('tokens', { backup: [apiserver] }),
  c('kubelet', { backup: [kubelet] }),
  c('maintenance', { domain: 'cluster-hardening', backup: [kubelet] }),
  c('rbac', { domain: 'cluster-hardening' }),
  c('tls', { lab: 'none', difficulty: 'easy' }),
  c('docker', { lab: 'none', domain: 'system-hardening' }),
  c('contexts', { lab: 'none', difficulty: 'easy' }),
];

describe('prng', () => {
  it('is reproducible from its seed and stays in [0, 1)', () => {
    const a = prng(42);
    const b = prng(42);
    const xs = Array.from({ length: 100 }, () => a());
    expect(xs).toEqual(Array.from({ length: 100 }, () => b()));
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
    expect(prng(43)()).not.toBe(xs[0]);
  });
});

describe('drawExam', () => {
  it('gives the same exam for the same seed, and another for another seed', () => {
    const one = drawExam(pool, config, { seed: 7, tasks: 5 });
    expect(drawExam(pool, config, { seed: 7, tasks: 5 })).toEqual(one);
    const others = [1, 2, 3, 4, 5].map((seed) =>
      drawExam(pool, config, { seed, tasks: 5 }).tasks.map((t) => t.scenario),
    );
    expect(new Set(others.map((o) => o.join())).size).toBeGreaterThan(1);
  });

  it('never draws two tasks that edit the same node file', () => {
    for (let seed = 0; seed < 200; seed++) {
      const ids = drawExam(pool, config, { seed }).tasks.map((t) => t.scenario);
      expect(ids.filter((id) => ['abac', 'audit', 'tokens'].includes(id)).length).toBeLessThanOrEqual(1);
      expect(ids.filter((id) => ['kubelet', 'maintenance'].includes(id)).length).toBeLessThanOrEqual(1);
    }
  });

  it('says why it drew fewer tasks than asked and which were left out', () => {
    const plan = drawExam(pool, config, { seed: 3, tasks: 50 });
    // 3 apiserver editors count once, 2 kubelet editors once: 9 - 2 - 1 = 6 tasks
    expect(plan.tasks).toHaveLength(6);
    expect(plan.short).toMatch(/^6 of 50 tasks/);
    expect(plan.leftOut.filter((l) => l.reason.startsWith('cannot share the lab with'))).toHaveLength(3);
  });

  it('with no lab draws only what can run, and says why for the rest', () => {
    const unavailable = new Map(
      pool.filter((p) => p.lab === 'cluster').map((p) => [p.id, 'needs a lab cluster: none is running']),
    );
    const plan = drawExam(pool, config, { seed: 1, unavailable });
    expect(plan.tasks.map((t) => t.lab)).toEqual(['none', 'none', 'none']);
    expect(plan.leftOut.filter((l) => l.reason === 'needs a lab cluster: none is running')).toHaveLength(6);
  });

  it('follows the domain weights (a weight-0 domain is never drawn) and weighs tasks by difficulty', () => {
    const noSystem = { ...config, domains: { ...config.domains, 'system-hardening': 0 } };
    const plan = drawExam(pool, noSystem, { seed: 9 });
    expect(plan.tasks.some((t) => t.scenario === 'docker')).toBe(false);
    expect(plan.leftOut).toContainEqual({
      scenario: 'docker',
      reason: 'domain System Hardening has weight 0 in exam.yaml',
    });
    const weights = Object.fromEntries(
      drawExam(pool, config, { seed: 9, tasks: 50 }).tasks.map((t) => [t.scenario, t.weight]),
    );
    if (weights.tls !== undefined) expect(weights.tls).toBe(4);
    if (weights.abac !== undefined) expect(weights.abac).toBe(10);
    // Over many seeds the first task is cluster-setup about as often as its weight says
    const firsts = Array.from(
      { length: 600 },
      (_, seed) => drawExam(pool, config, { seed, tasks: 1 }).tasks[0]?.domain,
    );
    const share = firsts.filter((d) => d === 'cluster-setup').length / firsts.length;
    expect(share).toBeGreaterThan(0.15 / 0.6 - 0.08);
    expect(share).toBeLessThan(0.15 / 0.6 + 0.08);
  });

  it('keeps a seed per task, derived from the exam seed', () => {
    const plan = drawExam(pool, config, { seed: 11, tasks: 3 });
    const seeds = plan.tasks.map((t) => t.seed);
    expect(new Set(seeds).size).toBe(3);
    expect(drawExam(pool, config, { seed: 11, tasks: 3 }).tasks.map((t) => t.seed)).toEqual(seeds);
  });

  it('cluster-free tasks may share anything; explicit `apart` pairs never come together', () => {
    expect(
      conflict(c('a', { lab: 'none', backup: [kubelet] }), c('b', { lab: 'none', backup: [kubelet] })),
    ).toBe(false);
    expect(conflict(c('a'), c('b'), [['b', 'a']])).toBe(true);
    expect(
      conflict(
        c('a', { backup: [{ node: 'worker', path: '/var/lib/kubelet' }] }),
        c('b', { backup: [kubelet] }),
      ),
    ).toBe(true);
    expect(
      conflict(
        c('a', { backup: [{ node: 'worker', path: '/var/lib/kube' }] }),
        c('b', { backup: [kubelet] }),
      ),
    ).toBe(false);
  });
});

const T0 = Date.parse('2030-01-01T10:00:00Z');
function running(): Exam {
  const plan = drawExam(
    pool.filter((p) => p.lab === 'none'),
    config,
    { seed: 1, minutes: 60 },
  );
  return resumeExam({ ...newExam(plan, new Date(T0)), status: 'running' }, T0);
}

describe('the exam clock', () => {
  it('counts down while open, keeps the remaining time across a pause, and bands its colour', () => {
    let exam = running();
    expect(remainingMs(exam, T0 + 10 * 60_000)).toBe(50 * 60_000);
    exam = pauseExam(exam, T0 + 10 * 60_000);
    // A day away costs nothing
    expect(remainingMs(exam, T0 + 86_400_000)).toBe(50 * 60_000);
    const back = T0 + 86_400_000;
    exam = resumeExam(exam, back);
    expect(remainingMs(exam, back + 30 * 60_000)).toBe(20 * 60_000);
    expect(timeBand(exam, back + 30 * 60_000)).toBe('ok');
    expect(timeBand(exam, back + 36 * 60_000)).toBe('low');
    expect(timeBand(exam, back + 45 * 60_000)).toBe('critical');
    expect(remainingMs(exam, back + 99 * 60_000)).toBe(0);
    expect(usedMs(pauseExam(exam, back + 99 * 60_000), 0)).toBe(60 * 60_000);
  });

  it('counts the time on each task as the learner moves, and flags', () => {
    let exam = running();
    exam = selectTask(exam, 1, T0 + 5 * 60_000);
    exam = selectTask(exam, 0, T0 + 7 * 60_000);
    exam = toggleFlag(exam, 1);
    exam = pauseExam(exam, T0 + 8 * 60_000);
    expect(exam.tasks.map((t) => t.timeMs)).toEqual([6 * 60_000, 2 * 60_000, 0]);
    expect(exam.tasks.map((t) => t.flagged)).toEqual([false, true, false]);
    expect(toggleFlag(exam, 1).tasks[1]?.flagged).toBe(false);
  });
});

const r = (checkId: string, status: CheckResult['status'], weight = 1, graded = true): CheckResult =>
  ({
    checkId,
    title: checkId,
    graded,
    weight,
    status,
    expected: `x is ${checkId}`,
    actual: 'found y',
  }) as CheckResult;
const hintCosts = { nudge: 0.05, teach: 0.1, command: 0.25 };

describe('scoreExam', () => {
  it('scores partial credit per task, weights the tasks, and compares with the pass mark', () => {
    const exam = pauseExam(running(), T0 + 30 * 60_000);
    const [a, b, c3] = exam.tasks.map((t) => t.scenario) as [string, string, string];
    const rounds = new Map<string, TaskRound>([
      [
        a,
        {
          scenario: { hintCosts },
          results: [r('one', 'pass', 2), r('two', 'fail', 1)],
          debrief: 'D',
          solution: 'S',
        },
      ],
      [
        b,
        {
          scenario: { hintCosts },
          results: [r('one', 'pass'), r('guard', 'fail', 1, false)],
          debrief: '',
          solution: '',
        },
      ],
      [c3, { scenario: { hintCosts }, results: [], debrief: '', solution: '', error: 'the lab is down' }],
    ]);
    const result = scoreExam(exam, rounds, new Date(T0 + 30 * 60_000), 'submitted');
    const [ta, tb, tc] = result.tasks;
    expect(ta?.percent).toBe(67);
    expect(ta?.checks.find((x) => x.checkId === 'two')).toMatchObject({
      status: 'fail',
      expected: 'x is two',
      actual: 'found y',
    });
    expect(tb?.percent).toBe(0);
    expect(tb?.note).toMatch(/guard failed/);
    expect(tc?.note).toBe('not checked: the lab is down');
    const weights = exam.tasks.map((t) => t.weight);
    const expected = Math.round((100 * ((weights[0] ?? 0) * (2 / 3))) / weights.reduce((s, w) => s + w, 0));
    expect(result.percent).toBe(expected);
    expect(result.passed).toBe(expected >= 67);
    expect(result.usedMs).toBe(30 * 60_000);
  });

  it('passes at the pass mark exactly', () => {
    const exam = { ...pauseExam(running(), T0), passMark: 50 };
    const rounds = new Map<string, TaskRound>(
      exam.tasks.map((t, i) => [
        t.scenario,
        { scenario: { hintCosts }, results: [r('a', i === 0 ? 'fail' : 'pass')], debrief: '', solution: '' },
      ]),
    );
    const result = scoreExam(
      { ...exam, tasks: exam.tasks.map((t) => ({ ...t, weight: 1 })).slice(0, 2) },
      rounds,
      new Date(T0),
      'time',
    );
    expect(result.percent).toBe(50);
    expect(result.passed).toBe(true);
  });
});
