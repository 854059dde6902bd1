import { describe, expect, it } from 'vitest';
import type { CheckResult } from '../../src/domain/checks.js';
import { scenarioSchema } from '../../src/domain/scenario.js';
import { hintText, isSolved, nextHint, score } from '../../src/domain/scoring.js';

const hint = (id: string) => ({ nudge: `${id} nudge`, teach: `${id} teach`, command: `${id} command` });
const scenario = scenarioSchema.parse({
  format_version: 1,
  id: 's',
  title: 'S',
  domain: 'cluster-setup',
  difficulty: 'easy',
  minutes: 5,
  lab: 'none',
  checks: [
    {
      id: 'a',
      title: 'A',
      weight: 2,
      probe: { kind: 'file', path: 'a' },
      expect: { op: 'exists' },
      hint: hint('a'),
    },
    {
      id: 'guard',
      title: 'G',
      graded: false,
      probe: { kind: 'file', path: 'g' },
      expect: { op: 'exists' },
      hint: hint('g'),
    },
    {
      id: 'b',
      title: 'B',
      weight: 1,
      probe: { kind: 'file', path: 'b' },
      expect: { op: 'exists' },
      hint: hint('b'),
    },
    {
      id: 'c',
      title: 'C',
      weight: 1,
      probe: { kind: 'file', path: 'c' },
      expect: { op: 'exists' },
      hint: hint('c'),
    },
  ],
});

const result = (checkId: string, status: CheckResult['status']): CheckResult => {
  const c = scenario.checks.find((x) => x.id === checkId);
  if (!c) throw new Error(checkId);
  return { checkId, title: c.title, status, expected: '', actual: '', graded: c.graded, weight: c.weight };
};
const results = (statuses: Record<string, CheckResult['status']>) =>
  scenario.checks.map((c) => result(c.id, statuses[c.id] ?? 'fail'));

describe('score', () => {
  it('weights graded checks and ignores ungraded ones', () => {
    const s = score(scenario, results({ a: 'pass', guard: 'fail', b: 'fail', c: 'pass' }), [], false);
    expect(s).toEqual({ percent: 75, passedWeight: 3, totalWeight: 4, hintFactor: 1, forfeited: false });
  });
  it('errors and waiting count as not passed', () => {
    expect(score(scenario, results({ a: 'error', b: 'waiting', c: 'pass' }), [], false).percent).toBe(25);
  });
  it('multiplies by what the hints left', () => {
    const all = results({ a: 'pass', guard: 'pass', b: 'pass', c: 'pass' });
    const s = score(
      scenario,
      all,
      [
        { checkId: 'a', level: 'nudge' },
        { checkId: 'a', level: 'teach' },
      ],
      false,
    );
    expect(s.hintFactor).toBeCloseTo(0.85);
    expect(s.percent).toBe(85);
    const many = Array.from({ length: 6 }, () => ({ checkId: 'b', level: 'command' as const }));
    expect(score(scenario, all, many, false)).toMatchObject({ hintFactor: 0, percent: 0 });
  });
  it('a forfeited attempt scores 0', () => {
    expect(score(scenario, results({ a: 'pass', b: 'pass', c: 'pass' }), [], true)).toMatchObject({
      percent: 0,
      forfeited: true,
      passedWeight: 4,
    });
  });
  it('isSolved needs every graded check and every guard to pass, and at least one graded check', () => {
    expect(isSolved(results({ a: 'pass', guard: 'pass', b: 'pass', c: 'pass' }))).toBe(true);
    expect(isSolved(results({ a: 'pass', guard: 'fail', b: 'pass', c: 'pass' }))).toBe(false);
    expect(isSolved(results({ a: 'pass', b: 'pass' }))).toBe(false);
    expect(isSolved([result('guard', 'pass')])).toBe(false);
  });
});

describe('nextHint', () => {
  it('follows the first failing graded check and escalates nudge → teach → command', () => {
    const r = results({ a: 'pass', guard: 'fail', b: 'fail', c: 'fail' });
    const first = nextHint(scenario, r, []);
    expect(first).toMatchObject({ type: 'hint', level: 'nudge', text: 'b nudge', cost: 0.05 });
    expect(first.type === 'hint' && first.check.id).toBe('b');
    expect(nextHint(scenario, r, [{ checkId: 'b', level: 'nudge' }])).toMatchObject({
      level: 'teach',
      text: 'b teach',
    });
    const shown = [
      { checkId: 'b', level: 'nudge' },
      { checkId: 'b', level: 'teach' },
    ] as const;
    expect(nextHint(scenario, r, shown)).toMatchObject({ level: 'command', text: 'b command', cost: 0.25 });
    const exhausted = nextHint(scenario, r, [...shown, { checkId: 'b', level: 'command' }]);
    expect(exhausted.type).toBe('exhausted');
  });
  it('moves on when the check it followed passes; hints of other checks do not count', () => {
    const r = results({ a: 'pass', b: 'pass', c: 'error' });
    expect(nextHint(scenario, r, [{ checkId: 'b', level: 'nudge' }])).toMatchObject({
      level: 'nudge',
      text: 'c nudge',
    });
  });
  it('with no results the first graded check leads; with all passing there is none', () => {
    expect(nextHint(scenario, [], [])).toMatchObject({ text: 'a nudge' });
    expect(nextHint(scenario, results({ a: 'pass', guard: 'pass', b: 'pass', c: 'pass' }), [])).toEqual({
      type: 'none',
    });
  });
  it('a failing guard leads only once every graded check passes', () => {
    const next = nextHint(scenario, results({ a: 'pass', guard: 'fail', b: 'pass', c: 'pass' }), []);
    expect(next).toMatchObject({ type: 'hint', check: { id: 'guard' }, level: 'nudge' });
  });
  it('hintText finds a revealed hint', () => {
    expect(hintText(scenario.checks, { checkId: 'c', level: 'teach' })).toBe('c teach');
    expect(hintText(scenario.checks, { checkId: 'zz', level: 'teach' })).toBe('');
  });
});
