import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCommand } from '../../src/adapters/process/run.js';
import { SCENARIOS_ROOT } from './harness.js';

// scenarios/_lib/lab.sh, the helpers every cluster scenario script sources.
let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'khl-lablib-'));
  fs.mkdirSync(path.join(dir, 'bin'));
  fs.mkdirSync(path.join(dir, 'tmp'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

/** A kubectl that prints an admin kubeconfig, then fails when asked to write one (exit 1). */
function fakeKubectl(failWrites: boolean) {
  const b64 = (s: string) => Buffer.from(s).toString('base64');
  const json = JSON.stringify({
    clusters: [{ cluster: { server: 'https://lab:6443', 'certificate-authority-data': b64('CA') } }],
    users: [{ user: { 'client-certificate-data': b64('CERT'), 'client-key-data': b64('ADMIN KEY') } }],
  });
  fs.writeFileSync(
    path.join(dir, 'bin', 'kubectl'),
    `#!/bin/sh\nif [ "$1" = config ] && [ "$2" = view ]; then echo '${json}'; exit 0; fi\n${failWrites ? 'echo "kubectl: refused" >&2; exit 1' : '[ "$1" = --kubeconfig ] && touch "$2"; exit 0'}\n`,
    { mode: 0o755 },
  );
}

const run = () =>
  runCommand(
    'bash',
    ['-c', `source "${SCENARIOS_ROOT}/_lib/lab.sh"; lab_admin_kubeconfig "${dir}/admin.kubeconfig"`],
    {
      env: { PATH: `${dir}/bin:${process.env.PATH}`, TMPDIR: path.join(dir, 'tmp'), KHL_BIN: '/dev/null' },
      timeoutMs: 20_000,
    },
  );

describe('lab_admin_kubeconfig', () => {
  it('leaves no copy of the admin key behind when a step fails', async () => {
    fakeKubectl(true);
    const r = await run();
    expect(r.exitCode).not.toBe(0);
    expect(fs.readdirSync(path.join(dir, 'tmp'))).toEqual([]);
  });

  it('nor when it succeeds', async () => {
    fakeKubectl(false);
    const r = await run();
    expect(r.exitCode, r.stderr).toBe(0);
    expect(fs.readdirSync(path.join(dir, 'tmp'))).toEqual([]);
  });
});
