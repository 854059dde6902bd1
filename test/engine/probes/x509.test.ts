import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProbeContext } from '../../../src/engine/probes/types.js';
import { type CertificateFacts, describeCertificate, x509Probe } from '../../../src/engine/probes/x509.js';
import { testIo } from '../../helpers/probe-io.js';

let dir: string;
const read = (f: string) => fs.readFileSync(path.join(dir, f), 'utf8');
const ssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
const context = (): ProbeContext => ({
  io: testIo,
  workspace: dir,
  signal: new AbortController().signal,
  roundCache: new Map(),
});

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'khl-x509-'));
  ssl('genrsa', '-out', 'ca.key', '2048');
  ssl(
    'req',
    '-x509',
    '-new',
    '-key',
    'ca.key',
    '-subj',
    '/CN=KUBERNETES-CA',
    '-days',
    '3650',
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-out',
    'ca.crt',
  );
  ssl('genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-384', '-out', 'john.key');
  ssl('req', '-new', '-key', 'john.key', '-subj', '/CN=john/O=developers/O=qa', '-out', 'john.csr');
  fs.writeFileSync(path.join(dir, 'john.ext'), 'subjectAltName=DNS:john.example,IP:10.0.0.1\n');
  ssl(
    'x509',
    '-req',
    '-in',
    'john.csr',
    '-CA',
    'ca.crt',
    '-CAkey',
    'ca.key',
    '-set_serial',
    '7',
    '-days',
    '30',
    '-extfile',
    'john.ext',
    '-out',
    'john.crt',
  );
  ssl('genrsa', '-out', 'other.key', '2048');
  fs.writeFileSync(path.join(dir, 'garbage.crt'), 'hello, not a certificate\n');
}, 60_000);
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('describeCertificate', () => {
  it('describes a self-signed CA with its key', () => {
    const f = describeCertificate({
      cert: { name: 'ca.crt', pem: read('ca.crt') },
      key: { name: 'ca.key', pem: read('ca.key') },
    });
    expect(f).toMatchObject({
      exists: true,
      subject: { CN: 'KUBERNETES-CA' },
      subjectText: 'CN=KUBERNETES-CA',
      issuerText: 'CN=KUBERNETES-CA',
      keyType: 'rsa',
      keyBits: 2048,
      keyFileType: 'rsa',
      keyFileBits: 2048,
      keyMatches: true,
      isCA: true,
      selfSigned: true,
      validNow: true,
      sans: [],
    });
    expect(f.validDays).toBeCloseTo(3650, 3);
    expect(f.daysLeft).toBeGreaterThan(3649);
    expect(f.verifiesWithCA).toBeUndefined();
  });

  it('describes a client certificate: repeated O as a list, SANs, EC key, issuer, verification', () => {
    const f: CertificateFacts = describeCertificate({
      cert: { name: 'john.crt', pem: read('john.crt') },
      key: { name: 'john.key', pem: read('john.key') },
      ca: { name: 'ca.crt', pem: read('ca.crt') },
    });
    expect(f.subject).toEqual({ CN: 'john', O: ['developers', 'qa'] });
    expect(f.issuer).toEqual({ CN: 'KUBERNETES-CA' });
    expect(f.sans).toEqual(['DNS:john.example', 'IP Address:10.0.0.1']);
    expect(f).toMatchObject({ keyType: 'ec', keyBits: 384, keyMatches: true, verifiesWithCA: true });
    expect(f.isCA).toBe(false);
    expect(f.selfSigned).toBe(false);
    expect(f.notBefore).toMatch(/^\d{4}-\d\d-\d\dT/);
  });

  it('sees a key that does not match and a CA that did not sign', () => {
    const f = describeCertificate({
      cert: { name: 'john.crt', pem: read('john.crt') },
      key: { name: 'other.key', pem: read('other.key') },
      ca: { name: 'john.crt', pem: read('john.crt') },
    });
    expect(f.keyMatches).toBe(false);
    expect(f.verifiesWithCA).toBe(false);
  });

  it('a missing certificate is a plain observation, key facts are still there', () => {
    const f = describeCertificate({
      cert: { name: 'ca.crt', pem: undefined },
      key: { name: 'ca.key', pem: read('ca.key') },
    });
    expect(f).toEqual({ exists: false, keyFileExists: true, keyFileType: 'rsa', keyFileBits: 2048 });
  });

  it('is valid only between notBefore and notAfter', () => {
    const later = new Date(Date.now() + 40 * 86_400_000);
    const f = describeCertificate({ cert: { name: 'john.crt', pem: read('john.crt') }, now: later });
    expect(f.validNow).toBe(false);
    expect(f.daysLeft).toBeLessThan(0);
  });

  it('names the file that is not PEM', () => {
    expect(() => describeCertificate({ cert: { name: 'garbage.crt', pem: 'nope' } })).toThrow(
      /garbage\.crt is not a PEM certificate/,
    );
    expect(() =>
      describeCertificate({
        cert: { name: 'ca.crt', pem: read('ca.crt') },
        key: { name: 'ca.crt', pem: read('ca.crt') },
      }),
    ).toThrow(/ca\.crt is not a PEM private key/);
  });
});

describe('x509Probe', () => {
  it('reads workspace files', async () => {
    const obs = await x509Probe({ kind: 'x509', cert: 'john.crt', key: 'john.key', ca: 'ca.crt' }, context());
    expect(obs.type).toBe('value');
    expect(obs.type === 'value' && (obs.value as CertificateFacts).verifiesWithCA).toBe(true);
  });

  it('reports a missing certificate as not existing, not as an error', async () => {
    const obs = await x509Probe({ kind: 'x509', cert: 'nothing.crt' }, context());
    expect(obs).toEqual({ type: 'value', value: { exists: false } });
  });

  it('turns non-PEM content and paths outside the workspace into errors naming the file', async () => {
    expect(await x509Probe({ kind: 'x509', cert: 'garbage.crt' }, context())).toEqual({
      type: 'error',
      message: expect.stringContaining('garbage.crt'),
    });
    const outside = await x509Probe({ kind: 'x509', cert: '../../etc/passwd' }, context());
    expect(outside.type).toBe('error');
  });
});
