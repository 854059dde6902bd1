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
});
