import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { ScenarioEntry } from '../domain/scenario.js';
import { log } from './log.js';
import { dataDir } from './paths.js';

/**
 * The scenario list, kept between runs. Reading every scenario folder (YAML parsing and schema
 * checks of ~250 KB) costs the home screen's first frame about a third of a second on a cold
 * process; the list read back from here costs a few milliseconds.
 *
 * A kept list is used only when nothing the loader's answer depends on has changed: the same
 * scenarios folder and working directory (problems name files relative to it), the same loader
 * code (every file of the app's code tree, so a rebuilt or edited app reads afresh), and every file
 * and folder inside each scenario folder unchanged (path, type, size, modification and change
 * times, inode; a symlink's target too). Otherwise the folders are read as before and the list is
 * kept for the next run. A list with anything that JSON would not give back as it was (a function,
 * a Map, a class instance) is never kept. A file changed less than two seconds before the list was
 * kept could change again within its timestamp's resolution, so such a list is not kept either.
 * Whatever goes wrong here (no permission, a damaged file), the folders are read as before.
 */
export type ScenarioCacheOptions = {
  /** Where kept lists go (default: `<data>/cache`). */
  readonly dir?: string;
  /** The code tree whose files decide whether a kept list is still the loader's (default: this app's). */
  readonly codeRoot?: string;
  readonly now?: () => number;
};

/** Kept lists older than the files by less than this are not written (timestamp resolution). */
const RACY_MS = 2_000;
const FORMAT = 1;

type Kept = { readonly format: number; readonly key: string; readonly entries: ScenarioEntry[] };

export function cachedScenarios(
  root: string,
  load: (root: string) => ScenarioEntry[],
  options: ScenarioCacheOptions = {},
): ScenarioEntry[] {
  const dir = options.dir ?? path.join(dataDir(), 'cache');
  const codeRoot = options.codeRoot ?? path.resolve(import.meta.dirname, '..');
  const now = options.now ?? Date.now;
  let fingerprint: Fingerprint;
  let file: string;
  try {
    fingerprint = fingerprintOf(root, codeRoot);
    file = path.join(dir, `scenarios-${hash(`${path.resolve(root)}\0${process.cwd()}`).slice(0, 16)}.json`);
  } catch (error) {
    log.debug('scenario list not cached', { root, error: String(error) });
    return load(root);
  }
  const kept = readKept(file);
  if (kept && kept.key === fingerprint.key) return kept.entries;
  const entries = load(root);
  if (now() - fingerprint.newestMs >= RACY_MS && plainData(entries))
    writeKept(file, fingerprint.key, entries);
  return entries;
}

type Fingerprint = { readonly key: string; readonly newestMs: number };

function fingerprintOf(root: string, codeRoot: string): Fingerprint {
  const lines: string[] = [`format ${FORMAT}`, `root ${fs.realpathSync(root)}`, `cwd ${process.cwd()}`];
  let newestMs = 0;
  const add = (label: string, file: string, st: fs.Stats) => {
    newestMs = Math.max(newestMs, st.mtimeMs, st.ctimeMs);
    lines.push(`${label} ${file} ${st.mode} ${st.size} ${st.mtimeMs} ${st.ctimeMs} ${st.ino}`);
  };
  const walk = (label: string, base: string, sub: string, skip?: (rel: string) => boolean) => {
    const abs = path.join(base, sub);
    const names = fs.readdirSync(abs).sort();
    for (const name of names) {
      if (skip?.(sub ? `${sub}/${name}` : name)) continue;
      const rel = sub ? `${sub}/${name}` : name;
      const full = path.join(base, rel);
      const st = fs.lstatSync(full);
      add(label, rel, st);
      if (st.isSymbolicLink()) {
        lines.push(`${label} ${rel} -> ${fs.readlinkSync(full)}`);
        try {
          add(label, `${rel}@`, fs.statSync(full));
        } catch {
          lines.push(`${label} ${rel}@ missing`);
        }
      } else if (st.isDirectory()) walk(label, base, rel, skip);
    }
  };
  // The loader reads the folders at the top that are not hidden and not `_…`; all of each.
  walk('scenario', root, '', (rel) => !rel.includes('/') && (rel.startsWith('.') || rel.startsWith('_')));
  // The code: everything but source maps and the UI (adapters never import it; layers.test.ts).
  walk('code', codeRoot, '', (rel) => rel.endsWith('.map') || rel === 'ui');
  return { key: hash(lines.join('\n')), newestMs };
}

function hash(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

function readKept(file: string): Kept | undefined {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  try {
    const kept = JSON.parse(text) as Kept;
    return kept?.format === FORMAT && typeof kept.key === 'string' && Array.isArray(kept.entries)
      ? kept
      : undefined;
  } catch (error) {
    log.debug('kept scenario list unreadable', { file, error: String(error) });
    return undefined;
  }
}

function writeKept(file: string, key: string, entries: ScenarioEntry[]): void {
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(tmp, JSON.stringify({ format: FORMAT, key, entries } satisfies Kept));
    fs.renameSync(tmp, file);
  } catch (error) {
    log.debug('scenario list not kept', { file, error: String(error) });
    fs.rmSync(tmp, { force: true });
  }
}

/** Only what JSON gives back as it was: null, booleans, finite numbers, strings, arrays, plain objects. */
export function plainData(value: unknown): boolean {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return true;
  if (typeof value === 'number') return Number.isFinite(value);
  if (Array.isArray(value)) return value.every((v) => v !== undefined && plainData(v));
  if (typeof value !== 'object') return false;
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return false;
  return Object.values(value).every((v) => v === undefined || plainData(v));
}
