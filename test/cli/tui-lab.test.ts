import { afterEach, describe, expect, it, vi } from 'vitest';
import type { LabStatus } from '../../src/engine/ports.js';

// The lab the TUI's status line reads: a fake one, so no provider or container engine is asked.
const lab = vi.hoisted(() => ({ status: undefined as LabStatus | undefined }));
vi.mock('../../src/adapters/lab/registry.js', () => ({
  existingLab: () => (lab.status ? { status: async () => lab.status } : undefined),
}));

const { tuiLabDeps } = await import('../../src/cli/tui-lab.js');

const node = (name: string, ready: boolean) =>
  ({ name, role: name === 'control-plane' ? 'control-plane' : 'worker', ready, version: 'v1.34.0' }) as const;
const status = (over: Partial<LabStatus>): LabStatus => ({
  provider: 'kind',
  cluster: 'k8s-harden-lab',
  exists: true,
  nodes: [node('control-plane', true), node('worker', true)],
  apiserverHealthy: true,
  kubeconfigPath: '/nowhere/kubeconfig',
  ...over,
});

afterEach(() => {
  lab.status = undefined;
});

describe('tuiLabDeps labStatus', () => {
  it('says both when the apiserver does not answer and a node is not Ready (code review §6c.7)', async () => {
    lab.status = status({
      apiserverHealthy: false,
      nodes: [node('control-plane', true), node('worker', false)],
    });
    const s = await tuiLabDeps({}).labStatus?.();
    expect(s).toMatchObject({ health: 'degraded', detail: 'apiserver not answering; not Ready: worker' });
  });

  it.each([
    [{ apiserverHealthy: false }, 'degraded', 'apiserver not answering'],
    [{ nodes: [node('control-plane', false)] }, 'degraded', 'not Ready: control-plane'],
    [{}, 'healthy', undefined],
  ])('%j → %s (%s)', async (over, health, detail) => {
    lab.status = status(over);
    const s = await tuiLabDeps({}).labStatus?.();
    expect(s?.health).toBe(health);
    expect(s?.detail).toBe(detail);
  });

  it('a lab that is gone is down, and no lab at all is undefined', async () => {
    lab.status = status({ exists: false, nodes: [], apiserverHealthy: false });
    expect((await tuiLabDeps({}).labStatus?.())?.health).toBe('down');
    lab.status = undefined;
    expect(await tuiLabDeps({}).labStatus?.()).toBeUndefined();
  });
});
