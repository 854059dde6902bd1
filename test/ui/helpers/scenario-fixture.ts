import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { cleanup } from 'ink-testing-library';
import { vi } from 'vitest';
import { AttemptStore } from '../../../src/adapters/attempt-store.js';
import { ProgressStore } from '../../../src/adapters/progress-store.js';
import { trainerDeps } from '../../../src/cli/compose.js';
import { Trainer } from '../../../src/engine/trainer.js';

/**
 * A small cluster-free scenario written into a temporary folder: a `field` check on
 * `app.yaml` (`server.tls` must be true), a `file` check (`notes.txt` exists) and an ungraded one.
 * Setup writes `app.yaml` with tls false; the solution fixes both files.
 */
export type Fixture = { readonly root: string; readonly scenarios: string; readonly home: string };

const SCENARIO_YAML = `format_version: 1
id: tls-on
title: Turn TLS on in app.yaml
domain: cluster-hardening
difficulty: easy
minutes: 5
lab: none
cis: ["1.2.3"]
checks:
  - id: tls-enabled
    title: server.tls is true in app.yaml
    probe: { kind: field, path: app.yaml, at: server.tls }
    expect: { op: eq, value: true }
    hint:
      nudge: Look at the server section of app.yaml.
      teach: The server block has a tls flag; it must be true.
      command: "sed -i 's/tls: false/tls: true/' app.yaml"
  - id: notes-written
    title: notes.txt exists
    probe: { kind: file, path: notes.txt }
    field: exists
    expect: { op: eq, value: true }
    hint:
      nudge: Write down what you changed.
      teach: Create a file notes.txt in the workspace.
      command: echo done > notes.txt
  - id: workspace-there
    title: the workspace has app.yaml
    graded: false
    probe: { kind: file, path: app.yaml }
    field: exists
    expect: { op: eq, value: true }
    hint:
      nudge: Run setup.
      teach: Setup writes app.yaml.
      command: press s
`;

const BRIEF = `# Turn TLS on

The app in your workspace serves **plain HTTP**. Turn TLS on in \`app.yaml\` and leave a note.

- edit \`app.yaml\`
- write \`notes.txt\`
`;

const DEBRIEF = `# Debrief

## Why it matters

Plain HTTP leaks tokens.

## Common mistakes

Editing the wrong file.
`;

const SELFTEST = `otherSolutions:
  - name: notes first
    script: |
      echo done > notes.txt
      sed -i 's/tls: false/tls: true/' app.yaml
nearMisses:
  - { name: no notes, failing: [notes-written], script: "sed -i 's/tls: false/tls: true/' app.yaml" }
  - { name: only notes, failing: [tls-enabled], script: echo done > notes.txt }
`;

export function writeScenario(dir: string, id = 'tls-on', title?: string, domain?: string): void {
  fs.mkdirSync(dir, { recursive: true });
  let yaml = SCENARIO_YAML.replace('id: tls-on', `id: ${id}`);
  if (title) yaml = yaml.replace('title: Turn TLS on in app.yaml', `title: ${title}`);
  if (domain) yaml = yaml.replace('domain: cluster-hardening', `domain: ${domain}`);
  fs.writeFileSync(path.join(dir, 'scenario.yaml'), yaml);
  fs.writeFileSync(path.join(dir, 'selftest.yaml'), SELFTEST);
  fs.writeFileSync(path.join(dir, 'brief.md'), BRIEF);
  fs.writeFileSync(path.join(dir, 'debrief.md'), DEBRIEF);
  fs.writeFileSync(
    path.join(dir, 'setup.sh'),
    'echo "writing app.yaml"\nprintf "server:\\n  tls: false\\n" > "$WORKSPACE/app.yaml"\n',
  );
  fs.writeFileSync(
    path.join(dir, 'solution.sh'),
    'printf "server:\\n  tls: true\\n" > "$WORKSPACE/app.yaml"\necho done > "$WORKSPACE/notes.txt"\n',
  );
}

/** A temp root with `scenarios/` (two valid scenarios in two domains, one broken) and `home/`. */
export function makeFixture(): Fixture {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'khl-ui-'));
  const scenarios = path.join(root, 'scenarios');
  const home = path.join(root, 'home');
  writeScenario(path.join(scenarios, 'tls-on'));
  writeScenario(path.join(scenarios, 'audit-log'), 'audit-log', 'Keep an audit log', 'monitoring-runtime');
  fs.mkdirSync(path.join(scenarios, 'broken-one'), { recursive: true });
  fs.writeFileSync(
    path.join(scenarios, 'broken-one', 'scenario.yaml'),
    'format_version: 1\nid: broken-one\ntitle: Broken\n',
  );
  fs.mkdirSync(home, { recursive: true });
  return { root, scenarios, home };
}

/** A Trainer over the fixture's scenarios, its progress and attempts kept under the fixture's home. */
export function fixtureTrainer(
  fixture: Fixture,
  now?: () => Date,
): { trainer: Trainer; progress: ProgressStore; attempts: AttemptStore } {
  const progress = new ProgressStore(path.join(fixture.home, 'progress'));
  const attempts = new AttemptStore(path.join(fixture.home, 'attempts'));
  const trainer = new Trainer(
    trainerDeps({
      scenariosRoot: fixture.scenarios,
      progress,
      attempts,
      env: { ...process.env, K8S_HARDEN_LAB_HOME: fixture.home },
      ...(now ? { now } : {}),
    }),
  );
  return { trainer, progress, attempts };
}

/** A UI test's end: Ink unmounted, the environment as it was, the fixture's temp root gone. */
export function removeFixture(fixture: Fixture): void {
  cleanup();
  vi.unstubAllEnvs();
  fs.rmSync(fixture.root, { recursive: true, force: true });
}
