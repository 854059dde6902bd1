import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { progressDir } from '../../src/adapters/paths.js';
import { PROGRESS_FILE_NAME, ProgressStore } from '../../src/adapters/progress-store.js';
import { PROGRESS_VERSION } from '../../src/domain/progress.js';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'khl-progress-'));
});
afterEach(() => {
  vi.unstubAllEnvs();
  fs.rmSync(dir, { recursive: true, force: true });
});

const file = () => path.join(dir, PROGRESS_FILE_NAME);
const outcome = { passed: true, score: 90, timeMs: 1000, hintsUsed: 0, forfeited: false, at: new Date() };
const asides = () => fs.readdirSync(dir).filter((f) => f.includes('.corrupt-'));

describe('ProgressStore', () => {
  it('starts empty, records and reads back across instances', () => {
    const a = new ProgressStore(dir);
    expect(a.notice).toBeUndefined();
    expect(a.all()).toEqual({});
    a.record('tls-ca', outcome);
    const b = new ProgressStore(dir);
    expect(b.get('tls-ca')).toMatchObject({ completed: true, bestScore: 90, attempts: 1 });
    expect(JSON.parse(fs.readFileSync(file(), 'utf8')).version).toBe(PROGRESS_VERSION);
  });

  it.each([
    ['corrupt JSON', '{"version": 1, "scenarios": {', /not valid JSON/],
    ['a foreign file', JSON.stringify({ hello: 'world' }), /unknown format version undefined/],
    ['an unknown version', JSON.stringify({ version: 99, scenarios: {} }), /unknown format version 99/],
    [
      'the right version with bad content',
      JSON.stringify({ version: PROGRESS_VERSION, scenarios: { x: { completed: 'yes' } } }),
      /unexpected content/,
    ],
  ])('sets %s aside with a notice and starts fresh', (_name, text, reason) => {
    fs.writeFileSync(file(), text);
    const store = new ProgressStore(dir);
    expect(store.notice?.reason).toMatch(reason);
    expect(asides()).toHaveLength(1);
    expect(fs.readFileSync(path.join(dir, asides()[0] as string), 'utf8')).toBe(text);
    expect(store.all()).toEqual({});
    store.record('a', outcome);
    expect(new ProgressStore(dir).notice).toBeUndefined();
  });

  it('K8S_HARDEN_LAB_PROGRESS_DIR moves the file', () => {
    vi.stubEnv('K8S_HARDEN_LAB_PROGRESS_DIR', path.join(dir, 'elsewhere'));
    expect(progressDir()).toBe(path.join(dir, 'elsewhere'));
    const store = new ProgressStore();
    store.record('a', outcome);
    expect(store.path).toBe(path.join(dir, 'elsewhere', PROGRESS_FILE_NAME));
    expect(fs.existsSync(path.join(dir, 'elsewhere', PROGRESS_FILE_NAME))).toBe(true);
  });
});
