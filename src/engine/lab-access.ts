import { DEFAULT_LAB_CLUSTER } from '../adapters/lab/container-lab.js';
import { HostLabProvider } from '../adapters/lab/host-provider.js';
import { KindProvider } from '../adapters/lab/kind-provider.js';
import { labKubeconfigPath, readLabState } from '../adapters/lab/lab-state.js';
import type { LabProvider } from '../adapters/lab/provider.js';
import { assertLabTarget } from '../adapters/lab-target.js';
import { EXIT, UserError } from './errors.js';
import type { ClusterAccess } from './probes/types.js';

export type ResolveLabOptions = {
  readonly cluster?: string;
  readonly env?: NodeJS.ProcessEnv;
  /** Tests inject a provider instead of building one from state.json. */
  readonly makeProvider?: (
    provider: 'host' | 'kind',
    cluster: string,
    engine?: 'docker' | 'podman',
  ) => LabProvider;
};

function defaultProvider(
  provider: 'host' | 'kind',
  cluster: string,
  env: NodeJS.ProcessEnv,
  engine?: 'docker' | 'podman',
): LabProvider {
  return provider === 'host'
    ? new HostLabProvider({ cluster, env })
    : new KindProvider({ cluster, env, ...(engine ? { engine } : {}) });
}

/**
 * The lab the app made (`state.json` says which provider made it), checked by the lab guard: the
 * app's own kubeconfig, the lab's context, the recorded server and CA. Throws a UserError with the
 * next step when there is no lab or the guard refuses.
 */
export async function resolveLab(options: ResolveLabOptions = {}): Promise<ClusterAccess> {
  const env = options.env ?? process.env;
  const cluster = options.cluster ?? env.K8S_HARDEN_LAB_CLUSTER ?? DEFAULT_LAB_CLUSTER;
  const state = readLabState(cluster, env);
  if (!state)
    throw new UserError(
      `there is no lab cluster "${cluster}" yet`,
      'run `k8s-harden-lab up` first',
      EXIT.lab,
    );
  const kubeconfigPath = labKubeconfigPath(cluster, env);
  assertLabTarget({ kubeconfigPath, cluster, env });
  const provider = options.makeProvider
    ? options.makeProvider(state.provider, cluster, state.engine)
    : defaultProvider(state.provider, cluster, env, state.engine);
  return { provider, kubeconfigPath };
}
