import { describe, expect, it } from 'vitest';
import { chooseProvider } from '../../../src/adapters/lab/choose.js';
import { fakeProbes } from '../../helpers/fake-probes.js';

describe('chooseProvider', () => {
  it('picks kind when Docker answers and kind is installed', async () => {
    const c = await chooseProvider({ env: {}, probes: fakeProbes() });
    expect(c).toEqual({
      ok: true,
      provider: 'kind',
      engine: 'docker',
      reason: 'found: kind v0.33.0 with docker 28.2.2',
    });
  });

  it('falls back to Podman, and prefers it with KIND_EXPERIMENTAL_PROVIDER=podman', async () => {
    const podman = { installed: true, reachable: true, version: '5.4.0' };
    const down = { reachable: false, detail: 'Cannot connect to the Docker daemon' };
    expect(await chooseProvider({ env: {}, probes: fakeProbes({ docker: down, podman }) })).toMatchObject({
      provider: 'kind',
      engine: 'podman',
    });
    const both = fakeProbes({ podman });
    expect(
      await chooseProvider({ env: { KIND_EXPERIMENTAL_PROVIDER: 'podman' }, probes: both }),
    ).toMatchObject({
      engine: 'podman',
    });
    expect(both.calls[0]).toBe('engine:podman');
  });

  it('uses kind on the offline build on Linux as root when kind cannot run', async () => {
    const c = await chooseProvider({
      env: {},
      probes: fakeProbes({
        isRoot: true,
        docker: { installed: false, reachable: false },
        kind: { installed: false },
      }),
    });
    expect(c).toMatchObject({ ok: true, provider: 'kind', engine: 'lab' });
    if (c.ok) expect(c.reason).toContain('neither Docker nor Podman is installed');
  });

  it('explains exactly what to install when nothing can run', async () => {
    const c = await chooseProvider({
      env: {},
      probes: fakeProbes({
        platform: 'darwin',
        docker: { installed: false, reachable: false },
        kind: { installed: false },
      }),
    });
    expect(c.ok).toBe(false);
    if (c.ok) return;
    expect(c.reason).toBe(
      'no lab can run here: neither Docker nor Podman is installed; kind is not installed, and the offline lab needs Linux (this is darwin)',
    );
    expect(c.fix).toContain('https://docs.docker.com/engine/install/');
    expect(c.fix).toContain('kind v0.33.0');
  });

  it('says the Docker daemon is down rather than missing', async () => {
    const c = await chooseProvider({
      env: {},
      probes: fakeProbes({ docker: { reachable: false, detail: 'permission denied' } }),
    });
    expect(c).toMatchObject({ ok: false });
    if (!c.ok) expect(c.fix).toContain('sudo systemctl start docker');
  });

  it('honours K8S_HARDEN_LAB_OFFLINE, even when Docker and kind are there', async () => {
    expect(
      await chooseProvider({ env: { K8S_HARDEN_LAB_OFFLINE: '1' }, probes: fakeProbes({ isRoot: true }) }),
    ).toMatchObject({ ok: true, engine: 'lab' });
    expect(
      await chooseProvider({ env: { K8S_HARDEN_LAB_OFFLINE: '1' }, probes: fakeProbes() }),
    ).toMatchObject({
      ok: false,
      reason: 'the offline lab needs root (run with sudo)',
    });
  });
});
