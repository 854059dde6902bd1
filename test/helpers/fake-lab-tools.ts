import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { vi } from 'vitest';

const TOOL = path.join(import.meta.dirname, 'fake-lab-tool.mjs');

export type Recorded = { tool: string; argv: string[]; provider: string | null; dockerHost: string | null };

export type FakeLab = {
  /** Temporary root: bin/, state/, home/ (K8S_HARDEN_LAB_HOME). */
  readonly root: string;
  readonly home: string;
  readonly state: string;
  readonly records: () => Recorded[];
  /** The recorded calls as command lines (`kind get clusters`), optionally of one tool. */
  readonly lines: (tool?: string) => string[];
  readonly clear: () => void;
};

/**
 * Puts recording fakes of kind, docker, podman and kubectl first on PATH (via vi.stubEnv) and points
 * K8S_HARDEN_LAB_HOME at a temp folder. Call vi.unstubAllEnvs() in afterEach.
 */
const TEST_BASE = process.env.K8S_HARDEN_LAB_HOME ?? os.tmpdir();

export function installFakeLabTools(
  tools: readonly string[] = ['kind', 'docker', 'podman', 'kubectl'],
): FakeLab {
  // Inside the test file's temporary home (test/setup.ts removes it), so nothing is left in /tmp.
  const root = fs.mkdtempSync(path.join(TEST_BASE, 'khl-fake-lab-'));
  const bin = path.join(root, 'bin');
  const state = path.join(root, 'state');
  const home = path.join(root, 'home');
  const record = path.join(root, 'record.jsonl');
  fs.mkdirSync(bin);
  fs.mkdirSync(state);
  fs.mkdirSync(home);
  fs.writeFileSync(record, '');
  for (const tool of tools) {
    const file = path.join(bin, tool);
    fs.writeFileSync(file, `#!/bin/sh\nexec "${process.execPath}" "${TOOL}" ${tool} "$@"\n`);
    fs.chmodSync(file, 0o755);
  }
  vi.stubEnv('PATH', `${bin}${path.delimiter}${process.env.PATH ?? ''}`);
  vi.stubEnv('FAKE_LAB_STATE', state);
  vi.stubEnv('FAKE_LAB_RECORD', record);
  vi.stubEnv('K8S_HARDEN_LAB_HOME', home);
  vi.stubEnv('KIND_EXPERIMENTAL_PROVIDER', undefined);
  vi.stubEnv('DOCKER_HOST', undefined);
  const records = (): Recorded[] =>
    fs
      .readFileSync(record, 'utf8')
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => JSON.parse(l) as Recorded);
  return {
    root,
    home,
    state,
    records,
    lines: (tool) =>
      records()
        .filter((r) => tool === undefined || r.tool === tool)
        .map((r) => [r.tool, ...r.argv].join(' ')),
    clear: () => fs.writeFileSync(record, ''),
  };
}
