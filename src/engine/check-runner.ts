import { setMaxListeners } from 'node:events';
import { log } from '../adapters/log.js';
import type { Check, CheckResult, Observation } from '../domain/checks.js';
import { defaultSubject, evaluate } from '../domain/checks.js';
import type { ProbeSpec } from '../domain/probe-spec.js';
import type { KeptCredential } from './ports.js';
import type { ClusterAccess, ProbeContext, ProbeExecutor, ProbeIo, ProbeRegistry } from './probes/types.js';

// Loaded on the first round, not at start-up: the cluster probes pull in @kubernetes/client-node,
// which costs the home screen more than half a second to import.
let registry: Promise<ProbeRegistry> | undefined;
const defaultProbes = () => (registry ??= import('./probes/registry.js').then((m) => m.defaultProbes));

export type RoundOptions = {
  readonly workspace: string;
  /** The scenario's own folder: probes read fixtures from it (files the learner does not write). */
  readonly scenarioDir?: string | undefined;
  /** False: waiting messages do not quote the apiserver's log (scenario `apiserverHelp: false`). */
  readonly apiserverLog?: boolean | undefined;
  /** The attempt's credentials as setup wrote them (digests), for `credentialFile` checks. */
  readonly keptCredentials?: Readonly<Record<string, KeptCredential>> | undefined;
  /** What the probes may touch (from the composition root). */
  readonly io: ProbeIo;
  readonly cluster?: ClusterAccess | undefined;
  /** Per-probe limit; a slow probe becomes an error result, the round goes on. */
  readonly probeTimeoutMs?: number | undefined;
  readonly signal?: AbortSignal | undefined;
  readonly probes?: ProbeRegistry | undefined;
};

/**
 * A stable key so checks that share a probe (same spec) share one observation per round. Keys are
 * sorted at every depth: a replacer list of the top-level keys would drop nested ones, so two
 * probes differing only in `as: {token: …}` or an `object` would wrongly share an answer.
 */
export function probeKey(spec: ProbeSpec): string {
  const sorted = (v: unknown): unknown =>
    Array.isArray(v)
      ? v.map(sorted)
      : v && typeof v === 'object'
        ? Object.fromEntries(
            Object.keys(v)
              .sort()
              .map((k) => [k, sorted((v as Record<string, unknown>)[k])]),
          )
        : v;
  return JSON.stringify(sorted(spec));
}

function withTimeout(promise: Promise<Observation>, ms: number, kind: string): Promise<Observation> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<Observation>((resolve) => {
    timer = setTimeout(
      () =>
        resolve({
          type: 'error',
          message: `the ${kind} probe gave no answer within ${Math.round(ms / 1000)} s`,
        }),
      ms,
    );
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * One verification round: every probe runs concurrently, each with a timeout, and an error in one
 * (even a thrown one) becomes that check's `error` result without aborting the others.
 */
export async function runRound(checks: readonly Check[], options: RoundOptions): Promise<CheckResult[]> {
  const probes = options.probes ?? (await defaultProbes());
  const controller = new AbortController();
  // Every request and process of the round listens to this one signal: a dozen checks is normal,
  // not a leak (Node warns on stderr past 10 listeners, which would also scribble over the TUI).
  setMaxListeners(0, controller.signal);
  const onAbort = () => controller.abort();
  options.signal?.addEventListener('abort', onAbort, { once: true });
  const context: ProbeContext = {
    workspace: options.workspace,
    scenarioDir: options.scenarioDir,
    apiserverLog: options.apiserverLog,
    signal: controller.signal,
    cluster: options.cluster,
    roundCache: new Map(),
    keptCredentials: options.keptCredentials,
    io: options.io,
  };
  const observations = new Map<string, Promise<Observation>>();
  const observe = (spec: ProbeSpec): Promise<Observation> => {
    const key = probeKey(spec);
    let pending = observations.get(key);
    if (!pending) {
      const executor = probes[spec.kind] as ProbeExecutor<typeof spec.kind>;
      const run = Promise.resolve()
        .then(() => executor(spec as never, context))
        .catch((error: unknown): Observation => {
          log.warn('probe threw', { kind: spec.kind, error: String(error) });
          return { type: 'error', message: `probe failed: ${(error as Error)?.message ?? String(error)}` };
        });
      pending = withTimeout(run, options.probeTimeoutMs ?? 30_000, spec.kind);
      observations.set(key, pending);
    }
    return pending;
  };
  try {
    return await Promise.all(
      checks.map(async (check) => {
        const from = check.expect.valueFrom;
        const [observation, source] = await Promise.all([
          observe(check.probe),
          from ? observe(from.probe) : undefined,
        ]);
        return evaluate(check, observation, check.subject ?? defaultSubject(check), source);
      }),
    );
  } finally {
    controller.abort();
    options.signal?.removeEventListener('abort', onAbort);
  }
}
