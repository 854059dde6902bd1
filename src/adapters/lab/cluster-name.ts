/** The lab's cluster name when none is given (kind's `--name`). */
export const DEFAULT_LAB_CLUSTER = 'k8s-harden-lab';

/** `K8S_HARDEN_LAB_CLUSTER` names the lab (the cluster tier runs several); empty means unset. */
export function labCluster(env: NodeJS.ProcessEnv = process.env): string {
  return env.K8S_HARDEN_LAB_CLUSTER || DEFAULT_LAB_CLUSTER;
}
