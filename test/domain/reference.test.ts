import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { OP_NAMES } from '../../src/domain/ops.js';
import { PROBE_KINDS } from '../../src/domain/probe-spec.js';
import { scenarioReference } from '../../src/domain/reference.js';

const FILE = path.resolve(import.meta.dirname, '..', '..', 'docs', 'scenario-reference.md');

describe('docs/scenario-reference.md', () => {
  const text = scenarioReference();
  it('is generated from the schemas and is not stale (npm run docs:reference rewrites it)', () => {
    expect(fs.readFileSync(FILE, 'utf8'), 'stale: run `npm run docs:reference`').toBe(text);
  });
  it('names every probe kind, every op and the selftest fields', () => {
    for (const kind of PROBE_KINDS) expect(text).toContain(`### \`${kind}\``);
    for (const op of OP_NAMES) expect(text).toContain(`| \`${op}\` |`);
    for (const field of [
      'otherSolutions',
      'nearMisses',
      'failing',
      'mayAlsoFail',
      'format_version',
      'credentialFile',
    ])
      expect(text).toContain(`\`${field}\``);
  });
});
