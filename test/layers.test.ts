import fs from 'node:fs';
import { isBuiltin } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The layers, enforced (docs/ARCHITECTURE.md): imports point inward. domain imports only its
 * schema library and re2js (the linear-time regex engine of its ops); engine never touches files,
 * processes or the network itself (no Node builtin but path, crypto and events, no execa, conf or
 * client-node, and no adapter but the debug log); ui imports no adapter, no CLI and no Node builtin
 * (bare or node:); adapters import no ui or cli. Only cli/ composes.
 */

const SRC = path.resolve(import.meta.dirname, '..', 'src');

type Import = {
  readonly from: string;
  readonly spec: string;
  readonly typeOnly: boolean;
  readonly line: number;
};

/** Static, re-export and dynamic imports of a file, with whether each is type-only. */
function importsOf(file: string, text: string): Import[] {
  const out: Import[] = [];
  const re =
    /^\s*(import|export)\s+(type\s+)?(?:[^'"]*?\sfrom\s+)?['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/gm;
  for (const m of text.matchAll(re)) {
    const spec = m[3] ?? m[4] ?? '';
    const line = text.slice(0, m.index).split('\n').length;
    out.push({ from: file, spec, typeOnly: Boolean(m[2]), line });
  }
  return out;
}

type Layer = 'domain' | 'engine' | 'adapters' | 'ui' | 'cli';
const layerOf = (file: string): Layer | undefined => {
  const top = path.relative(SRC, file).split(path.sep)[0];
  return top === 'domain' || top === 'engine' || top === 'adapters' || top === 'ui' || top === 'cli'
    ? top
    : undefined;
};

/** Packages through which the engine would reach the world itself (Node's builtins are below). */
const ENGINE_FORBIDDEN = new Set(['execa', 'conf', '@kubernetes/client-node']);

/** The only Node builtins the engine may import, bare or `node:`: none of them does I/O. */
const ENGINE_BUILTINS = new Set(['path', 'crypto', 'events']);

/** Named exceptions, each with its reason (none today: the lab registry composes in cli/). */
const EXCEPTIONS: Readonly<Record<string, string>> = {};

/** Why an import breaks the layers, or undefined. */
function violation(imp: Import): string | undefined {
  const from = layerOf(imp.from);
  if (!from) return undefined;
  const rel = path.relative(SRC, imp.from).split(path.sep).join('/');
  if (EXCEPTIONS[rel]) return undefined;
  const relative = imp.spec.startsWith('.');
  const target = relative ? layerOf(path.resolve(path.dirname(imp.from), imp.spec)) : undefined;
  const targetRel = relative
    ? path
        .relative(SRC, path.resolve(path.dirname(imp.from), imp.spec))
        .split(path.sep)
        .join('/')
    : imp.spec;
  switch (from) {
    case 'domain':
      if (relative ? target !== 'domain' : imp.spec !== 'zod' && imp.spec !== 're2js')
        return 'domain imports only zod, re2js (its regular expressions) and domain';
      return undefined;
    case 'engine':
      if (
        !relative &&
        (ENGINE_FORBIDDEN.has(imp.spec) ||
          (isBuiltin(imp.spec) && !ENGINE_BUILTINS.has(imp.spec.replace(/^node:/, ''))))
      )
        return `engine touches the world only through the ports it is given (${imp.spec})`;
      if (target === 'ui' || target === 'cli') return `engine imports ${target}`;
      if (target === 'adapters' && targetRel !== 'adapters/log.js')
        return `engine imports an adapter (${targetRel}); put the port in engine/ports.ts`;
      return undefined;
    case 'ui':
      if (!relative && isBuiltin(imp.spec)) return `ui imports ${imp.spec}`;
      if (target === 'adapters' || target === 'cli') return `ui imports ${target} (${targetRel})`;
      return undefined;
    case 'adapters':
      if (target === 'ui' || target === 'cli') return `adapters import ${target} (${targetRel})`;
      return undefined;
    case 'cli':
      return undefined;
  }
}

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? sources(p) : /\.tsx?$/.test(e.name) ? [p] : [];
  });
}

describe('the layers (imports point inward; only cli/ composes)', () => {
  it('no file of src/ breaks them', () => {
    const found = sources(SRC)
      .flatMap((f) => importsOf(f, fs.readFileSync(f, 'utf8')))
      .flatMap((imp) => {
        const why = violation(imp);
        return why ? [`${path.relative(SRC, imp.from)}:${imp.line}: ${imp.spec}: ${why}`] : [];
      });
    expect(found).toEqual([]);
  });

  it('the rules catch what they are for (the check itself can fail)', () => {
    const at = (rel: string, text: string) =>
      importsOf(path.join(SRC, rel), text)
        .map(violation)
        .filter((v) => v !== undefined);
    expect(at('domain/x.ts', "import { parse } from 'yaml';")).toHaveLength(1);
    expect(at('domain/x.ts', "import { z } from 'zod';\nimport { a } from './b.js';")).toEqual([]);
    expect(at('engine/x.ts', "import fs from 'node:fs';")).toHaveLength(1);
    expect(at('engine/x.ts', "import { execa } from 'execa';")).toHaveLength(1);
    expect(
      at('engine/probes/x.ts', "import type { KubeConfig } from '@kubernetes/client-node';"),
    ).toHaveLength(1);
    expect(at('engine/x.ts', "import { runCommand } from '../adapters/process/run.js';")).toHaveLength(1);
    expect(at('engine/x.ts', "import type { X } from '../adapters/lab/provider.js';")).toHaveLength(1);
    expect(at('engine/x.ts', "const m = await import('../adapters/cluster/index.js');")).toHaveLength(1);
    expect(at('engine/x.ts', "import { log } from '../adapters/log.js';")).toEqual([]);
    expect(at('ui/x.ts', "import type { AppServices } from '../cli/compose.js';")).toHaveLength(1);
    expect(at('ui/hooks/x.ts', "import { log } from '../../adapters/log.js';")).toHaveLength(1);
    expect(at('ui/x.ts', "import { spawn } from 'node:child_process';")).toHaveLength(1);
    // Every builtin, bare or node:, for ui; for engine every one but path, crypto and events.
    for (const spec of ['fs', 'child_process', 'fs/promises', 'node:os', 'net', 'tls'])
      expect(at('ui/x.ts', `import x from '${spec}';`), `ui: ${spec}`).toHaveLength(1);
    for (const spec of [
      'child_process',
      'fs/promises',
      'net',
      'tls',
      'node:tls',
      'http2',
      'dgram',
      'dns',
      'os',
    ])
      expect(at('engine/x.ts', `import x from '${spec}';`), `engine: ${spec}`).toHaveLength(1);
    for (const spec of ['path', 'node:path', 'crypto', 'node:crypto', 'events', 'node:events'])
      expect(at('engine/x.ts', `import x from '${spec}';`), `engine: ${spec}`).toEqual([]);
    expect(at('adapters/x.ts', "export { x } from '../ui/y.js';")).toHaveLength(1);
  });
});
