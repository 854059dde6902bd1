import type { ExecOptions, LabNode, LabProvider } from '../../src/adapters/lab/provider.js';
import type { CommandResult } from '../../src/adapters/process/run.js';
import { runCommand } from '../../src/adapters/process/run.js';

export type ExecCall = { node: string; argv: readonly string[]; stdin?: string };

const ok = (stdout: string): CommandResult => ({
  exitCode: 0,
  stdout,
  stderr: '',
  notFound: false,
  timedOut: false,
  cancelled: false,
  failure: '',
});

/**
 * A LabProvider for tests. Records every exec. `answer` decides what a call returns; the default
 * runs the script for real on this machine (bash, stdin), with `env` added (a PATH holding fake
 * `systemctl` etc.). `scripted()` answers the node batch's sections from a function instead.
 */
export class FakeLabProvider implements LabProvider {
  readonly kind = 'kind' as const;
  readonly cluster = 'test-lab';
  readonly calls: ExecCall[] = [];
  nodesCalls = 0;

  constructor(
    private readonly options: {
      nodes?: LabNode[];
      kubeconfig?: string;
      env?: Record<string, string>;
      /** Limit the node batch's process scan to these pids (this machine may run real kubelets). */
      pids?: () => readonly number[];
      answer?: (call: ExecCall) => Promise<CommandResult> | CommandResult;
    } = {},
  ) {}

  execsOn(node: string): number {
    return this.calls.filter((c) => c.node === node).length;
  }

  async available() {
    return { ok: true as const, detail: 'fake' };
  }
  async create() {
    return { ok: true as const, changed: false, message: '' };
  }
  async delete() {
    return { ok: true as const, changed: false, message: '' };
  }
  async status() {
    return {
      provider: 'kind' as const,
      cluster: this.cluster,
      exists: true,
      nodes: [],
      apiserverHealthy: true,
      kubeconfigPath: this.kubeconfigPath(),
    };
  }
  kubectlPath(): string {
    return 'kubectl';
  }

  kubeconfigPath(): string {
    return this.options.kubeconfig ?? '/nonexistent/kubeconfig';
  }
  async nodes(): Promise<readonly LabNode[]> {
    this.nodesCalls++;
    return (
      this.options.nodes ?? [
        { name: 'lab-control-plane', role: 'control-plane' },
        { name: 'lab-worker', role: 'worker' },
      ]
    );
  }
  async exec(node: string, argv: readonly string[], options: ExecOptions = {}): Promise<CommandResult> {
    const call: ExecCall = { node, argv, ...(options.stdin === undefined ? {} : { stdin: options.stdin }) };
    this.calls.push(call);
    if (this.options.answer) return this.options.answer(call);
    const pids = this.options.pids?.();
    const stdin =
      pids && options.stdin !== undefined
        ? options.stdin.replaceAll('/proc/[0-9]*', pids.map((p) => `/proc/${p}`).join(' '))
        : options.stdin;
    return runCommand(argv[0] ?? 'sh', argv.slice(1), {
      ...(stdin === undefined ? {} : { input: stdin }),
      env: this.options.env,
      timeoutMs: options.timeoutMs ?? 20_000,
    });
  }
  shellCommand(node: string) {
    return { file: 'true', args: [node] };
  }
  async copyTo() {
    return ok('');
  }
  async copyFrom() {
    return ok('');
  }
}

/**
 * An `answer` for the node batch: finds each section's snippet in the script (`{ snippet\n} >
 * "$KHL_T/i" &`) and replies with `reply(node, snippet)` lines between the batch's markers.
 */
export function scripted(reply: (node: string, snippet: string) => string[] | undefined) {
  return (call: ExecCall): CommandResult => {
    const script = call.stdin ?? '';
    const out: string[] = [];
    const mark = /echo '(@@KHL:[0-9a-f]+):0:begin'/.exec(script)?.[1] ?? '';
    const re = /^\{ ([^\n]*)\n\} > "\$KHL_T\/(\d+)"/gm;
    for (const m of script.matchAll(re)) {
      const lines = reply(call.node, m[1] ?? '') ?? [];
      out.push(`${mark}:${m[2]}:begin`, ...lines, `${mark}:${m[2]}:end`);
    }
    return ok(`${out.join('\n')}\n`);
  };
}

export const b64 = (s: string) => Buffer.from(s).toString('base64');
