import { chooseProvider } from '../../adapters/lab/choose.js';
import { loadKindImages } from '../../adapters/lab/kind-images.js';
import { readLabState } from '../../adapters/lab/lab-state.js';
import { builtKindBinary, builtNodeImage, offlineVersions } from '../../adapters/lab/offline-build.js';
import { dataDir } from '../../adapters/paths.js';
import { systemProbes } from '../../adapters/system-probes.js';
import { type DoctorMode, formatDoctorReport, runDoctor } from '../../engine/doctor.js';
import { EXIT } from '../../engine/errors.js';
import type { Io } from '../io.js';
import { labCluster } from '../lab-wiring.js';

/** `doctor [--offline] [--json]`: exit 0 when every required check passes, 4 otherwise. */
export async function doctorCommand(io: Io, options: { offline?: boolean; json: boolean }): Promise<number> {
  const pins = offlineVersions();
  const offlineVersion = pins.K8S_DEFAULT_VERSION ?? 'v1.34.12';
  const probes = systemProbes(dataDir(io.env), async () => {
    const kind = builtKindBinary();
    const image = builtNodeImage(offlineVersion);
    return { ...(kind ? { kind } : {}), ...(image ? { image } : {}) };
  });
  const state = readLabState(labCluster(io.env), io.env);
  let mode: DoctorMode | undefined = options.offline
    ? 'offline'
    : state
      ? state.engine === 'lab'
        ? 'offline'
        : 'kind'
      : undefined;
  if (!mode) {
    const choice = await chooseProvider({ env: io.env, probes });
    mode = choice.ok && choice.engine === 'lab' ? 'offline' : 'kind';
  }
  const images = loadKindImages();
  const report = await runDoctor({
    mode,
    kubernetesVersion: mode === 'offline' ? offlineVersion : images.default,
    minKind: images.minKind,
    ...(pins.KIND_VERSION ? { offlineKind: pins.KIND_VERSION } : {}),
    labServer: state?.server,
    probes,
  });
  io.out(options.json ? JSON.stringify(report, null, 2) : formatDoctorReport(report));
  return report.ok ? EXIT.ok : EXIT.lab;
}
