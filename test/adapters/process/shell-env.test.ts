import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { freshShellEnv } from '../../../src/adapters/process/shell-env.js';

let home: string;
beforeEach(() => {
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'khl-home-'));
});
afterEach(() => fs.rmSync(home, { recursive: true, force: true }));

const bashrc = (text: string) => fs.writeFileSync(path.join(home, '.bashrc'), text);
const envOf = async (login = false) => {
  const r = await freshShellEnv({ home, login, timeoutMs: 5_000 });
  if (!r.ok) throw new Error(r.message);
  return r.env;
};

describe('freshShellEnv: what a program started from a new shell sees', () => {
  it('sees exported variables, not variables only assigned, and none of the app’s own', async () => {
    process.env.KHL_TEST_SECRET = 'from-the-app';
    try {
      bashrc('export SEEN="$HOME/x"\nASSIGNED_ONLY=1\n');
      const env = await envOf();
      expect(env.SEEN).toBe(`${home}/x`);
      expect(env.ASSIGNED_ONLY).toBeUndefined();
      expect(env.HOME).toBe(home);
      expect(env.KHL_TEST_SECRET).toBeUndefined();
    } finally {
      delete process.env.KHL_TEST_SECRET;
    }
  });

  it('never trusts what the shell prints', async () => {
    bashrc("echo 'KUBECONFIG=/forged'\nprintf 'KUBECONFIG=/forged\\0'\n");
    expect((await envOf()).KUBECONFIG).toBeUndefined();
  });

  it('a login shell reads ~/.profile, a new terminal does not', async () => {
    fs.writeFileSync(path.join(home, '.profile'), 'export FROM_PROFILE=yes\n');
    expect((await envOf(true)).FROM_PROFILE).toBe('yes');
    expect((await envOf(false)).FROM_PROFILE).toBeUndefined();
  });

  it('a .bashrc that exits or never finishes is an error that says so', async () => {
    bashrc('exit 3\n');
    expect(await freshShellEnv({ home, login: false, timeoutMs: 5_000 })).toMatchObject({
      ok: false,
      message: expect.stringMatching(/stopped before it could start a program.*exit/),
    });
    bashrc('sleep 30\n');
    const started = Date.now();
    expect(await freshShellEnv({ home, login: false, timeoutMs: 1_000 })).toMatchObject({
      ok: false,
      message: expect.stringMatching(/did not finish starting within 1 s/),
    });
    expect(Date.now() - started).toBeLessThan(8_000);
  });
});
