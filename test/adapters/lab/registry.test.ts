import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { type LabState, writeLabState } from '../../../src/adapters/lab/lab-state.js';
import { engineOf, existingLab, labFor, modeOf } from '../../../src/adapters/lab/registry.js';
import { FakeLabProvider } from '../../helpers/fake-lab-provider.js';

const state = (engine?: LabState['engine']): LabState => ({
  provider: 'kind',
  cluster: 'lab',
  context: 'lab',
  server: 'https://127.0.0.1:40001',
  createdAt: '2026-01-01T00:00:00.000Z',
  ...(engine ? { engine } : {}),
});

describe('labFor: which lab, built how, from one read of state.json', () => {
  const home = () => {
    const dir = fs.mkdtempSync(path.join(process.env.K8S_HARDEN_LAB_HOME ?? os.tmpdir(), 'khl-registry-'));
    return { K8S_HARDEN_LAB_HOME: dir };
  };

  it('no state.json: no lab', () => {
    const env = home();
    expect(labFor(env, 'lab')).toBeUndefined();
    expect(existingLab(env, 'lab')).toBeUndefined();
  });

  it('gives the state it read and the provider it says how to build', () => {
    const env = home();
    writeLabState(state('lab'), env);
    const engines: string[] = [];
    const lab = labFor(env, 'lab', (engine) => {
      engines.push(engine);
      return new FakeLabProvider({});
    });
    expect(lab?.state).toMatchObject({ server: 'https://127.0.0.1:40001', engine: 'lab' });
    expect(engines).toEqual(['lab']);
    expect(labFor(env, 'lab')?.provider).toMatchObject({ kind: 'kind', cluster: 'lab' });
  });

  it('modeOf and engineOf: the offline build is engine lab; a state without an engine is docker', () => {
    expect(modeOf(state('lab'))).toBe('offline');
    expect(modeOf(state('podman'))).toBe('kind');
    expect(modeOf(state())).toBe('kind');
    expect(engineOf(state())).toBe('docker');
  });
});
