import path from 'node:path';
import { log } from '../adapters/log.js';
import type { CheckResult } from '../domain/checks.js';
import { bindScenario, paramEnv, renderScript, unboundScenario } from '../domain/params.js';
import type { ScenarioProgress } from '../domain/progress.js';
import { failingChanged } from '../domain/record.js';
import type { Scenario, ScenarioEntry } from '../domain/scenario.js';
import {
  isSolved,
  type NextHint,
  nextHint,
  type RevealedHint,
  type Score,
  score,
} from '../domain/scoring.js';
import { runRound } from './check-runner.js';
import { EXIT, ExternalError, printable, UserError } from './errors.js';
import { credentialFiles, keepCredential } from './kept-credential.js';
import type {
  Attempt,
  AttemptPort,
  ClusterIo,
  CommandResult,
  KeptCredential,
  ProgressPort,
  RecordPort,
  RunProcess,
  ScenarioSource,
  Workspaces,
} from './ports.js';
import type { ClusterAccess, ProbeIo } from './probes/types.js';

/** Lab work a cluster scenario needs around its scripts (backups, restore, health); see cluster-lifecycle. */
export interface ClusterHooks {
  /** Before setup: back up every node file the scenario declares (and anything else setup needs). */
  beforeSetup(scenario: Scenario, access: ClusterAccess, onLine: (line: string) => void): Promise<void>;
  /** After the reset script: restore backups byte for byte, restart what must restart, wait for health. */
  afterReset(scenario: Scenario, access: ClusterAccess, onLine: (line: string) => void): Promise<void>;
  /** Throws a UserError when the recorded lab is not running (asked when a round cannot see it). */
  assertRunning?(access: ClusterAccess): Promise<void>;
}

/** What the Trainer touches, all handed in by the composition root (src/cli/compose.ts). */
export type TrainerDeps = {
  readonly scenarios: ScenarioSource;
  readonly progress: ProgressPort;
  readonly attempts: AttemptPort;
  readonly workspaces: Workspaces;
  /** Runs the scenario scripts. */
  readonly run: RunProcess;
  /** Reads a file of a scenario folder (the reference solution, when revealed). */
  readonly readText: (file: string) => string;
  /** What scenario scripts get as KHL_BIN (the CLI entry) and KHL_NODE (the node binary). */
  readonly app: { readonly bin: string; readonly node: string };
  /** What the check probes may touch. */
  readonly probeIo: ProbeIo;
  /** The cluster probes' I/O, loaded for the first round on a lab. */
  readonly loadClusterIo?: () => Promise<ClusterIo>;
  /** Finds the lab cluster and checks it is the app's own (lab guard); throws a UserError when not. */
  readonly resolveLab?: () => Promise<ClusterAccess>;
  readonly clusterHooks?: ClusterHooks;
  readonly now?: () => Date;
  /** A fresh seed for a parameterised scenario's setup when none is given (`start` without --seed). */
  readonly randomSeed?: () => number;
  /** The learning record (start, failing checks as they change, hints, solved, stopped). */
  readonly record?: RecordPort;
};

export type OperationOptions = {
  readonly onLine?: (line: string) => void;
  readonly signal?: AbortSignal;
  /** setup only: start over on a scenario already set up (its workspace is wiped). */
  readonly force?: boolean;
  /** setup only: the attempt's seed and the exam it belongs to, kept with the attempt and the record. */
  readonly seed?: number;
  readonly exam?: string;
};

/** A seed when none is given and the deps have no source of their own (tests). */
const randomSeed = () => Math.floor(Math.random() * 0x7fffffff);

/**
 * What an unfinished attempt hands to the next one: its hints and its forfeit, so that a reset or
 * a re-start never makes them free. The rule: an attempt's score counts every hint taken (and a
 * solution seen) on the scenario since its last completed attempt. A completed attempt carries nothing.
 */
export function carriedFrom(previous: Attempt | undefined): Pick<Attempt, 'hints' | 'forfeited'> | undefined {
  if (!previous || previous.finishedAt !== null) return undefined;
  if (previous.hints.length === 0 && !previous.forfeited) return undefined;
  return { hints: previous.hints, forfeited: previous.forfeited };
}

export type CheckOutcome = {
  readonly results: readonly CheckResult[];
  readonly score: Score;
  readonly allPass: boolean;
  readonly elapsedMs: number;
  /** Set once, on the round that first sees every graded check pass in this attempt. */
  readonly completed?: ScenarioProgress | undefined;
  /**
   * The round completed the attempt but recording it failed (the progress or attempt file could
   * not be written). The results stand; the attempt stays open, so a later round records it.
   */
  readonly saveError?: unknown;
};

/** The orchestration layer: the CLI and the TUI both drive scenarios only through this. */
export class Trainer {
  private entries: ScenarioEntry[] | undefined;
  private readonly now: () => Date;

  constructor(private readonly deps: TrainerDeps) {
    this.now = deps.now ?? (() => new Date());
  }

  list(): readonly ScenarioEntry[] {
    this.entries ??= this.deps.scenarios();
    return this.entries;
  }

  reload(): readonly ScenarioEntry[] {
    this.entries = undefined;
    return this.list();
  }

  /** A valid scenario by id, or a UserError that says what exists. */
  get(id: string): Scenario {
    const entry = this.list().find((e) => (e.valid ? e.scenario.id : e.id) === id);
    if (!entry) {
      const known = this.list().map((e) => (e.valid ? e.scenario.id : e.id));
      throw new UserError(
        `unknown scenario "${printable(id)}"`,
        `run \`k8s-harden-lab list\` to see the ids (${known.join(', ')})`,
        EXIT.usage,
      );
    }
    if (!entry.valid) {
      const first = entry.problems[0];
      throw new UserError(
        `scenario "${id}" is invalid: ${first ? `${first.file}:${first.line}: ${first.field}: ${first.reason}` : 'unknown problem'}`,
        `run \`k8s-harden-lab validate\` for every problem`,
        EXIT.invalid,
      );
    }
    return entry.scenario;
  }

  progress(id: string): ScenarioProgress | undefined {
    return this.deps.progress.get(id);
  }

  allProgress(): Readonly<Record<string, ScenarioProgress>> {
    return this.deps.progress.all();
  }

  workspace(scenario: Scenario): string {
    return this.deps.workspaces.path(scenario.id);
  }

  /** The line a learner pastes into a shell to work on the scenario. */
  shellLine(scenario: Scenario, access?: ClusterAccess): string {
    const ws = this.workspace(scenario);
    const lab = access?.kubeconfigPath ?? '$(k8s-harden-lab kubeconfig)';
    const line = scenario.shell ?? (scenario.lab === 'cluster' ? 'export KUBECONFIG=$LAB_KUBECONFIG' : '');
    const expanded = line.replaceAll('$WORKSPACE', ws).replaceAll('$LAB_KUBECONFIG', lab);
    return expanded ? `cd ${ws} && ${expanded}` : `cd ${ws}`;
  }

  /** The running attempt (set up, timer on); a stopped one only waits to hand on its hints. */
  attempt(id: string): Attempt | undefined {
    const a = this.deps.attempts.get(id);
    return a && a.stoppedAt === undefined ? a : undefined;
  }

  /**
   * The scenario as this attempt has it: with `params:`, its checks, hints, brief and debrief filled
   * in with the values drawn from the attempt's seed (before setup: each parameter as ‹name›). A
   * scenario without params is returned as it is. Every operation below binds through here, so a
   * caller may hand in the scenario as loaded.
   */
  bound(scenario: Scenario): Scenario {
    if (!scenario.paramTemplate) return scenario;
    // The running attempt's values; a stopped one (reset, hints carried) drew values nobody works on.
    const seed = this.attempt(scenario.id)?.seed;
    return seed === undefined ? unboundScenario(scenario) : bindScenario(scenario, seed);
  }

  /** Refuses to wipe a scenario that is set up unless asked to (`start --force`, the TUI's confirm). */
  assertSetupAllowed(scenario: Scenario, force = false): void {
    if (force || !this.isSetUp(scenario)) return;
    throw new UserError(
      `"${scenario.id}" is already set up: starting it again wipes your work in ${this.workspace(scenario)}`,
      `run \`k8s-harden-lab start ${scenario.id} --force\` to start over, or \`k8s-harden-lab reset ${scenario.id}\` to put everything back (hints taken still count)`,
      EXIT.usage,
    );
  }

  private async lab(scenario: Scenario): Promise<ClusterAccess | undefined> {
    if (scenario.lab === 'none') return undefined;
    if (!this.deps.resolveLab)
      throw new UserError(
        `scenario "${scenario.id}" needs a lab cluster`,
        'run `k8s-harden-lab up` first',
        EXIT.lab,
      );
    return this.deps.resolveLab();
  }

  /** Environment for scenario scripts. Cluster-free scripts get HOME inside the workspace, so `~/.kube` is never the user's. */
  private scriptEnv(scenario: Scenario, access: ClusterAccess | undefined): Record<string, string> {
    const ws = this.workspace(scenario);
    const env: Record<string, string> = {
      WORKSPACE: ws,
      SCENARIO_DIR: scenario.dir,
      KHL_BIN: this.deps.app.bin,
      KHL_NODE: this.deps.app.node,
      ...(scenario.bound ? paramEnv(scenario.bound.values) : {}),
    };
    if (access) {
      env.KUBECONFIG = access.kubeconfigPath;
      env.LAB_KUBECONFIG = access.kubeconfigPath;
      env.LAB_PROVIDER = access.provider.kind;
      env.LAB_CLUSTER = access.provider.cluster;
      // The app's CLI inside a script (`node exec`) must reach this same lab…
      env.K8S_HARDEN_LAB_CLUSTER = access.provider.cluster;
      env.K8S_HARDEN_LAB_LABS_DIR = path.dirname(path.dirname(access.kubeconfigPath));
      // …and `kubectl` in a script is the one that matches the lab's version, when the lab has one.
      const kubectl = access.provider.kubectlPath();
      if (path.isAbsolute(kubectl))
        env.PATH = `${path.dirname(kubectl)}${path.delimiter}${process.env.PATH ?? ''}`;
    } else {
      env.HOME = ws;
      env.KUBECONFIG = path.join(ws, '.kube', 'config');
    }
    return env;
  }

  private async runScript(
    scenario: Scenario,
    which: 'setup' | 'solution' | 'reset',
    access: ClusterAccess | undefined,
    options: OperationOptions,
  ): Promise<CommandResult> {
    const name = scenario[which];
    if (!name)
      return {
        exitCode: 0,
        stdout: '',
        stderr: '',
        notFound: false,
        timedOut: false,
        cancelled: false,
        failure: '',
      };
    const script = path.join(scenario.dir, name);
    const r = await this.deps.run('bash', [script], {
      cwd: this.workspace(scenario),
      env: this.scriptEnv(scenario, access),
      timeoutMs: scenario.lab === 'cluster' ? 10 * 60_000 : 60_000,
      signal: options.signal,
      onLine: options.onLine,
    });
    log.info(`${which} script`, { scenario: scenario.id, exitCode: r.exitCode });
    return r;
  }

  /**
   * Runs a bash script the way a learner's shell would: cwd = the workspace, the scenario's
   * environment (HOME = workspace without a lab). For self-tests of other correct solutions.
   */
  async runAsLearner(
    scenario: Scenario,
    script: string,
    options: OperationOptions = {},
  ): Promise<CommandResult> {
    scenario = this.bound(scenario);
    const access = await this.lab(scenario);
    return this.deps.run('bash', ['-c', script], {
      cwd: this.workspace(scenario),
      env: this.scriptEnv(scenario, access),
      timeoutMs: scenario.lab === 'cluster' ? 10 * 60_000 : 60_000,
      signal: options.signal,
      onLine: options.onLine,
    });
  }

  /**
   * Creates the workspace, breaks the lab on purpose and starts a new attempt, which takes over
   * the hints and forfeit of an unfinished one (carriedFrom). Refuses a scenario already set up
   * unless `force`.
   */
  async setup(loaded: Scenario, options: OperationOptions = {}): Promise<void> {
    this.assertSetupAllowed(loaded, options.force);
    // Starting a parameterised scenario over a running attempt draws other names: what the old
    // attempt made under its names would stay behind, so it is reset first, with its own values.
    if (loaded.paramTemplate && this.attempt(loaded.id)?.seed !== undefined && this.isSetUp(loaded)) {
      (options.onLine ?? (() => {}))('resetting the running attempt first (its names were drawn)');
      await this.reset(loaded, options);
    }
    // A parameterised scenario draws its values here: from the seed given, else a fresh one.
    const seed = options.seed ?? (loaded.paramTemplate ? (this.deps.randomSeed ?? randomSeed)() : undefined);
    const scenario = seed === undefined ? loaded : bindScenario(loaded, seed);
    const onLine = options.onLine ?? (() => {});
    const access = await this.lab(scenario);
    const carried = carriedFrom(this.deps.attempts.get(scenario.id));
    // The lab's health and backups first: a lab that refuses leaves no half-made workspace.
    if (access && this.deps.clusterHooks) await this.deps.clusterHooks.beforeSetup(scenario, access, onLine);
    this.deps.workspaces.fresh(scenario.id);
    const r = await this.runScript(scenario, 'setup', access, options);
    if (r.exitCode !== 0)
      throw new ExternalError(
        `bash ${scenario.setup}`,
        r,
        `setup of "${scenario.id}" failed: ${r.failure}`,
        `run \`k8s-harden-lab reset ${scenario.id}\`, then try again; details are in ${log.path() ?? 'the debug log'}`,
        // A cluster-free setup fails on this machine (a tool missing, no permission), not on a lab.
        scenario.lab === 'cluster' ? EXIT.lab : EXIT.environment,
      );
    const credentials = await this.keptCredentials(scenario);
    const started = this.deps.attempts.start(scenario.id, this.now());
    if (carried || seed !== undefined || credentials)
      this.deps.attempts.save(scenario.id, {
        ...started,
        ...carried,
        ...(seed === undefined ? {} : { seed }),
        ...(credentials ? { credentials } : {}),
      });
    this.failing.delete(scenario.id);
    this.deps.record?.append({
      type: 'start',
      at: started.startedAt,
      scenario: scenario.id,
      attempt: started.startedAt,
      exam: options.exam ?? null,
      seed: seed ?? null,
    });
  }

  /**
   * Digests of each credential file a check compares with, read right after setup: the checks
   * compare with these, never with the file as the learner may have rewritten it. A file setup did
   * not write is left out (its check then says so).
   */
  private async keptCredentials(
    scenario: Scenario,
  ): Promise<Readonly<Record<string, KeptCredential>> | undefined> {
    const files = credentialFiles(scenario.checks);
    if (files.length === 0) return undefined;
    const kept: Record<string, KeptCredential> = {};
    for (const file of files) {
      const facts = await this.deps.probeIo.files.read(this.workspace(scenario), file);
      if (facts.content !== undefined) kept[file] = keepCredential(facts.content);
    }
    return kept;
  }

  /** Whether setup has been run (the workspace exists). */
  isSetUp(scenario: Scenario): boolean {
    return this.deps.workspaces.exists(scenario.id);
  }

  async check(loaded: Scenario, options: OperationOptions = {}): Promise<CheckOutcome> {
    const scenario = this.bound(loaded);
    const access = await this.lab(scenario);
    const io =
      access && this.deps.loadClusterIo
        ? { ...this.deps.probeIo, cluster: await this.deps.loadClusterIo() }
        : this.deps.probeIo;
    const results = await runRound(scenario.checks, {
      workspace: this.workspace(scenario),
      keptCredentials: this.attempt(scenario.id)?.credentials,
      scenarioDir: scenario.dir,
      apiserverLog: scenario.apiserverHelp,
      io,
      cluster: access,
      signal: options.signal,
    });
    // A round that cannot see the lab: say the lab is not running rather than "restarting".
    if (access && results.some((r) => r.status === 'waiting' || r.status === 'error'))
      await this.deps.clusterHooks?.assertRunning?.(access);
    return this.outcome(scenario, results);
  }

  /** Scores a round and, the first time every graded check passes, records the attempt. */
  outcome(loaded: Scenario, results: readonly CheckResult[]): CheckOutcome {
    const scenario = this.bound(loaded);
    const attempt = this.attempt(scenario.id);
    const revealed: readonly RevealedHint[] = attempt?.hints ?? [];
    const forfeited = attempt?.forfeited ?? false;
    const s = score(scenario, results, revealed, forfeited);
    const allPass = isSolved(results);
    const now = this.now();
    const elapsedMs = attempt ? Math.max(0, now.getTime() - Date.parse(attempt.startedAt)) : 0;
    let completed: ScenarioProgress | undefined;
    if (attempt && !attempt.finishedAt) this.recordRound(scenario.id, attempt.startedAt, results, now);
    if (allPass && attempt && !attempt.finishedAt) {
      try {
        completed = this.deps.progress.record(scenario.id, {
          passed: true,
          score: s.percent,
          timeMs: elapsedMs,
          hintsUsed: revealed.length,
          forfeited,
          at: now,
        });
        this.deps.attempts.save(scenario.id, { ...attempt, finishedAt: now.toISOString() });
        this.deps.record?.append({
          type: 'solved',
          at: now.toISOString(),
          scenario: scenario.id,
          attempt: attempt.startedAt,
          score: s.percent,
          timeMs: elapsedMs,
          hints: revealed.length,
          forfeited,
        });
      } catch (saveError) {
        // The results are what the learner needs first; the caller says the save failed.
        log.warn('recording the completed attempt failed', {
          scenario: scenario.id,
          error: saveError instanceof Error ? saveError.message : String(saveError),
        });
        return { results, score: s, allPass, elapsedMs, completed, saveError };
      }
    }
    return { results, score: s, allPass, elapsedMs, completed };
  }

  /** Reveals the next hint for the first failing graded check and charges it to the attempt. */
  revealHint(loaded: Scenario, results: readonly CheckResult[]): NextHint {
    const scenario = this.bound(loaded);
    const attempt = this.attemptToCharge(scenario);
    const next = nextHint(scenario, results, attempt.hints);
    if (next.type === 'hint') {
      this.deps.attempts.save(scenario.id, {
        ...attempt,
        hints: [...attempt.hints, { checkId: next.check.id, level: next.level }],
      });
      this.deps.record?.append({
        type: 'hint',
        at: this.now().toISOString(),
        scenario: scenario.id,
        attempt: attempt.startedAt,
        checkId: next.check.id,
        level: next.level,
      });
    }
    return next;
  }

  /** The failing checks of each scenario's last round, so the record gets a line only on a change. */
  private readonly failing = new Map<string, readonly string[]>();

  private recordRound(id: string, attempt: string, results: readonly CheckResult[], now: Date): void {
    if (!this.deps.record) return;
    const failing = results.filter((r) => r.status !== 'pass').map((r) => r.checkId);
    if (!failingChanged(this.failing.get(id), failing)) return;
    this.failing.set(id, failing);
    this.deps.record.append({
      type: 'checks',
      at: now.toISOString(),
      scenario: id,
      attempt,
      failing,
      graded: results.filter((r) => r.graded).length,
    });
  }

  /** Shows the reference solution; the attempt is forfeited. */
  revealSolution(scenario: Scenario): string {
    this.forfeit(scenario);
    return this.solutionText(scenario);
  }

  /** The reference solution as the learner reads it: with this attempt's values for $KHL_PARAM_*. Forfeits nothing. */
  solutionText(loaded: Scenario): string {
    const scenario = this.bound(loaded);
    const text = this.deps.readText(path.join(scenario.dir, scenario.solution));
    return scenario.bound ? renderScript(text, scenario.bound.values) : text;
  }

  /**
   * The attempt a hint or a forfeit is charged to: the current one, running or stopped; without
   * one, a running attempt when set up, else a stopped one that the next setup takes over.
   */
  private attemptToCharge(scenario: Scenario): Attempt {
    const current = this.deps.attempts.get(scenario.id);
    if (current) return current;
    if (this.isSetUp(scenario)) return this.deps.attempts.start(scenario.id, this.now());
    const now = this.now().toISOString();
    return { startedAt: now, hints: [], forfeited: false, finishedAt: null, stoppedAt: now };
  }

  private forfeit(scenario: Scenario): void {
    const attempt = this.attemptToCharge(scenario);
    if (!attempt.forfeited) {
      this.deps.attempts.save(scenario.id, { ...attempt, forfeited: true });
      this.deps.record?.append({
        type: 'solution',
        at: this.now().toISOString(),
        scenario: scenario.id,
        attempt: attempt.startedAt,
      });
    }
  }

  /** Runs the reference solution; the attempt is forfeited. */
  async solve(loaded: Scenario, options: OperationOptions = {}): Promise<void> {
    const scenario = this.bound(loaded);
    const access = await this.lab(scenario);
    if (!this.isSetUp(scenario))
      throw new UserError(
        `"${scenario.id}" is not set up`,
        `run \`k8s-harden-lab start ${scenario.id}\` first`,
        EXIT.usage,
      );
    this.forfeit(scenario);
    const r = await this.runScript(scenario, 'solution', access, options);
    // It runs over the learner's files: a link, a folder or a broken file there is the usual cause.
    if (r.exitCode !== 0)
      throw new ExternalError(
        `bash ${scenario.solution}`,
        r,
        `the reference solution of "${scenario.id}" failed over the files in ${this.workspace(scenario)}: ${r.failure}`,
        `the solution edits the workspace's files: if you replaced one (a link, a folder, a file that is not what it should be), run \`k8s-harden-lab start ${scenario.id} --force\` for fresh files and solve again; if it fails on fresh files, it is a bug in the scenario (details in ${log.path() ?? 'the debug log'})`,
        scenario.lab === 'cluster' ? EXIT.lab : EXIT.environment,
      );
  }

  /** Puts everything back as before setup: lab files restored, API objects removed, workspace gone. */
  async reset(loaded: Scenario, options: OperationOptions = {}): Promise<void> {
    const scenario = this.bound(loaded);
    const onLine = options.onLine ?? (() => {});
    let labProblem: unknown;
    const access = await this.lab(scenario);
    if (access) {
      this.deps.workspaces.ensure(scenario.id);
      // With no running attempt a parameterised scenario has no drawn names to remove: its
      // script would only fail on the missing values. The lab's own restore still runs.
      if (scenario.paramTemplate && !scenario.bound)
        onLine('no running attempt: nothing drawn to remove, restoring the lab only');
      else {
        const r = await this.runScript(scenario, 'reset', access, options);
        if (r.exitCode !== 0) onLine(`reset script: ${r.failure} (continuing with the restore)`);
      }
      // The reset finishes its own part even when the lab is unhealthy after it; then it says so.
      if (this.deps.clusterHooks)
        labProblem = await this.deps.clusterHooks.afterReset(scenario, access, onLine).then(
          () => undefined,
          (error: unknown) => error ?? new Error('the lab reset failed'),
        );
    }
    this.deps.workspaces.remove(scenario.id);
    // The attempt stops; its hints and forfeit wait for the next setup (carriedFrom).
    const attempt = this.deps.attempts.get(scenario.id);
    if (attempt && !attempt.finishedAt && attempt.stoppedAt === undefined)
      this.deps.record?.append({
        type: 'stop',
        at: this.now().toISOString(),
        scenario: scenario.id,
        attempt: attempt.startedAt,
      });
    if (attempt && carriedFrom(attempt))
      this.deps.attempts.save(scenario.id, {
        ...attempt,
        stoppedAt: attempt.stoppedAt ?? this.now().toISOString(),
      });
    else this.deps.attempts.clear(scenario.id);
    if (labProblem) throw labProblem;
  }
}
