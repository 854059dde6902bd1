import fs from 'node:fs';
import path from 'node:path';
import type { z } from 'zod';
import {
  displayParams,
  envRefsIn,
  type ParamSpecs,
  paramsSchema,
  placeholderLines,
  placeholdersIn,
  placeholdersInData,
  referenceProblem,
  renderData,
  renderText,
  sampleParams,
} from '../domain/params.js';
import type { Scenario, ScenarioData, ScenarioEntry, ScenarioProblem } from '../domain/scenario.js';
import { scenarioSchema } from '../domain/scenario.js';
import { type SelfTest, selfTestSchema } from '../domain/selftest.js';
import { type NodeWrite, setupNodeWrites } from './node-writes.js';
import { type Document, isAlias, isNode, LineCounter, parseDocument, visit } from './yaml.js';

export const SCENARIO_FILE = 'scenario.yaml';
export const SELFTEST_FILE = 'selftest.yaml';
const RESET_DEFAULT = 'reset.sh';

/** Sections the debrief must have, so every scenario teaches the same way after success. */
const DEBRIEF_SECTIONS = [/^#+\s*why it matters/im, /^#+\s*common mistakes/im];

/**
 * Lines of a cluster scenario's setup.sh that change a file on a node: lab.sh's writer, `node cp`
 * onto a node, or a node shell line that edits, copies, moves or removes something.
 */
const NODE_WRITE = [
  /\blab_node_write\b/,
  /\bnode\s+cp\b.*\s\S+:\//,
  /\blab_node_(?:sh|exec)\b.*(?:\bsed\s+-i|>\s*\/|\btee\b|\bcp\b|\bmv\b|\brm\b|\bchmod\b|\bchown\b|\btruncate\b)/,
];

/** No scenario file is near this; a bigger one is a mistake (or a trap), refused before it is read. */
export const MAX_SCENARIO_FILE_BYTES = 1024 * 1024;

/** Whether `target` (symlinks resolved) lies inside `dir` (symlinks resolved). */
function resolvesInside(dir: string, target: string): boolean {
  let real: string;
  try {
    real = fs.realpathSync(target);
  } catch {
    return false;
  }
  const root = fs.realpathSync(dir);
  return real.startsWith(root + path.sep);
}

/**
 * Reads a file of a scenario folder, or says why not: a directory, a FIFO or a device where a file
 * should be, a file bigger than MAX_SCENARIO_FILE_BYTES, or (with `dir`) a symlink out of the folder.
 * Opened non-blocking and checked on the open descriptor, so a FIFO never blocks and what is
 * checked is what is read.
 */
function readScenarioFile(file: string, dir?: string): { text: string } | { reason: string } {
  if (dir !== undefined && !resolvesInside(dir, file))
    return { reason: 'must stay inside the scenario folder (a symlink leads out of it)' };
  let fd: number;
  try {
    fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
  } catch (error) {
    return { reason: `cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)})` };
  }
  try {
    const st = fs.fstatSync(fd);
    if (st.isDirectory()) return { reason: 'is a directory, not a file' };
    if (st.isFIFO()) return { reason: 'is a FIFO (named pipe), not a file' };
    if (st.isCharacterDevice() || st.isBlockDevice()) return { reason: 'is a device, not a file' };
    if (!st.isFile()) return { reason: 'is not a regular file' };
    if (st.size > MAX_SCENARIO_FILE_BYTES)
      return {
        reason: `is ${(st.size / 1024 / 1024).toFixed(1)} MB; a scenario file may be at most ${MAX_SCENARIO_FILE_BYTES / 1024 / 1024} MB`,
      };
    const buffer = Buffer.alloc(st.size);
    let read = 0;
    while (read < st.size) {
      const n = fs.readSync(fd, buffer, read, st.size - read, read);
      if (n === 0) break;
      read += n;
    }
    return { text: buffer.subarray(0, read).toString('utf8') };
  } catch (error) {
    return { reason: `cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)})` };
  } finally {
    fs.closeSync(fd);
  }
}

type YamlFile = {
  readonly rel: string;
  readonly doc: Document.Parsed;
  /** The document as plain data. */
  readonly data: unknown;
  readonly lineOf: (p: readonly PropertyKey[]) => number;
};

/** Parses a YAML file of the folder, or gives its problems with lines. */
function readYaml(file: string, rel: string, dir: string): YamlFile | ScenarioProblem[] {
  const read = readScenarioFile(file, dir);
  if ('reason' in read) return [{ file: rel, line: 1, field: '', reason: read.reason }];
  const text = read.text;
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0)
    return doc.errors.map((e) => ({
      file: rel,
      // linePos is only filled with prettyErrors; the offset always is.
      line: e.linePos?.[0]?.line ?? lineCounter.linePos(e.pos[0]).line,
      field: '',
      reason: `YAML: ${e.message.split('\n')[0]}`,
    }));
  const lineOf = (p: readonly PropertyKey[]): number => {
    // Walk up the path until a node exists (a missing key is reported at its parent).
    for (let n = p.length; n >= 0; n--) {
      const node = doc.getIn(p.slice(0, n) as unknown[], true);
      if (isNode(node) && node.range) return lineCounter.linePos(node.range[0]).line;
      // An unknown key's node is its value; a key with no value is found through its pair.
      if (n === p.length && n > 0) {
        const parent = doc.getIn(p.slice(0, n - 1) as unknown[], true) as
          | { items?: Array<{ key?: { value?: unknown; range?: [number] } }> }
          | undefined;
        const key = parent?.items?.find((pair) => pair.key?.value === p[n - 1])?.key;
        if (key?.range) return lineCounter.linePos(key.range[0]).line;
      }
    }
    return 1;
  };
  let data: unknown;
  try {
    // toJS refuses an alias bomb (too many alias expansions): that is this file's problem, not ours.
    data = doc.toJS();
  } catch (error) {
    let line = 1;
    visit(doc, {
      Alias: (_key, node) => {
        if (isAlias(node) && node.range) line = lineCounter.linePos(node.range[0]).line;
        return visit.BREAK;
      },
    });
    return [{ file: rel, line, field: '', reason: `YAML: ${(error as Error).message.split('\n')[0]}` }];
  }
  return { rel, doc, data, lineOf };
}

/** Schema issues as file:line: field: reason; an unknown field is named, at its own line. */
function issuesToProblems(y: YamlFile, issues: readonly z.core.$ZodIssue[]): ScenarioProblem[] {
  const out: ScenarioProblem[] = [];
  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        const p = [...issue.path, key];
        out.push({ file: y.rel, line: y.lineOf(p), field: p.map(String).join('.'), reason: 'unknown field' });
      }
      continue;
    }
    out.push({
      file: y.rel,
      line: y.lineOf(issue.path),
      field: issue.path.map(String).join('.'),
      reason: issue.message,
    });
  }
  return out.sort((a, b) => a.line - b.line);
}

/** The folder's selftest.yaml, checked against the scenario's check ids. */
function loadSelfTest(
  dir: string,
  rel: (f: string) => string,
  checkIds: ReadonlySet<string>,
  specs: ParamSpecs | undefined,
): SelfTest | ScenarioProblem[] {
  const file = path.join(dir, SELFTEST_FILE);
  if (!fs.existsSync(file))
    return [
      {
        file: rel(file),
        line: 1,
        field: '',
        reason:
          'missing: every scenario proves itself with other solutions and near misses (see docs/scenario-reference.md)',
      },
    ];
  const y = readYaml(file, rel(file), dir);
  if (Array.isArray(y)) return y;
  const parsed = selfTestSchema.safeParse(y.data);
  if (!parsed.success) return issuesToProblems(y, parsed.error.issues);
  const problems: ScenarioProblem[] = [];
  const names = new Set<string>();
  const cases = [
    ...parsed.data.otherSolutions.map((c, i) => ({ c, p: ['otherSolutions', i] as const })),
    ...parsed.data.nearMisses.map((c, i) => ({ c, p: ['nearMisses', i] as const })),
  ];
  for (const { c, p } of cases) {
    if (names.has(c.name))
      problems.push({
        file: y.rel,
        line: y.lineOf([...p, 'name']),
        field: [...p, 'name'].join('.'),
        reason: `duplicate case name "${c.name}"`,
      });
    names.add(c.name);
    // A learner script reads the drawn values as the scenario's scripts do: $KHL_PARAM_NAME.
    const script = y.doc.getIn([...p, 'script'], true) as { type?: string } | undefined;
    const first = y.lineOf([...p, 'script']) + (script?.type?.startsWith('BLOCK') ? 1 : 0);
    for (const { line, ref } of scriptRefs(c.script, specs))
      problems.push({
        file: y.rel,
        line: first + line - 1,
        field: [...p, 'script'].join('.'),
        reason: ref,
      });
  }
  // A secret file may be named after a parameter (`{{param.user}}.token`); nothing else here is filled in.
  for (const { path: p, ref } of placeholdersInData(y.data)) {
    if (p[p.length - 1] === 'script') continue;
    const reason =
      referenceProblem(ref, specs) ??
      (p[0] === 'secrets' ? undefined : 'in selftest.yaml only secrets: are filled in');
    if (reason) problems.push({ file: y.rel, line: y.lineOf(p), field: p.map(String).join('.'), reason });
  }
  if (parsed.data.seeds && !specs)
    problems.push({
      file: y.rel,
      line: y.lineOf(['seeds']),
      field: 'seeds',
      reason: 'seeds are for a scenario with params: (scenario.yaml declares none)',
    });
  parsed.data.nearMisses.forEach((m, i) => {
    for (const key of ['failing', 'mayAlsoFail'] as const)
      (m[key] ?? []).forEach((id, j) => {
        if (!checkIds.has(id))
          problems.push({
            file: y.rel,
            line: y.lineOf(['nearMisses', i, key, j]),
            field: `nearMisses.${i}.${key}.${j}`,
            reason: `no check "${id}" in scenario.yaml`,
          });
      });
  });
  return problems.length > 0 ? problems : parsed.data;
}

/** Problems with the parameters a script names: `$KHL_PARAM_NAME` undeclared, or a `{{param.x}}` (not filled in in scripts). */
function scriptRefs(text: string, specs: ParamSpecs | undefined): Array<{ line: number; ref: string }> {
  const out: Array<{ line: number; ref: string }> = [];
  for (const { line, ref } of placeholderLines(text, envRefsIn)) {
    const problem = referenceProblem(ref, specs);
    if (problem) out.push({ line, ref: `$KHL_PARAM_${ref.name.toUpperCase()}: ${problem}` });
  }
  for (const { line, ref } of placeholderLines(text, placeholdersIn))
    out.push({
      line,
      ref: `scripts are not filled in: read the value from $KHL_PARAM_${ref.name.toUpperCase()}, not {{param.${ref.name}}}`,
    });
  return out;
}

/**
 * The folder's `params:`, and every `{{param.NAME}}` in scenario.yaml checked against them: a
 * reference to a parameter not declared is refused where it is written, and so is one outside
 * `checks:` (nothing else is filled in).
 */
function readParams(y: YamlFile): { specs: ParamSpecs | undefined } | ScenarioProblem[] {
  const raw = y.data && typeof y.data === 'object' ? (y.data as Record<string, unknown>).params : undefined;
  let specs: ParamSpecs | undefined;
  if (raw !== undefined) {
    const parsed = paramsSchema.safeParse(raw);
    if (!parsed.success)
      return issuesToProblems(
        y,
        parsed.error.issues.map((i) => ({ ...i, path: ['params', ...i.path] })),
      );
    specs = parsed.data;
  }
  const problems: ScenarioProblem[] = [];
  for (const { path: p, ref } of placeholdersInData(y.data)) {
    const reason =
      referenceProblem(ref, specs) ??
      (p[0] === 'checks'
        ? undefined
        : 'parameters are filled in only in checks: (and brief.md, debrief.md, $KHL_PARAM_* in scripts)');
    if (reason) problems.push({ file: y.rel, line: y.lineOf(p), field: p.map(String).join('.'), reason });
  }
  return problems.length > 0 ? problems : { specs };
}

/**
 * With params: the checks parsed once with every sample set of values (each choice and word, both
 * ends of an int), so no draw at setup can make them invalid. The first set that fails is reported.
 */
function sampleProblems(y: YamlFile, specs: ParamSpecs): ScenarioProblem[] {
  for (const values of sampleParams(specs)) {
    const parsed = scenarioSchema.safeParse(renderData(y.data, values));
    if (!parsed.success)
      return issuesToProblems(y, parsed.error.issues).map((p) => ({
        ...p,
        reason: `with ${Object.entries(values)
          .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
          .join(', ')}: ${p.reason}`,
      }));
  }
  return [];
}

/** Files and folders of the scenario folder that nothing names (rustlings' check_unexpected_files). */
function strayFiles(dir: string, used: ReadonlySet<string>): string[] {
  const out: string[] = [];
  const walk = (sub: string) => {
    for (const e of fs.readdirSync(path.join(dir, sub), { withFileTypes: true })) {
      const name = sub ? `${sub}/${e.name}` : e.name;
      if (used.has(name)) continue;
      if (e.isDirectory() && [...used].some((u) => u.startsWith(`${name}/`))) walk(name);
      else out.push(e.isDirectory() ? `${name}/` : name);
    }
  };
  walk('');
  return out.sort();
}

/** The first line of a cluster setup that changes a node file, when `backup:` names none. */
function unbackedNodeWrite(data: ScenarioData, setupText: string): number | undefined {
  if (data.lab !== 'cluster' || data.backup.length > 0) return undefined;
  const lines = setupText.split('\n');
  const i = lines.findIndex((l) => !/^\s*#/.test(l) && NODE_WRITE.some((re) => re.test(l)));
  return i < 0 ? undefined : i + 1;
}

const ROLES = new Set(['control-plane', 'worker']);

/**
 * Each literal node path a cluster setup writes that `backup:` does not list (once per file, at
 * the first line that writes it). A node named by role must match the entry's role; a node
 * built at run time, or named in full, matches any entry for the path.
 */
function unbackedNodePaths(data: ScenarioData, setupText: string): NodeWrite[] {
  if (data.lab !== 'cluster') return [];
  const listed = (w: NodeWrite) =>
    data.backup.some(
      (b) =>
        b.path === w.path &&
        (w.node === undefined || b.node === w.node || !ROLES.has(b.node) || !ROLES.has(w.node)),
    );
  const seen = new Set<string>();
  return setupNodeWrites(setupText).filter((w) => {
    const key = `${w.node ?? ''}\0${w.path}`;
    if (seen.has(key) || listed(w)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * Reads one scenario folder. Every problem comes back as file:line: field: reason, with the line
 * taken from the YAML source, so an author can jump straight to it.
 */
export function loadScenario(dir: string): ScenarioEntry {
  try {
    return readScenarioFolder(dir);
  } catch (error) {
    // Whatever a folder holds, it is that scenario's problem; the others keep loading.
    return {
      valid: false,
      id: path.basename(dir),
      dir,
      problems: [
        {
          file: path.relative(process.cwd(), dir) || dir,
          line: 1,
          field: '',
          reason: `could not be read: ${(error as Error).message}`,
        },
      ],
    };
  }
}

function readScenarioFolder(dir: string): ScenarioEntry {
  const id = path.basename(dir);
  const file = path.join(dir, SCENARIO_FILE);
  const rel = (f: string) => path.relative(process.cwd(), f) || f;
  const invalid = (problems: ScenarioProblem[]): ScenarioEntry => ({ valid: false, id, dir, problems });
  if (!fs.existsSync(file))
    return invalid([
      {
        file: rel(file),
        line: 1,
        field: '',
        reason: 'missing (every scenario folder needs a scenario.yaml)',
      },
    ]);
  const y = readYaml(file, rel(file), dir);
  if (Array.isArray(y)) return invalid(y);
  const declared = readParams(y);
  if (Array.isArray(declared)) return invalid(declared);
  const { specs } = declared;
  // Before setup a parameter shows as ‹name›: that is the scenario as loaded (bindScenario fills it in).
  const parsed = scenarioSchema.safeParse(specs ? renderData(y.data, displayParams(specs)) : y.data);
  if (!parsed.success) return invalid(issuesToProblems(y, parsed.error.issues));
  const problems: ScenarioProblem[] = specs ? sampleProblems(y, specs) : [];
  const at = (field: string, reason: string, p: readonly PropertyKey[] = [field]) =>
    problems.push({ file: y.rel, line: y.lineOf(p), field, reason });
  // A reset.sh in the folder is the reset script; no field needed.
  const data: ScenarioData =
    parsed.data.reset === undefined && fs.existsSync(path.join(dir, RESET_DEFAULT))
      ? { ...parsed.data, reset: RESET_DEFAULT }
      : parsed.data;
  if (data.id !== id) at('id', `must match the folder name "${id}"`);
  const used = new Set<string>([SCENARIO_FILE, SELFTEST_FILE]);
  const inside = (name: string, field: string, p: readonly PropertyKey[]): string | undefined => {
    const target = path.resolve(dir, name);
    if (!target.startsWith(path.resolve(dir) + path.sep)) {
      at(field, 'must stay inside the scenario folder', p);
      return undefined;
    }
    if (!fs.existsSync(target)) {
      at(field, `file ${name} does not exist`, p);
      return undefined;
    }
    // Named, so not a stray file, even when refused below.
    used.add(path.relative(dir, target).split(path.sep).join('/'));
    if (!resolvesInside(dir, target)) {
      at(field, 'must stay inside the scenario folder (a symlink leads out of it)', p);
      return undefined;
    }
    return target;
  };
  const readText = (field: 'brief' | 'debrief' | 'setup' | 'solution' | 'reset'): string => {
    const name = data[field];
    if (name === undefined) return '';
    const target = inside(name, field, [field]);
    if (!target) return '';
    const read = readScenarioFile(target);
    if ('text' in read) return read.text;
    at(field, `${name} ${read.reason}`, [field]);
    return '';
  };
  const briefText = readText('brief');
  const debriefText = readText('debrief');
  const setupText = readText('setup');
  const texts = { setup: setupText, solution: readText('solution'), reset: readText('reset') };
  for (const field of ['brief', 'debrief'] as const)
    for (const { line, ref } of placeholderLines(field === 'brief' ? briefText : debriefText)) {
      const reason = referenceProblem(ref, specs);
      if (reason) problems.push({ file: rel(path.join(dir, data[field])), line, field, reason });
    }
  for (const field of ['setup', 'solution', 'reset'] as const)
    for (const { line, ref } of scriptRefs(texts[field], specs))
      problems.push({ file: rel(path.join(dir, data[field] ?? '')), line, field, reason: ref });
  // A parameter nothing reads is a task that never changes with it: a mistake, said where it is declared.
  if (specs) {
    const used = new Set([
      ...placeholdersInData(y.data).map((r) => r.ref.name),
      ...[briefText, debriefText].flatMap((t) => placeholdersIn(t).map((r) => r.name)),
      ...Object.values(texts).flatMap((t) => envRefsIn(t).map((r) => r.name)),
    ]);
    for (const name of Object.keys(specs))
      if (!used.has(name))
        at(
          `params.${name}`,
          `nothing uses it: name it as {{param.${name}}} in checks, brief.md or debrief.md, or as $KHL_PARAM_${name.toUpperCase()} in a script`,
          ['params', name],
        );
  }
  data.files.forEach((f, i) => {
    inside(f, `files.${i}`, ['files', i]);
  });
  if (debriefText) {
    for (const section of DEBRIEF_SECTIONS) {
      if (!section.test(debriefText))
        problems.push({
          file: rel(path.join(dir, data.debrief)),
          line: 1,
          field: 'debrief',
          reason: `needs a heading matching ${section.source.replace('^#+\\s*', '')}`,
        });
    }
  }
  // Each node path setup writes that backup: misses; failing those, a write seen with no backup: at all.
  const unbacked = unbackedNodePaths(data, setupText);
  for (const w of unbacked)
    problems.push({
      file: rel(path.join(dir, data.setup)),
      line: w.line,
      field: 'backup',
      reason: `setup writes ${w.path} on ${w.node ?? 'a node'}, so scenario.yaml must list { node: ${w.node ?? '…'}, path: ${w.path} } under backup: (reset restores it)`,
    });
  const write = unbacked.length === 0 ? unbackedNodeWrite(data, setupText) : undefined;
  if (write !== undefined)
    problems.push({
      file: rel(path.join(dir, data.setup)),
      line: write,
      field: 'backup',
      reason: 'setup changes a node file, so scenario.yaml must list it under backup: (reset restores it)',
    });
  const selftest = loadSelfTest(dir, rel, new Set(data.checks.map((c) => c.id)), specs);
  if (Array.isArray(selftest)) problems.push(...selftest);
  for (const stray of strayFiles(dir, used))
    problems.push({
      file: rel(path.join(dir, stray)),
      line: 1,
      field: '',
      reason: 'stray file: scenario.yaml does not name it (list a helper the scripts use under files:)',
    });
  if (problems.length > 0 || Array.isArray(selftest)) return invalid(problems);
  if (!specs) return { valid: true, scenario: { ...data, dir, briefText, debriefText, selftest } };
  const display = displayParams(specs);
  const scenario: Scenario = {
    ...data,
    dir,
    briefText: renderText(briefText, display),
    debriefText: renderText(debriefText, display),
    selftest,
    paramTemplate: { specs, checks: (y.data as { checks?: unknown }).checks, briefText, debriefText },
  };
  return { valid: true, scenario };
}

/** Loads every folder under `root`; ids must be unique across them. Never throws for bad content. */
export function loadScenarios(root: string): ScenarioEntry[] {
  if (!fs.existsSync(root) || !fs.statSync(root).isDirectory()) return [];
  const dirs = fs
    .readdirSync(root, { withFileTypes: true })
    .filter((d) => d.isDirectory() && !d.name.startsWith('.') && !d.name.startsWith('_'))
    .map((d) => path.join(root, d.name))
    .sort();
  const entries = dirs.map(loadScenario);
  const byId = new Map<string, number>();
  return entries.map((entry, i) => {
    if (!entry.valid) return entry;
    const first = byId.get(entry.scenario.id);
    if (first === undefined) {
      byId.set(entry.scenario.id, i);
      return entry;
    }
    const file = path.relative(process.cwd(), path.join(entry.scenario.dir, SCENARIO_FILE));
    return {
      valid: false,
      id: entry.scenario.id,
      dir: entry.scenario.dir,
      problems: [
        {
          file,
          line: 1,
          field: 'id',
          reason: `duplicate id "${entry.scenario.id}" (also in ${dirs[first]})`,
        },
      ],
    };
  });
}
