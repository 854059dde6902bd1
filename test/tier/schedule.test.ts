import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { selfTestSeeds } from '../../src/domain/selftest.js';
import { clusterScenarioIds, selfTestCaseCount, usesThisMachine } from '../cluster/scenarios/shims.js';
import { longestFirst, readDurations } from '../cluster/sequencer.js';
import { createTestTrainer } from '../scenarios/harness.js';

/** A scenarios folder in a temporary directory holding one scenario `id` with `files`; its root. */
function scenarioFolder(id: string, files: Record<string, string>): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'khl-shims-'));
  fs.mkdirSync(path.join(root, id));
  for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(root, id, name), text);
  return root;
}

// The cluster tier's schedule (fast tier: no cluster needed): one file per self-test case, longest first.
describe('cluster tier schedule', () => {
  it('puts the longest known file first, unknown files early, and ties in path order', () => {
    const ms = { 'b.ts': 60_000, 'c.ts': 900_000, 'd.ts': 60_000 };
    expect(longestFirst(['d.ts', 'a.ts', 'b.ts', 'c.ts'], (f) => f, ms)).toEqual([
      'c.ts',
      'a.ts',
      'b.ts',
      'd.ts',
    ]);
  });

  it('reads a missing or broken durations file as no durations', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'khl-durations-'));
    expect(readDurations(path.join(dir, 'none.json'))).toEqual({});
    fs.writeFileSync(path.join(dir, 'bad.json'), '{"a.ts": 5, "b.ts": "x"');
    expect(readDurations(path.join(dir, 'bad.json'))).toEqual({});
    fs.writeFileSync(path.join(dir, 'ok.json'), '{"a.ts": 5, "b.ts": "x"}');
    expect(readDurations(path.join(dir, 'ok.json'))).toEqual({ 'a.ts': 5 });
  });

  it('counts a case for the reference, each other solution and each near miss', () => {
    const dir = scenarioFolder('s', {
      'selftest.yaml':
        'otherSolutions:\n  - { name: a, script: x }\nnearMisses:\n  - { name: b, script: y, failing: [c] }\n  - { name: c, script: z, failing: [c] }\n',
    });
    expect(selfTestCaseCount('s', dir)).toBe(4);
    fs.writeFileSync(path.join(dir, 's', 'selftest.yaml'), 'otherSolutions: [\n');
    expect(selfTestCaseCount('s', dir)).toBe(1);
    expect(clusterScenarioIds().length).toBeGreaterThan(10);
  });

  it('writes as many case files as the cluster harness has cases (a reference per seed with params)', () => {
    const { trainer, cleanup } = createTestTrainer();
    try {
      const ids = clusterScenarioIds();
      const counts = Object.fromEntries(ids.map((id) => [id, selfTestCaseCount(id)]));
      const cases = Object.fromEntries(
        ids.map((id) => {
          const s = trainer.get(id);
          const references = selfTestSeeds(s).length || 1;
          return [id, references + s.selftest.otherSolutions.length + s.selftest.nearMisses.length];
        }),
      );
      expect(counts).toEqual(cases);
    } finally {
      cleanup();
    }
  });

  it('counts a reference case per seed for a scenario with params', () => {
    const dir = scenarioFolder('p', {
      'scenario.yaml': 'lab: cluster\nparams:\n  ns: { kind: choice, from: [a, b] }\n',
      'selftest.yaml': 'nearMisses:\n  - { name: b, script: y, failing: [c] }\n',
    });
    expect(selfTestCaseCount('p', dir)).toBe(3 + 1);
    fs.writeFileSync(path.join(dir, 'p', 'selftest.yaml'), 'seeds: [4, 9]\n');
    expect(selfTestCaseCount('p', dir)).toBe(2);
  });

  it('keeps the cases of a scenario that asks from this machine in one file (one port for every cluster)', () => {
    expect(usesThisMachine('api-endpoints')).toBe(true);
    expect(usesThisMachine('abac-policy')).toBe(false);
    expect(usesThisMachine('no-such-scenario')).toBe(false);
  });
});
