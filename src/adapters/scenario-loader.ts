import fs from 'node:fs';
import path from 'node:path';
import { isNode, LineCounter, parseDocument } from 'yaml';
import type { Scenario, ScenarioEntry, ScenarioProblem } from '../domain/scenario.js';
import { scenarioSchema } from '../domain/scenario.js';

export const SCENARIO_FILE = 'scenario.yaml';

/** Sections the debrief must have, so every scenario teaches the same way after success. */
const DEBRIEF_SECTIONS = [/^#+\s*why it matters/im, /^#+\s*common mistakes/im];

/**
 * Reads one scenario folder. Every problem comes back as file:line: field: reason, with the line
 * taken from the YAML source, so an author can jump straight to it.
 */
export function loadScenario(dir: string): ScenarioEntry {
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
  const text = fs.readFileSync(file, 'utf8');
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    return invalid(
      doc.errors.map((e) => ({
        file: rel(file),
        // linePos is only filled with prettyErrors; the offset always is.
        line: e.linePos?.[0]?.line ?? lineCounter.linePos(e.pos[0]).line,
        field: '',
        reason: `YAML: ${e.message.split('\n')[0]}`,
      })),
    );
  }
  const lineOf = (p: readonly PropertyKey[]): number => {
    // Walk up the path until a node exists (a missing key is reported at its parent).
    for (let n = p.length; n >= 0; n--) {
      const node = doc.getIn(p.slice(0, n) as unknown[], true);
      if (isNode(node) && node.range) return lineCounter.linePos(node.range[0]).line;
      // For a key that exists, point at the key itself rather than its value when possible.
    }
    return 1;
  };
  const parsed = scenarioSchema.safeParse(doc.toJS());
  if (!parsed.success) {
    return invalid(
      parsed.error.issues.map((issue) => ({
        file: rel(file),
        line: lineOf(issue.path),
        field: issue.path.map(String).join('.'),
        reason: issue.message,
      })),
    );
  }
  const data = parsed.data;
  const problems: ScenarioProblem[] = [];
  if (data.id !== id)
    problems.push({
      file: rel(file),
      line: lineOf(['id']),
      field: 'id',
      reason: `must match the folder name "${id}"`,
    });
  const readText = (field: 'brief' | 'debrief' | 'setup' | 'solution' | 'reset'): string => {
    const name = data[field];
    if (name === undefined) return '';
    const target = path.resolve(dir, name);
    if (!target.startsWith(path.resolve(dir) + path.sep)) {
      problems.push({
        file: rel(file),
        line: lineOf([field]),
        field,
        reason: 'must stay inside the scenario folder',
      });
      return '';
    }
    if (!fs.existsSync(target)) {
      problems.push({ file: rel(file), line: lineOf([field]), field, reason: `file ${name} does not exist` });
      return '';
    }
    return fs.readFileSync(target, 'utf8');
  };
  const briefText = readText('brief');
  const debriefText = readText('debrief');
  readText('setup');
  readText('solution');
  readText('reset');
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
  if (problems.length > 0) return invalid(problems);
  const scenario: Scenario = { ...data, dir, briefText, debriefText };
  return { valid: true, scenario };
}

/** Loads every folder under `root`; ids must be unique across them. Never throws for bad content. */
export function loadScenarios(root: string): ScenarioEntry[] {
  if (!fs.existsSync(root)) return [];
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
