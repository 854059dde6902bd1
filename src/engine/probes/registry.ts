import { clusterProbes } from './cluster.js';
import { dockerdProbe } from './dockerd.js';
import { httpProbe } from './http.js';
import { kubeconfigProbe } from './kubeconfig.js';
import { shellEnvProbe } from './shell-env.js';
import type { ProbeRegistry } from './types.js';
import { commandProbe, fieldProbe, fileProbe } from './workspace.js';
import { x509Probe } from './x509.js';

/** Every probe kind has exactly one executor; the type makes a missing one a compile error. */
export const defaultProbes: ProbeRegistry = {
  file: fileProbe,
  field: fieldProbe,
  kubeconfig: kubeconfigProbe,
  x509: x509Probe,
  command: commandProbe,
  dockerd: dockerdProbe,
  shellEnv: shellEnvProbe,
  http: httpProbe,
  ...clusterProbes,
};
