import { envFlag } from '../env-flag.js';
import type { EngineName, EngineProbe, SystemProbes, ToolProbe } from '../system-probes.js';
import { KIND_INSTALL_FIX } from './kind-provider.js';

/** What the chooser needs to know about the machine (a subset of SystemProbes, injectable in tests). */
export type ChooseProbes = Pick<SystemProbes, 'platform' | 'isRoot' | 'engine' | 'tool'>;

export type ProviderChoice =
  | {
      readonly ok: true;
      readonly provider: 'kind';
      readonly engine: EngineName | 'lab';
      readonly reason: string;
    }
  | { readonly ok: false; readonly reason: string; readonly fix: string };

export type ChooseRequest = {
  /** `K8S_HARDEN_LAB_OFFLINE=1` asks for the offline lab; otherwise automatic. */
  readonly env?: NodeJS.ProcessEnv;
  readonly probes: ChooseProbes;
};

export const ENGINE_INSTALL_FIX =
  'Install Docker ≥ 20.10 (https://docs.docker.com/engine/install/; Docker Desktop on macOS and Windows) and start it, or Podman ≥ 3.0 (https://podman.io/docs/installation).';

export const OFFLINE_FIX =
  'Without a registry: on Linux as root, `sudo k8s-harden-lab up --offline` builds kind, Kubernetes and a node image from Go modules and runs them on its own engine (docs/offline-lab.md).';

export function engineFix(probe: EngineProbe): string {
  if (!probe.installed) return ENGINE_INSTALL_FIX;
  if (probe.engine === 'podman') {
    return 'Podman is installed but does not answer: run `podman info` to see why (on macOS/Windows: `podman machine start`).';
  }
  return 'Start the Docker daemon (`sudo systemctl start docker`, or open Docker Desktop) and make sure your user may use it (`sudo usermod -aG docker $USER`, then log in again).';
}

/**
 * Picks the lab: kind with the learner's Docker or Podman when one answers and kind is installed;
 * else, on Linux as root, kind on the offline build (the project's own engine and a node image
 * made here); else says exactly what to install. `K8S_HARDEN_LAB_OFFLINE=1` insists on the
 * offline lab. `KIND_EXPERIMENTAL_PROVIDER=podman` prefers Podman.
 */
export async function chooseProvider(request: ChooseRequest): Promise<ProviderChoice> {
  const env = request.env ?? process.env;
  const { probes } = request;
  const offlineOk = probes.platform === 'linux' && probes.isRoot;
  const offlineWhyNot =
    probes.platform !== 'linux'
      ? `the offline lab needs Linux (this is ${probes.platform})`
      : 'the offline lab needs root (run with sudo)';

  if (envFlag(env.K8S_HARDEN_LAB_OFFLINE)) {
    return offlineOk
      ? { ok: true, provider: 'kind', engine: 'lab', reason: 'requested: kind on the offline build' }
      : {
          ok: false,
          reason: offlineWhyNot,
          fix: 'Unset K8S_HARDEN_LAB_OFFLINE and use kind with Docker or Podman.',
        };
  }

  const order: EngineName[] =
    env.KIND_EXPERIMENTAL_PROVIDER === 'podman' ? ['podman', 'docker'] : ['docker', 'podman'];
  const engines: EngineProbe[] = [];
  for (const name of order) {
    const probe = await probes.engine(name);
    engines.push(probe);
    if (probe.reachable) break;
  }
  const engine = engines.find((e) => e.reachable);
  const kind: ToolProbe = await probes.tool('kind');
  const kindOk = kind.installed && !kind.detail;

  if (engine && kindOk) {
    return {
      ok: true,
      provider: 'kind',
      engine: engine.engine,
      reason: `found: kind ${kind.version ?? ''} with ${engine.engine} ${engine.version ?? ''}`
        .replace(/\s+/g, ' ')
        .trim(),
    };
  }

  const missing: string[] = [];
  const fixes: string[] = [];
  if (!engine) {
    const first = engines.find((e) => e.installed) ?? engines[0];
    missing.push(
      first?.installed ? `${first.engine} is not reachable` : 'neither Docker nor Podman is installed',
    );
    if (first) fixes.push(engineFix(first));
  }
  if (!kindOk) {
    missing.push(kind.installed ? `kind does not run (${kind.detail})` : 'kind is not installed');
    fixes.push(KIND_INSTALL_FIX);
  }
  if (offlineOk) {
    return {
      ok: true,
      provider: 'kind',
      engine: 'lab',
      reason: `kind on the offline build (the project's own engine), because ${missing.join(' and ')}`,
    };
  }
  return {
    ok: false,
    reason: `no lab can run here: ${missing.join('; ')}, and ${offlineWhyNot}`,
    fix: `${fixes.join(' ')} ${OFFLINE_FIX} Then run \`k8s-harden-lab doctor\`.`,
  };
}
