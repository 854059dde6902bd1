import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Check } from '../../src/domain/checks.js';
import { credentialFiles, keepCredential, matchesKept } from '../../src/engine/kept-credential.js';

describe('keepCredential: a credential file as setup wrote it, kept as digests', () => {
  let pem: string;
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'khl-kept-'));
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-keyout',
        'k.pem',
        '-subj',
        '/CN=john',
        '-out',
        'c.pem',
      ],
      { cwd: dir, stdio: 'pipe' },
    );
    pem = fs.readFileSync(path.join(dir, 'c.pem'), 'utf8');
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('never holds the secret itself', () => {
    const kept = keepCredential('SECRET-TOKEN\n');
    expect(JSON.stringify(kept)).not.toContain('SECRET');
    expect(kept.token).toMatch(/^[0-9a-f]{64}$/);
    expect(kept.certificate).toBeUndefined();
  });

  it('matches the token trimmed, as client-go sends a token file, and nothing else', () => {
    const kept = keepCredential('SECRET\n');
    expect(matchesKept('SECRET', 'token', kept)).toBe(true);
    expect(matchesKept('SECRET2', 'token', kept)).toBe(false);
    expect(matchesKept('SECRET', 'certificate', kept)).toBe(false);
  });

  it('matches a certificate by its bytes, however the PEM is wrapped', () => {
    const kept = keepCredential(pem);
    expect(kept.certificate).toMatch(/^[0-9a-f]{64}$/);
    expect(matchesKept(`${pem}\n\n`, 'certificate', kept)).toBe(true);
    expect(matchesKept('not a certificate', 'certificate', kept)).toBe(false);
  });
});

describe('credentialFiles', () => {
  it('names each credentialFile once, from checks and the probes their values come from', () => {
    const kc = (credentialFile?: string) => ({
      kind: 'kubeconfig',
      path: 'kc',
      ...(credentialFile ? { credentialFile } : {}),
    });
    const checks = [
      { probe: kc('a.token'), expect: { op: 'eq', value: true } },
      { probe: kc('a.token'), expect: { op: 'eq', value: true } },
      { probe: kc(), expect: { op: 'eq', valueFrom: { probe: kc('b.crt'), field: 'x' } } },
      { probe: { kind: 'file', path: 'a.token' }, expect: { op: 'eq', value: true } },
    ] as unknown as Check[];
    expect(credentialFiles(checks)).toEqual(['a.token', 'b.crt']);
  });
});
