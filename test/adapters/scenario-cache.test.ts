import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cachedScenarios, plainData } from '../../src/adapters/scenario-cache.js';
import { loadScenarios } from '../../src/adapters/scenario-loader.js';
import type { ScenarioEntry } from '../../src/domain/scenario.js';

const APP_SCENARIOS = path.resolve(import.meta.dirname, '..', '..', 'scenarios');

let tmp: string;
let root: string;
let code: string;
let cache: string;
let loads: number;

/** A stand-in loader: one entry per folder, with the folder's file names (so a change shows). */
const load = (dir: string): ScenarioEntry[] => {
  loads++;
  return fs.readdirSync(dir).map((name) => ({
    valid: false,
    id: name,
    dir: path.join(dir, name),
    problems: fs.readdirSync(path.join(dir, name)).map((f) => ({ file: f, line: 1, field: '', reason: 'x' })),
  }));
};
const later = () => Date.now() + 10_000;
const opts = () => ({ dir: cache, codeRoot: code, now: later });

beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'khl-cache-'));
  root = path.join(tmp, 'scenarios');
  code = path.join(tmp, 'code');
  cache = path.join(tmp, 'cache');
  fs.mkdirSync(path.join(root, 'alpha'), { recursive: true });
  fs.writeFileSync(path.join(root, 'alpha', 'scenario.yaml'), 'id: alpha\n');
  fs.mkdirSync(code);
  fs.writeFileSync(path.join(code, 'loader.js'), '// v1\n');
  loads = 0;
});
afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('cachedScenarios', () => {
  it('gives the app’s own scenarios exactly as the loader does, and reads them once', () => {
    // A copy: others may be editing the app's folders while this runs.
    const copy = path.join(tmp, 'app-scenarios');
    fs.cpSync(APP_SCENARIOS, copy, { recursive: true });
    const fresh = loadScenarios(copy);
    expect(plainData(fresh)).toBe(true);
    let calls = 0;
    const counting = (dir: string) => {
      calls++;
      return loadScenarios(dir);
    };
    const options = { dir: cache, now: later };
    expect(cachedScenarios(copy, counting, options)).toEqual(fresh);
    expect(cachedScenarios(copy, counting, options)).toEqual(fresh);
    expect(calls).toBe(1);
  });

  it('reads the folders again when a file in one changes, appears or goes', () => {
    const first = cachedScenarios(root, load, opts());
    expect(cachedScenarios(root, load, opts())).toEqual(first);
    expect(loads).toBe(1);
    fs.writeFileSync(path.join(root, 'alpha', 'scenario.yaml'), 'id: alpha\ntitle: changed\n');
    cachedScenarios(root, load, opts());
    expect(loads).toBe(2);
    fs.writeFileSync(path.join(root, 'alpha', 'stray.txt'), 'x');
    const withStray = cachedScenarios(root, load, opts());
    expect(loads).toBe(3);
    expect(withStray[0]?.valid === false && withStray[0].problems.map((p) => p.file)).toContain('stray.txt');
    fs.rmSync(path.join(root, 'alpha', 'stray.txt'));
    cachedScenarios(root, load, opts());
    expect(loads).toBe(4);
    fs.mkdirSync(path.join(root, 'beta'));
    expect(cachedScenarios(root, load, opts()).map((e) => (e.valid ? e.scenario.id : e.id))).toEqual([
      'alpha',
      'beta',
    ]);
    expect(loads).toBe(5);
  });

  it('reads the folders again when the app’s code changed (a rebuilt loader)', () => {
    cachedScenarios(root, load, opts());
    fs.writeFileSync(path.join(code, 'loader.js'), '// v2, longer\n');
    cachedScenarios(root, load, opts());
    expect(loads).toBe(2);
  });

  it('ignores hidden and _ folders at the top, as the loader does', () => {
    cachedScenarios(root, load, opts());
    fs.mkdirSync(path.join(root, '_lib'));
    fs.writeFileSync(path.join(root, '_lib', 'lab.sh'), 'x');
    cachedScenarios(root, load, opts());
    expect(loads).toBe(1);
  });

  it('keeps nothing while a file is younger than the timestamps can tell apart', () => {
    cachedScenarios(root, load, { dir: cache, codeRoot: code, now: () => Date.now() });
    cachedScenarios(root, load, { dir: cache, codeRoot: code, now: () => Date.now() });
    expect(loads).toBe(2);
    expect(fs.existsSync(cache) ? fs.readdirSync(cache) : []).toEqual([]);
  });

  it('reads the folders when the kept list is damaged, and keeps a good one again', () => {
    cachedScenarios(root, load, opts());
    const [file] = fs.readdirSync(cache);
    fs.writeFileSync(path.join(cache, file ?? 'x'), '{not json');
    cachedScenarios(root, load, opts());
    cachedScenarios(root, load, opts());
    expect(loads).toBe(2);
  });

  it('never keeps what JSON would not give back as it was', () => {
    const odd = (): ScenarioEntry[] => {
      loads++;
      return [
        { valid: false, id: 'x', dir: '/x', problems: [], extra: new Map() } as unknown as ScenarioEntry,
      ];
    };
    cachedScenarios(root, odd, opts());
    cachedScenarios(root, odd, opts());
    expect(loads).toBe(2);
    expect(plainData({ a: [1, 'b', null, { c: true }], d: undefined })).toBe(true);
    expect(plainData({ a: () => 1 })).toBe(false);
    expect(plainData([undefined])).toBe(false);
    expect(plainData({ n: Number.NaN })).toBe(false);
    expect(plainData(new Date())).toBe(false);
  });

  it('reads the folders as before when there is no scenarios folder', () => {
    expect(cachedScenarios(path.join(tmp, 'missing'), () => [], opts())).toEqual([]);
  });
});
