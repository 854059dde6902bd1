import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadScenario, loadScenarios } from '../../src/adapters/scenario-loader.js';
import { formatProblem, type ScenarioProblem } from '../../src/domain/scenario.js';
import { VALID_SELFTEST, VALID_YAML, writeScenario } from '../helpers/scenario-folder.js';

let root: string;
beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'khl-loader-'));
});
afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

const problems = (dir: string): readonly ScenarioProblem[] => {
  const e = loadScenario(dir);
  if (e.valid) throw new Error('expected an invalid scenario');
  return e.problems;
};

describe('loadScenario', () => {
  it('loads a valid folder with its texts and defaults', () => {
    const e = loadScenario(writeScenario(root, 'ok', VALID_YAML));
    expect(e.valid).toBe(true);
    if (!e.valid) return;
    expect(e.scenario.briefText).toBe('# Brief\n');
    expect(e.scenario.checks[0]?.weight).toBe(1);
    expect(e.scenario.checks[1]?.graded).toBe(true);
    expect(e.scenario.hintCosts).toEqual({ nudge: 0.05, teach: 0.1, command: 0.25 });
  });

  it('points at the line of a wrong-typed field deep in checks', () => {
    const yaml = VALID_YAML.replace('value: "600"', 'value: "999"').replace('weight: 2', 'weight: heavy');
    const found = problems(writeScenario(root, 'deep', yaml));
    const lines = yaml.split('\n');
    const weight = found.find((p) => p.field === 'checks.1.weight');
    expect(weight?.line).toBe(lines.indexOf('    weight: heavy') + 1);
    expect(weight?.reason).toMatch(/number/);
    const value = found.find((p) => p.field === 'checks.1.expect.value');
    expect(value?.line).toBe(lines.indexOf('      value: "999"') + 1);
    expect(formatProblem(weight as ScenarioProblem)).toMatch(
      /deep[/\\]scenario\.yaml:16: checks\.1\.weight: /,
    );
  });

  it('reports an unknown probe kind and a missing required field where they are', () => {
    const yaml = VALID_YAML.replace(
      'kind: file\n      path: a.txt',
      'kind: teleport\n      path: a.txt',
    ).replace('    title: the file exists\n', '');
    const found = problems(writeScenario(root, 'kinds', yaml));
    const lines = yaml.split('\n');
    expect(found.find((p) => p.field === 'checks.1.probe.kind')?.line).toBe(
      lines.indexOf('      kind: teleport') + 1,
    );
    // A missing key is reported at its parent, the list item.
    expect(found.find((p) => p.field === 'checks.0.title')?.line).toBe(lines.indexOf('  - id: first') + 1);
  });

  it('reports a YAML syntax error with its line', () => {
    const yaml = VALID_YAML.replace('minutes: 5', 'minutes: [5');
    const found = problems(writeScenario(root, 'syntax', yaml));
    expect(found[0]?.reason).toMatch(/^YAML: /);
    // The flow sequence opens on line 5; the parser notices it is unclosed where line 6 starts.
    expect(found[0]?.line).toBe(6);
  });

  it('reports a missing brief file at its key', () => {
    const yaml = VALID_YAML.replace('lab: none\n', 'lab: none\nbrief: intro.md\n');
    const found = problems(writeScenario(root, 'nobrief', yaml, { 'brief.md': null }));
    expect(found).toEqual([
      expect.objectContaining({ field: 'brief', line: 7, reason: 'file intro.md does not exist' }),
    ]);
  });

  it('needs the debrief headings and refuses scripts outside the folder', () => {
    const yaml = VALID_YAML.replace('lab: none\n', 'lab: none\nsetup: ../../evil.sh\n');
    const found = problems(
      writeScenario(root, 'bad', yaml, { 'debrief.md': '# Debrief\n', 'setup.sh': null }),
    );
    expect(found.map((p) => p.field).sort()).toEqual(['debrief', 'debrief', 'setup']);
    expect(found.find((p) => p.field === 'setup')?.reason).toMatch(/inside the scenario folder/);
  });

  it('a folder without scenario.yaml is invalid, not a crash', () => {
    fs.mkdirSync(path.join(root, 'empty'));
    expect(problems(path.join(root, 'empty'))[0]?.reason).toMatch(/missing/);
  });
});

describe('a scenario folder proves itself (validate)', () => {
  const line = (text: string, needle: string) => text.split('\n').findIndex((l) => l.includes(needle)) + 1;

  it('needs selftest.yaml with at least one other solution and two near misses', () => {
    expect(problems(writeScenario(root, 'none', VALID_YAML, { 'selftest.yaml': null }))).toEqual([
      expect.objectContaining({
        file: expect.stringMatching(/selftest\.yaml$/),
        reason: expect.stringMatching(/^missing/),
      }),
    ]);
    const thin = 'otherSolutions: []\nnearMisses:\n  - { name: one, failing: [first], script: "true" }\n';
    const found = problems(writeScenario(root, 'thin', VALID_YAML, { 'selftest.yaml': thin }));
    expect(found.map((p) => `${p.line} ${p.field}: ${p.reason}`)).toEqual([
      '1 otherSolutions: at least 1 other correct solution',
      '3 nearMisses: at least 2 near misses',
    ]);
  });

  it('names unknown fields at their own line, in scenario.yaml and selftest.yaml', () => {
    const yaml = VALID_YAML.replace('    field: exists\n', '    field: exists\n    feild: typo\n').replace(
      'minutes: 5',
      'minutes: 5\nauthor: me',
    );
    const selftest = VALID_SELFTEST.replace(
      '    failing: [second]',
      '    failing: [second]\n    faling: [first]',
    );
    const dir = writeScenario(root, 'unknown', yaml);
    expect(problems(dir).map((p) => `${p.line} ${p.field}: ${p.reason}`)).toEqual([
      `${line(yaml, 'author:')} author: unknown field`,
      `${line(yaml, 'feild:')} checks.0.feild: unknown field`,
    ]);
    fs.writeFileSync(path.join(dir, 'scenario.yaml'), VALID_YAML.replace('id: ID', 'id: unknown'));
    fs.writeFileSync(path.join(dir, 'selftest.yaml'), selftest);
    expect(problems(dir).map((p) => `${p.line} ${p.field}: ${p.reason}`)).toEqual([
      `${line(selftest, 'faling:')} nearMisses.1.faling: unknown field`,
    ]);
  });

  it('refuses near misses that name checks the scenario does not have', () => {
    const selftest = VALID_SELFTEST.replace('failing: [first]', 'failing: [frist]');
    const found = problems(writeScenario(root, 'ids', VALID_YAML, { 'selftest.yaml': selftest }));
    expect(found).toEqual([
      expect.objectContaining({
        line: 4,
        field: 'nearMisses.0.failing.0',
        reason: 'no check "frist" in scenario.yaml',
      }),
    ]);
  });

  it('refuses stray files; helpers named under files: are fine', () => {
    const found = problems(
      writeScenario(root, 'stray', VALID_YAML, { 'notes.txt': 'x', 'lib/helper.sh': 'x' }),
    );
    expect(found.map((p) => `${path.basename(p.file)}: ${p.reason}`)).toEqual([
      'lib: stray file: scenario.yaml does not name it (list a helper the scripts use under files:)',
      'notes.txt: stray file: scenario.yaml does not name it (list a helper the scripts use under files:)',
    ]);
    const declared = VALID_YAML.replace('lab: none\n', 'lab: none\nfiles: [lib/helper.sh, notes.txt]\n');
    expect(
      loadScenario(writeScenario(root, 'declared', declared, { 'notes.txt': 'x', 'lib/helper.sh': 'x' }))
        .valid,
    ).toBe(true);
  });

  it('uses a reset.sh that exists, with no field needed', () => {
    const e = loadScenario(writeScenario(root, 'resets', VALID_YAML, { 'reset.sh': 'true\n' }));
    expect(e.valid && e.scenario.reset).toBe('reset.sh');
    const without = loadScenario(writeScenario(root, 'noreset', VALID_YAML));
    expect(without.valid && without.scenario.reset).toBeUndefined();
  });

  it('needs format_version 1 and refuses another', () => {
    const missing = problems(writeScenario(root, 'nover', VALID_YAML.replace('format_version: 1\n', '')));
    expect(missing).toEqual([
      expect.objectContaining({ field: 'format_version', reason: 'required: format_version: 1' }),
    ]);
    const two = problems(
      writeScenario(root, 'v2', VALID_YAML.replace('format_version: 1', 'format_version: 2')),
    );
    expect(two).toEqual([
      expect.objectContaining({
        field: 'format_version',
        line: line(VALID_YAML, 'format_version'),
        reason: 'unknown format_version 2 (this app reads 1)',
      }),
    ]);
  });

  it('a cluster scenario whose setup writes a node file must declare backup:', () => {
    const yaml = VALID_YAML.replace('lab: none', 'lab: cluster');
    const setup =
      'source "$SCENARIO_DIR/../_lib/lab.sh"\n# lab_node_write in a comment does not count\nlab_node_write worker /var/lib/kubelet/config.yaml < c.yaml\n';
    const found = problems(writeScenario(root, 'nobackup', yaml, { 'setup.sh': setup }));
    expect(found).toEqual([
      expect.objectContaining({ file: expect.stringMatching(/setup\.sh$/), line: 3, field: 'backup' }),
    ]);
    const backed = yaml.replace(
      'checks:',
      'backup:\n  - { node: worker, path: /var/lib/kubelet/config.yaml }\nchecks:',
    );
    expect(loadScenario(writeScenario(root, 'backed', backed, { 'setup.sh': setup })).valid).toBe(true);
    const edits = "lab_node_sh worker 'sed -i s/a/b/ /etc/default/kubelet'\n";
    expect(problems(writeScenario(root, 'sed', yaml, { 'setup.sh': edits }))[0]?.field).toBe('backup');
  });

  it('every node path setup writes must be under backup:, not only some (multi-line node lines and VAR=/abs/path too)', () => {
    const yaml = VALID_YAML.replace('lab: none', 'lab: cluster').replace(
      'checks:',
      'backup:\n  - { node: worker, path: /var/lib/kubelet/config.yaml }\n  - { node: control-plane, path: /etc/kubernetes/auth/tokens.csv }\nchecks:',
    );
    const setup = [
      'source "$SCENARIO_DIR/../_lib/lab.sh"',
      'FLAGS=/var/lib/kubelet/kubeadm-flags.env',
      'lab_node_write worker /var/lib/kubelet/config.yaml < c.yaml',
      'lab_node_write worker "$FLAGS" < f.env',
      "lab_node_sh control-plane 'set -e",
      '  printf "%s\\n" x > /etc/kubernetes/auth/tokens.csv',
      "  sed -i s/a/b/ /etc/kubernetes/manifests/kube-apiserver.yaml'",
      // Listed, but for the other node.
      "lab_node_sh worker 'chmod 600 /etc/kubernetes/auth/tokens.csv'",
    ].join('\n');
    const found = problems(writeScenario(root, 'partial', yaml, { 'setup.sh': `${setup}\n` }));
    expect(found.map((p) => `${p.line} ${p.field} ${p.reason}`)).toEqual([
      '4 backup setup writes /var/lib/kubelet/kubeadm-flags.env on worker, so scenario.yaml must list { node: worker, path: /var/lib/kubelet/kubeadm-flags.env } under backup: (reset restores it)',
      '5 backup setup writes /etc/kubernetes/manifests/kube-apiserver.yaml on control-plane, so scenario.yaml must list { node: control-plane, path: /etc/kubernetes/manifests/kube-apiserver.yaml } under backup: (reset restores it)',
      '8 backup setup writes /etc/kubernetes/auth/tokens.csv on worker, so scenario.yaml must list { node: worker, path: /etc/kubernetes/auth/tokens.csv } under backup: (reset restores it)',
    ]);
    const complete = yaml.replace(
      'backup:\n',
      'backup:\n  - { node: worker, path: /var/lib/kubelet/kubeadm-flags.env }\n  - { node: control-plane, path: /etc/kubernetes/manifests/kube-apiserver.yaml }\n  - { node: worker, path: /etc/kubernetes/auth/tokens.csv }\n',
    );
    expect(loadScenario(writeScenario(root, 'complete', complete, { 'setup.sh': `${setup}\n` })).valid).toBe(
      true,
    );
  });
});

describe('loadScenarios', () => {
  it('keeps the valid scenarios when others are broken; one id cannot be claimed twice', () => {
    writeScenario(root, 'alpha', VALID_YAML);
    // A second folder that claims alpha's id.
    writeScenario(root, 'beta', VALID_YAML.replace('id: ID', 'id: alpha'));
    writeScenario(root, 'gamma', 'id: gamma\ntitle: [\n');
    fs.mkdirSync(path.join(root, '_shared'));
    fs.mkdirSync(path.join(root, '.hidden'));
    const entries = loadScenarios(root);
    expect(entries.map((e) => (e.valid ? `${e.scenario.id} ok` : `${e.id} invalid`))).toEqual([
      'alpha ok',
      'beta invalid',
      'gamma invalid',
    ]);
    const beta = entries[1];
    expect(beta && !beta.valid && beta.problems[0]).toMatchObject({ field: 'id', line: 1 });
  });

  it('a missing root is an empty list', () => {
    expect(loadScenarios(path.join(root, 'nope'))).toEqual([]);
  });
});

describe('one bad file is that scenario’s problem, never the app’s', () => {
  const bomb = (levels: number) => {
    const lines = ['a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]'];
    for (let i = 1; i < levels; i++)
      lines.push(`a${i}: &a${i} [${Array.from({ length: 9 }, () => `*a${i - 1}`).join(', ')}]`);
    return `${lines.join('\n')}\n`;
  };
  /** The folder's problems as `file:line: reason` with the file name only. */
  const said = (dir: string) =>
    problems(dir).map(
      (p) => `${path.basename(p.file)}:${p.line}: ${p.field ? `${p.field}: ` : ''}${p.reason}`,
    );

  it('a YAML alias bomb is a problem at the line of its first alias', () => {
    const dir = writeScenario(root, 'bomb', bomb(10));
    expect(said(dir)).toEqual([expect.stringMatching(/^scenario\.yaml:2: YAML: .*alias/i)]);
  });

  it('a directory where scenario.yaml or brief.md should be', () => {
    const yamlDir = writeScenario(root, 'yaml-dir', VALID_YAML);
    fs.rmSync(path.join(yamlDir, 'scenario.yaml'));
    fs.mkdirSync(path.join(yamlDir, 'scenario.yaml'));
    expect(said(yamlDir)).toEqual(['scenario.yaml:1: is a directory, not a file']);
    const briefDir = writeScenario(root, 'brief-dir', VALID_YAML, { 'brief.md': null });
    fs.mkdirSync(path.join(briefDir, 'brief.md'));
    expect(said(briefDir)).toEqual([
      expect.stringMatching(/^scenario\.yaml:\d+: brief: brief\.md is a directory/),
    ]);
  });

  it('a FIFO brief is reported at once, never read', () => {
    const dir = writeScenario(root, 'fifo', VALID_YAML, { 'brief.md': null });
    execFileSync('mkfifo', [path.join(dir, 'brief.md')]);
    const started = Date.now();
    expect(said(dir)).toEqual([expect.stringMatching(/brief: brief\.md is a FIFO/)]);
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('a brief linked to /dev/zero, or to a file outside the folder, is refused like ../', () => {
    const zero = writeScenario(root, 'zero', VALID_YAML, { 'brief.md': null });
    fs.symlinkSync('/dev/zero', path.join(zero, 'brief.md'));
    expect(said(zero)).toEqual([expect.stringMatching(/brief: must stay inside the scenario folder/)]);
    const secret = path.join(root, 'secret.txt');
    fs.writeFileSync(secret, 'SECRET OUTSIDE');
    const out = writeScenario(root, 'outside', VALID_YAML, { 'debrief.md': null });
    fs.symlinkSync(secret, path.join(out, 'debrief.md'));
    expect(said(out)).toEqual([expect.stringMatching(/debrief: must stay inside the scenario folder/)]);
    // A link inside the folder is fine.
    const inner = writeScenario(root, 'inner', VALID_YAML, { 'brief.md': null, 'docs/brief.md': '# B\n' });
    fs.symlinkSync('docs/brief.md', path.join(inner, 'brief.md'));
    expect(loadScenario(inner).valid).toBe(false); // docs/brief.md is a stray file…
    expect(said(inner)).toEqual([expect.stringMatching(/^docs:1: stray file/)]); // …and nothing else
  });

  it('a scenario.yaml linked to /dev/zero is refused too', () => {
    const dir = writeScenario(root, 'zero-yaml', VALID_YAML);
    fs.rmSync(path.join(dir, 'scenario.yaml'));
    fs.symlinkSync('/dev/zero', path.join(dir, 'scenario.yaml'));
    expect(said(dir)).toEqual([
      'scenario.yaml:1: must stay inside the scenario folder (a symlink leads out of it)',
    ]);
  });

  it('a huge file is refused by its size, before it is read', () => {
    const dir = writeScenario(root, 'huge', VALID_YAML);
    fs.truncateSync(path.join(dir, 'brief.md'), 300 * 1024 * 1024);
    const yaml = writeScenario(root, 'huge-yaml', VALID_YAML);
    fs.truncateSync(path.join(yaml, 'selftest.yaml'), 2 * 1024 * 1024);
    expect(said(dir)).toEqual([
      expect.stringMatching(/brief: brief\.md is 300\.0 MB; a scenario file may be at most 1 MB/),
    ]);
    expect(said(yaml)).toEqual([expect.stringMatching(/^selftest\.yaml:1: is 2\.0 MB/)]);
  });

  it('every other scenario keeps loading next to them', () => {
    writeScenario(root, 'bomb', bomb(10));
    const fifo = writeScenario(root, 'fifo', VALID_YAML, { 'brief.md': null });
    execFileSync('mkfifo', [path.join(fifo, 'brief.md')]);
    writeScenario(root, 'good', VALID_YAML);
    const entries = loadScenarios(root);
    expect(entries.map((e) => [e.valid ? e.scenario.id : e.id, e.valid])).toEqual([
      ['bomb', false],
      ['fifo', false],
      ['good', true],
    ]);
  });
});

describe('params', () => {
  const said = (dir: string) =>
    problems(dir).map(
      (p) => `${path.basename(p.file)}:${p.line}: ${p.field ? `${p.field}: ` : ''}${p.reason}`,
    );
  /** VALID_YAML with params: and a check that uses them (the file path and the mode from the draw). */
  const PARAM_YAML = VALID_YAML.replace(
    'checks:\n',
    'params:\n  file: { kind: choice, from: [a.txt, b.txt] }\n  mode: { kind: choice, from: ["600", "400"] }\nchecks:\n',
  )
    .replace('    probe: { kind: file, path: a.txt }', '    probe: { kind: file, path: "{{param.file}}" }')
    .replace('      value: "600"', '      value: "{{param.mode}}"');

  it('loads a scenario with params: shown as ‹name› until setup, with its template kept', () => {
    const e = loadScenario(
      writeScenario(root, 'p', PARAM_YAML, {
        'brief.md': 'Create {{param.file}}.\n',
        'setup.sh': 'touch "$KHL_PARAM_FILE"\n',
      }),
    );
    expect(e.valid, e.valid ? '' : e.problems.map(formatProblem).join('\n')).toBe(true);
    if (!e.valid) return;
    expect(e.scenario.params).toEqual({
      file: { kind: 'choice', from: ['a.txt', 'b.txt'] },
      mode: { kind: 'choice', from: ['600', '400'] },
    });
    expect(e.scenario.briefText).toBe('Create ‹file›.\n');
    // A value takes the first sample before setup (the check stays valid); text shows ‹name›.
    expect(e.scenario.checks[0]?.probe).toEqual({ kind: 'file', path: 'a.txt' });
    expect(e.scenario.paramTemplate?.briefText).toBe('Create {{param.file}}.\n');
    expect(e.scenario.bound).toBeUndefined();
  });

  it('a scenario without params: loads exactly as before (no template, nothing rendered)', () => {
    const e = loadScenario(writeScenario(root, 'plain', VALID_YAML));
    expect(e.valid).toBe(true);
    if (!e.valid) return;
    expect(e.scenario.paramTemplate).toBeUndefined();
    expect('params' in e.scenario).toBe(false);
  });

  it('refuses a reference to an undeclared parameter with file, line and field, wherever it is', () => {
    const yaml = PARAM_YAML.replace(
      '    title: the file exists',
      '    title: "{{param.owner}} owns the file"',
    );
    const dir = writeScenario(root, 'undeclared', yaml, {
      'brief.md': '# Brief\n\nAsk {{param.user}}.\n',
      'setup.sh': 'set -euo pipefail\necho "$KHL_PARAM_FILE"\necho "$KHL_PARAM_PORT"\n',
      'solution.sh': 'echo {{param.file}}\n',
      'selftest.yaml': VALID_SELFTEST.replace(
        '  - { name: another way, script: "true" }',
        '  - name: another way\n    script: |\n      true\n      echo "$KHL_PARAM_NOPE"',
      ),
    });
    const line = yaml.split('\n').indexOf('    title: "{{param.owner}} owns the file"') + 1;
    expect(said(dir)).toEqual([
      `scenario.yaml:${line}: checks.0.title: no parameter "owner" is declared under params: (declared: file, mode)`,
    ]);
    // The scenario.yaml problem stops the load; the other files are checked once it is fixed.
    const rest = writeScenario(root, 'undeclared-files', PARAM_YAML, {
      'brief.md': '# Brief\n\nAsk {{param.user}}.\n',
      'setup.sh': 'set -euo pipefail\necho "$KHL_PARAM_FILE"\necho "$KHL_PARAM_PORT"\n',
      'solution.sh': 'echo {{param.file}}\n',
      'selftest.yaml': VALID_SELFTEST.replace(
        '  - { name: another way, script: "true" }',
        '  - name: another way\n    script: |\n      true\n      echo "$KHL_PARAM_NOPE"',
      ),
    });
    expect(said(rest).sort()).toEqual(
      [
        'brief.md:3: brief: no parameter "user" is declared under params: (declared: file, mode)',
        'setup.sh:3: setup: $KHL_PARAM_PORT: no parameter "port" is declared under params: (declared: file, mode)',
        'solution.sh:1: solution: scripts are not filled in: read the value from $KHL_PARAM_FILE, not {{param.file}}',
        'selftest.yaml:5: otherSolutions.0.script: $KHL_PARAM_NOPE: no parameter "nope" is declared under params: (declared: file, mode)',
      ].sort(),
    );
  });

  it('refuses a placeholder in a scenario without params:, outside checks:, and a misspelt one', () => {
    const none = writeScenario(
      root,
      'none',
      VALID_YAML.replace('title: the mode is strict', 'title: "{{param.mode}}"'),
    );
    expect(said(none)).toEqual([
      expect.stringMatching(
        /^scenario\.yaml:15: checks\.1\.title: no parameter "mode" is declared under params: \(none is\)$/,
      ),
    ]);
    const outside = writeScenario(
      root,
      'outside',
      PARAM_YAML.replace('title: A small scenario', 'title: "For {{param.file}}"'),
    );
    expect(said(outside)).toEqual([
      expect.stringMatching(/^scenario\.yaml:2: title: parameters are filled in only in checks:/),
    ]);
    const typo = writeScenario(root, 'typo', PARAM_YAML.replace('"{{param.file}}"', '"{{params.file}}"'));
    expect(said(typo)).toEqual([
      expect.stringMatching(/checks\.0\.probe\.path: write \{\{param\.file\}\} \(param, not params\)/),
    ]);
  });

  it('refuses a bad params: entry where it is, and checks that some value would make invalid', () => {
    const bad = writeScenario(root, 'bad', PARAM_YAML.replace('from: [a.txt, b.txt]', 'from: [a.txt]'));
    expect(said(bad)).toEqual([
      expect.stringMatching(/^scenario\.yaml:8: params\.file\.from: at least two values/),
    ]);
    // "700x" is no octal mode: bitmask refuses it, so the draw that gives it makes the check invalid.
    const value = writeScenario(
      root,
      'value',
      PARAM_YAML.replace('from: ["600", "400"]', 'from: ["600", "700x"]'),
    );
    expect(said(value)).toEqual([
      expect.stringMatching(
        /^scenario\.yaml:\d+: checks\.1\.expect\.value: with file="b\.txt", mode="700x": /,
      ),
    ]);
  });

  it('refuses a parameter nothing uses, at its declaration', () => {
    const yaml = PARAM_YAML.replace('params:\n', 'params:\n  spare: { kind: int, min: 1, max: 9 }\n');
    expect(said(writeScenario(root, 'spare', yaml))).toEqual([
      'scenario.yaml:8: params.spare: nothing uses it: name it as {{param.spare}} in checks, brief.md or debrief.md, or as $KHL_PARAM_SPARE in a script',
    ]);
    // Read by a script only: used.
    const script = writeScenario(root, 'script-only', yaml, { 'setup.sh': 'echo "$KHL_PARAM_SPARE"\n' });
    expect(loadScenario(script).valid).toBe(true);
  });

  it('seeds: in selftest.yaml only with params:', () => {
    const dir = writeScenario(root, 'seeds', VALID_YAML, {
      'selftest.yaml': `${VALID_SELFTEST}seeds: [1, 2]\n`,
    });
    expect(said(dir)).toEqual([
      expect.stringMatching(/^selftest\.yaml:8: seeds: seeds are for a scenario with params:/),
    ]);
  });
});
