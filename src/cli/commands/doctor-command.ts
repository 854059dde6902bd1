import { chooseProvider } from '../../adapters/lab/choose.js';
import { loadKindImages } from '../../adapters/lab/kind-images.js';
import {
  builtKindBinary,
  builtKubectl,
  builtNodeImage,
  offlineCache,
  offlineVersions,
} from '../../adapters/lab/offline-build.js';
import { labFor, modeOf } from '../../adapters/lab/registry.js';
import { dataDir } from '../../adapters/paths.js';
import { systemProbes } from '../../adapters/system-probes.js';
import { EXIT } from '../../engine/errors.js';
import { type DoctorMode, formatDoctorReport, runDoctor } from '../doctor.js';
import type { Io } from '../io.js';
import { labCluster } from '../lab-wiring.js';

/** `doctor [--offline] [--json]`: exit 0 when every required check passes, 4 otherwise. */
export async function doctorCommand(io: Io, options: { offline?: boolean; json: boolean }): Promise<number> {
  const pins = offlineVersions();
  const offlineVersion = pins.K8S_DEFAULT_VERSION ?? 'v1.34.12';
  const offline = async () => {
    const kind = builtKindBinary();
    const image = builtNodeImage(offlineVersion);
    const kubectl = builtKubectl(offlineVersion);
    return { ...(kind ? { kind } : {}), ...(image ? { image } : {}), ...(kubectl ? { kubectl } : {}) };
  };
  // Which lab is the registry's decision (labFor, modeOf); with none yet, the chooser's.
  const state = labFor(io.env, labCluster(io.env))?.state;
  let mode: DoctorMode | undefined;
  if (options.offline) mode = 'offline';
  else if (state) mode = modeOf(state);
  else {
    const choice = await chooseProvider({ env: io.env, probes: systemProbes(dataDir(io.env), offline) });
    mode = choice.ok && choice.engine === 'lab' ? 'offline' : 'kind';
  }
  // The offline build fills the machine cache; kind's images land in the engine's storage.
  const probes = systemProbes(
    dataDir(io.env),
    offline,
    mode === 'offline' ? offlineCache(io.env) : undefined,
  );
  const images = loadKindImages();
  const report = await runDoctor({
    mode,
    kubernetesVersion: mode === 'offline' ? offlineVersion : images.default,
    minKind: images.minKind,
    ...(pins.KIND_VERSION ? { offlineKind: pins.KIND_VERSION } : {}),
    kubeBench: pins.KUBE_BENCH_VERSION,
    labServer: state?.server,
    probes,
  });
  io.out(options.json ? JSON.stringify(report, null, 2) : formatDoctorReport(report));
  return report.ok ? EXIT.ok : EXIT.lab;
}
