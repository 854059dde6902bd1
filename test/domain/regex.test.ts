import { describe, expect, it } from 'vitest';
import { checkSchema, evaluate } from '../../src/domain/checks.js';
import { OPS } from '../../src/domain/ops.js';
import { regexFind, regexProblem } from '../../src/domain/regex.js';

/** Issue 13.1 (D4): regex ops are bounded (RE2, linear time), and validate refuses catastrophic patterns. */
describe('regex ops', () => {
  it('match a catastrophic pattern against a hostile learner text in linear time', () => {
    const hostile = `${'a'.repeat(45)}b`;
    const started = Date.now();
    expect(regexFind('^(a+)+$', hostile)).toBe(false);
    expect(OPS.matches.test(hostile, '^(a+)+$')).toBe(false);
    expect(OPS.notmatches.test(`${'a'.repeat(100_000)}b`, '^(a|aa)+$')).toBe(true);
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('are multi-line, as before (^ and $ at each line)', () => {
    expect(regexFind('^z', 'a\nzz')).toBe(true);
    expect(regexFind(':2376$', 'tcp://0.0.0.0:2376\nnext')).toBe(true);
    expect(regexFind('^x$', 'ax')).toBe(false);
  });

  it.each([
    ['^(a+)+$', /repeats a group that itself repeats/],
    ['(\\w*\\s?)*x', /repeats a group/],
    ['((ab)+c)*', /repeats a group/],
    ['(a{2,})+', /repeats a group/],
    ['(?=a)b', /RE2 syntax.*lookaround/],
    ['(a)\\1', /not a valid regular expression/],
    ['(', /missing closing \)/],
  ])('validate refuses %s', (pattern, why) => {
    expect(regexProblem(pattern)).toMatch(why);
  });

  it.each(['^tcp://', ':2376$', '(a|b)+', '^(\\d+\\.){3}\\d+$', '[(+)]+', '\\(a+\\)+', 'x(ab)?y+'])(
    'accepts %s',
    (pattern) => {
      expect(regexProblem(pattern)).toBeUndefined();
    },
  );

  it('a scenario check with a catastrophic pattern is refused by the schema (validate)', () => {
    const parsed = checkSchema.safeParse({
      id: 'redos',
      title: 'notes',
      probe: { kind: 'file', path: 'notes.txt', field: 'text' },
      expect: { op: 'matches', value: '^(a+)+$' },
    });
    expect(parsed.success).toBe(false);
    expect(JSON.stringify(parsed.error?.issues)).toContain('repeats a group');
  });

  it('evaluate with a matches check stays quick on hostile input', () => {
    const started = Date.now();
    const r = evaluate(
      { id: 'c', title: 't', graded: true, weight: 1, expect: { op: 'matches', value: '^a+$' } } as never,
      { type: 'value', value: `${'a'.repeat(1_000_000)}b` } as never,
      'notes.txt',
    );
    expect(r.status).toBe('fail');
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});
