import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AttemptStore } from '../../src/adapters/attempt-store.js';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'khl-attempts-'));
});
afterEach(() => {
  vi.restoreAllMocks();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('AttemptStore', () => {
  it('starts, saves and reads back an attempt; a damaged file is no attempt', () => {
    const store = new AttemptStore(dir);
    const a = store.start('tls-ca', new Date('2026-01-01T00:00:00Z'));
    expect(store.get('tls-ca')).toEqual(a);
    fs.writeFileSync(path.join(dir, 'tls-ca.json'), '{');
    expect(store.get('tls-ca')).toBeUndefined();
  });

  it('writes every save through a temp name of its own, so concurrent saves never collide', () => {
    const store = new AttemptStore(dir);
    const renames: string[] = [];
    const rename = fs.renameSync;
    vi.spyOn(fs, 'renameSync').mockImplementation((from, to) => {
      renames.push(String(from));
      rename(from, to);
    });
    for (let i = 0; i < 5; i++) store.start('tls-ca', new Date());
    expect(new Set(renames).size).toBe(5);
    expect(renames.every((r) => r.includes(`tls-ca.json.${process.pid}-`) && r.endsWith('.tmp'))).toBe(true);
    expect(fs.readdirSync(dir)).toEqual(['tls-ca.json']);
  });

  it('leaves no temp file behind when the rename fails', () => {
    const store = new AttemptStore(dir);
    vi.spyOn(fs, 'renameSync').mockImplementation(() => {
      throw Object.assign(new Error('EACCES'), { code: 'EACCES' });
    });
    expect(() => store.start('tls-ca', new Date())).toThrow('EACCES');
    expect(fs.readdirSync(dir)).toEqual([]);
  });
});
