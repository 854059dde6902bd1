import { describe, expect, it } from 'vitest';
import { type Check, checkSchema, defaultSubject, evaluate } from '../../src/domain/checks.js';
import { describeActual } from '../../src/domain/ops.js';

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
    expect(words('has', ['Node', 'RBAC'])).toBe('X includes each of `Node`, `RBAC`');
    expect(words('nothave', ['AlwaysAllow'])).toBe('X includes none of `AlwaysAllow`');
    expect(words('contains', 'Node')).toBe('X contains the text `Node`');
    expect(words('eq', [])).toBe('X is an empty list');
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
    expect(bad({ op: 'contains', value: ['a'] }).success).toBe(false);
    expect(bad({ op: 'gte', value: 'big' }).success).toBe(false);
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
