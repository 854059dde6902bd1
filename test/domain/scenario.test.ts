import { describe, expect, it } from 'vitest';
import { scenarioSchema } from '../../src/domain/scenario.js';

const hint = { nudge: 'n', teach: 't', command: 'c' };
const scenario = (checks: unknown[], lab = 'cluster') => ({
  format_version: 1,
  id: 's',
  title: 'S',
  domain: 'cluster-setup',
  difficulty: 'easy',
  minutes: 5,
  lab,
  checks,
});
const issues = (checks: unknown[], lab?: string) => {
  const r = scenarioSchema.safeParse(scenario(checks, lab));
  return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
};
const check = (probe: unknown, field?: string) => ({
  id: 'c',
  title: 't',
  probe,
  ...(field ? { field } : {}),
  expect: { op: 'eq', value: 1 },
  hint,
});

describe('scenario schema', () => {
  it('observed facts are structured: the fact is one of the known ones, with its own fields', () => {
    expect(
      issues([check({ kind: 'observed', fact: 'pdb', namespace: 'm', name: 'web' }, 'lowestHealthy')]),
    ).toEqual([]);
    expect(issues([check({ kind: 'observed', fact: 'node-maintenance' }, 'drainedBeforeRestart')])).toEqual(
      [],
    );
    expect(issues([check({ kind: 'observed', fact: 'pdb:m/web' })])[0]).toMatch(/^checks\.0\.probe\.fact: /);
    expect(issues([check({ kind: 'observed', fact: 'pdb', namespace: 'm' })])[0]).toMatch(
      /^checks\.0\.probe\.name: /,
    );
    expect(issues([check({ kind: 'observed', fact: 'recorder', node: 'worker' })])[0]).toMatch(
      /checks\.0\.probe/,
    );
  });

  it('a field the probe does not observe is refused (it would be "nothing" at run time)', () => {
    expect(issues([check({ kind: 'observed', fact: 'pdb', name: 'web' }, 'lowestHealty')])).toEqual([
      expect.stringMatching(
        /^checks\.0\.field: observed observes no field "lowestHealty" \(it has: minAvailable, lowestHealthy/,
      ),
    ]);
    expect(issues([check({ kind: 'x509', cert: 'a.crt' }, 'subject.CN')], 'none')).toEqual([]);
    expect(issues([check({ kind: 'x509', cert: 'a.crt' }, 'subjet.CN')], 'none')[0]).toMatch(
      /no field "subjet"/,
    );
    // Kinds whose observation is the cluster's own object take any path.
    expect(issues([check({ kind: 'api', resource: 'nodes' }, 'items[0].status.capacity.pods')])).toEqual([]);
  });

  it('a graded command check says why no probe kind can say it; a guard need not', () => {
    const run = { kind: 'command', run: 'kubectl get --raw /readyz' };
    expect(issues([check(run, 'stdout')])).toEqual([
      'checks.0.probe.why: a graded command check says why no probe kind can say it (why: one line)',
    ]);
    expect(issues([check({ ...run, why: 'the raw endpoint has no probe kind' }, 'stdout')])).toEqual([]);
    expect(
      issues([
        { ...check(run, 'stdout'), graded: false },
        { ...check({ kind: 'nodeState', node: 'w' }, 'ready'), id: 'd' },
      ]),
    ).toEqual([]);
  });

  it('a cluster probe in a scenario without a lab is refused', () => {
    expect(issues([check({ kind: 'nodeState', node: 'worker' }, 'ready')], 'none')).toEqual([
      'checks.0.probe: probe nodeState needs a cluster, but lab is none',
    ]);
    expect(issues([check({ kind: 'file', path: '/etc/x', node: 'worker' }, 'exists')], 'none')).toHaveLength(
      1,
    );
  });

  it('valueFrom names a field its probe observes, and is value or valueFrom, never both', () => {
    const from = (field: string, extra: object = {}) => ({
      ...check({ kind: 'file', path: 'a.txt' }, 'content'),
      expect: { op: 'eq', valueFrom: { probe: { kind: 'apiRequest', path: '/version' }, field }, ...extra },
    });
    expect(issues([from('body.gitVersion')])).toEqual([]);
    expect(issues([from('bdy.gitVersion')])[0]).toMatch(
      /^checks\.0\.expect\.valueFrom\.field: apiRequest observes no field "bdy"/,
    );
    expect(issues([from('body', { value: 'x' })])[0]).toMatch(/value or valueFrom, not both/);
    expect(issues([from('body')], 'none')[0]).toMatch(/valueFrom\.probe: probe apiRequest needs a cluster/);
  });

  it('a credential read from the scenario folder must be listed under files:', () => {
    const probe = {
      kind: 'apiRequest',
      path: '/version',
      as: { token: { file: 'bot.token', from: 'scenario' } },
    };
    expect(issues([check(probe, 'status')])[0]).toMatch(
      /bot\.token is read from the scenario folder: list it under files:/,
    );
    const r = scenarioSchema.safeParse({ ...scenario([check(probe, 'status')]), files: ['bot.token'] });
    expect(r.success).toBe(true);
  });

  it('a write from a check is a dry run, and an access review names a resource or a URL', () => {
    expect(
      issues([check({ kind: 'apiRequest', path: '/api/v1/nodes/n', method: 'DELETE' }, 'status')])[0],
    ).toMatch(/dryRun: a write from a check must be a dry run/);
    expect(
      issues([
        check({ kind: 'apiRequest', path: '/api/v1/nodes/n', method: 'DELETE', dryRun: true }, 'status'),
      ]),
    ).toEqual([]);
    expect(
      issues([check({ kind: 'access', user: 'u', verb: 'get', nonResourcePath: '/metrics' }, 'allowed')]),
    ).toEqual([]);
    expect(issues([check({ kind: 'access', user: 'u', verb: 'get' }, 'allowed')])[0]).toMatch(
      /resource or nonResourcePath/,
    );
    expect(
      issues([check({ kind: 'admission', verb: 'patch', resource: 'nodes', name: 'n' }, 'allowed')])[0],
    ).toMatch(/patch needs patch/);
  });
});
