import { chooseProvider } from '../../adapters/lab/choose.js';
import { loadKindImages } from '../../adapters/lab/kind-images.js';
import { readLabState } from '../../adapters/lab/lab-state.js';
import type { ProviderKind } from '../../adapters/lab/provider.js';
import { dataDir } from '../../adapters/paths.js';
import { systemProbes } from '../../adapters/system-probes.js';
import { EXIT } from '../../engine/errors.js';
import { formatDoctorReport, runDoctor } from '../doctor.js';
import type { Io } from '../io.js';
import { labCluster } from '../lab-wiring.js';

/** `doctor [--provider] [--json]`: exit 0 when every required check passes, 4 otherwise. */
export async function doctorCommand(
  io: Io,
  options: { provider?: ProviderKind; json: boolean },
): Promise<number> {
  const probes = systemProbes(dataDir(io.env));
  let provider = options.provider ?? readLabState(labCluster(io.env), io.env)?.provider;
  if (!provider) {
    const choice = await chooseProvider({ env: io.env, probes });
    provider = choice.ok ? choice.provider : 'kind';
  }
  const images = loadKindImages();
  const report = await runDoctor({
    provider,
    kubernetesVersion: images.default,
    minKind: images.minKind,
    labServer: readLabState(labCluster(io.env), io.env)?.server,
    probes,
  });
  io.out(options.json ? JSON.stringify(report, null, 2) : formatDoctorReport(report));
  return report.ok ? EXIT.ok : EXIT.lab;
}
