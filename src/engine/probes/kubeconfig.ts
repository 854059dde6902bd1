import type { ProbeExecutor } from './types.js';
import { probeError } from './types.js';

// Filled in by the kubeconfig-contexts work: facts about a kubeconfig file.
export const kubeconfigProbe: ProbeExecutor<'kubeconfig'> = async () =>
  probeError('kubeconfig probe not implemented yet');
