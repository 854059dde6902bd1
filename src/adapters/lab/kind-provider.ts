import fs from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parse, stringify } from 'yaml';
import { log } from '../log.js';
import { labDir, labsDir } from '../paths.js';
import { type CommandResult, runCommand } from '../process/run.js';
import { DEFAULT_LAB_CLUSTER } from './cluster-name.js';
import { ContainerLab, withReadiness } from './container-lab.js';
import { type ContainerEngine, ContainerNodes, dockerEngine, podmanEngine } from './container-nodes.js';
import { kindConfigPath, loadKindImages, resolveKindImage } from './kind-images.js';
import {
  caFingerprint,
  labContextName,
  labKubeconfigPath,
  parseKubeconfig,
  readLabState,
  removeLabState,
  renameKubeconfigContext,
  writeLabState,
} from './lab-state.js';
import { allReady, describeReadiness, parseNodeStatuses } from './node-readiness.js';
import {
  builtKindBinary,
  builtKubectl,
  LAB_ENGINE_ENV,
  labEngineRunning,
  offlineAvailability,
  offlineDir,
  offlineVersions,
  runOfflineBuild,
  startLabEngine,
  stopLabEngine,
} from './offline-build.js';
import type {
  Availability,
  CreateOptions,
  LabProvider,
  LabStatus,
  LifecycleResult,
  NodeStatus,
  StepEvent,
} from './provider.js';

/**
 * The container engine kind drives: the learner's Docker or Podman, or `lab`, the project's own
 * engine with a node image built offline from Go modules (CI, rooms without a registry).
 */
export type KindEngine = 'docker' | 'podman' | 'lab';

export type KindProviderOptions = {
  readonly cluster?: string;
  /** The container engine kind drives. Default docker. */
  readonly engine?: KindEngine;
  /** A key of labs/kind/images.yaml (`v1.34.11`, or a minor like `1.35`); default: the file's default. */
  readonly kubernetesVersion?: string;
  /** Where the app keeps its files (`K8S_HARDEN_LAB_HOME`). Default process.env. */
  readonly env?: NodeJS.ProcessEnv;
  /** The repo's labs/ folder (tests point it elsewhere). */
  readonly labsDir?: string;
  /** How long the app waits for every node to be Ready after `kind create cluster`. Default 5 min. */
  readonly readyTimeoutMs?: number;
  readonly pollIntervalMs?: number;
  /** Timeout of `kind create cluster` itself (image pull included). Default 15 min. */
  readonly createTimeoutMs?: number;
};

type Step = {
  readonly name: string;
  readonly started: number;
};

/**
 * The kind lab: a kind cluster (Docker or Podman) whose kubeconfig lives only in the app's own
 * file, marked by a context named after the cluster and `state.json` (see lab-state.ts).
 */
export class KindProvider extends ContainerLab implements LabProvider {
  readonly kind = 'kind' as const;
  readonly engineName: KindEngine;
  private readonly env: NodeJS.ProcessEnv;
  private readonly labs: string;
  private readonly readyTimeoutMs: number;
  private readonly pollIntervalMs: number;
  private readonly createTimeoutMs: number;
  private readonly kubernetesVersion: string | undefined;

  constructor(options: KindProviderOptions = {}) {
    const engineName = options.engine ?? 'docker';
    const engine: ContainerEngine =
      engineName === 'podman'
        ? podmanEngine()
        : engineName === 'lab'
          ? dockerEngine([], { ...LAB_ENGINE_ENV })
          : dockerEngine();
    super(options.cluster ?? DEFAULT_LAB_CLUSTER, new ContainerNodes(engine));
    this.engineName = engineName;
    this.env = options.env ?? process.env;
    this.labs = options.labsDir ?? labsDir();
    this.readyTimeoutMs = options.readyTimeoutMs ?? 5 * 60_000;
    this.pollIntervalMs = options.pollIntervalMs ?? 2_000;
    this.createTimeoutMs = options.createTimeoutMs ?? 15 * 60_000;
    this.kubernetesVersion = options.kubernetesVersion;
  }

  kubeconfigPath(): string {
    return labKubeconfigPath(this.cluster, this.env);
  }

  get context(): string {
    return labContextName(this.cluster);
  }

  /**
   * Environment for `kind`: the experimental provider switch when the engine is Podman; the lab
   * engine's socket (for kind's process only) when the engine is the project's own.
   */
  private kindEnv(): Record<string, string> {
    if (this.engineName === 'podman') return { KIND_EXPERIMENTAL_PROVIDER: 'podman' };
    if (this.engineName === 'lab') return { ...LAB_ENGINE_ENV, KIND_EXPERIMENTAL_PROVIDER: 'docker' };
    return {};
  }

  /** kind on PATH, or for the lab engine the kind the offline build compiled from its Go module. */
  private kindBinary(): string {
    return this.engineName === 'lab' ? (builtKindBinary() ?? 'kind') : 'kind';
  }

  /** The kubectl that matches the lab: the one built with it offline, else the one on PATH. */
  kubectlPath(): string {
    return this.engineName === 'lab' ? (builtKubectl(this.labVersion()) ?? 'kubectl') : 'kubectl';
  }

  /** The Kubernetes version of an offline lab (the versions.env default unless one was given). */
  private labVersion(): string {
    const wanted = this.kubernetesVersion;
    if (wanted) return wanted.startsWith('v') ? wanted : `v${wanted}`;
    return offlineVersions(this.labs).K8S_DEFAULT_VERSION ?? 'v1.34.12';
  }

  private runKind(
    args: readonly string[],
    options: { timeoutMs?: number; onLine?: (line: string) => void; signal?: AbortSignal } = {},
  ) {
    return runCommand(this.kindBinary(), args, { env: this.kindEnv(), ...options });
  }

  private kubectl(args: readonly string[], timeoutMs = 20_000): Promise<CommandResult> {
    return runCommand(
      this.kubectlPath(),
      ['--kubeconfig', this.kubeconfigPath(), '--context', this.context, ...args],
      {
        timeoutMs,
      },
    );
  }

  async available(): Promise<Availability> {
    if (this.engineName === 'lab') return offlineAvailability(this.labs);
    const engine = await this.nodesAccess.run(engineVersionArgs(this.engineName), { timeoutMs: 15_000 });
    if (engine.exitCode !== 0) {
      return {
        ok: false,
        reason: engine.notFound
          ? `${this.engineName} is not installed`
          : `${this.engineName} is not reachable (${engine.failure})`,
        fix:
          this.engineName === 'podman'
            ? 'Install Podman ≥ 3.0 (https://podman.io/docs/installation) and start it (`podman machine start` on macOS/Windows).'
            : 'Install Docker ≥ 20.10 (https://docs.docker.com/engine/install/) and start it; check with `docker version`.',
      };
    }
    const kind = await runCommand('kind', ['version'], { timeoutMs: 15_000 });
    if (kind.exitCode !== 0) {
      return {
        ok: false,
        reason: kind.notFound ? 'kind is not installed' : `kind does not run (${kind.failure})`,
        fix: KIND_INSTALL_FIX,
      };
    }
    return {
      ok: true,
      detail:
        `kind ${kind.stdout.trim().split(/\s+/)[1] ?? ''} with ${this.engineName} ${engine.stdout.trim()}`.trim(),
    };
  }

  /** Whether kind knows the cluster (`kind get clusters` lists it). Undefined when kind fails. */
  private async clusterExists(): Promise<boolean | undefined> {
    const r = await this.runKind(['get', 'clusters'], { timeoutMs: 30_000 });
    if (r.exitCode !== 0) return undefined;
    return r.stdout.split('\n').some((line) => line.trim() === this.cluster);
  }

  async create(options: CreateOptions = {}): Promise<LifecycleResult> {
    const onStep = options.onStep ?? (() => {});
    const dir = labDir(this.cluster, this.env);
    fs.mkdirSync(dir, { recursive: true });
    const logFile = path.join(dir, 'kind-create.log');

    let step = begin('check kind and the container engine', onStep);
    const availability = await this.available();
    if (!availability.ok) {
      return fail(step, onStep, `${availability.reason}. ${availability.fix}`, `${this.engineName} version`);
    }
    finish(step, onStep);

    let image: { ok: true; version: string; image: string } | { ok: false; message: string };
    if (this.engineName === 'lab') {
      // Cached steps take seconds; a cold build compiles everything once per machine.
      const built = await runOfflineBuild({
        version: this.labVersion(),
        logFile: path.join(dir, 'offline-build.log'),
        onStep,
        labs: this.labs,
        ...(options.signal ? { signal: options.signal } : {}),
      });
      if (!built.ok) {
        step = begin('offline build', onStep);
        return fail(step, onStep, built.message, `bash ${offlineDir(this.labs)}/build.sh`, built.logFile);
      }
      image = { ok: true, version: this.labVersion(), image: built.image };
    } else image = resolveKindImage(loadKindImages(this.labs), this.kubernetesVersion);
    step = begin('look for an existing cluster', onStep);
    if (!image.ok) return fail(step, onStep, image.message, 'labs/kind/images.yaml');
    const exists = await this.clusterExists();
    if (exists === undefined) return fail(step, onStep, 'kind get clusters failed', 'kind get clusters');
    finish(step, onStep);

    if (exists) {
      // `up` on an existing lab changes nothing; it only restores the app's kubeconfig if it is gone.
      if (!fs.existsSync(this.kubeconfigPath()) || !readLabState(this.cluster, this.env)) {
        step = begin('restore the lab kubeconfig', onStep);
        const r = await this.runKind([
          'export',
          'kubeconfig',
          '--name',
          this.cluster,
          '--kubeconfig',
          this.kubeconfigPath(),
        ]);
        if (r.exitCode !== 0) return fail(step, onStep, r.failure, 'kind export kubeconfig');
        const marked = this.markLab(undefined);
        if (!marked.ok) return fail(step, onStep, marked.message, 'mark lab');
        finish(step, onStep);
      }
      return {
        ok: true,
        changed: false,
        message: `kind lab ${this.cluster} already exists; nothing changed`,
      };
    }

    step = begin(`create kind cluster ${this.cluster} (${image.version})`, onStep);
    let configFile: string;
    try {
      configFile = this.configFor(options.workers);
    } catch (error) {
      return fail(
        step,
        onStep,
        `cannot read ${kindConfigPath(this.labs)}: ${String(error)}`,
        'read kind config',
      );
    }
    const args = [
      'create',
      'cluster',
      '--name',
      this.cluster,
      '--config',
      configFile,
      '--kubeconfig',
      this.kubeconfigPath(),
      '--image',
      image.image,
    ];
    fs.writeFileSync(logFile, `$ kind ${args.join(' ')}\n`);
    const created = await this.runKind(args, {
      timeoutMs: this.createTimeoutMs,
      ...(options.signal ? { signal: options.signal } : {}),
      onLine: (line) => {
        appendLog(logFile, line);
        onStep({ type: 'progress', step: step.name, line });
      },
    });
    if (created.exitCode !== 0) {
      return fail(step, onStep, created.failure, `kind ${args.join(' ')}`, logFile);
    }
    finish(step, onStep);

    step = begin('mark the lab (context, state file)', onStep);
    const marked = this.markLab(image.image);
    if (!marked.ok) return fail(step, onStep, marked.message, 'mark lab');
    finish(step, onStep);

    // kind's own `--wait` exits 0 on timeout, so the app polls the nodes itself.
    step = begin('wait for every node to be Ready', onStep);
    const expected = 1 + (options.workers ?? this.configuredWorkers());
    const ready = await this.waitReady(
      expected,
      (line) => {
        appendLog(logFile, line);
        onStep({ type: 'progress', step: step.name, line });
      },
      options.signal,
    );
    if (!ready.ok) return fail(step, onStep, ready.message, 'kubectl get nodes -o json', logFile);
    finish(step, onStep);
    return { ok: true, changed: true, message: `kind lab ${this.cluster} is ready (${ready.message})` };
  }

  private configuredWorkers(): number {
    const doc = parse(fs.readFileSync(kindConfigPath(this.labs), 'utf8')) as { nodes?: { role?: string }[] };
    return (doc.nodes ?? []).filter((n) => n.role === 'worker').length;
  }

  /** labs/kind/cluster.yaml as is, or a copy in labDir with `workers` worker nodes. */
  private configFor(workers: number | undefined): string {
    const file = kindConfigPath(this.labs);
    const doc = parse(fs.readFileSync(file, 'utf8')) as { nodes?: { role?: string }[] };
    const nodes = doc.nodes ?? [];
    const current = nodes.filter((n) => n.role === 'worker');
    if (workers === undefined || workers === current.length) return path.resolve(file);
    const template = current[0] ?? { role: 'worker' };
    doc.nodes = [
      ...nodes.filter((n) => n.role !== 'worker'),
      ...Array.from({ length: workers }, () => ({ ...template })),
    ];
    const generated = path.join(labDir(this.cluster, this.env), 'kind-config.yaml');
    fs.writeFileSync(generated, stringify(doc));
    return generated;
  }

  /** Renames kind's `kind-<cluster>` context to the lab's context and records state.json. */
  private markLab(image: string | undefined): { ok: true } | { ok: false; message: string } {
    const file = this.kubeconfigPath();
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch {
      return { ok: false, message: `kind wrote no kubeconfig to ${file}` };
    }
    const parsed = parseKubeconfig(text);
    const from =
      parsed.contexts.find((c) => c.name === `kind-${this.cluster}`)?.name ??
      parsed.contexts.find((c) => c.name === this.context)?.name;
    if (!from) return { ok: false, message: `${file} has no context kind-${this.cluster}` };
    const renamed = renameKubeconfigContext(text, from, this.context);
    fs.writeFileSync(file, renamed, { mode: 0o600 });
    fs.chmodSync(file, 0o600);
    const ctx = parseKubeconfig(renamed).contexts.find((c) => c.name === this.context);
    if (!ctx?.server) return { ok: false, message: `${file}: context ${this.context} has no server` };
    const fingerprint = caFingerprint(ctx.caData);
    writeLabState(
      {
        provider: 'kind',
        cluster: this.cluster,
        context: this.context,
        server: ctx.server,
        ...(fingerprint ? { caFingerprint: fingerprint } : {}),
        createdAt: new Date().toISOString(),
        ...(image ? { image } : {}),
        engine: this.engineName,
      },
      this.env,
    );
    log.info('kind lab marked', { cluster: this.cluster, server: ctx.server });
    return { ok: true };
  }

  /** `kubectl get nodes -o json` through the app's kubeconfig (or inside the control-plane node when kubectl is missing). */
  private async nodeStatuses(): Promise<{ nodes?: NodeStatus[]; failure: string }> {
    let r = await this.kubectl(['get', 'nodes', '-o', 'json']);
    if (r.notFound) {
      r = await this.nodesAccess.exec(
        `${this.cluster}-control-plane`,
        ['kubectl', 'get', 'nodes', '-o', 'json'],
        {
          timeoutMs: 20_000,
        },
      );
    }
    if (r.exitCode !== 0) return { failure: r.failure };
    const nodes = parseNodeStatuses(r.stdout);
    return nodes ? { nodes, failure: '' } : { failure: 'kubectl get nodes returned no node list' };
  }

  private async waitReady(
    expected: number,
    onLine: (line: string) => void,
    signal?: AbortSignal,
  ): Promise<{ ok: boolean; message: string }> {
    const deadline = Date.now() + this.readyTimeoutMs;
    let last = '';
    for (;;) {
      const { nodes, failure } = await this.nodeStatuses();
      const line = nodes ? describeReadiness(nodes, expected) : `waiting for the API server (${failure})`;
      if (line !== last) onLine(line);
      last = line;
      if (allReady(nodes, expected)) return { ok: true, message: line };
      if (signal?.aborted) return { ok: false, message: 'cancelled' };
      if (Date.now() >= deadline) {
        return {
          ok: false,
          message: `nodes not Ready after ${Math.round(this.readyTimeoutMs / 1000)} s: ${line}. Look at \`kubectl --kubeconfig ${this.kubeconfigPath()} describe nodes\`, or delete and recreate the lab.`,
        };
      }
      try {
        await sleep(this.pollIntervalMs, undefined, signal ? { signal } : undefined);
      } catch {
        return { ok: false, message: 'cancelled' };
      }
    }
  }

  async delete(
    options: { readonly onStep?: (event: StepEvent) => void; readonly signal?: AbortSignal } = {},
  ): Promise<LifecycleResult> {
    const onStep = options.onStep ?? (() => {});
    if (this.engineName === 'lab' && !(await labEngineRunning(this.labs))) {
      // The project's engine is stopped: with no record of this lab there is nothing to delete;
      // with one, the engine comes back so kind can remove the nodes it still holds.
      if (!readLabState(this.cluster, this.env)) {
        return { ok: true, changed: false, message: `no kind lab ${this.cluster}; nothing to delete` };
      }
      const start = begin('start the lab engine', onStep);
      const started = await startLabEngine(this.labs);
      if (!started.ok)
        return fail(start, onStep, started.message, `bash ${offlineDir(this.labs)}/engine.sh start`);
      finish(start, onStep);
    }
    const step = begin(`delete kind cluster ${this.cluster}`, onStep);
    const existed = await this.clusterExists();
    const args = ['delete', 'cluster', '--name', this.cluster, '--kubeconfig', this.kubeconfigPath()];
    const r = await this.runKind(args, {
      timeoutMs: 5 * 60_000,
      ...(options.signal ? { signal: options.signal } : {}),
      onLine: (line) => onStep({ type: 'progress', step: step.name, line }),
    });
    if (r.exitCode !== 0) return fail(step, onStep, r.failure, `kind ${args.join(' ')}`);
    removeLabState(this.cluster, this.env);
    fs.rmSync(path.join(labDir(this.cluster, this.env), 'kind-config.yaml'), { force: true });
    finish(step, onStep);
    if (this.engineName === 'lab') {
      // The project's engine runs only while a lab needs it: the last `down` stops it.
      const left = await this.runKind(['get', 'clusters'], { timeoutMs: 30_000 });
      if (left.exitCode === 0 && left.stdout.trim() === '') {
        const stop = begin('stop the lab engine', onStep);
        const stopped = await stopLabEngine(this.labs);
        if (!stopped.ok)
          return fail(stop, onStep, stopped.message, `bash ${offlineDir(this.labs)}/engine.sh stop`);
        finish(stop, onStep);
      }
    }
    return existed
      ? { ok: true, changed: true, message: `kind lab ${this.cluster} deleted` }
      : { ok: true, changed: false, message: `no kind lab ${this.cluster}; nothing to delete` };
  }

  async status(): Promise<LabStatus> {
    const base = { provider: 'kind' as const, cluster: this.cluster, kubeconfigPath: this.kubeconfigPath() };
    if (this.engineName === 'lab' && !(await labEngineRunning(this.labs))) {
      return {
        ...base,
        exists: false,
        nodes: [],
        apiserverHealthy: false,
        detail: "the lab's own engine is not running; `k8s-harden-lab up` starts it",
      };
    }
    const listed = await this.nodesAccess.list(this.cluster);
    if (listed.error) {
      return {
        ...base,
        exists: false,
        nodes: [],
        apiserverHealthy: false,
        detail: `${this.engineName}: ${listed.error}`,
      };
    }
    if (listed.nodes.length === 0) return { ...base, exists: false, nodes: [], apiserverHealthy: false };
    if (!fs.existsSync(this.kubeconfigPath())) {
      return {
        ...base,
        exists: true,
        nodes: withReadiness(listed.nodes, undefined),
        apiserverHealthy: false,
        detail: 'the lab exists but the app has no kubeconfig for it; run `k8s-harden-lab up` to restore it',
      };
    }
    const [health, statuses] = await Promise.all([
      this.kubectl(['get', '--raw', '/readyz'], 10_000),
      this.nodeStatuses(),
    ]);
    const nodes = withReadiness(listed.nodes, statuses.nodes);
    const apiserverHealthy = health.exitCode === 0 && health.stdout.trim() === 'ok';
    return {
      ...base,
      exists: true,
      nodes,
      apiserverHealthy,
      ...(apiserverHealthy
        ? {}
        : { detail: `API server not healthy: ${health.failure || health.stdout.trim()}` }),
    };
  }
}

export const KIND_INSTALL_FIX =
  'Install kind v0.33.0 or newer: download https://kind.sigs.k8s.io/dl/v0.33.0/kind-linux-amd64 (or -darwin-arm64, …) to a folder on PATH and `chmod +x` it, or `go install sigs.k8s.io/kind@v0.33.0`, or `brew install kind` (https://kind.sigs.k8s.io/docs/user/quick-start/#installation).';

function engineVersionArgs(engine: 'docker' | 'podman'): string[] {
  return engine === 'podman'
    ? ['info', '--format', '{{.Version.Version}}']
    : ['version', '--format', '{{.Server.Version}}'];
}

function begin(name: string, onStep: (event: StepEvent) => void): Step {
  onStep({ type: 'start', step: name });
  return { name, started: Date.now() };
}

function finish(step: Step, onStep: (event: StepEvent) => void): void {
  onStep({ type: 'done', step: step.name, ms: Date.now() - step.started });
}

function fail(
  step: Step,
  onStep: (event: StepEvent) => void,
  message: string,
  command: string,
  logFile?: string,
): LifecycleResult {
  onStep({
    type: 'fail',
    step: step.name,
    ms: Date.now() - step.started,
    command,
    ...(logFile ? { logFile } : {}),
  });
  log.warn('kind lab step failed', { step: step.name, message });
  return { ok: false, step: step.name, message, ...(logFile ? { logFile } : {}) };
}

function appendLog(file: string, line: string): void {
  try {
    fs.appendFileSync(file, `${line}\n`);
  } catch {
    // the log is a convenience; a full disk shows up elsewhere
  }
}
