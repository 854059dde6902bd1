import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * `engines.node` admits no Node that lacks what the shipped code uses (code review §6c.2: on
 * 20.5–20.10 `import.meta.dirname` is undefined and every command threw) and no Node that a
 * shipped dependency refuses (jsep, under client-node, needs 20.16), and the docs state the same
 * minimum.
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

/**
 * Whether Node `v` is in an npm engines range, for the forms the lock file holds: `*`, `>=V`,
 * `^V`, `X.*` / `X.x`, joined by `||` (V may leave out minor and patch). Another form throws, so
 * a new one is added here rather than passed unread.
 */
function satisfies(v: string, range: string): boolean {
  return range.split('||').some((alternative) => {
    const wanted = alternative.trim().replace(/^(>=|\^)\s+/, '$1');
    if (wanted === '*') return true;
    const [major] = version(v);
    const m = /^(>=|\^)?(\d+)(?:\.(\d+|\*|x))?(?:\.(\d+|\*|x))?$/.exec(wanted);
    if (!m) throw new Error(`engines range not understood: ${range}`);
    const [, op, maj, min, patch] = m;
    if (op === undefined)
      return min === undefined || min === '*' || min === 'x' ? major === Number(maj) : v === wanted;
    const floor = `${maj}.${/\d/.test(min ?? '') ? min : 0}.${/\d/.test(patch ?? '') ? patch : 0}`;
    return atLeast(v, floor) && (op === '>=' || major === Number(maj));
  });
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

  it('admits no Node that a shipped dependency refuses (npm would warn EBADENGINE, or refuse with engine-strict)', () => {
    const lock = JSON.parse(fs.readFileSync(path.join(ROOT, 'package-lock.json'), 'utf8')) as {
      packages: Record<string, { dev?: boolean; engines?: { node?: string } | string[] }>;
    };
    const refusing = Object.entries(lock.packages)
      .filter(([name, p]) => name !== '' && !p.dev)
      .flatMap(([name, p]) => {
        const range = Array.isArray(p.engines) ? undefined : p.engines?.node;
        return range && !satisfies(minimum ?? '0.0.0', range) ? [`${name}: node ${range}`] : [];
      });
    expect(refusing, `engines says ${pkg.engines.node}`).toEqual([]);
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
