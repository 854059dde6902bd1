import { type CommandResult, runCommand } from '../process/run.js';
import type { ExecOptions, LabNode, NodeRole } from './provider.js';

/**
 * How to call a container engine CLI: the binary, the arguments that always come first, and extra
 * environment. kind's nodes: `{ file: 'docker', args: [] }`; the host lab's private daemon:
 * `{ file: 'docker', args: ['-H', 'unix:///run/k8s-harden-lab/docker.sock'], env: { DOCKER_API_VERSION: '1.41' } }`.
 */
export type ContainerEngine = {
  readonly flavor: 'docker' | 'podman';
  readonly file: string;
  readonly args: readonly string[];
  readonly env?: Readonly<Record<string, string>>;
};

export function dockerEngine(args: readonly string[] = [], env?: Record<string, string>): ContainerEngine {
  return { flavor: 'docker', file: 'docker', args, ...(env ? { env } : {}) };
}

export function podmanEngine(args: readonly string[] = []): ContainerEngine {
  return { flavor: 'podman', file: 'podman', args };
}

/** Labels kind puts on its node containers (the host lab uses the same ones). */
export const KIND_CLUSTER_LABEL = 'io.x-k8s.kind.cluster';
export const KIND_ROLE_LABEL = 'io.x-k8s.kind.role';

const NODE_TIMEOUT_MS = 120_000;

/**
 * Node access through a container engine: list a cluster's node containers by label, run commands
 * in them, open a shell, copy files. Shared by the kind lab and the host lab.
 */
export class ContainerNodes {
  constructor(
    readonly engine: ContainerEngine,
    private readonly clusterLabel: string = KIND_CLUSTER_LABEL,
    private readonly roleLabel: string = KIND_ROLE_LABEL,
  ) {}

  /** Runs the engine CLI with its prefix arguments and environment. */
  run(
    args: readonly string[],
    options: { input?: string; timeoutMs?: number; signal?: AbortSignal } = {},
  ): Promise<CommandResult> {
    return runCommand(this.engine.file, [...this.engine.args, ...args], {
      env: this.engine.env,
      timeoutMs: options.timeoutMs ?? NODE_TIMEOUT_MS,
      ...(options.input === undefined ? {} : { input: options.input }),
      ...(options.signal ? { signal: options.signal } : {}),
    });
  }

  /** The arguments of the node listing (exported for tests and for `doctor` output). */
  listArgs(cluster: string): string[] {
    const role =
      this.engine.flavor === 'podman'
        ? `{{index .Labels "${this.roleLabel}"}}`
        : `{{.Label "${this.roleLabel}"}}`;
    return [
      'ps',
      '-a',
      '--filter',
      `label=${this.clusterLabel}=${cluster}`,
      '--format',
      `{{.Names}}\t${role}`,
    ];
  }

  /**
   * The cluster's Kubernetes node containers, control-plane first, then by name. Containers with
   * another role (kind's external load balancer) are left out. Engine errors resolve to `error`.
   */
  async list(cluster: string): Promise<{ nodes: LabNode[]; error?: string }> {
    const r = await this.run(this.listArgs(cluster), { timeoutMs: 30_000 });
    if (r.exitCode !== 0) return { nodes: [], error: r.failure || `${this.engine.file} ps failed` };
    return { nodes: parseNodeList(r.stdout) };
  }

  exec(node: string, argv: readonly string[], options: ExecOptions = {}): Promise<CommandResult> {
    const interactive = options.stdin === undefined ? [] : ['-i'];
    return this.run(['exec', ...interactive, node, ...argv], {
      ...(options.stdin === undefined ? {} : { input: options.stdin }),
      ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
      ...(options.signal ? { signal: options.signal } : {}),
    });
  }

  /** `docker exec -it <node> bash`, wrapped in `env K=V …` when the engine needs extra environment. */
  shellCommand(node: string): { readonly file: string; readonly args: readonly string[] } {
    const argv = [this.engine.file, ...this.engine.args, 'exec', '-it', node, 'bash'];
    const env = Object.entries(this.engine.env ?? {}).map(([k, v]) => `${k}=${v}`);
    if (env.length === 0) return { file: this.engine.file, args: argv.slice(1) };
    return { file: 'env', args: [...env, ...argv] };
  }

  copyTo(node: string, localPath: string, remotePath: string): Promise<CommandResult> {
    return this.run(['cp', localPath, `${node}:${remotePath}`]);
  }

  copyFrom(node: string, remotePath: string, localPath: string): Promise<CommandResult> {
    return this.run(['cp', `${node}:${remotePath}`, localPath]);
  }
}

function roleRank(role: NodeRole): number {
  return role === 'control-plane' ? 0 : 1;
}

/** Parses `<name>\t<role>` lines from the node listing. */
export function parseNodeList(stdout: string): LabNode[] {
  const nodes: LabNode[] = [];
  for (const line of stdout.split('\n')) {
    const [name, role] = line.trim().split('\t');
    if (!name) continue;
    if (role === 'control-plane' || role === 'worker') nodes.push({ name, role });
  }
  return nodes.sort(
    (a, b) => roleRank(a.role) - roleRank(b.role) || a.name.localeCompare(b.name, 'en', { numeric: true }),
  );
}
