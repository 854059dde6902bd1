import { describe, expect, it } from 'vitest';
import { describeShellVariable } from '../../../src/engine/probes/shell-env.js';

describe('describeShellVariable', () => {
  const home = '/data/ws';
  it.each([
    ['/data/ws/my-kube-config', '~/my-kube-config'],
    ['/data/ws/./sub/../my-kube-config:/etc/other', '~/my-kube-config'],
    ['/etc/kubernetes/admin.conf', '/etc/kubernetes/admin.conf'],
    // Relative (or a literal ~ that no shell expanded): depends on the folder, never HOME's file.
    ['my-kube-config', '/my-kube-config'],
    ['~/my-kube-config', '/~/my-kube-config'],
    ['/data/ws-other/my-kube-config', '/data/ws-other/my-kube-config'],
  ])('%s → file %s', (v, file) => {
    expect(describeShellVariable({ KUBECONFIG: v }, 'KUBECONFIG', home).file).toBe(file);
  });
  it('unset: nothing', () => {
    expect(describeShellVariable({}, 'KUBECONFIG', home)).toEqual({
      set: false,
      value: undefined,
      entries: [],
      file: undefined,
    });
  });
});
