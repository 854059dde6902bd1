// What the probes touch in tests: the real adapters, as the composition root hands them over.
import { clusterIo, lifecycleIo } from '../../src/adapters/cluster/index.js';
import { localIo } from '../../src/adapters/local-io.js';
import type { LifecycleIo } from '../../src/engine/ports.js';
import type { ProbeIo } from '../../src/engine/probes/types.js';

export const testIo: ProbeIo = { ...localIo, cluster: clusterIo };

/** The lab lifecycle's I/O, its local backups kept under `env`'s data folder. */
export function testLifecycleIo(env: NodeJS.ProcessEnv = process.env): LifecycleIo {
  return lifecycleIo(env);
}
