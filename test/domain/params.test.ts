import { describe, expect, it } from 'vitest';
import {
  bindScenario,
  displayParams,
  drawParams,
  envRefsIn,
  type ParamSpecs,
  paramEnv,
  paramsSchema,
  placeholdersIn,
  placeholdersInData,
  referenceProblem,
  renderData,
  renderScript,
  renderText,
  sampleParams,
  unboundScenario,
} from '../../src/domain/params.js';
import type { Scenario } from '../../src/domain/scenario.js';
import { DEFAULT_SELFTEST_SEEDS, selfTestSeeds } from '../../src/domain/selftest.js';

const specs: ParamSpecs = paramsSchema.parse({
  user: { kind: 'name', words: ['john', 'maria', 'priya', 'omar'] },
  team: { kind: 'name', words: ['web', 'db'], digits: 3 },
  namespace: { kind: 'choice', from: ['default', 'finance', 'payments'] },
  port: { kind: 'int', min: 30000, max: 32767 },
  days: { kind: 'choice', from: [90, 180, 365] },
});

describe('drawParams', () => {
  it('gives the same values for the same seed, every time', () => {
    expect(drawParams(specs, 42)).toEqual(drawParams(specs, 42));
    expect(drawParams(specs, 0)).toEqual(drawParams(specs, 0));
  });

  it('gives other values for other seeds', () => {
    const drawn = new Set(Array.from({ length: 20 }, (_, seed) => JSON.stringify(drawParams(specs, seed))));
    expect(drawn.size).toBeGreaterThan(15);
    // Neighbouring seeds are not stuck on one value (the seed is mixed before the draw).
    const users = new Set([1, 2, 3, 4, 5, 6].map((seed) => drawParams(specs, seed).user));
    expect(users.size).toBeGreaterThan(1);
  });

  it('draws every value within its kind', () => {
    for (let seed = 0; seed < 200; seed++) {
      const v = drawParams(specs, seed);
      expect(['john', 'maria', 'priya', 'omar']).toContain(v.user);
      expect(v.team).toMatch(/^(web|db)-\d{3}$/);
      expect(['default', 'finance', 'payments']).toContain(v.namespace);
      expect(v.port).toBeGreaterThanOrEqual(30000);
      expect(v.port).toBeLessThanOrEqual(32767);
      expect(Number.isInteger(v.port)).toBe(true);
      expect([90, 180, 365]).toContain(v.days);
    }
  });

  it('reaches every value of a choice over many seeds', () => {
    const seen = new Set(Array.from({ length: 100 }, (_, seed) => drawParams(specs, seed).namespace));
    expect([...seen].sort()).toEqual(['default', 'finance', 'payments']);
  });

  it('a new parameter leaves the values of the others as they were', () => {
    const more = { ...specs, extra: { kind: 'choice' as const, from: ['a', 'b'] } };
    const { extra: _, ...rest } = drawParams(more, 7);
    expect(rest).toEqual(drawParams(specs, 7));
  });
});

describe('paramsSchema', () => {
  it('refuses a bad name, one value, min above max, a word that is no Kubernetes name', () => {
    expect(paramsSchema.safeParse({ User: { kind: 'choice', from: ['a', 'b'] } }).success).toBe(false);
    expect(paramsSchema.safeParse({ x: { kind: 'choice', from: ['a'] } }).success).toBe(false);
    expect(paramsSchema.safeParse({ x: { kind: 'choice', from: ['a', 'a'] } }).success).toBe(false);
    const minMax = paramsSchema.safeParse({ x: { kind: 'int', min: 5, max: 1 } });
    expect(minMax.success).toBe(false);
    expect(minMax.error?.issues[0]?.path).toEqual(['x', 'min']);
    expect(paramsSchema.safeParse({ x: { kind: 'name', words: ['Not_A_Name'] } }).success).toBe(false);
    expect(paramsSchema.safeParse({ x: { kind: 'dice', sides: 6 } }).success).toBe(false);
  });
});

describe('placeholders', () => {
  const values = { user: 'maria', port: 30080 };

  it('fill in text, and leave an unknown one and Go templates alone', () => {
    expect(renderText('{{param.user}}.crt has CN={{ param.user }}', values)).toBe('maria.crt has CN=maria');
    expect(renderText('{{param.nope}} {{.data.token | base64decode}}', values)).toBe(
      '{{param.nope}} {{.data.token | base64decode}}',
    );
  });

  it('fill in data: a string that is exactly one placeholder keeps the value’s type', () => {
    const data = {
      checks: [
        {
          title: 'port {{param.port}}',
          expect: { op: 'gte', value: '{{param.port}}' },
          list: ['{{param.user}}'],
        },
      ],
      n: 3,
      flag: true,
    };
    expect(renderData(data, values)).toEqual({
      checks: [{ title: 'port 30080', expect: { op: 'gte', value: 30080 }, list: ['maria'] }],
      n: 3,
      flag: true,
    });
  });

  it('are found with where they are, and a misspelt one says what is wrong', () => {
    expect(placeholdersInData({ a: [{ b: 'x {{param.user}}' }], c: 'none' })).toEqual([
      { path: ['a', 0, 'b'], ref: { name: 'user' } },
    ]);
    expect(placeholdersIn('{{params.user}}')[0]?.malformed).toMatch(/param, not params/);
    expect(placeholdersIn('{{param.User}}')[0]?.malformed).toMatch(/not a parameter name/);
    expect(referenceProblem({ name: 'nope' }, specs)).toMatch(
      /no parameter "nope" is declared under params: \(declared: /,
    );
    expect(referenceProblem({ name: 'nope' }, undefined)).toMatch(/\(none is\)/);
    expect(referenceProblem({ name: 'user' }, specs)).toBeUndefined();
  });

  it('in scripts: $KHL_PARAM_NAME and its braced form are found and filled in for the learner', () => {
    expect(
      envRefsIn(`echo "$KHL_PARAM_USER" \${KHL_PARAM_PORT:-1} $KHL_PARAM_user`).map((r) => r.name),
    ).toEqual(['user', 'port', 'user']);
    expect(envRefsIn('$KHL_PARAM_user')[0]?.malformed).toMatch(/capitals/);
    expect(
      renderScript(`kubectl --user="$KHL_PARAM_USER" --port=\${KHL_PARAM_PORT} $KHL_PARAM_OTHER`, values),
    ).toBe('kubectl --user="maria" --port=30080 $KHL_PARAM_OTHER');
    expect(paramEnv(values)).toEqual({ KHL_PARAM_USER: 'maria', KHL_PARAM_PORT: '30080' });
  });

  it('before setup show as ‹name› in text; a value takes the first sample (it must stay valid)', () => {
    const display = displayParams(specs);
    expect(renderText('as {{param.user}}', display)).toBe('as ‹user›');
    expect(renderData({ value: '{{param.days}}' }, display)).toEqual({ value: 90 });
    expect(renderData({ value: '{{param.user}}', title: 'for {{param.user}}' }, display)).toEqual({
      value: 'john',
      title: 'for ‹user›',
    });
  });

  it('samples take every value of a choice and word, and both ends of an int', () => {
    const samples = sampleParams(specs);
    expect(new Set(samples.map((s) => s.namespace))).toEqual(new Set(['default', 'finance', 'payments']));
    expect(new Set(samples.map((s) => s.user))).toEqual(new Set(['john', 'maria', 'priya', 'omar']));
    expect(new Set(samples.map((s) => s.port))).toEqual(new Set([30000, 32767]));
  });
});

describe('bindScenario', () => {
  const template = {
    specs: paramsSchema.parse({ user: { kind: 'name', words: ['john', 'maria', 'priya', 'omar'] } }),
    checks: [
      {
        id: 'cn',
        title: '{{param.user}}.crt has CN={{param.user}}',
        probe: { kind: 'x509', cert: '{{param.user}}.crt' },
        field: 'subject.CN',
        expect: { op: 'eq', value: '{{param.user}}' },
        hint: { nudge: 'who is {{param.user}}?', teach: 't', command: 'openssl … -subj /CN={{param.user}}' },
      },
    ],
    briefText: 'Make a certificate for {{param.user}}.',
    debriefText: '{{param.user}} can now log in.',
  };
  const scenario = { id: 's', paramTemplate: template } as unknown as Scenario;

  it('fills in checks, hints, brief and debrief from the seed, and keeps seed and values', () => {
    const bound = bindScenario(scenario, 5);
    const user = drawParams(template.specs, 5).user as string;
    expect(bound.bound).toEqual({ seed: 5, values: { user } });
    expect(bound.briefText).toBe(`Make a certificate for ${user}.`);
    expect(bound.debriefText).toBe(`${user} can now log in.`);
    const check = bound.checks[0];
    expect(check?.title).toBe(`${user}.crt has CN=${user}`);
    expect(check?.probe).toEqual({ kind: 'x509', cert: `${user}.crt` });
    expect(check?.expect.value).toBe(user);
    expect(check?.hint.command).toBe(`openssl … -subj /CN=${user}`);
    // Bound again with the same seed: itself; with another: from the template, not from the last values.
    expect(bindScenario(bound, 5)).toBe(bound);
    const other = [6, 7, 8, 9, 10].map((seed) => bindScenario(bound, seed));
    for (const o of other) expect(o.checks[0]?.expect.value).toBe(o.bound?.values.user);
    expect(unboundScenario(bound).briefText).toBe('Make a certificate for ‹user›.');
    expect(unboundScenario(bound).bound).toBeUndefined();
  });

  it('leaves a scenario without params as it is', () => {
    const plain = { id: 'p', checks: [], briefText: 'b' } as unknown as Scenario;
    expect(bindScenario(plain, 1)).toBe(plain);
    expect(unboundScenario(plain)).toBe(plain);
  });
});

describe('selfTestSeeds', () => {
  const selftest = { otherSolutions: [], nearMisses: [] };
  it('three by default with params, the scenario’s own seeds when given, none without params', () => {
    expect(selfTestSeeds({ params: { user: {} }, selftest })).toEqual(DEFAULT_SELFTEST_SEEDS);
    expect(DEFAULT_SELFTEST_SEEDS.length).toBe(3);
    expect(selfTestSeeds({ params: { user: {} }, selftest: { ...selftest, seeds: [7, 8] } })).toEqual([7, 8]);
    expect(selfTestSeeds({ selftest })).toEqual([]);
    expect(selfTestSeeds({ params: {}, selftest })).toEqual([]);
  });
});
