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
      'kube-bench:skip',
    ]);
    expect(JSON.parse(JSON.stringify(r))).toEqual(r);
  });

  it('says how a learner gets kube-bench: built into the offline lab, by hand on kindest/node', async () => {
    const kind = await runDoctor(input({}, { kubeBench: 'v0.15.6' }));
    expect(kind.ok).toBe(true);
    const text = formatDoctorReport(kind);
    expect(text).toContain('- kube-bench (scenario cis-controlplane): not on kindest/node images');
    expect(text).toContain('go install github.com/aquasecurity/kube-bench@v0.15.6');
    expect(text).toContain('/etc/kube-bench/cfg');
    const offline = await runDoctor(input({}, { mode: 'offline', kubeBench: 'v0.15.6' }));
    expect(offline.checks.find((c) => c.id === 'kube-bench')).toMatchObject({
      status: 'ok',
      detail: expect.stringContaining("kube-bench v0.15.6 is built into the lab's node image"),
    });
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

  it('reports a 6443 clash as a warning (kind uses a random port), fine when it is the lab’s own', async () => {
    const r = await runDoctor(input({ port6443: 'in-use' }));
    expect(r.ok).toBe(true);
    expect(r.checks.find((c) => c.id === 'port-6443')).toMatchObject({ status: 'warn' });
    expect(r.checks.find((c) => c.id === 'port-6443')?.fix).toContain('ss -ltnp');
    expect(
      (await statusOf(input({ port6443: 'in-use' }, { labServer: 'https://127.0.0.1:6443' })))['port-6443'],
    ).toBe('ok');
  });

  it('points a machine without Docker or kind at the offline build', async () => {
    const r = await runDoctor(
      input({ isRoot: true, docker: { installed: false, reachable: false }, kind: { installed: false } }),
    );
    expect(r.ok).toBe(false);
    expect(r.checks.find((c) => c.id === 'engine')?.fix).toContain(
      'Or, here (Linux, root), without any registry:',
    );
    expect(r.checks.find((c) => c.id === 'kind')?.fix).toContain('sudo k8s-harden-lab up --offline');
  });

  it('checks Linux, root, Go, the engine and the cache for the offline lab', async () => {
    const r = await runDoctor(input({ platform: 'linux', isRoot: false }, { mode: 'offline' }));
    expect(r.mode).toBe('offline');
    expect(r.checks.map((c) => c.id)).toEqual([
      'linux',
      'root',
      'go',
      'dockerd',
      'offline-build',
      'kubectl',
      'cgroup',
      'disk',
      'memory',
      'port-6443',
      'kube-bench',
    ]);
    expect(r.ok).toBe(false);
    expect(r.checks.find((c) => c.id === 'root')?.fix).toContain('sudo');
    expect(r.checks.find((c) => c.id === 'offline-build')).toMatchObject({ status: 'warn' });
    const old = await runDoctor(
      input({ isRoot: true, go: { installed: true, version: '1.21.3' } }, { mode: 'offline' }),
    );
    expect(old.checks.find((c) => c.id === 'go')).toMatchObject({ status: 'fail' });
    const cached = await runDoctor(
      input(
        {
          isRoot: true,
          go: { installed: false },
          offlineCache: { kind: '/x/kind', image: 'k8s-harden-lab/kind-node:v1.34.12' },
        },
        { mode: 'offline' },
      ),
    );
    expect(cached.ok).toBe(true);
    // A learner's kubectl two minors behind: a warning that names the lab's own kubectl.
    const skewed = await runDoctor(
      input(
        {
          isRoot: true,
          kubectl: { installed: true, version: 'v1.32.4' },
          offlineCache: { kind: '/x/kind', image: 'i', kubectl: '/c/bin/kubectl' },
        },
        { mode: 'offline', kubernetesVersion: 'v1.34.12' },
      ),
    );
    expect(skewed.checks.find((c) => c.id === 'kubectl')).toMatchObject({
      status: 'warn',
      fix: "Use the lab's kubectl in your shell: export PATH=/c/bin:$PATH",
    });
    // Before the first build the disk check asks for room for Go's caches.
    const small = await runDoctor(input({ isRoot: true, diskFreeGiB: 12 }, { mode: 'offline' }));
    expect(small.checks.find((c) => c.id === 'disk')).toMatchObject({ status: 'fail' });
    expect(small.checks.find((c) => c.id === 'disk')?.fix).toContain('20 GiB');
    expect(cached.checks.find((c) => c.id === 'offline-build')?.detail).toContain(
      'k8s-harden-lab/kind-node:v1.34.12',
    );
  });

  it('warns on kubectl version skew', async () => {
    expect((await statusOf(input({ kubectl: { installed: true, version: 'v1.30.0' } }))).kubectl).toBe(
      'warn',
    );
  });
});
