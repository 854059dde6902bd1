import { labCluster } from './cluster-name.js';
import { type KindEngine, KindProvider } from './kind-provider.js';
import { type LabState, readLabState } from './lab-state.js';
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

/** How a recorded lab was made: kind with the learner's engine, or kind on the offline build. */
export type LabMode = 'kind' | 'offline';

export function modeOf(state: LabState): LabMode {
  return state.engine === 'lab' ? 'offline' : 'kind';
}

/** The engine a recorded lab runs on (a state.json from before engines were recorded: docker). */
export function engineOf(state: LabState): KindEngine {
  return state.engine ?? 'docker';
}

/**
 * The lab that exists for `cluster`: its state.json, read once, and the provider it says how to
 * build (`build` replaces makeLab: tests hand in a fake). Undefined when there is no lab.
 */
export function labFor(
  env: NodeJS.ProcessEnv = process.env,
  cluster: string = labCluster(env),
  build: (engine: KindEngine) => LabProvider = (engine) => makeLab({ engine }, env, cluster),
): { readonly state: LabState; readonly provider: LabProvider } | undefined {
  const state = readLabState(cluster, env);
  return state ? { state, provider: build(engineOf(state)) } : undefined;
}

/** The lab that exists for `cluster` (its state.json says how it was made), or undefined. */
export function existingLab(
  env: NodeJS.ProcessEnv = process.env,
  cluster: string = labCluster(env),
): LabProvider | undefined {
  return labFor(env, cluster)?.provider;
}
