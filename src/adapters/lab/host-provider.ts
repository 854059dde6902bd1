import fs from 'node:fs';
import path from 'node:path';
import { labDir, labsDir } from '../paths.js';
import { runCommand } from '../process/run.js';
import { ContainerLab, DEFAULT_LAB_CLUSTER, withReadiness } from './container-lab.js';
import { ContainerNodes, dockerEngine } from './container-nodes.js';
import {
  caFingerprint,
  labContextName,
  labKubeconfigPath,
  parseKubeconfig,
  readLabState,
  removeLabState,
  writeLabState,
} from './lab-state.js';
import { allReady, describeReadiness, parseNodeStatuses } from './node-readiness.js';
import type {
  Availability,
  CreateOptions,
  LabProvider,
  LabStatus,
  LifecycleResult,
  NodeStatus,
  StepEvent,
} from './provider.js';

/** The lab's private Docker Engine (started by labs/host/engine.sh); never the user's daemon. */
export const HOST_LAB_DOCKER_HOST = 'unix:///run/k8s-harden-lab/docker.sock';
/** Debian's dockerd is 20.10 (API 1.41); newer clients must not ask for more. */
export const HOST_LAB_DOCKER_ENV = { DOCKER_API_VERSION: '1.41' } as const;
/** Machine-wide build cache (Kubernetes binaries keyed by source version + recipe). */
export const HOST_LAB_CACHE = '/var/cache/k8s-harden-lab';

const MINUTE = 60_000;

type StepSpec = {
  readonly id: string;
  readonly title: string;
  readonly script: string;
  readonly args: readonly string[];
  readonly timeoutMs: number;
};

export type HostProviderOptions = {
  readonly cluster?: string;
  readonly env?: NodeJS.ProcessEnv;
  /** Folder holding the lab scripts (default: the package's labs/host). */
  readonly scriptsDir?: string;
};

/**
 * The `host` lab: a real kubeadm Kubernetes v1.20.2 cluster built from Debian's packages. Nodes are
 * containers (systemd inside, kind's names, labels and paths) on a project-private Docker Engine,
 * so node access is `docker exec` exactly as on kind. The shell scripts in labs/host do the work,
 * one idempotent step each; this class runs them, reports steps and keeps the app's lab state.
 */
export class HostLabProvider extends ContainerLab implements LabProvider {
  readonly kind = 'host' as const;
  private readonly env: NodeJS.ProcessEnv;
  private readonly scriptsDir: string;

  constructor(options: HostProviderOptions = {}) {
    super(
      options.cluster ?? DEFAULT_LAB_CLUSTER,
      new ContainerNodes(dockerEngine(['-H', HOST_LAB_DOCKER_HOST], { ...HOST_LAB_DOCKER_ENV })),
    );
    this.env = options.env ?? process.env;
    this.scriptsDir = options.scriptsDir ?? path.join(labsDir(), 'host');
  }

  async available(): Promise<Availability> {
    if (process.platform !== 'linux')
      return {
        ok: false,
        reason: `the host lab needs Linux (this is ${process.platform})`,
        fix: 'use the kind lab: k8s-harden-lab up --provider kind',
      };
    if (typeof process.getuid === 'function' && process.getuid() !== 0)
      return {
        ok: false,
        reason: 'the host lab needs root (it installs packages and runs its own container engine)',
        fix: 'run as root (sudo -E k8s-harden-lab up --provider host) or use the kind lab',
      };
    const apt = await runCommand('sh', ['-c', 'command -v apt-get && command -v dpkg-query'], {
      timeoutMs: 5_000,
    });
    if (apt.exitCode !== 0)
      return {
        ok: false,
        reason: 'the host lab builds from Debian packages and needs apt-get (Debian 12)',
        fix: 'run it on Debian 12, or use the kind lab',
      };
    return { ok: true, detail: 'Kubernetes v1.20.2 from Debian packages, nodes on a private Docker Engine' };
  }

  kubeconfigPath(): string {
    return labKubeconfigPath(this.cluster, this.env);
  }

  /** kubectl built from the same source as the cluster (no version-skew warnings). */
  kubectlPath(): string {
    const built = path.join(HOST_LAB_CACHE, 'k8s', 'current', 'bin', 'kubectl');
    return fs.existsSync(built) ? built : 'kubectl';
  }

  logsDir(): string {
    return path.join(labDir(this.cluster, this.env), 'logs');
  }

  private scriptEnv(): Record<string, string> {
    return { LAB_CLUSTER: this.cluster, DEBIAN_FRONTEND: 'noninteractive' };
  }

  /**
   * Runs one script with its output teed into the step's log file (live, so it can be followed),
   * relaying lines as progress events.
   */
  private async runStep(
    spec: StepSpec,
    index: number,
    onStep: (event: StepEvent) => void,
    signal?: AbortSignal,
  ): Promise<{ ok: true; stdout: string } | { ok: false; result: LifecycleResult }> {
    const logs = this.logsDir();
    fs.mkdirSync(logs, { recursive: true });
    const logFile = path.join(logs, `${String(index).padStart(2, '0')}-${spec.id}.log`);
    fs.writeFileSync(logFile, `# ${new Date().toISOString()} ${spec.script} ${spec.args.join(' ')}\n`);
    const script = path.join(this.scriptsDir, spec.script);
    const command = `bash ${script} ${spec.args.join(' ')}`.trim();
    const started = Date.now();
    onStep({ type: 'start', step: spec.title });
    const r = await runCommand(
      'bash',
      ['-c', 'set -o pipefail; bash "$@" 2>&1 | tee -a "$KHL_LOG"', 'khl-step', script, ...spec.args],
      {
        env: { ...this.scriptEnv(), KHL_LOG: logFile },
        timeoutMs: spec.timeoutMs,
        ...(signal ? { signal } : {}),
        onLine: (line) => onStep({ type: 'progress', step: spec.title, line }),
      },
    );
    const ms = Date.now() - started;
    if (r.exitCode === 0) {
      onStep({ type: 'done', step: spec.title, ms });
      return { ok: true, stdout: r.stdout };
    }
    onStep({ type: 'fail', step: spec.title, ms, command, logFile });
    const why = r.cancelled
      ? 'cancelled'
      : r.timedOut
        ? `timed out after ${Math.round(spec.timeoutMs / 1000)} s`
        : r.notFound
          ? 'bash not found'
          : lastNonEmptyLine(r.stdout) || `exit ${r.exitCode}`;
    return {
      ok: false,
      result: { ok: false, step: spec.title, message: `${command}: ${why}`, logFile },
    };
  }

  async create(options: CreateOptions = {}): Promise<LifecycleResult> {
    const onStep = options.onStep ?? (() => {});
    const workers = Math.max(0, Math.floor(options.workers ?? 1));
    const expected = workers + 1;

    // A running lab is reported and left alone.
    const state = readLabState(this.cluster, this.env);
    const before = await this.status();
    if (state && before.exists && before.apiserverHealthy && allReady(before.nodes, 1)) {
      return {
        ok: true,
        changed: false,
        message: `The host lab "${this.cluster}" is already running: ${describeReadiness(before.nodes, before.nodes.length)}.`,
      };
    }

    const kubeconfig = this.kubeconfigPath();
    const steps: StepSpec[] = [
      {
        id: 'packages',
        title: 'Install Debian packages',
        script: 'packages.sh',
        args: [],
        timeoutMs: 30 * MINUTE,
      },
      {
        id: 'build',
        title: 'Build Kubernetes v1.20.2 (cached)',
        script: 'build-k8s.sh',
        args: [],
        timeoutMs: 60 * MINUTE,
      },
      {
        id: 'engine',
        title: 'Start the lab container engine',
        script: 'engine.sh',
        args: ['start'],
        timeoutMs: 2 * MINUTE,
      },
      {
        id: 'image',
        title: 'Build the node image (cached)',
        script: 'build-image.sh',
        args: [],
        timeoutMs: 20 * MINUTE,
      },
    ];
    let index = 1;
    let image = '';
    for (const spec of steps) {
      const r = await this.runStep(spec, index++, onStep, options.signal);
      if (!r.ok) return r.result;
      if (spec.id === 'image') image = lastNonEmptyLine(r.stdout);
    }
    if (!image.includes(':'))
      return { ok: false, step: 'Build the node image (cached)', message: 'no image reference printed' };

    const clusterSteps: StepSpec[] = [
      {
        id: 'network',
        title: 'Create the lab network',
        script: 'cluster.sh',
        args: ['network'],
        timeoutMs: MINUTE,
      },
      {
        id: 'nodes',
        title: `Start ${expected} node${expected === 1 ? '' : 's'}`,
        script: 'cluster.sh',
        args: ['nodes', image, String(workers)],
        timeoutMs: 5 * MINUTE,
      },
      {
        id: 'init',
        title: 'kubeadm init (control plane)',
        script: 'cluster.sh',
        args: ['init'],
        timeoutMs: 10 * MINUTE,
      },
      {
        id: 'join',
        title: 'kubeadm join (workers)',
        script: 'cluster.sh',
        args: ['join'],
        timeoutMs: 10 * MINUTE,
      },
      { id: 'podnet', title: 'Pod network', script: 'cluster.sh', args: ['podnet'], timeoutMs: 3 * MINUTE },
      {
        id: 'kubeconfig',
        title: 'Write the lab kubeconfig',
        script: 'cluster.sh',
        args: ['kubeconfig', kubeconfig],
        timeoutMs: MINUTE,
      },
      {
        id: 'ready',
        title: 'Wait for nodes Ready',
        script: 'cluster.sh',
        args: ['wait-ready', '240'],
        timeoutMs: 5 * MINUTE,
      },
    ];
    for (const spec of clusterSteps) {
      const r = await this.runStep(spec, index++, onStep, options.signal);
      if (!r.ok) return r.result;
      if (spec.id === 'kubeconfig') this.recordState(image);
    }
    const after = await this.status();
    return {
      ok: true,
      changed: true,
      message: `The host lab "${this.cluster}" is up: ${describeReadiness(after.nodes, expected)}.`,
    };
  }

  /** state.json: what the lab-only guard compares every target against. */
  private recordState(image: string): void {
    const text = fs.readFileSync(this.kubeconfigPath(), 'utf8');
    const context = labContextName(this.cluster);
    const parsed = parseKubeconfig(text).contexts.find((c) => c.name === context);
    if (!parsed?.server) throw new Error(`kubeconfig ${this.kubeconfigPath()} has no context ${context}`);
    writeLabState(
      {
        provider: 'host',
        cluster: this.cluster,
        context,
        server: parsed.server,
        caFingerprint: caFingerprint(parsed.caData),
        createdAt: new Date().toISOString(),
        image,
        engine: 'docker',
      },
      this.env,
    );
  }

  async delete(
    options: { readonly onStep?: (event: StepEvent) => void; readonly signal?: AbortSignal } = {},
  ): Promise<LifecycleResult> {
    const onStep = options.onStep ?? (() => {});
    const dir = labDir(this.cluster, this.env);
    // Logs of `down` go to a temporary place: the lab folder itself is removed at the end.
    const r = await this.runStep(
      {
        id: 'down',
        title: 'Remove the host lab',
        script: 'cluster.sh',
        args: ['down'],
        timeoutMs: 5 * MINUTE,
      },
      99,
      onStep,
      options.signal,
    );
    if (!r.ok) return r.result;
    removeLabState(this.cluster, this.env);
    fs.rmSync(dir, { recursive: true, force: true });
    const changed = !r.stdout.includes('lab dockerd not running') || r.stdout.includes('removing');
    return { ok: true, changed, message: `The host lab "${this.cluster}" is removed (build cache kept).` };
  }

  async status(): Promise<LabStatus> {
    const kubeconfigPath = this.kubeconfigPath();
    const base = { provider: 'host' as const, cluster: this.cluster, kubeconfigPath };
    const listed = await this.nodesAccess.list(this.cluster);
    if (listed.error || listed.nodes.length === 0) {
      return {
        ...base,
        exists: false,
        nodes: [],
        apiserverHealthy: false,
        detail: listed.error ? 'the lab container engine is not running' : 'no host lab nodes',
      };
    }
    let apiserverHealthy = false;
    let statuses: NodeStatus[] | undefined;
    if (fs.existsSync(kubeconfigPath)) {
      const kubectl = this.kubectlPath();
      const kc = ['--kubeconfig', kubeconfigPath, '--request-timeout=5s'];
      const [ready, nodes] = await Promise.all([
        runCommand(kubectl, [...kc, 'get', '--raw', '/readyz'], { timeoutMs: 10_000 }),
        runCommand(kubectl, [...kc, 'get', 'nodes', '-o', 'json'], { timeoutMs: 15_000 }),
      ]);
      apiserverHealthy = ready.exitCode === 0 && ready.stdout.trim() === 'ok';
      if (nodes.exitCode === 0) statuses = parseNodeStatuses(nodes.stdout);
    }
    return {
      ...base,
      exists: true,
      nodes: withReadiness(listed.nodes, statuses),
      apiserverHealthy,
      ...(fs.existsSync(kubeconfigPath)
        ? {}
        : { detail: 'nodes exist but the lab kubeconfig is missing (half-made lab?)' }),
    };
  }
}

function lastNonEmptyLine(text: string): string {
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  return lines[lines.length - 1]?.trim() ?? '';
}
