import { describe, expect, it } from 'vitest';
import {
  type Check,
  checkSchema,
  compare,
  defaultSubject,
  describeActual,
  evaluate,
  parseFieldPath,
  select,
} from '../../src/domain/checks.js';

const hint = { nudge: 'n', teach: 't', command: 'c' };
const check = (over: Record<string, unknown>): Check =>
  checkSchema.parse({
    id: 'c1',
    title: 'T',
    probe: { kind: 'kubeconfig', path: 'my-kube-config' },
    expect: { op: 'eq', value: 'research' },
    hint,
    ...over,
  });

describe('select and parseFieldPath', () => {
  const v = { a: { b: [{ c: 1 }, { c: 2 }] }, 'x.y': 'dotted', list: ['p', 'q'] };
  it.each([
    ['a.b[0].c', 1],
    ['a.b[1].c', 2],
    ['a.b[-1].c', 2],
    ['list[0]', 'p'],
    ['["x.y"]', 'dotted'],
    ['a.missing.deeper', undefined],
    ['list.length', 2],
    ['a.b[0].c.d', undefined],
    ['a.b[5].c', undefined],
  ])('%s → %j', (field, expected) => {
    expect(select(v, field)).toEqual(expected);
  });
  it('no field selects the whole value; steps parse', () => {
    expect(select(v, undefined)).toBe(v);
    expect(parseFieldPath('a.b[2]["k.l"]')).toEqual(['a', 'b', 2, 'k.l']);
  });
});

describe('compare', () => {
  it.each([
    ['eq', 'research', 'research', true],
    ['eq', 2048, '2048', true],
    ['eq', undefined, 'x', false],
    ['eq', false, false, true],
    ['neq', 'a', 'b', true],
    ['gte', 2048, 2048, true],
    ['gt', 2048, 2048, false],
    ['lte', '10', 11, true],
    ['lt', undefined, 5, false],
    ['gte', 'abc', 1, false],
    ['has', ['developers', 'qa'], 'qa', true],
    ['has', 'developers', 'developers', true],
    ['has', 'Node,RBAC', 'RBAC', true],
    ['has', 'NodeRestriction,PodSecurity', 'PodSecurity', true],
    ['has', undefined, 'x', false],
    ['nothave', ['a', 'b'], 'c', true],
    ['nothave', 'AlwaysAdmit,NodeRestriction', 'AlwaysAdmit', false],
    ['nothave', undefined, 'x', true],
    ['matches', 'tcp://0.0.0.0:2376', ':2376$', true],
    ['matches', ['x', 'tcp://a:2376'], ':2376$', true],
    ['notmatches', 'abc', '^z', true],
    ['notmatches', undefined, 'x', true],
    ['exists', 0, undefined, true],
    ['exists', '', undefined, false],
    ['exists', false, undefined, false],
    ['absent', null, undefined, true],
    ['absent', 'x', undefined, false],
    ['in', 'token', ['token', 'token-file'], true],
    ['in', 'exec', ['token', 'token-file'], false],
    ['bitmask', '600', '600', true],
    ['bitmask', '400', '600', true],
    ['bitmask', '000', '600', true],
    ['bitmask', '644', '600', false],
    ['bitmask', '640', '640', true],
    ['bitmask', 0o600, '644', true],
    ['bitmask', '4755', '755', false],
    ['bitmask', undefined, '600', false],
  ] as const)('%s(%j, %j) is %s', (op, actual, expected, result) => {
    expect(compare(op, actual, expected)).toBe(result);
  });
});

describe('evaluate', () => {
  it('says what was expected and found, in words', () => {
    const c = check({ field: 'currentContext' });
    const r = evaluate(
      c,
      { type: 'value', value: { currentContext: 'kubernetes-admin@kubernetes' } },
      'current-context of my-kube-config',
    );
    expect(r).toMatchObject({
      checkId: 'c1',
      status: 'fail',
      expected: 'current-context of my-kube-config is `research`',
      actual: 'found `kubernetes-admin@kubernetes`',
      graded: true,
      weight: 1,
    });
    const ok = evaluate(c, { type: 'value', value: { currentContext: 'research' } }, 's');
    expect(ok.status).toBe('pass');
  });

  it('describes every op and missing values', () => {
    const words = (op: string, value?: unknown) =>
      evaluate(check({ expect: { op, value } }), { type: 'value', value: undefined }, 'X').expected;
    expect(words('gte', 2048)).toBe('X is at least 2048');
    expect(words('has', 'developers')).toBe('X includes `developers`');
    expect(words('nothave', 'AlwaysAdmit')).toBe('X does not include `AlwaysAdmit`');
    expect(words('bitmask', '600')).toBe('X has mode 600 or stricter');
    expect(words('in', ['a', 'b'])).toBe('X is one of `a`, `b`');
    expect(words('absent')).toBe('X is not set');
    expect(words('matches', ':2376$')).toBe('X matches /:2376$/');
    expect(describeActual(undefined)).toBe('found nothing (not set)');
    expect(describeActual(3649.51234)).toBe('found 3649.51');
    expect(describeActual([])).toBe('found an empty list');
    expect(describeActual('x'.repeat(200))).toMatch(/…`$/);
  });

  it('errors and waiting windows pass through with their message', () => {
    const c = check({});
    expect(evaluate(c, { type: 'error', message: 'the kubeconfig x does not exist' }, 's')).toMatchObject({
      status: 'error',
      actual: 'the kubeconfig x does not exist',
    });
    expect(evaluate(c, { type: 'waiting', message: 'restarting' }, 's').status).toBe('waiting');
  });

  it('default subjects name what is looked at', () => {
    expect(
      defaultSubject(
        check({ field: 'context.user', probe: { kind: 'kubeconfig', path: 'kc', context: 'john' } }),
      ),
    ).toBe('context.user of context john in kc');
    expect(defaultSubject(check({ field: 'subject.CN', probe: { kind: 'x509', cert: 'ca.crt' } }))).toBe(
      'subject.CN of certificate ca.crt',
    );
    expect(
      defaultSubject(check({ probe: { kind: 'field', path: 'd.json', format: 'json', at: 'hosts[0]' } })),
    ).toBe('hosts[0] in d.json');
  });
});

describe('check schema', () => {
  it('refuses values an op cannot use', () => {
    const bad = (expect_: unknown) =>
      checkSchema.safeParse({
        id: 'a',
        title: 't',
        probe: { kind: 'file', path: 'f' },
        expect: expect_,
        hint,
      });
    expect(bad({ op: 'eq' }).success).toBe(false);
    expect(bad({ op: 'in', value: 'x' }).success).toBe(false);
    expect(bad({ op: 'matches', value: '(' }).success).toBe(false);
    expect(bad({ op: 'bitmask', value: '999' }).success).toBe(false);
    expect(bad({ op: 'exists' }).success).toBe(true);
  });
  it('needs all three hint levels', () => {
    const r = checkSchema.safeParse({
      id: 'a',
      title: 't',
      probe: { kind: 'file', path: 'f' },
      expect: { op: 'exists' },
      hint: { nudge: 'n', teach: 't' },
    });
    expect(r.success).toBe(false);
  });
});
