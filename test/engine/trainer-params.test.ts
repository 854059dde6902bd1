import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AttemptStore } from '../../src/adapters/attempt-store.js';
import { ProgressStore } from '../../src/adapters/progress-store.js';
import { trainerDeps } from '../../src/cli/compose.js';
import { drawParams, paramsSchema } from '../../src/domain/params.js';
import { Trainer } from '../../src/engine/trainer.js';
import { FakeLabProvider } from '../helpers/fake-lab-provider.js';
import { VALID_SELFTEST, writeScenario } from '../helpers/scenario-folder.js';
import { createTestTrainer } from '../scenarios/harness.js';

// A scenario whose file name and content are drawn: setup leaves what it was given, the
// solution writes the word into the file, one check reads it back.
const PARAMS = {
  file: { kind: 'choice', from: ['a.txt', 'b.txt', 'c.txt', 'd.txt'] },
  word: { kind: 'name', words: ['alpha', 'bravo', 'charlie'], digits: 2 },
} as const;
const YAML = `format_version: 1
id: ID
title: Parameters
domain: cluster-setup
difficulty: easy
minutes: 5
lab: none
params:
  file: { kind: choice, from: [a.txt, b.txt, c.txt, d.txt] }
  word: { kind: name, words: [alpha, bravo, charlie], digits: 2 }
checks:
  - id: word-written
    title: "{{param.file}} holds {{param.word}}"
    probe: { kind: file, path: "{{param.file}}" }
    field: text
    expect: { op: eq, value: "{{param.word}}" }
    hint: { nudge: "write {{param.word}}", teach: t, command: "echo {{param.word}} > {{param.file}}" }
  - id: setup-saw
    title: setup was given the drawn word
    graded: false
    probe: { kind: file, path: seen }
    field: text
    expect: { op: eq, value: "{{param.word}}" }
    hint: { nudge: n, teach: t, command: c }
`;
const specs = paramsSchema.parse(PARAMS);

let root: string;
let t: ReturnType<typeof createTestTrainer>;
beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'khl-params-'));
  writeScenario(root, 'drawn', YAML, {
    'brief.md': 'Write {{param.word}} into {{param.file}}.\n',
    'setup.sh': 'set -euo pipefail\nprintf "%s\\n" "$KHL_PARAM_WORD" > seen\n',
    'solution.sh': 'set -euo pipefail\nprintf "%s\\n" "$KHL_PARAM_WORD" > "$KHL_PARAM_FILE"\n',
    'selftest.yaml': VALID_SELFTEST.replaceAll('[first]', '[word-written]').replaceAll(
      '[second]',
      '[setup-saw]',
    ),
  });
  t = createTestTrainer({ scenariosRoot: root });
});
afterEach(() => {
  t.cleanup();
  fs.rmSync(root, { recursive: true, force: true });
});

describe('a scenario with params', () => {
  it('setup draws from the seed; check, hint, solution and solve use the attempt’s values', async () => {
    const { trainer } = t;
    const scenario = trainer.get('drawn');
    const values = drawParams(specs, 5);
    await trainer.setup(scenario, { seed: 5 });
    expect(trainer.attempt('drawn')?.seed).toBe(5);
    const ws = trainer.workspace(scenario);
    expect(fs.readFileSync(path.join(ws, 'seen'), 'utf8')).toBe(`${values.word}\n`);

    const bound = trainer.bound(scenario);
    expect(bound.bound).toEqual({ seed: 5, values });
    expect(bound.briefText).toBe(`Write ${values.word} into ${values.file}.\n`);

    // The loaded scenario handed in: every operation binds it to the attempt's values.
    const before = await trainer.check(scenario);
    expect(before.results.map((r) => [r.checkId, r.status])).toEqual([
      ['word-written', 'fail'],
      ['setup-saw', 'pass'],
    ]);
    expect(before.results[0]?.title).toBe(`${values.file} holds ${values.word}`);
    const next = trainer.revealHint(scenario, before.results);
    expect(next.type === 'hint' && next.text).toBe(`write ${values.word}`);
    expect(trainer.revealSolution(scenario)).toContain(`printf "%s\\n" "${values.word}" > "${values.file}"`);

    await trainer.solve(scenario);
    expect(fs.readFileSync(path.join(ws, String(values.file)), 'utf8')).toBe(`${values.word}\n`);
    expect((await trainer.check(scenario)).allPass).toBe(true);
  });

  it('another process (a new Trainer over the same files) binds the same values from the attempt', async () => {
    await t.trainer.setup(t.trainer.get('drawn'), { seed: 11 });
    const other = new Trainer(
      trainerDeps({
        scenariosRoot: root,
        progress: new ProgressStore(path.join(t.home, 'progress')),
        attempts: new AttemptStore(path.join(t.home, 'attempts')),
        env: { ...process.env, K8S_HARDEN_LAB_HOME: t.home },
      }),
    );
    expect(other.bound(other.get('drawn')).bound).toEqual({ seed: 11, values: drawParams(specs, 11) });
  });

  it('without a seed, setup draws one and keeps it; before setup a parameter shows as ‹name›', async () => {
    const scenario = t.trainer.get('drawn');
    expect(t.trainer.bound(scenario).briefText).toBe('Write ‹word› into ‹file›.\n');
    await t.trainer.setup(scenario);
    const seed = t.trainer.attempt('drawn')?.seed;
    expect(typeof seed).toBe('number');
    expect(t.trainer.bound(scenario).bound?.values).toEqual(drawParams(specs, seed as number));
    // A forced re-start with another seed draws again.
    await t.trainer.setup(scenario, { force: true, seed: 12 });
    expect(t.trainer.bound(scenario).bound?.values).toEqual(drawParams(specs, 12));
    // After a reset (a hint taken keeps a stopped attempt) nothing is drawn until the next setup.
    t.trainer.revealHint(scenario, (await t.trainer.check(scenario)).results);
    await t.trainer.reset(scenario);
    expect(t.trainer.bound(scenario).bound).toBeUndefined();
    expect(t.trainer.bound(scenario).briefText).toBe('Write ‹word› into ‹file›.\n');
  });
});

describe('a cluster scenario with params (one lab, names drawn per attempt)', () => {
  // Setup and reset write what they were given to a log beside the scenario (standing in for the
  // lab's objects, named after the drawn word).
  const log = () => fs.readFileSync(path.join(root, 'lab.log'), 'utf8').trim().split('\n');
  let c: ReturnType<typeof createTestTrainer>;
  beforeEach(() => {
    writeScenario(root, 'onlab', YAML.replace('lab: none', 'lab: cluster'), {
      'brief.md': 'Write {{param.word}} into {{param.file}}.\n',
      'setup.sh':
        'set -euo pipefail\nprintf "%s\\n" "$KHL_PARAM_WORD" > seen\necho "setup $KHL_PARAM_WORD" >> "$SCENARIO_DIR/../lab.log"\n',
      'solution.sh': 'set -euo pipefail\nprintf "%s\\n" "$KHL_PARAM_WORD" > "$KHL_PARAM_FILE"\n',
      'reset.sh': 'set -euo pipefail\necho "reset $KHL_PARAM_WORD" >> "$SCENARIO_DIR/../lab.log"\n',
      'selftest.yaml': VALID_SELFTEST.replaceAll('[first]', '[word-written]').replaceAll(
        '[second]',
        '[setup-saw]',
      ),
    });
    c = createTestTrainer({
      scenariosRoot: root,
      resolveLab: async () => ({
        provider: new FakeLabProvider(),
        kubeconfigPath: path.join(root, 'kubeconfig'),
      }),
    });
  });
  afterEach(() => c.cleanup());

  it('start --force over a running attempt resets it with its own values before drawing new ones', async () => {
    const scenario = c.trainer.get('onlab');
    const lines: string[] = [];
    await c.trainer.setup(scenario, { seed: 5 });
    await c.trainer.setup(scenario, { seed: 12, force: true, onLine: (l) => lines.push(l) });
    const [first, second] = [drawParams(specs, 5).word, drawParams(specs, 12).word];
    expect(first).not.toBe(second);
    expect(log()).toEqual([`setup ${first}`, `reset ${first}`, `setup ${second}`]);
    expect(lines.join('\n')).toMatch(/resetting the running attempt first/);
    expect(c.trainer.attempt('onlab')?.seed).toBe(12);
  });

  it('a reset with no running attempt skips the script (nothing drawn to remove) and says so', async () => {
    const scenario = c.trainer.get('onlab');
    await c.trainer.setup(scenario, { seed: 5 });
    await c.trainer.reset(scenario);
    const lines: string[] = [];
    await c.trainer.reset(scenario, { onLine: (l) => lines.push(l) });
    expect(log()).toEqual([`setup ${drawParams(specs, 5).word}`, `reset ${drawParams(specs, 5).word}`]);
    expect(lines).toEqual(['no running attempt: nothing drawn to remove, restoring the lab only']);
  });
});
