import { chooseProvider } from '../adapters/lab/choose.js';
import { labCluster } from '../adapters/lab/cluster-name.js';
import { labKubeconfigPath } from '../adapters/lab/lab-state.js';
import type { LabProvider } from '../adapters/lab/provider.js';
import { existingLab, makeLab } from '../adapters/lab/registry.js';
import { dataDir } from '../adapters/paths.js';
import { systemProbes } from '../adapters/system-probes.js';
import { EXIT, UserError } from '../engine/errors.js';

export { labCluster };

/** What a lab command asked for: `--provider kind` (the only lab) and `--offline`. */
export type LabRequest = { readonly provider?: string; readonly offline?: boolean };

export function parseProviderFlag(value: string | undefined): 'kind' | undefined {
  if (value === undefined) return undefined;
  if (value === 'kind') return value;
  if (value === 'host')
    throw new UserError(
      'the host lab is gone: every lab is kind now',
      'use `k8s-harden-lab up` (kind with Docker or Podman), or `sudo k8s-harden-lab up --offline` (kind on a node image built here, no registry needed)',
      EXIT.usage,
    );
  throw new UserError(`unknown provider "${value}"`, 'use --provider kind', EXIT.usage);
}

/**
 * Which lab a command acts on: the one that exists (state.json says how it was made), unless
 * `--offline` asks for the offline build; else the one this machine can run (kind with Docker or
 * Podman, else the offline lab on Linux as root).
 */
export async function providerForCommand(
  request: LabRequest = {},
  env: NodeJS.ProcessEnv = process.env,
): Promise<LabProvider> {
  parseProviderFlag(request.provider);
  if (request.offline) return makeLab({ engine: 'lab' }, env);
  const existing = existingLab(env);
  if (existing) return existing;
  const choice = await chooseProvider({ env, probes: systemProbes(dataDir(env)) });
  if (!choice.ok) throw new UserError(choice.reason, choice.fix, EXIT.lab);
  return makeLab({ engine: choice.engine }, env);
}

export function kubeconfigFor(env: NodeJS.ProcessEnv = process.env): string {
  return labKubeconfigPath(labCluster(env), env);
}
