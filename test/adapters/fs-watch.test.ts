import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { watchTree } from '../../src/adapters/fs-watch.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

const until = async (f: () => boolean, ms = 5000) => {
  const start = Date.now();
  while (!f()) {
    if (Date.now() - start > ms) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
};

describe('watchTree', () => {
  it('calls back once for a burst of changes, also in subfolders', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'khl-watch-'));
    dirs.push(dir);
    fs.mkdirSync(path.join(dir, 'sub'));
    const onChange = vi.fn();
    const stop = watchTree(dir, onChange, { debounceMs: 50 });
    fs.writeFileSync(path.join(dir, 'a.yaml'), 'a');
    fs.writeFileSync(path.join(dir, 'sub', 'b.yaml'), 'b');
    await until(() => onChange.mock.calls.length > 0);
    await new Promise((r) => setTimeout(r, 150));
    expect(onChange).toHaveBeenCalledTimes(1);
    stop();
    fs.writeFileSync(path.join(dir, 'a.yaml'), 'again');
    await new Promise((r) => setTimeout(r, 150));
    expect(onChange).toHaveBeenCalledTimes(1);
  });

  it('never throws for a folder that does not exist', () => {
    const stop = watchTree(path.join(os.tmpdir(), 'khl-no-such-folder', 'x'), () => {});
    expect(() => stop()).not.toThrow();
  });

  it('says whether it sees changes: the UI polls often when it does not', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'khl-watch-'));
    dirs.push(dir);
    const stop = watchTree(dir, () => {});
    expect(stop.watching).toBe(true);
    stop();
    expect(stop.watching).toBe(false);
    expect(watchTree(path.join(dir, 'missing'), () => {}).watching).toBe(false);
  });
});
