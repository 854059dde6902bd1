/**
 * The cluster tier's order: longest file first, so the last minutes of a run are not one long case
 * on one cluster while the others idle (longest-first is the classic greedy schedule for parallel
 * workers). Durations come from test/cluster/durations.json, which run-tier.mjs rewrites after every
 * full run; a file it does not know yet counts as long (it goes early, and a slow newcomer does
 * not end up last). A clean clone has no vitest cache, so vitest's own sequencer would fall back to
 * file size, the same for every generated case.
 */
import fs from 'node:fs';
import path from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

export const DURATIONS_FILE = path.join(import.meta.dirname, 'durations.json');
const UNKNOWN_MS = 10 * 60_000;

export function readDurations(file: string = DURATIONS_FILE): Record<string, number> {
  try {
    const doc = JSON.parse(fs.readFileSync(file, 'utf8')) as unknown;
    if (!doc || typeof doc !== 'object') return {};
    return Object.fromEntries(
      Object.entries(doc).filter((e): e is [string, number] => typeof e[1] === 'number'),
    );
  } catch {
    return {};
  }
}

/** Longest known duration first; ties (and unknown files) by path, so the order is reproducible. */
export function longestFirst<T>(
  items: readonly T[],
  key: (item: T) => string,
  ms: Record<string, number>,
): T[] {
  const cost = (item: T) => ms[key(item)] ?? UNKNOWN_MS;
  return [...items].sort((a, b) => cost(b) - cost(a) || key(a).localeCompare(key(b)));
}

export default class LongestFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const root = this.ctx.config.root;
    return longestFirst(
      files,
      (f) => path.relative(root, f.moduleId).split(path.sep).join('/'),
      readDurations(),
    );
  }
}
