import { engineFix, OFFLINE_FIX } from '../adapters/lab/choose.js';
import { compareVersions, imageNeedsCgroupV2 } from '../adapters/lab/kind-images.js';
import { KIND_INSTALL_FIX } from '../adapters/lab/kind-provider.js';
import type { EngineProbe, SystemProbes } from '../adapters/system-probes.js';

/** One line of `doctor`. `fix` is set on every `fail` and `warn` (and on a `skip` that says how to get something). */
export type DoctorStatus = 'ok' | 'warn' | 'fail' | 'skip';

export type DoctorCheck = {
  readonly id:
    | 'engine'
    | 'kind'
    | 'kubectl'
    | 'cgroup'
    | 'disk'
    | 'memory'
    | 'port-6443'
    | 'linux'
    | 'root'
    | 'go'
    | 'dockerd'
    | 'offline-build'
    | 'kube-bench';
  readonly title: string;
  readonly status: DoctorStatus;
  readonly detail: string;
  readonly fix?: string;
};

/**
 * Which lab the report is for: `kind` with the learner's Docker or Podman, or `offline`, kind on
 * a node image built here from Go modules and run on the project's own engine.
 */
export type DoctorMode = 'kind' | 'offline';

/** JSON-able (`doctor --json`). `ok` is false when any check failed; warnings do not fail. */
export type DoctorReport = {
  readonly ok: boolean;
  readonly provider: 'kind';
  readonly mode: DoctorMode;
  readonly checks: readonly DoctorCheck[];
};

export type DoctorInput = {
  /** The lab to check for; `kind` (the learner's engine) unless the offline lab was asked for or chosen. */
  readonly mode?: DoctorMode;
  /** The node image's Kubernetes version (labs/kind/images.yaml default, or the offline pin). */
  readonly kubernetesVersion: string;
  /** The oldest kind that runs the pinned images (labs/kind/images.yaml `minKind`). */
  readonly minKind: string;
  /** The kind release the offline build compiles (labs/kind/offline/versions.env). */
  readonly offlineKind?: string | undefined;
  /** The kube-bench release the offline build puts on its nodes (versions.env); cis-controlplane's tool. */
  readonly kubeBench?: string | undefined;
  /** The lab's recorded API server URL, if a lab exists (its own port is not a clash). */
  readonly labServer?: string | undefined;
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

function kindVersionCheck(
  kind: { installed: boolean; version?: string; detail?: string },
  minKind: string,
): DoctorCheck {
  if (!kind.installed || !kind.version)
    return {
      id: 'kind',
      title: 'kind',
      status: 'fail',
      detail: kind.installed ? `kind does not run (${kind.detail ?? 'no version'})` : 'kind is not installed',
      fix: KIND_INSTALL_FIX,
    };
  if (compareVersions(kind.version, minKind) < 0)
    return {
      id: 'kind',
      title: 'kind',
      status: 'fail',
      detail: `kind ${kind.version} is older than ${minKind}, the release that published the pinned node images`,
      fix: KIND_INSTALL_FIX,
    };
  return { id: 'kind', title: 'kind', status: 'ok', detail: `kind ${kind.version}` };
}

/** Runs every check (concurrently) and decides. Pure apart from the injected probes. */
export async function runDoctor(input: DoctorInput): Promise<DoctorReport> {
  const mode = input.mode ?? 'kind';
  const { probes } = input;
  const [docker, podman, kind, kubectl, cgroup, disk, memory, port, go, dockerd, cache] = await Promise.all([
    probes.engine('docker'),
    probes.engine('podman'),
    probes.tool('kind'),
    probes.tool('kubectl'),
    probes.cgroup(),
    probes.disk(),
    probes.memory(),
    probes.port(6443),
    probes.tool('go'),
    probes.tool('dockerd'),
    probes.offlineCache(),
  ]);
  const checks: DoctorCheck[] = [];
  const offlineHere = probes.platform === 'linux' && probes.isRoot;

  if (mode === 'kind') {
    const engine = engineCheck([docker, podman]);
    const kindCheck = kindVersionCheck(kind, input.minKind);
    // Without an engine or kind, a machine without a registry can still build the lab offline.
    const offlineNote = ` ${offlineHere ? 'Or, here (Linux, root), without any registry: ' : ''}${OFFLINE_FIX}`;
    checks.push(
      engine.status === 'fail' ? { ...engine, fix: `${engine.fix ?? ''}${offlineNote}`.trim() } : engine,
      kindCheck.status === 'fail' ? { ...kindCheck, fix: `${kindCheck.fix ?? ''}${offlineNote}` } : kindCheck,
    );
  } else {
    checks.push({
      id: 'linux',
      title: 'Linux',
      status: probes.platform === 'linux' ? 'ok' : 'fail',
      detail: `platform ${probes.platform}`,
      ...(probes.platform === 'linux'
        ? {}
        : {
            fix: 'The offline lab builds Linux node images; use kind with Docker or Podman (docs/kind.md).',
          }),
    });
    checks.push({
      id: 'root',
      title: 'root',
      status: probes.isRoot ? 'ok' : 'fail',
      detail: probes.isRoot ? 'running as root' : 'not running as root',
      ...(probes.isRoot
        ? {}
        : {
            fix: 'Run `sudo k8s-harden-lab up --offline` (it installs Debian packages and runs its own engine).',
          }),
    });
    const goOk = go.installed && go.version !== undefined && compareVersions(go.version, '1.26.0') >= 0;
    checks.push(
      goOk
        ? { id: 'go', title: 'Go', status: 'ok', detail: `go ${go.version}` }
        : {
            id: 'go',
            title: 'Go',
            status: cache.image ? 'warn' : 'fail',
            detail: go.installed ? `go ${go.version ?? '?'} is older than 1.26` : 'go is not installed',
            fix: 'Install Go 1.26 to /usr/local/go (https://go.dev/dl/); the first build reads Go modules from the module proxy (GOPROXY).',
          },
    );
    checks.push(
      dockerd.installed
        ? {
            id: 'dockerd',
            title: 'lab engine',
            status: 'ok',
            detail: `dockerd ${dockerd.version ?? ''} (the lab runs its own, on its own socket)`.trim(),
          }
        : {
            id: 'dockerd',
            title: 'lab engine',
            status: 'ok',
            detail:
              "dockerd not installed yet: `up --offline` installs Debian's docker.io (never started as a system service)",
          },
    );
    checks.push(
      cache.image && cache.kind
        ? {
            id: 'offline-build',
            title: 'offline build',
            status: 'ok',
            detail: `cached: ${cache.image}, kind ${input.offlineKind ?? ''}`.trim(),
          }
        : {
            id: 'offline-build',
            title: 'offline build',
            status: 'warn',
            detail:
              'not built yet: the first `up --offline` compiles kind, Kubernetes and the rest (about 30 minutes on 2 cores)',
            fix: 'Run `sudo k8s-harden-lab lab build-image` ahead of time; it is cached in /var/cache/k8s-harden-lab.',
          },
    );
  }

  if (mode === 'offline' && cache.kubectl) {
    // The app and scenario scripts use the kubectl built with the lab; a learner's own shell may not.
    const skew = kubectl.version ? Math.abs(minorOf(kubectl.version) - minorOf(input.kubernetesVersion)) : 99;
    checks.push(
      skew <= 1
        ? {
            id: 'kubectl',
            title: 'kubectl',
            status: 'ok',
            detail: `kubectl ${kubectl.version}; the lab's own: ${cache.kubectl}`,
          }
        : {
            id: 'kubectl',
            title: 'kubectl',
            status: 'warn',
            detail: `${kubectl.version ? `kubectl ${kubectl.version} on PATH is more than one minor version away from ${input.kubernetesVersion}` : 'no kubectl on PATH'}; the lab built its own`,
            fix: `Use the lab's kubectl in your shell: export PATH=${cache.kubectl.replace(/\/kubectl$/, '')}:$PATH`,
          },
    );
  } else if (!kubectl.installed || !kubectl.version) {
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
    const lab = input.kubernetesVersion;
    checks.push(
      mode === 'kind' && skew > 1
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

  {
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

  // The offline build's first run needs room for Go's module and build caches (~17 GiB measured).
  const needGiB = mode === 'offline' && !cache.image ? 20 : 4;
  if (!disk) {
    checks.push({ id: 'disk', title: 'free disk', status: 'skip', detail: 'could not read free disk space' });
  } else {
    const status =
      disk.freeBytes < needGiB * GiB ? 'fail' : disk.freeBytes < (needGiB + 6) * GiB ? 'warn' : 'ok';
    checks.push({
      id: 'disk',
      title: 'free disk',
      status,
      detail: `${gib(disk.freeBytes)} free on ${disk.path}`,
      ...(status === 'ok'
        ? {}
        : {
            fix:
              needGiB > 4
                ? `Free space on ${disk.path}: the first offline build needs about ${needGiB} GiB (Go module and build caches, binaries, the node image); afterwards the Go build cache may be deleted.`
                : `Free space on ${disk.path}: the lab needs about 4 GiB (node image and containers), 10 GiB is comfortable (\`docker system prune\` removes unused images).`,
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
    checks.push({
      id: 'port-6443',
      title: 'port 6443',
      status: 'warn',
      detail:
        '127.0.0.1:6443 is in use by another program (the kind lab uses a random port, so it still works)',
      fix,
    });
  } else {
    checks.push({
      id: 'port-6443',
      title: 'port 6443',
      status: port === 'free' ? 'ok' : 'skip',
      detail: port === 'free' ? 'free' : 'could not test',
    });
  }

  checks.push(kubeBenchCheck(mode, input.kubeBench));

  return { ok: checks.every((c) => c.status !== 'fail'), provider: 'kind', mode, checks };
}

/**
 * Where a learner gets kube-bench (scenario cis-controlplane; its checks judge behaviour and do
 * not need it). The offline build compiles it into the node image; kindest/node images lack it.
 * Never a failure or a warning: one scenario uses it, as a guard; its how-to is printed all the same.
 */
function kubeBenchCheck(mode: DoctorMode, version: string | undefined): DoctorCheck {
  const v = version ?? 'v0.15.6';
  const title = 'kube-bench (scenario cis-controlplane)';
  if (mode === 'offline')
    return {
      id: 'kube-bench',
      title,
      status: 'ok',
      detail: `kube-bench ${v} is built into the lab's node image: /usr/local/bin/kube-bench, benchmarks in /etc/kube-bench/cfg`,
    };
  return {
    id: 'kube-bench',
    title,
    status: 'skip',
    detail: 'not on kindest/node images (the scenario checks the control plane without it)',
    fix: `To run it on the lab's control-plane node: \`GOBIN=/tmp/kb go install github.com/aquasecurity/kube-bench@${v}\`, then \`docker cp /tmp/kb/kube-bench <cluster>-control-plane:/usr/local/bin/\` and \`docker cp "$(go env GOMODCACHE)/github.com/aquasecurity/kube-bench@${v}/cfg" <cluster>-control-plane:/etc/kube-bench/cfg\` (or build the offline lab: \`k8s-harden-lab up --offline\`).`,
  };
}

const MARK: Record<DoctorStatus, string> = { ok: '✓', warn: '!', fail: '✗', skip: '-' };

/** Plain-text report, one line per check, the fix indented under each warning or failure. */
export function formatDoctorReport(report: DoctorReport): string {
  const lines = [
    `k8s-harden-lab doctor (${report.mode === 'offline' ? 'kind on the offline build' : 'kind lab'})`,
  ];
  for (const c of report.checks) {
    lines.push(`${MARK[c.status]} ${c.title}: ${c.detail}`);
    if (c.fix && c.status !== 'ok') lines.push(`    fix: ${c.fix}`);
  }
  lines.push(
    report.ok
      ? 'All required checks pass.'
      : 'Some checks failed; fix the lines marked ✗ and run doctor again.',
  );
  return lines.join('\n');
}
