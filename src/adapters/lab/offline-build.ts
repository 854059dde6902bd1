import fs from 'node:fs';
import path from 'node:path';
import { labsDir } from '../paths.js';
import { runCommand } from '../process/run.js';
import type { StepEvent } from './provider.js';

/**
 * The offline kind lab: kind, Kubernetes and every component built from Go modules by
 * labs/kind/offline/build.sh, a node image assembled locally, and the project's own container
 * engine (Debian's dockerd on its own socket). For CI and training rooms without a registry.
 */

/** Machine-wide cache of the build (every clone on the machine shares it); K8S_HARDEN_LAB_CACHE moves it. */
export function offlineCache(env: NodeJS.ProcessEnv = process.env): string {
  return env.K8S_HARDEN_LAB_CACHE || '/var/cache/k8s-harden-lab';
}
/** The lab engine's socket (labs/kind/offline/lib.sh LAB_DOCKER_SOCK). */
export const LAB_ENGINE_HOST = 'unix:///run/k8s-harden-lab/kind-engine.sock';
/** Debian's dockerd 20.10 speaks API 1.41; a newer docker CLI must not ask for more. */
export const LAB_ENGINE_ENV: Readonly<Record<string, string>> = {
  DOCKER_HOST: LAB_ENGINE_HOST,
  DOCKER_API_VERSION: '1.41',
};

export function offlineDir(labs: string = labsDir()): string {
  return path.join(labs, 'kind', 'offline');
}

/** The pins of labs/kind/offline/versions.env (NAME=value lines). */
export function offlineVersions(labs: string = labsDir()): Record<string, string> {
  const out: Record<string, string> = {};
  const text = fs.readFileSync(path.join(offlineDir(labs), 'versions.env'), 'utf8');
  for (const line of text.split('\n')) {
    const m = /^([A-Z0-9_]+)=(\S+)\s*$/.exec(line);
    if (m?.[1] && m[2]) out[m[1]] = m[2];
  }
  return out;
}

/** The kind binary the offline build made (`go install sigs.k8s.io/kind@<pin>`), if built. */
export function builtKindBinary(cache: string = offlineCache()): string | undefined {
  try {
    const lines = fs.readFileSync(path.join(cache, 'offline', 'components.txt'), 'utf8').split('\n');
    const dir = lines
      .find((l) => l.startsWith('kind '))
      ?.slice('kind '.length)
      .trim();
    const bin = dir ? path.join(dir, 'kind') : undefined;
    return bin && fs.existsSync(bin) ? bin : undefined;
  } catch {
    return undefined;
  }
}

/** The node image tag built for a Kubernetes version, if a build finished. */
export function builtNodeImage(version: string, cache: string = offlineCache()): string | undefined {
  try {
    return fs.readFileSync(path.join(cache, 'offline', `node-image-${version}`), 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}

export type OfflineBuildResult =
  | { readonly ok: true; readonly image: string; readonly kind: string; readonly ms: number }
  | { readonly ok: false; readonly message: string; readonly logFile: string };

const STEP_LINE = /^\[\d\d:\d\d:\d\d\] step (\d+)\/(\d+) (\S+)/;

/**
 * Runs the offline build for one Kubernetes version. Its steps (packages, components, kubernetes,
 * images, engine, node-image) arrive as step events named `build: <step>`, every other line as
 * progress; all of it also goes to `logFile`. Cached steps take seconds, a cold build tens of
 * minutes; cancelling leaves finished steps cached for the next run.
 */
export async function runOfflineBuild(options: {
  readonly version: string;
  readonly logFile: string;
  readonly onStep?: (event: StepEvent) => void;
  readonly signal?: AbortSignal;
  readonly labs?: string;
  readonly timeoutMs?: number;
}): Promise<OfflineBuildResult> {
  const onStep = options.onStep ?? (() => {});
  const script = path.join(offlineDir(options.labs), 'build.sh');
  fs.mkdirSync(path.dirname(options.logFile), { recursive: true });
  fs.writeFileSync(options.logFile, `$ bash ${script} ${options.version}\n`);
  const started = Date.now();
  let current: { name: string; started: number } | undefined;
  const close = (type: 'done' | 'fail') => {
    if (!current) return;
    const ms = Date.now() - current.started;
    onStep(
      type === 'done'
        ? { type, step: current.name, ms }
        : { type, step: current.name, ms, command: `bash ${script}`, logFile: options.logFile },
    );
    current = undefined;
  };
  const r = await runCommand('bash', [script, options.version], {
    timeoutMs: options.timeoutMs ?? 90 * 60_000,
    ...(options.signal ? { signal: options.signal } : {}),
    onLine: (line) => {
      try {
        fs.appendFileSync(options.logFile, `${line}\n`);
      } catch {
        // the log is a convenience
      }
      const m = STEP_LINE.exec(line);
      if (m?.[3]) {
        close('done');
        current = { name: `build: ${m[3]} (${m[1]}/${m[2]})`, started: Date.now() };
        onStep({ type: 'start', step: current.name });
      } else if (current) onStep({ type: 'progress', step: current.name, line });
    },
  });
  const image = r.stdout.trim().split('\n').pop()?.trim() ?? '';
  const kind = builtKindBinary();
  if (r.exitCode !== 0 || !image.includes(':') || !kind) {
    close('fail');
    const why = r.exitCode !== 0 ? r.failure : !kind ? 'no kind binary was built' : 'no image tag printed';
    return { ok: false, message: `the offline lab build failed: ${why}`, logFile: options.logFile };
  }
  close('done');
  return { ok: true, image, kind, ms: Date.now() - started };
}

/** The kubectl built with an offline lab's Kubernetes version, if that build finished. */
export function builtKubectl(version: string, cache: string = offlineCache()): string | undefined {
  const bin = path.join(cache, 'offline', 'bin');
  try {
    const dir = fs
      .readdirSync(bin)
      .filter((d) => d.startsWith(`kubernetes-${version}-`))
      .map((d) => path.join(bin, d))
      .find((d) => fs.existsSync(path.join(d, '.complete')));
    return dir ? path.join(dir, 'bin', 'kubectl') : undefined;
  } catch {
    return undefined;
  }
}

async function engineScript(
  action: 'start' | 'stop' | 'status',
  labs?: string,
): Promise<{ ok: true } | { ok: false; message: string }> {
  const r = await runCommand('bash', [path.join(offlineDir(labs), 'engine.sh'), action], {
    timeoutMs: 120_000,
  });
  return r.exitCode === 0 ? { ok: true } : { ok: false, message: r.failure };
}

export const startLabEngine = (labs?: string) => engineScript('start', labs);
export const stopLabEngine = (labs?: string) => engineScript('stop', labs);
export async function labEngineRunning(labs?: string): Promise<boolean> {
  return (await engineScript('status', labs)).ok;
}

/** Whether this machine can build and run the offline lab, and what to do when it cannot. */
export async function offlineAvailability(
  labs?: string,
  platform: NodeJS.Platform = process.platform,
  isRoot: boolean = typeof process.getuid === 'function' && process.getuid() === 0,
): Promise<{ ok: true; detail: string } | { ok: false; reason: string; fix: string }> {
  if (platform !== 'linux')
    return {
      ok: false,
      reason: `the offline lab builds Linux node images and runs its own engine: it needs Linux (this is ${platform})`,
      fix: 'Use kind with Docker or Podman instead (see docs/kind.md).',
    };
  if (!isRoot)
    return {
      ok: false,
      reason: 'the offline lab needs root (it installs Debian packages and runs its own container engine)',
      fix: 'Run `sudo k8s-harden-lab up --offline`.',
    };
  const go = await runCommand('bash', ['-c', 'PATH=/usr/local/go/bin:$PATH go version'], {
    timeoutMs: 15_000,
  });
  if (go.exitCode !== 0)
    return {
      ok: false,
      reason:
        'the offline lab is built with Go, and no `go` was found (looked in /usr/local/go/bin and PATH)',
      fix: 'Install Go 1.26 (https://go.dev/dl/) to /usr/local/go; the Go module proxy must be reachable for the first build.',
    };
  const versions = offlineVersions(labs);
  return {
    ok: true,
    detail: `offline build: kind ${versions.KIND_VERSION}, Kubernetes ${versions.K8S_DEFAULT_VERSION}, ${go.stdout.trim().replace(/^go version /, '')}, the project's own engine`,
  };
}
