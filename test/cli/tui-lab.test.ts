import { afterEach, describe, expect, it, vi } from 'vitest';
import type { LabStatus } from '../../src/engine/ports.js';

// The lab the TUI's status line reads: a fake one, so no provider or container engine is asked.
const lab = vi.hoisted(() => ({ status: undefined as LabStatus | undefined }));
vi.mock('../../src/adapters/lab/registry.js', () => ({
  labFor: () => (lab.status ? { provider: { status: async () => lab.status } } : undefined),
}));
// The provider a lab command would get: here it throws what the test sets.
const wiring = vi.hoisted(() => ({ error: undefined as unknown }));
vi.mock('../../src/cli/lab-wiring.js', () => ({
  providerForCommand: async () => {
    throw wiring.error;
  },
}));

const { tuiLabDeps } = await import('../../src/cli/tui-lab.js');
const { EXIT, UserError } = await import('../../src/engine/errors.js');

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

describe("tuiLabDeps errors, in describeError's words", () => {
  it('a node shell with no lab is a UserError with the next step, not a bug', async () => {
    const refused = await tuiLabDeps({})
      .nodeShell?.('worker')
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(UserError);
    expect(refused).toMatchObject({ message: 'there is no lab', exitCode: EXIT.lab });
    expect((refused as InstanceType<typeof UserError>).nextStep).toContain('k8s-harden-lab up');
  });

  it('creating the lab: a user condition with its next step, anything else worded as a bug', async () => {
    wiring.error = new UserError('no container engine', 'install Docker', EXIT.lab);
    expect(await tuiLabDeps({}).createLab?.(() => {}, new AbortController().signal)).toEqual({
      ok: false,
      step: 'choose a lab',
      message: 'no container engine. Next: install Docker',
    });
    wiring.error = new TypeError('x is undefined');
    expect(await tuiLabDeps({}).createLab?.(() => {}, new AbortController().signal)).toMatchObject({
      ok: false,
      step: 'create the lab',
      message: expect.stringMatching(/^x is undefined\. Next: this looks like a bug; the details are in /),
    });
  });
});
