import { labCluster } from '../adapters/lab/cluster-name.js';
import { labKubeconfigPath } from '../adapters/lab/lab-state.js';
import type { LabProvider } from '../adapters/lab/provider.js';
import { labFor } from '../adapters/lab/registry.js';
import { assertLabTarget } from '../adapters/lab-target.js';
import { EXIT, UserError } from '../engine/errors.js';
import type { ClusterAccess } from '../engine/probes/types.js';

export type ResolveLabOptions = {
  readonly cluster?: string;
  readonly env?: NodeJS.ProcessEnv;
  /** Tests inject a provider instead of building one from state.json. */
  readonly makeProvider?: (cluster: string, engine?: 'docker' | 'podman' | 'lab') => LabProvider;
};

/**
 * The lab the app made (`state.json` says how it was made), checked by the lab guard: the app's
 * own kubeconfig, the lab's context, the recorded server and CA. Throws a UserError with the next
 * step when there is no lab or the guard refuses.
 */
export async function resolveLab(options: ResolveLabOptions = {}): Promise<ClusterAccess> {
  const env = options.env ?? process.env;
  const cluster = options.cluster ?? labCluster(env);
  const { makeProvider } = options;
  // state.json is read once, here: the provider is built from it and the guard checks against it.
  const lab = labFor(env, cluster, makeProvider ? (engine) => makeProvider(cluster, engine) : undefined);
  if (!lab)
    throw new UserError(
      `there is no lab cluster "${cluster}" yet`,
      'run `k8s-harden-lab up` first',
      EXIT.lab,
    );
  const kubeconfigPath = labKubeconfigPath(cluster, env);
  assertLabTarget({ kubeconfigPath, cluster, env, state: lab.state });
  return { provider: lab.provider, kubeconfigPath };
}
