import { labCluster } from './cluster-name.js';
import { type KindEngine, KindProvider } from './kind-provider.js';
import { readLabState } from './lab-state.js';
import type { LabProvider } from './provider.js';

/**
 * The one place that decides which lab, built how. There is one provider, kind; what differs is
 * the engine it drives: the learner's Docker or Podman, or `lab` (the project's own engine and a
 * node image built offline). A lab that exists is described by its state.json, read once here.
 */
export type LabSpec = { readonly engine: KindEngine; readonly kubernetesVersion?: string };

export function makeLab(
  spec: LabSpec,
  env: NodeJS.ProcessEnv = process.env,
  cluster: string = labCluster(env),
): LabProvider {
  return new KindProvider({
    cluster,
    env,
    engine: spec.engine,
    ...(spec.kubernetesVersion ? { kubernetesVersion: spec.kubernetesVersion } : {}),
  });
}

/** The lab that exists for `cluster` (its state.json says how it was made), or undefined. */
export function existingLab(
  env: NodeJS.ProcessEnv = process.env,
  cluster: string = labCluster(env),
): LabProvider | undefined {
  const state = readLabState(cluster, env);
  return state ? makeLab({ engine: state.engine ?? 'docker' }, env, cluster) : undefined;
}
