import type { ProbeExecutor } from './types.js';
import { probeError } from './types.js';

// Filled in by the tls-ca work: facts about a certificate read with node:crypto.
export const x509Probe: ProbeExecutor<'x509'> = async () => probeError('x509 probe not implemented yet');
