import { chooseProvider } from '../adapters/lab/choose.js';
import { DEFAULT_LAB_CLUSTER } from '../adapters/lab/container-lab.js';
import { HostLabProvider } from '../adapters/lab/host-provider.js';
import { KindProvider } from '../adapters/lab/kind-provider.js';
import { labKubeconfigPath, readLabState } from '../adapters/lab/lab-state.js';
import type { LabProvider, ProviderKind } from '../adapters/lab/provider.js';
import { dataDir } from '../adapters/paths.js';
import { systemProbes } from '../adapters/system-probes.js';
import { EXIT, UserError } from '../engine/errors.js';

export function labCluster(env: NodeJS.ProcessEnv = process.env): string {
  return env.K8S_HARDEN_LAB_CLUSTER || DEFAULT_LAB_CLUSTER;
}

export function makeProvider(
  kind: ProviderKind,
  env: NodeJS.ProcessEnv = process.env,
  engine?: 'docker' | 'podman',
): LabProvider {
  const cluster = labCluster(env);
  return kind === 'host'
    ? new HostLabProvider({ cluster, env })
    : new KindProvider({ cluster, env, ...(engine ? { engine } : {}) });
}

export function parseProviderFlag(value: string | undefined): ProviderKind | undefined {
  if (value === undefined) return undefined;
  if (value === 'kind' || value === 'host') return value;
  throw new UserError(`unknown provider "${value}"`, 'use --provider kind or --provider host', EXIT.usage);
}

/**
 * Which lab a command acts on: the one asked for; else the one that exists (state.json says which
 * provider made it); else the one this machine can run (kind with Docker/Podman, else host as root).
 */
export async function providerForCommand(
  requested: ProviderKind | undefined,
  env: NodeJS.ProcessEnv = process.env,
): Promise<LabProvider> {
  if (requested) return makeProvider(requested, env);
  const state = readLabState(labCluster(env), env);
  if (state) return makeProvider(state.provider, env, state.engine);
  const choice = await chooseProvider({ env, probes: systemProbes(dataDir(env)) });
  if (!choice.ok) throw new UserError(choice.reason, choice.fix, EXIT.lab);
  return makeProvider(choice.provider, env, choice.provider === 'kind' ? choice.engine : undefined);
}

export function kubeconfigFor(env: NodeJS.ProcessEnv = process.env): string {
  return labKubeconfigPath(labCluster(env), env);
}
