import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  caFingerprint,
  labKubeconfigPath,
  labStatePath,
  parseKubeconfig,
  readLabState,
  removeLabState,
  renameKubeconfigContext,
  writeLabState,
} from '../../../src/adapters/lab/lab-state.js';

const KUBECONFIG = `apiVersion: v1
kind: Config
clusters:
- cluster:
    server: https://127.0.0.1:40001
  name: kind-lab
contexts:
- context:
    cluster: kind-lab
    user: kind-lab
  name: kind-lab
- context:
    cluster: missing
    user: x
  name: dangling
current-context: kind-lab
users: []
`;

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('lab state', () => {
  it('round-trips state.json under K8S_HARDEN_LAB_HOME and ignores damaged files', () => {
    const home = fs.mkdtempSync(path.join(process.env.K8S_HARDEN_LAB_HOME ?? os.tmpdir(), 'khl-state-'));
    vi.stubEnv('K8S_HARDEN_LAB_HOME', home);
    expect(readLabState('lab')).toBeUndefined();
    const state = {
      provider: 'kind' as const,
      cluster: 'lab',
      context: 'lab',
      server: 'https://127.0.0.1:40001',
      createdAt: '2026-01-01T00:00:00.000Z',
    };
    writeLabState(state);
    expect(labStatePath('lab')).toBe(path.join(home, 'labs', 'lab', 'state.json'));
    expect(labKubeconfigPath('lab')).toBe(path.join(home, 'labs', 'lab', 'kubeconfig'));
    expect(readLabState('lab')).toEqual(state);
    fs.writeFileSync(labStatePath('lab'), '{"provider":"minikube"}');
    expect(readLabState('lab')).toBeUndefined();
    fs.writeFileSync(labKubeconfigPath('lab'), 'x');
    removeLabState('lab');
    expect(fs.readdirSync(path.join(home, 'labs', 'lab'))).toEqual([]);
  });
});

describe('kubeconfig helpers', () => {
  it('parses contexts with their servers', () => {
    expect(parseKubeconfig(KUBECONFIG)).toEqual({
      currentContext: 'kind-lab',
      contexts: [
        { name: 'kind-lab', cluster: 'kind-lab', server: 'https://127.0.0.1:40001', caData: undefined },
        { name: 'dangling', cluster: 'missing', server: undefined, caData: undefined },
      ],
    });
  });

  it('renames a context and makes it current, keeping the rest', () => {
    const out = parseKubeconfig(renameKubeconfigContext(KUBECONFIG, 'kind-lab', 'lab'));
    expect(out.currentContext).toBe('lab');
    expect(out.contexts.map((c) => [c.name, c.server])).toEqual([
      ['lab', 'https://127.0.0.1:40001'],
      ['dangling', undefined],
    ]);
  });

  it('fingerprints the DER of the embedded CA', () => {
    const der = Buffer.from('not really a certificate');
    const pem = `-----BEGIN CERTIFICATE-----\n${der.toString('base64')}\n-----END CERTIFICATE-----\n`;
    expect(caFingerprint(Buffer.from(pem).toString('base64'))).toBe(
      createHash('sha256').update(der).digest('hex'),
    );
    expect(caFingerprint(undefined)).toBeUndefined();
  });
});
