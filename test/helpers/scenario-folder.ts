// Builds scenario folders for loader and CLI tests.
import fs from 'node:fs';
import path from 'node:path';

/** A valid scenario.yaml; tests replace lines to break it in one place. */
export const VALID_YAML = `id: ID
title: A small scenario
domain: cluster-setup
difficulty: easy
minutes: 5
lab: none
checks:
  - id: first
    title: the file exists
    probe: { kind: file, path: a.txt }
    field: exists
    expect: { op: eq, value: true }
    hint: { nudge: n, teach: t, command: c }
  - id: second
    title: the mode is strict
    weight: 2
    probe:
      kind: file
      path: a.txt
    field: mode
    expect:
      op: bitmask
      value: "600"
    hint: { nudge: n, teach: t, command: c }
format_version: 1
`;

/** A selftest.yaml for VALID_YAML's checks (the cases are never run by the loader tests). */
export const VALID_SELFTEST = `otherSolutions:
  - { name: another way, script: "true" }
nearMisses:
  - { name: miss one, failing: [first], script: "true" }
  - name: miss two
    failing: [second]
    script: "true"
`;

export function writeScenario(
  root: string,
  folder: string,
  yaml: string,
  files: Record<string, string | null> = {},
) {
  const dir = path.join(root, folder);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'scenario.yaml'), yaml.replace('id: ID', `id: ${folder}`));
  const defaults: Record<string, string> = {
    'brief.md': '# Brief\n',
    'debrief.md': '# Debrief\n\n## Why it matters\n\nx\n\n## Common mistakes\n\ny\n',
    'setup.sh': 'set -euo pipefail\n',
    'solution.sh': 'set -euo pipefail\n',
    'selftest.yaml': VALID_SELFTEST,
  };
  for (const [name, text] of Object.entries({ ...defaults, ...files })) {
    // null: leave the default file out.
    if (text === null) continue;
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), text);
  }
  return dir;
}
