/**
 * The engine's ports: what the engine needs from the world, as types. Adapters implement them and
 * the composition in src/cli/ (compose.ts first; see docs/ARCHITECTURE.md) hands them to the
 * engine; the engine never builds one.
 */

/** What one process call returned. Never an exception: a failure is data. */
export type CommandResult = {
  /** The exit code, or -1 when the process never ran, timed out or was cancelled. */
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
  /** True when the command could not be started at all (for example the binary is missing). */
  readonly notFound: boolean;
  readonly timedOut: boolean;
  readonly cancelled: boolean;
  /** One line a person can read: the command and why it failed, empty when it succeeded. */
  readonly failure: string;
};

import type { HintLevel } from '../domain/checks.js';
import type { Exam } from '../domain/exam.js';
import type { AttemptOutcome, ScenarioProgress } from '../domain/progress.js';
import type { NewRecordEvent, RecordEvent } from '../domain/record.js';
import type { ScenarioEntry } from '../domain/scenario.js';

export type RunOptions = {
  readonly cwd?: string | undefined;
  readonly env?: Readonly<Record<string, string | undefined>> | undefined;
  /** Start from `env` alone instead of adding it to the app's own environment. */
  readonly cleanEnv?: boolean | undefined;
  /** Text written to the process's standard input. */
  readonly input?: string | undefined;
  /** Default 60 s. Every call has a timeout so a hung tool never hangs the app. */
  readonly timeoutMs?: number | undefined;
  readonly signal?: AbortSignal | undefined;
  /** Called with each line of stdout/stderr as it arrives (for progress displays). */
  readonly onLine?: ((line: string) => void) | undefined;
};

/** Runs a program without a shell; resolves for every outcome (adapters/process/run.ts). */
export type RunProcess = (
  file: string,
  args: readonly string[],
  options?: RunOptions,
) => Promise<CommandResult>;

// --- files -----------------------------------------------------------------------------------

export type FileFacts = {
  readonly exists: boolean;
  /** Octal permission bits, as `ls` shows them without the type: "600". */
  readonly mode?: string | undefined;
  readonly owner?: string | undefined;
  readonly group?: string | undefined;
  readonly size?: number | undefined;
  readonly content?: string | undefined;
  /** Why `content` is missing though the file exists: too large, not a regular file, no permission. */
  readonly unreadable?: string | undefined;
  /** Last modification, seconds since the epoch (node files). */
  readonly mtime?: number | undefined;
};

/**
 * Learner files, read as data. A path is relative to `root` and never leaves it, a link that
 * resolves outside it is an error, and only regular files up to a bound are read (a FIFO or a
 * device never blocks).
 */
export type WorkspaceFiles = {
  read(root: string, file: string): Promise<FileFacts>;
  /** Names of the files (and links) in a folder; undefined when it is not a folder. */
  list(root: string, dir: string): Promise<string[] | undefined>;
};

export type ShellEnvOptions = {
  /** HOME of the new shell: its startup files are read from here. */
  readonly home: string;
  /** A login shell (`bash -l -i`) instead of a new terminal's `bash -i`. */
  readonly login: boolean;
  readonly timeoutMs: number;
  readonly signal?: AbortSignal;
};

export type ShellEnvResult =
  | { readonly ok: true; readonly env: Readonly<Record<string, string>> }
  | { readonly ok: false; readonly message: string };

/** The environment a program started from a fresh shell sees (adapters/process/shell-env.ts). */
export type ShellEnvReader = (options: ShellEnvOptions) => Promise<ShellEnvResult>;

export type LocalHttpAnswer =
  | { readonly reachable: true; readonly status: number; readonly body: string }
  | { readonly reachable: false; readonly message: string };

/** A GET on this machine without credentials (adapters/local-http.ts); never throws. */
export type LocalHttpGet = (
  url: string,
  options: { readonly timeoutMs: number; readonly maxBytes: number; readonly signal?: AbortSignal },
) => Promise<LocalHttpAnswer>;

/** What local probes may touch. */
export type LocalIo = {
  readonly files: WorkspaceFiles;
  readonly run: RunProcess;
  readonly shellEnv: ShellEnvReader;
  readonly httpGet: LocalHttpGet;
};

// --- the trainer's stores ---------------------------------------------------------------------

/** The attempt in progress for a scenario, kept between CLI calls (`start`, `hint`, `check`). */
export type Attempt = {
  readonly startedAt: string;
  readonly hints: ReadonlyArray<{ readonly checkId: string; readonly level: HintLevel }>;
  readonly forfeited: boolean;
  readonly finishedAt: string | null;
  /**
   * Set when the attempt is not running: reset before it was completed, or opened by a hint or the
   * solution before setup. It has no timer and is never recorded; its hints and forfeit carry into
   * the next setup (Trainer.setup), so a reset or a re-start never wipes them from the score.
   */
  readonly stoppedAt?: string | undefined;
  /** The attempt's seed (exam tasks; randomised parameters plug in here). */
  readonly seed?: number | undefined;
  /**
   * Each `credentialFile` a check compares with, as setup wrote it (digests only): kept outside
   * the workspace, so rewriting the file later changes nothing the check expects.
   */
  readonly credentials?: Readonly<Record<string, KeptCredential>> | undefined;
};

/** sha256 digests (hex) of a credential file right after setup: its trimmed text, and the certificate's DER when it is one. */
export type KeptCredential = {
  readonly token: string;
  readonly certificate?: string | undefined;
};

export type AttemptPort = {
  get(id: string): Attempt | undefined;
  save(id: string, attempt: Attempt): void;
  start(id: string, now: Date): Attempt;
  clear(id: string): void;
};

export type ProgressPort = {
  all(): Readonly<Record<string, ScenarioProgress>>;
  get(id: string): ScenarioProgress | undefined;
  record(id: string, outcome: AttemptOutcome): ScenarioProgress;
};

/** Exams, running and finished (adapters/exam-store.ts). */
export type ExamPort = {
  /** The exam not yet finished or abandoned, if any. */
  current(): Exam | undefined;
  list(): Exam[];
  save(exam: Exam): void;
};

/** The learning record (adapters/record-store.ts): an append-only log; off when the learner says so. */
export type RecordPort = {
  readonly enabled: boolean;
  append(event: NewRecordEvent): void;
  events(): RecordEvent[];
};

/** The scenario folders (adapters/scenario-loader.ts); never throws for bad content. */
export type ScenarioSource = () => ScenarioEntry[];

/** The scenarios' workspace folders, under the app's data directory. */
export type Workspaces = {
  path(scenarioId: string): string;
  exists(scenarioId: string): boolean;
  /** Empty and ready: an existing one is removed first. */
  fresh(scenarioId: string): void;
  /** Exists (made if missing). */
  ensure(scenarioId: string): void;
  remove(scenarioId: string): void;
};

// --- the lab ---------------------------------------------------------------------------------

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
  readonly stdin?: string | undefined;
  readonly timeoutMs?: number | undefined;
  readonly signal?: AbortSignal | undefined;
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

// --- the cluster ------------------------------------------------------------------------------

export type ApiResponse =
  | { readonly type: 'ok'; readonly status: number; readonly body: unknown; readonly truncated?: boolean }
  | {
      readonly type: 'http';
      readonly status: number;
      readonly body: unknown;
      readonly message: string;
      readonly truncated?: boolean;
    }
  | { readonly type: 'unreachable'; readonly message: string }
  /** The kubeconfig itself cannot be used (credentials, TLS settings): not a waiting window. */
  | { readonly type: 'invalid'; readonly message: string };

export type KubeRequestOptions = {
  readonly method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  readonly body?: unknown;
  /** Default `application/json`; a PATCH says which kind (`application/merge-patch+json`). */
  readonly contentType?: string;
  /** Extra headers (impersonation: `Impersonate-User`, `Impersonate-Group` as a list). */
  readonly headers?: Readonly<Record<string, string | readonly string[]>>;
  /** Read at most this much of the answer (default 8 MiB); the rest is dropped, `truncated` says so. */
  readonly maxBytes?: number;
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
};

/** One Kubernetes API client: raw paths, failures as data (adapters/cluster/kube-client.ts). */
export type KubeApi = {
  request(path: string, options?: KubeRequestOptions): Promise<ApiResponse>;
};

/** Credentials a probe sends instead of the lab admin's (the server and CA stay the lab's). */
export type ProbeCredentials =
  | { readonly type: 'anonymous' }
  | { readonly type: 'token'; readonly token: string }
  | { readonly type: 'certificate'; readonly certPem: string; readonly keyPem: string };

export type KubeClients = {
  /** The lab's own kubeconfig (the lab guard has checked it). */
  lab(kubeconfigPath: string): KubeApi;
  /**
   * A workspace kubeconfig. `token`: the bearer token the engine worked out that kubectl would
   * send; `clientCertificate`: the client certificate and key files' text, read by the engine (each
   * replaces the client library's own reading of the file). Throws, in plain words, when the file
   * cannot be used.
   */
  fromFile(
    file: string,
    options?: {
      readonly context?: string | undefined;
      readonly token?: string | undefined;
      readonly clientCertificate?:
        | { readonly certPem?: string | undefined; readonly keyPem?: string | undefined }
        | undefined;
    },
  ): KubeApi;
  /** The lab's server and CA (from its kubeconfig) with other credentials; nothing is cached. */
  withCredentials(labKubeconfigPath: string, credentials: ProbeCredentials): KubeApi;
};

export type NodeProcess = {
  readonly pid: number;
  /** Seconds since the epoch, to the millisecond (the kernel counts in clock ticks, 10 ms). */
  readonly startedAt: number;
  readonly argv: readonly string[];
};

/** Reads on one lab node, batched into one round trip per round (adapters/cluster/node-batch.ts). */
export type NodeReads = {
  readonly node: string;
  /** Exec round trips made (tests and the debug log). */
  readonly flushes: number;
  file(path: string): Promise<FileFacts>;
  /** HTTP(S) status of a request made inside the node without credentials; 0 when nothing answered. */
  httpStatus(url: string): Promise<number>;
  portOpen(host: string, port: number): Promise<boolean>;
  /** Processes whose program (argv[0] base name) is `program`, oldest first. */
  processes(program: string): Promise<NodeProcess[]>;
  /** The config file the running kubelet was started with (`--config`, else kubeadm's default). */
  kubeletConfigFile(): Promise<{ path: string; file: FileFacts }>;
  /** The last `count` lines of the newest file matching a glob; undefined when none matches. */
  tail(glob: string, count: number): Promise<{ file: string; lines: string[] } | undefined>;
  /** The last `max` lines of a file that contain `text` (a fixed string); undefined when no such file. */
  grep(file: string, text: string, max: number): Promise<string[] | undefined>;
  /** The first 32 bytes of a key's raw value in etcd (unprintable bytes as dots); undefined when absent. */
  etcdPrefix(key: string): Promise<string | undefined>;
};

/** What cluster probes and the lab lifecycle touch (loaded on first use: it pulls in client-node). */
export type ClusterIo = {
  readonly kube: KubeClients;
  readonly nodeReads: (provider: LabProvider, node: string, signal: AbortSignal) => NodeReads;
  /** Shell programs probes hand to a node or a pod, from real files the engine does not read itself. */
  readonly scripts: {
    /** shell/node/ssh-login.sh: one OpenSSH login attempt (`bash -c`, the sshLogin probe). */
    readonly sshLogin: string;
    /** shell/pod/connect.sh: `<target> yes|no` per target, from inside a pod (`sh -c`, podConnect). */
    readonly podConnect: string;
  };
};

// --- the lab lifecycle ------------------------------------------------------------------------

export type BackupEntry = {
  readonly node: string;
  readonly nodeRef: string;
  readonly path: string;
  readonly existed: boolean;
  readonly sha256?: string | undefined;
  readonly mode?: string | undefined;
  readonly uid?: number | undefined;
  readonly gid?: number | undefined;
};

export type BackupRecord = {
  readonly scenario: string;
  readonly createdAt: string;
  readonly entries: readonly BackupEntry[];
};

/** The local copy of a scenario's node-file backup, under the lab's data folder. */
export type BackupStore = {
  read(cluster: string, scenario: string): BackupRecord | undefined;
  /** Keeps one file's bytes, by their sha256. */
  saveFile(cluster: string, scenario: string, sha256: string, bytes: Buffer): void;
  loadFile(cluster: string, scenario: string, sha256: string): Buffer;
  write(cluster: string, scenario: string, record: BackupRecord): void;
  remove(cluster: string, scenario: string): void;
  /** The keys (scenario ids, the lab baseline) that have a backup on this lab. */
  list(cluster: string): string[];
};

/** What the lab lifecycle (engine/lab/*) touches. */
export type LifecycleIo = {
  readonly kube: KubeClients;
  readonly backups: BackupStore;
  /** The lifecycle's node shell (shell/node/lib.sh + lifecycle.sh), run as `bash -c`. */
  readonly lifecycleScript: string;
  /** The recorder's files to install on the control-plane node. */
  readonly recorderFiles: ReadonlyArray<{ readonly path: string; readonly content: string }>;
};
