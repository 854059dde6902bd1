import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { runCommand } from './process/run.js';

/**
 * What `doctor` and the lab chooser look at on this machine. Each probe resolves (never throws) so
 * callers branch on data; tests replace the whole object.
 */

export type EngineName = 'docker' | 'podman';

export type EngineProbe = {
  readonly engine: EngineName;
  /** The CLI is on PATH. */
  readonly installed: boolean;
  /** The CLI reached a daemon / a working Podman. */
  readonly reachable: boolean;
  readonly version?: string;
  /** Why it is not reachable (the CLI's last error line). */
  readonly detail?: string;
};

export type ToolProbe = {
  readonly installed: boolean;
  readonly version?: string;
  readonly detail?: string;
};

export type MemoryProbe = { readonly availableBytes: number; readonly totalBytes: number };
export type DiskProbe = { readonly path: string; readonly freeBytes: number };
export type PortProbe = 'free' | 'in-use' | 'unknown';
export type CgroupProbe = 'v1' | 'v2' | 'unknown';

/** What the offline build left in the machine cache. */
export type OfflineCacheProbe = {
  /** The kind binary built from its Go module. */
  readonly kind?: string;
  /** The node image tag built for the default Kubernetes version. */
  readonly image?: string;
  /** The kubectl built with it. */
  readonly kubectl?: string;
};

export type SystemProbes = {
  readonly platform: NodeJS.Platform;
  readonly isRoot: boolean;
  engine(name: EngineName): Promise<EngineProbe>;
  tool(name: 'kind' | 'kubectl' | 'go' | 'dockerd'): Promise<ToolProbe>;
  offlineCache(): Promise<OfflineCacheProbe>;
  cgroup(): Promise<CgroupProbe>;
  disk(): Promise<DiskProbe | undefined>;
  memory(): Promise<MemoryProbe>;
  port(port: number): Promise<PortProbe>;
};

function lastLine(text: string): string {
  return text.trim().split('\n').pop()?.trim() ?? '';
}

export async function probeEngine(name: EngineName): Promise<EngineProbe> {
  const args =
    name === 'podman'
      ? ['info', '--format', '{{.Version.Version}}']
      : ['version', '--format', '{{.Server.Version}}'];
  const r = await runCommand(name, args, { timeoutMs: 15_000 });
  if (r.notFound) return { engine: name, installed: false, reachable: false };
  if (r.exitCode !== 0 || r.stdout.trim() === '') {
    return { engine: name, installed: true, reachable: false, detail: lastLine(r.stderr) || r.failure };
  }
  return { engine: name, installed: true, reachable: true, version: r.stdout.trim() };
}

export async function probeTool(name: 'kind' | 'kubectl' | 'go' | 'dockerd'): Promise<ToolProbe> {
  if (name === 'go' || name === 'dockerd') {
    // Go lives in /usr/local/go on the project's machines; Debian's dockerd in /usr/sbin.
    const r = await runCommand(
      'sh',
      ['-c', `PATH=/usr/local/go/bin:/usr/sbin:$PATH; ${name === 'go' ? 'go version' : 'dockerd --version'}`],
      { timeoutMs: 15_000 },
    );
    if (r.exitCode === 127 || r.notFound) return { installed: false };
    const version = /\b(?:go|v?)(\d+\.\d+(?:\.\d+)?)\S*/.exec(r.stdout)?.[1];
    return r.exitCode === 0
      ? { installed: true, ...(version ? { version } : {}) }
      : { installed: true, detail: r.failure };
  }
  if (name === 'kind') {
    const r = await runCommand('kind', ['version'], { timeoutMs: 15_000 });
    if (r.notFound) return { installed: false };
    const version = /\bv\d+\.\d+\.\d+\S*/.exec(r.stdout)?.[0];
    return r.exitCode === 0
      ? { installed: true, ...(version ? { version } : {}) }
      : { installed: true, detail: r.failure };
  }
  const r = await runCommand('kubectl', ['version', '--client', '-o', 'json'], { timeoutMs: 15_000 });
  if (r.notFound) return { installed: false };
  try {
    const v = (JSON.parse(r.stdout) as { clientVersion?: { gitVersion?: string } }).clientVersion?.gitVersion;
    if (v) return { installed: true, version: v };
  } catch {
    // older kubectl without -o json: fall through
  }
  const version = /\bv\d+\.\d+\.\d+\S*/.exec(r.stdout)?.[0];
  return { installed: true, ...(version ? { version } : { detail: r.failure || 'no version printed' }) };
}

export async function probeCgroup(platform: NodeJS.Platform = process.platform): Promise<CgroupProbe> {
  if (platform !== 'linux') return 'unknown';
  if (fs.existsSync('/sys/fs/cgroup/cgroup.controllers')) return 'v2';
  return fs.existsSync('/sys/fs/cgroup') ? 'v1' : 'unknown';
}

/** Free space where the app keeps its files (nearest existing folder of `dir`). */
export async function probeDisk(dir: string): Promise<DiskProbe | undefined> {
  let current = path.resolve(dir);
  while (!fs.existsSync(current) && path.dirname(current) !== current) current = path.dirname(current);
  try {
    const s = fs.statfsSync(current);
    return { path: current, freeBytes: Number(s.bavail) * Number(s.bsize) };
  } catch {
    return undefined;
  }
}

export async function probeMemory(): Promise<MemoryProbe> {
  try {
    const m = /^MemAvailable:\s+(\d+) kB/m.exec(fs.readFileSync('/proc/meminfo', 'utf8'));
    if (m?.[1]) return { availableBytes: Number(m[1]) * 1024, totalBytes: os.totalmem() };
  } catch {
    // not Linux
  }
  return { availableBytes: os.freemem(), totalBytes: os.totalmem() };
}

/** Tries to listen on 127.0.0.1:<port>; in use when that fails with EADDRINUSE. */
export function probePort(port: number): Promise<PortProbe> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', (error: NodeJS.ErrnoException) =>
      resolve(error.code === 'EADDRINUSE' ? 'in-use' : 'unknown'),
    );
    server.listen({ port, host: '127.0.0.1', exclusive: true }, () => server.close(() => resolve('free')));
  });
}

export function systemProbes(
  dataDirectory: string,
  offline: () => Promise<OfflineCacheProbe> = async () => ({}),
  diskPath?: string,
): SystemProbes {
  return {
    platform: process.platform,
    isRoot: typeof process.getuid === 'function' && process.getuid() === 0,
    engine: probeEngine,
    tool: probeTool,
    offlineCache: offline,
    cgroup: () => probeCgroup(),
    // node images land in the engine's storage; on Linux that is usually /var/lib/docker
    disk: () => probeDisk(diskPath ?? (fs.existsSync('/var/lib/docker') ? '/var/lib/docker' : dataDirectory)),
    memory: probeMemory,
    port: probePort,
  };
}
