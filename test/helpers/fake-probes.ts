import type {
  EngineName,
  EngineProbe,
  OfflineCacheProbe,
  SystemProbes,
  ToolProbe,
} from '../../src/adapters/system-probes.js';

const GiB = 1024 ** 3;

export type ProbeOverrides = {
  platform?: NodeJS.Platform;
  isRoot?: boolean;
  docker?: Partial<EngineProbe>;
  podman?: Partial<EngineProbe>;
  kind?: ToolProbe;
  kubectl?: ToolProbe;
  cgroup?: 'v1' | 'v2' | 'unknown';
  diskFreeGiB?: number | undefined;
  memAvailableGiB?: number;
  port6443?: 'free' | 'in-use' | 'unknown';
  go?: ToolProbe;
  dockerd?: ToolProbe;
  offlineCache?: OfflineCacheProbe;
};

/** A healthy Linux laptop with Docker and kind, changed by `o`. Records which probes ran. */
export function fakeProbes(o: ProbeOverrides = {}): SystemProbes & { calls: string[] } {
  const calls: string[] = [];
  const engine = (name: EngineName): EngineProbe => {
    const base: EngineProbe =
      name === 'docker'
        ? { engine: 'docker', installed: true, reachable: true, version: '28.2.2' }
        : { engine: 'podman', installed: false, reachable: false };
    return { ...base, ...(name === 'docker' ? o.docker : o.podman), engine: name };
  };
  return {
    calls,
    platform: o.platform ?? 'linux',
    isRoot: o.isRoot ?? false,
    engine: async (name) => {
      calls.push(`engine:${name}`);
      return engine(name);
    },
    tool: async (name) => {
      calls.push(`tool:${name}`);
      if (name === 'kind') return o.kind ?? { installed: true, version: 'v0.33.0' };
      if (name === 'go') return o.go ?? { installed: true, version: '1.26.8' };
      if (name === 'dockerd') return o.dockerd ?? { installed: true, version: '20.10.24' };
      return o.kubectl ?? { installed: true, version: 'v1.34.2' };
    },
    offlineCache: async () => o.offlineCache ?? {},
    cgroup: async () => o.cgroup ?? 'v2',
    disk: async () =>
      'diskFreeGiB' in o && o.diskFreeGiB === undefined
        ? undefined
        : { path: '/var/lib/docker', freeBytes: (o.diskFreeGiB ?? 50) * GiB },
    memory: async () => ({ availableBytes: (o.memAvailableGiB ?? 8) * GiB, totalBytes: 16 * GiB }),
    port: async () => o.port6443 ?? 'free',
  };
}
