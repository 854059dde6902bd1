import type { Observation } from '../../domain/checks.js';
import type { ProbeRegistry } from './types.js';
import { probeError } from './types.js';

// Filled in by the cluster-probes work (issue 5). Until then each reports that it cannot run.
const notYet = async (): Promise<Observation> => probeError('cluster probes are not implemented yet');

export const clusterProbes: Pick<
  ProbeRegistry,
  | 'api'
  | 'access'
  | 'nodeHttp'
  | 'nodePort'
  | 'componentFlag'
  | 'kubeletConfig'
  | 'nodeState'
  | 'podPlacement'
  | 'podFile'
  | 'observed'
> = {
  api: notYet,
  access: notYet,
  nodeHttp: notYet,
  nodePort: notYet,
  componentFlag: notYet,
  kubeletConfig: notYet,
  nodeState: notYet,
  podPlacement: notYet,
  podFile: notYet,
  observed: notYet,
};
