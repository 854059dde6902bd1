import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadScenarios } from '../../src/adapters/scenario-loader.js';
import type { ParamSpec } from '../../src/domain/params.js';
import { SCENARIOS_ROOT } from './harness.js';

/** Every name-like value a parameter can draw (a `name` draws its words, maybe with digits). */
function drawable(spec: ParamSpec): string[] {
  if (spec.kind === 'choice') return spec.from.map(String).filter((v) => /[a-z]/.test(v));
  if (spec.kind === 'name') return [...spec.words];
  return [];
}

/** Names a scenario's setup fixes: namespaces it creates and groups it binds (one lab for all). */
function fixedNames(id: string): string[] {
  const file = path.join(SCENARIOS_ROOT, id, 'setup.sh');
  if (!fs.existsSync(file)) return [];
  const text = fs.readFileSync(file, 'utf8');
  const names = [
    ...text.matchAll(/\bnamespace: ([a-z][a-z0-9-]*)\b/g),
    ...text.matchAll(/\bcreate (?:namespace|ns) ([a-z][a-z0-9-]*)\b/g),
    ...text.matchAll(/\bkind: Group, name: ([a-z][a-z0-9-]*)\b/g),
  ].map((m) => m[1] ?? '');
  return [...new Set(names)].filter((n) => !['default', 'kube-system', 'kubernetes-dashboard'].includes(n));
}

// Cluster scenarios share one lab, and an exam sets several up at once: a value one scenario may
// draw for a namespace, account or group must never be a name another scenario draws or fixes,
// or one task's setup or reset deletes the other's objects (found: `orders`, `reporting`, `ci`).
describe('randomised names of cluster scenarios', () => {
  it('never draw a name another cluster scenario draws or fixes', () => {
    const cluster = loadScenarios(SCENARIOS_ROOT).flatMap((e) =>
      e.valid && e.scenario.lab === 'cluster' ? [e.scenario] : [],
    );
    const drawn = new Map(
      cluster.map((s) => [s.id, Object.values(s.paramTemplate?.specs ?? {}).flatMap(drawable)]),
    );
    expect([...drawn.values()].filter((v) => v.length > 0).length).toBeGreaterThan(3);
    const clashes: string[] = [];
    for (const a of cluster)
      for (const b of cluster) {
        if (a.id === b.id) continue;
        const other = new Set([...(drawn.get(b.id) ?? []), ...fixedNames(b.id)]);
        for (const v of drawn.get(a.id) ?? [])
          if (other.has(v)) clashes.push(`${a.id} may draw ${v}, which ${b.id} uses`);
      }
    expect(clashes).toEqual([]);
  });
});
