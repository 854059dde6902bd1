import { describe, expect, it } from 'vitest';
import { type DoctorInput, formatDoctorReport, runDoctor } from '../../src/cli/doctor.js';
import { fakeProbes, type ProbeOverrides } from '../helpers/fake-probes.js';

function input(o: ProbeOverrides = {}, extra: Partial<DoctorInput> = {}): DoctorInput {
  return { kubernetesVersion: 'v1.34.11', minKind: 'v0.33.0', probes: fakeProbes(o), ...extra };
}

const statusOf = async (i: DoctorInput) =>
  Object.fromEntries((await runDoctor(i)).checks.map((c) => [c.id, c.status]));

describe('runDoctor', () => {
  it('passes on a healthy machine and is JSON-able', async () => {
    const r = await runDoctor(input());
    expect(r.ok).toBe(true);
    expect(r.checks.map((c) => `${c.id}:${c.status}`)).toEqual([
      'engine:ok',
      'kind:ok',
      'kubectl:ok',
      'cgroup:ok',
      'disk:ok',
      'memory:ok',
      'port-6443:ok',
    ]);
    expect(JSON.parse(JSON.stringify(r))).toEqual(r);
  });

  it('fails with a fix on every failing line', async () => {
    const r = await runDoctor(
      input({
        docker: { installed: false, reachable: false },
        kind: { installed: true, version: 'v0.20.0' },
        kubectl: { installed: false },
        diskFreeGiB: 2,
        memAvailableGiB: 1,
      }),
    );
    expect(r.ok).toBe(false);
    const failing = r.checks.filter((c) => c.status === 'fail');
    expect(failing.map((c) => c.id)).toEqual(['engine', 'kind', 'kubectl', 'disk', 'memory']);
    for (const c of failing) expect(c.fix, c.id).toBeTruthy();
    expect(failing.find((c) => c.id === 'kind')?.detail).toBe(
      'kind v0.20.0 is older than v0.33.0, the release that published the pinned node images',
    );
    const text = formatDoctorReport(r);
    expect(text).toContain('✗ container engine: neither docker nor podman is installed');
    expect(text).toContain('    fix: Install Docker');
  });

  it('accepts podman when docker is down, and rejects docker older than 20.10', async () => {
    expect(
      (
        await statusOf(
          input({
            docker: { reachable: false },
            podman: { installed: true, reachable: true, version: '5.0' },
          }),
        )
      ).engine,
    ).toBe('ok');
    expect((await statusOf(input({ docker: { version: '19.03.15' } }))).engine).toBe('fail');
  });

  it('needs cgroup v2 only for Kubernetes 1.35+ images', async () => {
    expect((await statusOf(input({ cgroup: 'v1' }))).cgroup).toBe('ok');
    const r = await runDoctor(input({ cgroup: 'v1' }, { kubernetesVersion: 'v1.35.8' }));
    const cg = r.checks.find((c) => c.id === 'cgroup');
    expect(cg).toMatchObject({ status: 'fail' });
    expect(cg?.fix).toContain('systemd.unified_cgroup_hierarchy=1');
    expect((await statusOf(input({ platform: 'darwin', cgroup: 'unknown' }))).cgroup).toBe('skip');
  });

  it('reports a 6443 clash: a warning for kind, a failure for the host lab, fine when it is the lab’s own', async () => {
    expect((await statusOf(input({ port6443: 'in-use' })))['port-6443']).toBe('warn');
    const host = await runDoctor(input({ port6443: 'in-use', isRoot: true }, { provider: 'host' }));
    expect(host.ok).toBe(false);
    expect(host.checks.find((c) => c.id === 'port-6443')?.fix).toContain('ss -ltnp');
    expect(
      (
        await statusOf(
          input({ port6443: 'in-use' }, { provider: 'host', labServer: 'https://127.0.0.1:6443' }),
        )
      )['port-6443'],
    ).toBe('ok');
  });

  it('checks Linux and root instead of kind for the host lab', async () => {
    const r = await runDoctor(input({ platform: 'linux', isRoot: false }, { provider: 'host' }));
    expect(r.checks.map((c) => c.id)).toEqual(['linux', 'root', 'kubectl', 'disk', 'memory', 'port-6443']);
    expect(r.ok).toBe(false);
    expect(r.checks.find((c) => c.id === 'root')?.fix).toContain('sudo');
  });

  it('warns on kubectl version skew', async () => {
    expect((await statusOf(input({ kubectl: { installed: true, version: 'v1.30.0' } }))).kubectl).toBe(
      'warn',
    );
  });
});
