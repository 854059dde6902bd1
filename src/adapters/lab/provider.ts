import type { CommandResult } from '../process/run.js';

/** The lab environments the app can manage (kind, with the learner's engine or the project's own). */
export type ProviderKind = 'kind';

export type NodeRole = 'control-plane' | 'worker';

export type LabNode = {
  /** Container / Kubernetes node name, kind style: `<cluster>-control-plane`, `<cluster>-worker`, `<cluster>-worker2`. */
  readonly name: string;
  readonly role: NodeRole;
};

export type NodeStatus = LabNode & {
  readonly ready: boolean;
  readonly version: string;
};

export type LabStatus = {
  readonly provider: ProviderKind;
  readonly cluster: string;
  /** False when no lab of this provider exists. */
  readonly exists: boolean;
  readonly nodes: readonly NodeStatus[];
  readonly apiserverHealthy: boolean;
  readonly kubeconfigPath: string;
  /** Anything the learner should know (for example "container engine not running"). */
  readonly detail?: string;
};

/** One step of a long operation, reported while it runs. */
export type StepEvent =
  | { readonly type: 'start'; readonly step: string }
  | { readonly type: 'progress'; readonly step: string; readonly line: string }
  | { readonly type: 'done'; readonly step: string; readonly ms: number }
  | {
      readonly type: 'fail';
      readonly step: string;
      readonly ms: number;
      readonly command: string;
      readonly logFile?: string;
    };

export type CreateOptions = {
  readonly workers?: number;
  readonly onStep?: (event: StepEvent) => void;
  readonly signal?: AbortSignal;
};

export type ExecOptions = {
  readonly stdin?: string;
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
};

/** Whether a provider can run on this machine, and what to do when it cannot. */
export type Availability =
  | { readonly ok: true; readonly detail: string }
  | { readonly ok: false; readonly reason: string; readonly fix: string };

/** Result of create/delete. A failure names the step, the command and the log to read. */
export type LifecycleResult =
  | { readonly ok: true; readonly changed: boolean; readonly message: string }
  | { readonly ok: false; readonly step: string; readonly message: string; readonly logFile?: string };

/**
 * A lab environment: a real cluster the app owns. Scenarios reach it only through this port, so
 * they never know which engine runs it. Node roles and paths inside nodes are kind's.
 */
export interface LabProvider {
  readonly kind: ProviderKind;
  readonly cluster: string;
  available(): Promise<Availability>;
  create(options?: CreateOptions): Promise<LifecycleResult>;
  delete(options?: {
    readonly onStep?: (event: StepEvent) => void;
    readonly signal?: AbortSignal;
  }): Promise<LifecycleResult>;
  status(): Promise<LabStatus>;
  /** The app's own kubeconfig for this lab (never the user's ~/.kube/config). */
  kubeconfigPath(): string;
  /** The kubectl that matches the lab's version (a path, or `kubectl` from PATH). */
  kubectlPath(): string;
  nodes(): Promise<readonly LabNode[]>;
  /** Runs argv on a node. Resolves for every outcome, like runCommand. */
  exec(node: string, argv: readonly string[], options?: ExecOptions): Promise<CommandResult>;
  /** The command line that opens an interactive shell on a node (run with inherited stdio). */
  shellCommand(node: string): { readonly file: string; readonly args: readonly string[] };
  copyTo(node: string, localPath: string, remotePath: string): Promise<CommandResult>;
  copyFrom(node: string, remotePath: string, localPath: string): Promise<CommandResult>;
}
