import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { labKubeconfigPath, writeLabState } from '../../src/adapters/lab/lab-state.js';
import { assertLabTarget, guardLabTarget, readGuardTarget } from '../../src/adapters/lab-target.js';
import { UserError } from '../../src/engine/errors.js';
import { CA_A, CA_B, kubeconfig } from '../helpers/guard-kubeconfig.js';

const CLUSTER = 'k8s-harden-lab';
const SERVER = 'https://127.0.0.1:40123';

const TEST_BASE = process.env.K8S_HARDEN_LAB_HOME ?? os.tmpdir();

describe('guardLabTarget with real files', () => {
  let home: string;
  let own: string;

  beforeEach(() => {
    // Inside the test file's temporary home (removed by test/setup.ts).
    home = fs.mkdtempSync(path.join(TEST_BASE, 'khl-guard-'));
    vi.stubEnv('K8S_HARDEN_LAB_HOME', home);
    own = labKubeconfigPath(CLUSTER);
    fs.mkdirSync(path.dirname(own), { recursive: true });
    fs.writeFileSync(own, kubeconfig([{ name: CLUSTER, server: SERVER, ca: CA_A }], CLUSTER));
    writeLabState({
      provider: 'kind',
      cluster: CLUSTER,
      context: CLUSTER,
      server: SERVER,
      caFingerprint: readGuardTarget(own).caFingerprint,
      createdAt: new Date(0).toISOString(),
    });
  });

  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it('allows the app’s own lab kubeconfig and context', () => {
    expect(guardLabTarget({ kubeconfigPath: own, cluster: CLUSTER })).toMatchObject({ ok: true });
    expect(() => assertLabTarget({ kubeconfigPath: own, context: CLUSTER, cluster: CLUSTER })).not.toThrow();
  });

  it('decides on the lab record it is handed (state.json as already read), not a second read', () => {
    const handed = {
      provider: 'kind' as const,
      cluster: CLUSTER,
      context: CLUSTER,
      server: 'https://127.0.0.1:49999',
      createdAt: new Date(0).toISOString(),
    };
    // state.json on disk says SERVER; the record handed in says another server, so it refuses.
    expect(guardLabTarget({ kubeconfigPath: own, cluster: CLUSTER, state: handed })).toMatchObject({
      ok: false,
    });
    expect(guardLabTarget({ kubeconfigPath: own, cluster: CLUSTER })).toMatchObject({ ok: true });
  });

  it('refuses a second kubeconfig whose context reaches the same server but is not marked', () => {
    const other = path.join(home, 'user-kubeconfig');
    const before = kubeconfig([{ name: 'prod', server: SERVER, ca: CA_A }], 'prod');
    fs.writeFileSync(other, before);
    const d = guardLabTarget({ kubeconfigPath: other, cluster: CLUSTER });
    expect(d).toMatchObject({ ok: false, reason: 'other-kubeconfig' });
    if (d.ok) return;
    expect(d.message).toBe(
      `refusing: context \`prod\` in ${fs.realpathSync(other)} is not this app's lab (expected context \`${CLUSTER}\` in ${fs.realpathSync(own)})`,
    );
    // a byte-for-byte copy of the lab kubeconfig elsewhere is not the lab's file either
    const copy = path.join(home, 'copy-kubeconfig');
    fs.copyFileSync(own, copy);
    expect(guardLabTarget({ kubeconfigPath: copy, context: CLUSTER, cluster: CLUSTER })).toMatchObject({
      reason: 'other-kubeconfig',
    });
    let thrown: unknown;
    try {
      assertLabTarget({ kubeconfigPath: other, cluster: CLUSTER });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(UserError);
    expect((thrown as UserError).exitCode).toBe(4);
    expect(fs.readFileSync(other, 'utf8')).toBe(before);
  });

  it('refuses an unmarked context added to the app’s own file, even on the same server', () => {
    fs.writeFileSync(
      own,
      kubeconfig(
        [
          { name: CLUSTER, server: SERVER, ca: CA_A },
          { name: 'admin-elsewhere', server: SERVER, ca: CA_A },
        ],
        'admin-elsewhere',
      ),
    );
    expect(guardLabTarget({ kubeconfigPath: own, cluster: CLUSTER })).toMatchObject({
      reason: 'other-context',
    });
    expect(guardLabTarget({ kubeconfigPath: own, context: CLUSTER, cluster: CLUSTER }).ok).toBe(true);
  });

  it('refuses when the lab context was edited to another server or another CA', () => {
    fs.writeFileSync(
      own,
      kubeconfig([{ name: CLUSTER, server: 'https://10.1.2.3:6443', ca: CA_A }], CLUSTER),
    );
    expect(guardLabTarget({ kubeconfigPath: own, cluster: CLUSTER })).toMatchObject({
      reason: 'other-server',
    });
    fs.writeFileSync(own, kubeconfig([{ name: CLUSTER, server: SERVER, ca: CA_B }], CLUSTER));
    expect(guardLabTarget({ kubeconfigPath: own, cluster: CLUSTER })).toMatchObject({ reason: 'other-ca' });
  });

  it('refuses everything when no lab is recorded, and when the file is gone', () => {
    fs.rmSync(own);
    expect(guardLabTarget({ kubeconfigPath: own, cluster: CLUSTER })).toMatchObject({ reason: 'unreadable' });
    fs.rmSync(path.join(home, 'labs', CLUSTER, 'state.json'));
    expect(guardLabTarget({ kubeconfigPath: own, cluster: CLUSTER })).toMatchObject({ reason: 'no-lab' });
  });
});
