import type { EngineName, EngineProbe, SystemProbes, ToolProbe } from '../system-probes.js';
import { KIND_INSTALL_FIX } from './kind-provider.js';
import type { ProviderKind } from './provider.js';

/** What the chooser needs to know about the machine (a subset of SystemProbes, injectable in tests). */
export type ChooseProbes = Pick<SystemProbes, 'platform' | 'isRoot' | 'engine' | 'tool'>;

export type ProviderChoice =
  | { readonly ok: true; readonly provider: 'kind'; readonly engine: EngineName; readonly reason: string }
  | { readonly ok: true; readonly provider: 'host'; readonly reason: string }
  | { readonly ok: false; readonly reason: string; readonly fix: string };

export type ChooseRequest = {
  /** `--provider kind|host`; else `K8S_HARDEN_LAB_PROVIDER`; else automatic. */
  readonly requested?: ProviderKind;
  readonly env?: NodeJS.ProcessEnv;
  readonly probes: ChooseProbes;
};

export const ENGINE_INSTALL_FIX =
  'Install Docker ≥ 20.10 (https://docs.docker.com/engine/install/; Docker Desktop on macOS and Windows) and start it, or Podman ≥ 3.0 (https://podman.io/docs/installation).';

export function engineFix(probe: EngineProbe): string {
  if (!probe.installed) return ENGINE_INSTALL_FIX;
  if (probe.engine === 'podman') {
    return 'Podman is installed but does not answer: run `podman info` to see why (on macOS/Windows: `podman machine start`).';
  }
  return 'Start the Docker daemon (`sudo systemctl start docker`, or open Docker Desktop) and make sure your user may use it (`sudo usermod -aG docker $USER`, then log in again).';
}

function parseRequested(value: string | undefined): ProviderKind | undefined | 'invalid' {
  if (value === undefined || value === '') return undefined;
  return value === 'kind' || value === 'host' ? value : 'invalid';
}

/**
 * Picks the lab: kind when Docker or Podman answers and kind is installed; else the host lab on
 * Linux as root; else says exactly what to install. `requested` (or K8S_HARDEN_LAB_PROVIDER)
 * forces one and explains what is missing for it. `KIND_EXPERIMENTAL_PROVIDER=podman` prefers Podman.
 */
export async function chooseProvider(request: ChooseRequest): Promise<ProviderChoice> {
  const env = request.env ?? process.env;
  const { probes } = request;
  const requested = request.requested ?? parseRequested(env.K8S_HARDEN_LAB_PROVIDER);
  if (requested === 'invalid') {
    return {
      ok: false,
      reason: `K8S_HARDEN_LAB_PROVIDER=${env.K8S_HARDEN_LAB_PROVIDER} is not a lab`,
      fix: 'Set it to `kind` or `host`, or unset it.',
    };
  }

  const hostOk = probes.platform === 'linux' && probes.isRoot;
  const hostWhyNot =
    probes.platform !== 'linux'
      ? `the host lab needs Linux (this is ${probes.platform})`
      : 'the host lab needs root (run with sudo)';

  if (requested === 'host') {
    return hostOk
      ? { ok: true, provider: 'host', reason: 'requested: host lab (kubeadm on this machine)' }
      : {
          ok: false,
          reason: hostWhyNot,
          fix: 'Run `sudo k8s-harden-lab up --provider host` on Linux, or use `--provider kind`.',
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
      reason:
        `${requested ? 'requested' : 'found'}: kind ${kind.version ?? ''} with ${engine.engine} ${engine.version ?? ''}`
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

  if (requested === 'kind') {
    return { ok: false, reason: `the kind lab cannot run: ${missing.join('; ')}`, fix: fixes.join(' ') };
  }
  if (hostOk) {
    return {
      ok: true,
      provider: 'host',
      reason: `host lab (kubeadm on this machine), because ${missing.join(' and ')}`,
    };
  }
  return {
    ok: false,
    reason: `no lab can run here: ${missing.join('; ')}, and ${hostWhyNot}`,
    fix: `${fixes.join(' ')} Then run \`k8s-harden-lab doctor\`.`,
  };
}
