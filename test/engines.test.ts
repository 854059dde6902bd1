import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * `engines.node` admits no Node that lacks what the shipped code uses (code review §6c.2: on
 * 20.5–20.10 `import.meta.dirname` is undefined and every command threw), and the docs state the
 * same minimum.
 */

const ROOT = path.resolve(import.meta.dirname, '..');

/** APIs the code may use, with the first Node release that has them. */
const NEEDS: readonly { readonly pattern: RegExp; readonly what: string; readonly since: string }[] = [
  { pattern: /import\.meta\.(dirname|filename)\b/, what: 'import.meta.dirname', since: '20.11.0' },
];

function version(v: string): [number, number, number] {
  const [major = 0, minor = 0, patch = 0] = v.split('.').map(Number);
  return [major, minor, patch];
}

function atLeast(v: string, min: string): boolean {
  const a = version(v);
  const b = version(min);
  for (let i = 0; i < 3; i++) if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) > (b[i] ?? 0);
  return true;
}

function sources(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && /\.(ts|tsx|js|mjs)$/.test(e.name))
    .map((e) => path.join(e.parentPath, e.name));
}

const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
  engines: { node: string };
};
const minimum = /^>=\s*(\d+\.\d+\.\d+)$/.exec(pkg.engines.node)?.[1];

describe('engines.node', () => {
  it('is a plain lower bound', () => {
    expect(minimum, pkg.engines.node).toBeDefined();
  });

  it.each(NEEDS)('admits no Node without $what when the shipped code uses it', (need) => {
    const users = [...sources(path.join(ROOT, 'src')), ...sources(path.join(ROOT, 'bin'))].filter((f) =>
      need.pattern.test(fs.readFileSync(f, 'utf8')),
    );
    if (users.length === 0) return;
    expect(
      atLeast(minimum ?? '0.0.0', need.since),
      `${path.relative(ROOT, users[0] ?? '')} uses ${need.what} (Node ${need.since}); engines says ${pkg.engines.node}`,
    ).toBe(true);
  });

  it('is the minimum the README and docs/kind.md state', () => {
    const [major, minor] = version(minimum ?? '');
    const stated = `≥ ${major}.${minor}`;
    expect(fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8')).toContain(`Node ${major} (${stated})`);
    expect(fs.readFileSync(path.join(ROOT, 'docs', 'kind.md'), 'utf8')).toMatch(
      new RegExp(`\\| Node\\.js\\s+\\| ${stated}\\s+\\|`),
    );
  });
});
