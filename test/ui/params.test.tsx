import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { uiServicesFrom } from '../../src/cli/compose.js';
import type { Trainer } from '../../src/engine/trainer.js';
import { initialState } from '../../src/ui/state.js';
import { press, renderApp, waitFor } from './helpers/render.js';
import { type Fixture, fixtureTrainer, makeFixture, removeFixture } from './helpers/scenario-fixture.js';

// The fixture's tls-on, with the file to fix drawn per attempt: its name in the brief, the check
// and the hint, and in setup's environment.
const YAML = `format_version: 1
id: drawn-file
title: Fix the drawn file
domain: cluster-hardening
difficulty: easy
minutes: 5
lab: none
params:
  file: { kind: choice, from: [alpha.yaml, bravo.yaml, charlie.yaml] }
checks:
  - id: tls-enabled
    title: "server.tls is true in {{param.file}}"
    probe: { kind: field, path: "{{param.file}}", at: server.tls }
    expect: { op: eq, value: true }
    hint:
      nudge: "Look at the server section of {{param.file}}."
      teach: The server block has a tls flag; it must be true.
      command: "sed -i 's/tls: false/tls: true/' {{param.file}}"
`;

let fixture: Fixture;
let trainer: Trainer;
beforeEach(() => {
  fixture = makeFixture();
  const dir = path.join(fixture.scenarios, 'drawn-file');
  fs.mkdirSync(dir);
  const files: Record<string, string> = {
    'scenario.yaml': YAML,
    'brief.md': '# Fix it\n\nTurn TLS on in `{{param.file}}`.\n',
    'debrief.md': '# Debrief\n\n## Why it matters\n\nx\n\n## Common mistakes\n\ny\n',
    'setup.sh': 'printf "server:\\n  tls: false\\n" > "$WORKSPACE/$KHL_PARAM_FILE"\n',
    'solution.sh': 'printf "server:\\n  tls: true\\n" > "$WORKSPACE/$KHL_PARAM_FILE"\n',
    'selftest.yaml': [
      'otherSolutions:',
      '  - { name: by hand, script: "sed -i s/false/true/ \\"$KHL_PARAM_FILE\\"" }',
      'nearMisses:',
      '  - { name: nothing, failing: [tls-enabled], script: "true" }',
      '  - { name: another file, failing: [tls-enabled], script: "echo x > other.yaml" }',
      '',
    ].join('\n'),
  };
  for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
  vi.stubEnv('K8S_HARDEN_LAB_HOME', fixture.home);
  ({ trainer } = fixtureTrainer(fixture, () => new Date('2030-01-01T00:00:00Z')));
});
afterEach(() => removeFixture(fixture));

describe('a scenario with params in the TUI', () => {
  it('shows ‹file› before setup, and the drawn file in the brief, the checks and the hint after', async () => {
    const services = uiServicesFrom(trainer, [], { now: () => Date.parse('2030-01-01T00:05:00Z') });
    const app = renderApp(
      services,
      initialState({ scenario: { id: 'drawn-file', setUp: false, attempt: null } }),
    );
    const before = await waitFor(app.lastFrame, (f) => f.includes('Turn TLS on in ‹file›.'));
    expect(before).toContain('Not set up yet: press s');

    const started = await press(app, 's', 'Checks: 0/1 graded passing');
    const file = String(trainer.bound(trainer.get('drawn-file')).bound?.values.file);
    expect(['alpha.yaml', 'bravo.yaml', 'charlie.yaml']).toContain(file);
    const shown = await waitFor(app.lastFrame, (f) => f.includes(`Turn TLS on in ${file}.`));
    expect(shown).not.toContain('‹file›');
    expect(started).toContain(`✘ server.tls is true in ${file}`);
    expect(fs.existsSync(path.join(fixture.home, 'workspaces', 'drawn-file', file))).toBe(true);
    // The seed is on screen, so the learner can draw the same task again (start --seed N).
    const seed = trainer.attempt('drawn-file')?.seed;
    expect(seed).toBeTypeOf('number');
    expect(await waitFor(app.lastFrame, (f) => f.includes(`seed ${seed}`))).toContain(`seed ${seed}`);

    const hinted = await press(app, 'h', 'max 95%');
    expect(hinted.replace(/\s+/g, ' ')).toContain(`Look at the server section of ${file}.`);
  });
});
