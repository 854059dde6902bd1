import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { progressDir } from '../../src/adapters/paths.js';
import { PROGRESS_FILE_NAME, ProgressStore } from '../../src/adapters/progress-store.js';
import { PROGRESS_VERSION } from '../../src/domain/progress.js';

const WRITER = path.join(import.meta.dirname, '..', 'helpers', 'progress-writer.ts');

/** Starts a writer process; resolves once it is ready, with a promise of its exit. */
function startWriter(
  dir: string,
  go: string,
  ids: readonly string[],
): Promise<{ done: Promise<{ code: number | null; stderr: string }> }> {
  return new Promise((ready, fail) => {
    const child = spawn(process.execPath, ['--import', 'tsx', WRITER, dir, go, ...ids], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    const done = new Promise<{ code: number | null; stderr: string }>((resolve) =>
      child.on('close', (code) => resolve({ code, stderr })),
    );
    child.on('error', fail);
    child.stdout.on('data', (d: Buffer) => {
      if (d.toString().includes('ready')) ready({ done });
    });
    void done.then(({ code }) => fail(new Error(`writer exited (${code}) before it was ready: ${stderr}`)));
  });
}

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

  it('opens a missing file without writing it: the first record does, in the format conf writes', () => {
    const store = new ProgressStore(dir);
    expect(store.notice).toBeUndefined();
    expect(fs.readdirSync(dir)).toEqual([]);
    expect(store.get('a')).toBeUndefined();
    store.record('a', outcome);
    expect(JSON.parse(fs.readFileSync(file(), 'utf8'))).toMatchObject({
      version: PROGRESS_VERSION,
      scenarios: { a: { attempts: 1 } },
    });
  });

  it('reads the file as it is now: a record made by another process is seen', () => {
    const mine = new ProgressStore(dir);
    new ProgressStore(dir).record('elsewhere', outcome);
    expect(mine.get('elsewhere')).toMatchObject({ attempts: 1 });
    expect(Object.keys(mine.all())).toEqual(['elsewhere']);
  });

  it('a file damaged after the open reads as empty and is set aside by the next record, not cleared', () => {
    const store = new ProgressStore(dir);
    store.record('a', outcome);
    fs.writeFileSync(file(), '{"version": 1, "scen');
    expect(store.all()).toEqual({});
    store.record('b', outcome);
    expect(asides()).toHaveLength(1);
    expect(fs.readFileSync(path.join(dir, asides()[0] as string), 'utf8')).toBe('{"version": 1, "scen');
    expect(Object.keys(new ProgressStore(dir).all())).toEqual(['b']);
  });

  it('opens a good file without the lock (reads need none), and writes the same format conf did', () => {
    new ProgressStore(dir).record('tls-ca', outcome);
    // A live holder (this process) keeps the lock: an open that waited for it would time out.
    const lock = `${file()}.lock`;
    fs.writeFileSync(lock, JSON.stringify({ pid: process.pid, host: os.hostname(), nonce: 'test' }));
    const started = Date.now();
    const store = new ProgressStore(dir);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(store.get('tls-ca')).toMatchObject({ completed: true });
    fs.rmSync(lock);
    const text = fs.readFileSync(file(), 'utf8');
    expect(text).toBe(JSON.stringify(JSON.parse(text), undefined, '\t'));
  });

  it('records where Node cannot require an ES module (conf is then loaded with the store, as before)', () => {
    const go = path.join(dir, 'go');
    fs.writeFileSync(go, '');
    const child = spawnSync(
      process.execPath,
      ['--no-experimental-require-module', '--import', 'tsx', WRITER, dir, go, 'old-node'],
      { encoding: 'utf8' },
    );
    expect(child.stderr).toBe('');
    expect(child.status).toBe(0);
    expect(new ProgressStore(dir).get('old-node')).toMatchObject({ attempts: 1 });
  });

  it('K8S_HARDEN_LAB_PROGRESS_DIR moves the file', () => {
    vi.stubEnv('K8S_HARDEN_LAB_PROGRESS_DIR', path.join(dir, 'elsewhere'));
    expect(progressDir()).toBe(path.join(dir, 'elsewhere'));
    const store = new ProgressStore();
    store.record('a', outcome);
    expect(store.path).toBe(path.join(dir, 'elsewhere', PROGRESS_FILE_NAME));
    expect(fs.existsSync(path.join(dir, 'elsewhere', PROGRESS_FILE_NAME))).toBe(true);
  });

  it('loses no record when 20 processes open a missing file and record at once', async () => {
    // Given 20 writer processes, each about to open the (not yet existing) file and record 5 ids
    const go = path.join(dir, 'go');
    const writers = await Promise.all(
      Array.from({ length: 20 }, (_, w) =>
        startWriter(
          dir,
          go,
          [1, 2, 3, 4, 5].map((n) => `quick-${w}-${n}`),
        ),
      ),
    );
    // When they are let go together
    fs.writeFileSync(go, '');
    const exits = await Promise.all(writers.map((w) => w.done));
    // Then every process succeeded and every one of the 100 records is there, counted once
    expect(exits.filter((e) => e.code !== 0)).toEqual([]);
    const scenarios = JSON.parse(fs.readFileSync(file(), 'utf8')).scenarios as Record<
      string,
      { attempts: number }
    >;
    expect(Object.keys(scenarios)).toHaveLength(100);
    expect(Object.values(scenarios).every((p) => p.attempts === 1)).toBe(true);
    // and nothing is left behind: no lock, no temp file
    expect(fs.readdirSync(dir).sort()).toEqual(['go', PROGRESS_FILE_NAME]);
  }, 120_000);

  it('records into one scenario from many processes: every attempt counts', async () => {
    const go = path.join(dir, 'go');
    const writers = await Promise.all(
      Array.from({ length: 10 }, () => startWriter(dir, go, ['same', 'same'])),
    );
    fs.writeFileSync(go, '');
    const exits = await Promise.all(writers.map((w) => w.done));
    expect(exits.filter((e) => e.code !== 0)).toEqual([]);
    expect(new ProgressStore(dir).get('same')).toMatchObject({ attempts: 20, hintsUsed: 20 });
  }, 120_000);
});
