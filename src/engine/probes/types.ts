import type { Observation } from '../../domain/checks.js';
import type { ProbeKind, ProbeSpec } from '../../domain/probe-spec.js';
import type { ClusterIo, KeptCredential, LabProvider, LocalIo } from '../ports.js';

/** What the cluster probes can reach. Absent for scenarios that need no lab. */
export type ClusterAccess = {
  readonly provider: LabProvider;
  /** The lab's own kubeconfig (already checked by the lab guard). */
  readonly kubeconfigPath: string;
};

/** Everything a probe may touch during one round. Built once per round by the check runner. */
export type ProbeContext = {
  /** The scenario's workspace folder: relative probe paths resolve here. */
  readonly workspace: string;
  /** The scenario's folder (fixtures named under `files:`); absent in probe unit tests that need none. */
  readonly scenarioDir?: string | undefined;
  readonly signal: AbortSignal;
  /** False: "waiting" messages do not quote the apiserver's log (the scenario's task is to read it). */
  readonly apiserverLog?: boolean | undefined;
  readonly cluster?: ClusterAccess | undefined;
  /** Per-round memo shared by probes (for example one node round trip serving many checks). */
  readonly roundCache: Map<string, Promise<unknown>>;
  /**
   * Each `credentialFile` as setup wrote it (digests, kept with the attempt outside the
   * workspace). A kubeconfig probe compares with this, never with the file as it is now.
   */
  readonly keptCredentials?: Readonly<Record<string, KeptCredential>> | undefined;
  /** What probes may touch, handed in by the composition root (the engine builds no adapter). */
  readonly io: ProbeIo;
};

/** Local I/O always; the cluster's once a lab is attached. */
export type ProbeIo = LocalIo & { readonly cluster?: ClusterIo };

/** The lab and its I/O, or an error a probe turns into its result. */
export function clusterIo(context: ProbeContext): ClusterAccess & { readonly io: ClusterIo } {
  if (!context.cluster) throw new Error('this check needs the lab cluster, but no lab is attached');
  if (!context.io.cluster)
    throw new Error('this check needs the lab cluster, but the cluster I/O was not given');
  return { ...context.cluster, io: context.io.cluster };
}

export type ProbeExecutor<K extends ProbeKind> = (
  spec: Extract<ProbeSpec, { kind: K }>,
  context: ProbeContext,
) => Promise<Observation>;

export type ProbeRegistry = { readonly [K in ProbeKind]: ProbeExecutor<K> };

export const value = (v: unknown): Observation => ({ type: 'value', value: v });
export const probeError = (message: string): Observation => ({ type: 'error', message });
