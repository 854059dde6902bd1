// What the probes touch in tests: the real adapters, as the composition root hands them over.
import { localIo } from '../../src/adapters/local-io.js';
import type { ProbeIo } from '../../src/engine/probes/types.js';

export const testIo: ProbeIo = localIo;
