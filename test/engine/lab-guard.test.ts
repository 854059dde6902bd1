import { describe, expect, it } from 'vitest';
import {
  checkLabTarget,
  type GuardTarget,
  type LabRecord,
  normalizeServer,
} from '../../src/engine/lab-guard.js';

const CLUSTER = 'k8s-harden-lab';
const SERVER = 'https://127.0.0.1:40123';

describe('checkLabTarget (pure)', () => {
  const lab: LabRecord = {
    cluster: CLUSTER,
    kubeconfigPath: '/data/labs/k8s-harden-lab/kubeconfig',
    context: CLUSTER,
    server: SERVER,
  };
  const target = (over: Partial<GuardTarget>): GuardTarget => ({
    kubeconfigPath: lab.kubeconfigPath,
    context: CLUSTER,
    contextFound: true,
    server: SERVER,
    caFingerprint: undefined,
    ...over,
  });

  it('accepts the lab context in the app’s own kubeconfig at the recorded server', () => {
    expect(checkLabTarget(target({ server: `${SERVER}/` }), lab, CLUSTER).ok).toBe(true);
  });

  it('names what it found and what it expected', () => {
    const d = checkLabTarget(
      target({ kubeconfigPath: '/home/u/.kube/config', context: 'prod' }),
      lab,
      CLUSTER,
    );
    expect(d).toMatchObject({ ok: false, reason: 'other-kubeconfig' });
    if (d.ok) return;
    expect(d.message).toBe(
      "refusing: context `prod` in /home/u/.kube/config is not this app's lab (expected context `k8s-harden-lab` in /data/labs/k8s-harden-lab/kubeconfig)",
    );
  });

  it('refuses another context in the app’s own file, a changed server, and no lab at all', () => {
    expect(checkLabTarget(target({ context: 'kind-k8s-harden-lab' }), lab, CLUSTER)).toMatchObject({
      reason: 'other-context',
    });
    expect(checkLabTarget(target({ server: 'https://10.0.0.1:6443' }), lab, CLUSTER)).toMatchObject({
      reason: 'other-server',
    });
    expect(checkLabTarget(target({ contextFound: false, server: undefined }), lab, CLUSTER)).toMatchObject({
      reason: 'missing-context',
    });
    expect(checkLabTarget(target({}), undefined, CLUSTER)).toMatchObject({ reason: 'no-lab' });
    expect(
      checkLabTarget(target({ caFingerprint: 'b' }), { ...lab, caFingerprint: 'a' }, CLUSTER),
    ).toMatchObject({
      reason: 'other-ca',
    });
  });

  it('normalizes server URLs', () => {
    expect(normalizeServer('https://LOCALHOST/')).toBe('https://localhost:443');
    expect(normalizeServer('https://127.0.0.1:6443')).toBe(normalizeServer('https://127.0.0.1:6443/'));
  });
});
