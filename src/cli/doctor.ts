import { engineFix } from '../adapters/lab/choose.js';
import { compareVersions, imageNeedsCgroupV2 } from '../adapters/lab/kind-images.js';
import { KIND_INSTALL_FIX } from '../adapters/lab/kind-provider.js';
import type { ProviderKind } from '../adapters/lab/provider.js';
import type { EngineProbe, SystemProbes } from '../adapters/system-probes.js';

/** One line of `doctor`. `fix` is set on every `fail` and `warn`. */
export type DoctorStatus = 'ok' | 'warn' | 'fail' | 'skip';

export type DoctorCheck = {
  readonly id: 'engine' | 'kind' | 'kubectl' | 'cgroup' | 'disk' | 'memory' | 'port-6443' | 'linux' | 'root';
  readonly title: string;
  readonly status: DoctorStatus;
  readonly detail: string;
  readonly fix?: string;
};

/** JSON-able (`doctor --json`). `ok` is false when any check failed; warnings do not fail. */
export type DoctorReport = {
  readonly ok: boolean;
  readonly provider: ProviderKind;
  readonly checks: readonly DoctorCheck[];
};

export type DoctorInput = {
  /** The lab to check for; kind unless the host lab was requested or chosen. */
  readonly provider?: ProviderKind;
  /** The kind node image's Kubernetes version (labs/kind/images.yaml default or --k8s-version). */
  readonly kubernetesVersion: string;
  /** The oldest kind that runs the pinned images (labs/kind/images.yaml `minKind`). */
  readonly minKind: string;
  /** The lab's recorded API server URL, if a lab exists (its own port is not a clash). */
  readonly labServer?: string;
  readonly probes: SystemProbes;
};

const GiB = 1024 ** 3;
const gib = (bytes: number) => `${(bytes / GiB).toFixed(1)} GiB`;
const minorOf = (v: string) => Number(/^v?\d+\.(\d+)/.exec(v)?.[1] ?? Number.NaN);

function engineCheck(probes: EngineProbe[]): DoctorCheck {
  const reachable = probes.find((p) => p.reachable);
  if (reachable) {
    const tooOld =
      reachable.engine === 'docker' &&
      reachable.version &&
      compareVersions(reachable.version, 'v20.10.0') < 0;
    return tooOld
      ? {
          id: 'engine',
          title: 'container engine',
          status: 'fail',
          detail: `docker ${reachable.version} is older than 20.10 (kind needs --cgroupns)`,
          fix: 'Upgrade Docker to 20.10 or newer (https://docs.docker.com/engine/install/).',
        }
      : {
          id: 'engine',
          title: 'container engine',
          status: 'ok',
          detail: `${reachable.engine} ${reachable.version ?? ''} reachable`.trim(),
        };
  }
  const first = probes.find((p) => p.installed) ?? probes[0];
  return {
    id: 'engine',
    title: 'container engine',
    status: 'fail',
    detail: first?.installed
      ? `${first.engine} is installed but not reachable${first.detail ? `: ${first.detail}` : ''}`
      : 'neither docker nor podman is installed',
    fix: first ? engineFix(first) : '',
  };
}

/** Runs every check (concurrently) and decides. Pure apart from the injected probes. */
export async function runDoctor(input: DoctorInput): Promise<DoctorReport> {
  const provider = input.provider ?? 'kind';
  const { probes } = input;
  const [docker, podman, kind, kubectl, cgroup, disk, memory, port] = await Promise.all([
    probes.engine('docker'),
    probes.engine('podman'),
    probes.tool('kind'),
    probes.tool('kubectl'),
    probes.cgroup(),
    probes.disk(),
    probes.memory(),
    probes.port(6443),
  ]);
  const checks: DoctorCheck[] = [];

  if (provider === 'kind') {
    checks.push(engineCheck([docker, podman]));
    if (!kind.installed || !kind.version) {
      checks.push({
        id: 'kind',
        title: 'kind',
        status: 'fail',
        detail: kind.installed
          ? `kind does not run (${kind.detail ?? 'no version'})`
          : 'kind is not installed',
        fix: KIND_INSTALL_FIX,
      });
    } else if (compareVersions(kind.version, input.minKind) < 0) {
      checks.push({
        id: 'kind',
        title: 'kind',
        status: 'fail',
        detail: `kind ${kind.version} is older than ${input.minKind}, the release that published the pinned node images`,
        fix: KIND_INSTALL_FIX,
      });
    } else {
      checks.push({ id: 'kind', title: 'kind', status: 'ok', detail: `kind ${kind.version}` });
    }
  } else {
    checks.push({
      id: 'linux',
      title: 'Linux',
      status: probes.platform === 'linux' ? 'ok' : 'fail',
      detail: `platform ${probes.platform}`,
      ...(probes.platform === 'linux'
        ? {}
        : { fix: 'The host lab runs on Linux only; use the kind lab (Docker or Podman + kind).' }),
    });
    checks.push({
      id: 'root',
      title: 'root',
      status: probes.isRoot ? 'ok' : 'fail',
      detail: probes.isRoot ? 'running as root' : 'not running as root',
      ...(probes.isRoot ? {} : { fix: 'Run `sudo k8s-harden-lab up --provider host`.' }),
    });
  }

  if (!kubectl.installed || !kubectl.version) {
    checks.push({
      id: 'kubectl',
      title: 'kubectl',
      status: 'fail',
      detail: kubectl.installed
        ? `kubectl does not run (${kubectl.detail ?? 'no version'})`
        : 'kubectl is not installed',
      fix: 'Install kubectl within one minor version of the lab (https://kubernetes.io/docs/tasks/tools/).',
    });
  } else {
    const skew = Math.abs(minorOf(kubectl.version) - minorOf(input.kubernetesVersion));
    const lab = provider === 'kind' ? input.kubernetesVersion : 'the host lab';
    checks.push(
      provider === 'kind' && skew > 1
        ? {
            id: 'kubectl',
            title: 'kubectl',
            status: 'warn',
            detail: `kubectl ${kubectl.version} is more than one minor version away from ${lab}`,
            fix: `Install kubectl ${input.kubernetesVersion.replace(/\.\d+$/, '')}.x (https://kubernetes.io/docs/tasks/tools/).`,
          }
        : { id: 'kubectl', title: 'kubectl', status: 'ok', detail: `kubectl ${kubectl.version}` },
    );
  }

  if (provider === 'kind') {
    const needsV2 = imageNeedsCgroupV2(input.kubernetesVersion);
    if (cgroup === 'unknown') {
      checks.push({
        id: 'cgroup',
        title: 'cgroup version',
        status: 'skip',
        detail:
          probes.platform === 'linux'
            ? 'could not tell the cgroup version'
            : `not Linux: the engine's VM decides (Docker Desktop and podman machine use cgroup v2)`,
      });
    } else if (cgroup === 'v1' && needsV2) {
      checks.push({
        id: 'cgroup',
        title: 'cgroup version',
        status: 'fail',
        detail: `this host uses cgroup v1; kindest/node ${input.kubernetesVersion} (Kubernetes 1.35+) needs cgroup v2`,
        fix: 'Boot with cgroup v2 (kernel parameter `systemd.unified_cgroup_hierarchy=1`, then reboot), or keep a Kubernetes 1.34 image (`default: v1.34.11` in labs/kind/images.yaml).',
      });
    } else {
      checks.push({
        id: 'cgroup',
        title: 'cgroup version',
        status: 'ok',
        detail:
          cgroup === 'v2'
            ? 'cgroup v2'
            : `cgroup v1 (fine for Kubernetes ${input.kubernetesVersion}; 1.35+ images need cgroup v2)`,
      });
    }
  }

  if (!disk) {
    checks.push({ id: 'disk', title: 'free disk', status: 'skip', detail: 'could not read free disk space' });
  } else {
    const status = disk.freeBytes < 4 * GiB ? 'fail' : disk.freeBytes < 10 * GiB ? 'warn' : 'ok';
    checks.push({
      id: 'disk',
      title: 'free disk',
      status,
      detail: `${gib(disk.freeBytes)} free on ${disk.path}`,
      ...(status === 'ok'
        ? {}
        : {
            fix: `Free space on ${disk.path}: the lab needs about 4 GiB (node image and containers), 10 GiB is comfortable (\`docker system prune\` removes unused images).`,
          }),
    });
  }

  {
    const status = memory.availableBytes < 2 * GiB ? 'fail' : memory.availableBytes < 3 * GiB ? 'warn' : 'ok';
    checks.push({
      id: 'memory',
      title: 'free memory',
      status,
      detail: `${gib(memory.availableBytes)} available of ${gib(memory.totalBytes)}`,
      ...(status === 'ok'
        ? {}
        : {
            fix: 'Two lab nodes need about 2 GiB, 3 GiB or more is comfortable: close other programs (or give Docker Desktop / podman machine more memory).',
          }),
    });
  }

  const ownPort = input.labServer ? /:6443(\/|$)/.test(input.labServer) : false;
  if (port === 'in-use' && ownPort) {
    checks.push({
      id: 'port-6443',
      title: 'port 6443',
      status: 'ok',
      detail: "in use by this app's lab API server",
    });
  } else if (port === 'in-use') {
    const fix =
      "Find what listens there with `sudo ss -ltnp 'sport = :6443'` (often Docker Desktop's Kubernetes, minikube or another kubeadm cluster) and stop it.";
    checks.push(
      provider === 'host'
        ? {
            id: 'port-6443',
            title: 'port 6443',
            status: 'fail',
            detail: '127.0.0.1:6443 is in use; the host lab API server needs it',
            fix,
          }
        : {
            id: 'port-6443',
            title: 'port 6443',
            status: 'warn',
            detail:
              '127.0.0.1:6443 is in use by another program (the kind lab uses a random port, so it still works)',
            fix,
          },
    );
  } else {
    checks.push({
      id: 'port-6443',
      title: 'port 6443',
      status: port === 'free' ? 'ok' : 'skip',
      detail: port === 'free' ? 'free' : 'could not test',
    });
  }

  return { ok: checks.every((c) => c.status !== 'fail'), provider, checks };
}

const MARK: Record<DoctorStatus, string> = { ok: '✓', warn: '!', fail: '✗', skip: '-' };

/** Plain-text report, one line per check, the fix indented under each warning or failure. */
export function formatDoctorReport(report: DoctorReport): string {
  const lines = [`k8s-harden-lab doctor (${report.provider} lab)`];
  for (const c of report.checks) {
    lines.push(`${MARK[c.status]} ${c.title}: ${c.detail}`);
    if (c.fix && (c.status === 'fail' || c.status === 'warn')) lines.push(`    fix: ${c.fix}`);
  }
  lines.push(
    report.ok
      ? 'All required checks pass.'
      : 'Some checks failed; fix the lines marked ✗ and run doctor again.',
  );
  return lines.join('\n');
}
