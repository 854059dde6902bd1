/**
 * Offline kind lab benchmark (prints figures; not a test). Run as root on Linux, after a build:
 *
 *   node --import tsx bench/offline-lab.ts            # cached up/down, memory, disk, build record
 *   node --import tsx bench/offline-lab.ts --cold     # also a cold build in a fresh cache (~30 min)
 *
 * Figures, each against a baseline measured in the same run where one exists:
 * - cold build per component and in total: the seconds each step recorded when it was built
 *   (`build-seconds` in every cached output), or, with --cold, a full build into an empty cache
 *   (module downloads included) timed here;
 * - cached `k8s-harden-lab up` of 1 control plane + 1 worker, against `kind create cluster` with the
 *   same node image and config run by hand in the same run (what kind itself costs), and against the
 *   retired host lab's recorded 88–93 s;
 * - `down`, against `kind delete cluster`;
 * - the idle lab's memory: the sum of VmRSS over the lab engine and every process in the nodes;
 * - the disk the cache and the engine's data root need.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const mainCache = process.env.K8S_HARDEN_LAB_CACHE || '/var/cache/k8s-harden-lab';
/** Where the build record is read: the machine cache, or the empty one a --cold run filled. */
let cache = mainCache;
const engine = { DOCKER_HOST: 'unix:///run/k8s-harden-lab/kind-engine.sock', DOCKER_API_VERSION: '1.41' };
const cold = process.argv.includes('--cold');

if (process.platform !== 'linux' || process.getuid?.() !== 0) {
  console.error('bench: the offline lab needs Linux and root');
  process.exit(2);
}

const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MiB`;
const gib = (bytes: number) => `${(bytes / 1024 ** 3).toFixed(2)} GiB`;

function timed(
  cmd: string,
  args: string[],
  env: NodeJS.ProcessEnv = {},
): { ms: number; ok: boolean; out: string } {
  const t = performance.now();
  const r = spawnSync(cmd, args, {
    env: { ...process.env, ...env },
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  return { ms: performance.now() - t, ok: r.status === 0, out: `${r.stdout}${r.stderr}` };
}

function khl(cluster: string, args: string[]) {
  return timed(process.execPath, [path.join(root, 'bin', 'k8s-harden-lab.js'), ...args], {
    K8S_HARDEN_LAB_CLUSTER: cluster,
    K8S_HARDEN_LAB_HOME: path.join(os.tmpdir(), 'khl-bench-home'),
  });
}

function du(p: string): number {
  if (!fs.existsSync(p)) return 0;
  return Number(execFileSync('du', ['-sb', p]).toString().split('\t')[0]);
}

function components(): { name: string; dir: string }[] {
  const file = path.join(cache, 'offline', 'components.txt');
  if (!fs.existsSync(file)) return [];
  return fs
    .readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .map((l) => {
      const [name = '', dir = ''] = l.split(' ');
      return { name, dir };
    });
}

function recorded(dir: string): number | undefined {
  const f = path.join(dir, 'build-seconds');
  return fs.existsSync(f) ? Number(fs.readFileSync(f, 'utf8')) : undefined;
}

/** VmRSS summed over the lab engine and every process in the given node containers. */
function labRss(containerIds: string[]): { bytes: number; processes: number } {
  let bytes = 0;
  let processes = 0;
  const enginePids = new Set<string>();
  for (const f of [
    '/run/k8s-harden-lab/kind-engine.pid',
    '/run/k8s-harden-lab/docker-exec/containerd/containerd.pid',
  ])
    if (fs.existsSync(f)) enginePids.add(fs.readFileSync(f, 'utf8').trim());
  for (const pid of fs.readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      const cgroup = fs.readFileSync(`/proc/${pid}/cgroup`, 'utf8');
      const cmd = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      const mine =
        enginePids.has(pid) ||
        containerIds.some((id) => cgroup.includes(id)) ||
        (cmd.startsWith('/usr/bin/containerd-shim') && containerIds.some((id) => cmd.includes(id)));
      if (!mine) continue;
      const rss = /^VmRSS:\s+(\d+) kB/m.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
      if (rss?.[1]) {
        bytes += Number(rss[1]) * 1024;
        processes++;
      }
    } catch {
      // the process ended while we read it
    }
  }
  return { bytes, processes };
}

/** `docker system df` of the lab engine: bytes of one type (Images, Local Volumes…). */
function engineBytes(type: string): number {
  const r = spawnSync('docker', ['system', 'df', '--format', '{{.Type}}\t{{.Size}}'], {
    env: { ...process.env, ...engine },
    encoding: 'utf8',
  });
  const size = r.stdout
    .split('\n')
    .find((l) => l.startsWith(`${type}\t`))
    ?.split('\t')[1];
  const m = /^([\d.]+)\s*([kMGT]?B)$/.exec(size ?? '');
  const unit: Record<string, number> = { B: 1, kB: 1e3, MB: 1e6, GB: 1e9, TB: 1e12 };
  return m?.[1] && m[2] ? Number(m[1]) * (unit[m[2]] ?? 1) : 0;
}

function engineImages(): string[] {
  const r = spawnSync(
    'docker',
    ['images', '--format', '{{.Repository}}:{{.Tag}} {{.Size}}', 'k8s-harden-lab/kind-node'],
    {
      env: { ...process.env, ...engine },
      encoding: 'utf8',
    },
  );
  return r.stdout.trim().split('\n').filter(Boolean);
}

const lines: string[] = [];
const out = (line: string) => {
  lines.push(line);
  console.log(line);
};

// --- cold build ---------------------------------------------------------------------------------
let freshCache: string | undefined;
if (cold) {
  freshCache = fs.mkdtempSync(path.join('/var/tmp', 'khl-cold-cache-'));
  out(`cold build into an empty cache (${freshCache}; Go module downloads included)…`);
  const r = timed('bash', [path.join(root, 'labs/kind/offline/build.sh')], {
    LAB_CACHE: freshCache,
    KHL_FORCE_NODE_IMAGE: '1',
  });
  out(
    `cold build: ${r.ok ? s(r.ms) : `FAILED after ${s(r.ms)}`}; the empty cache grew to ${gib(du(freshCache))}`,
  );
  if (!r.ok) console.error(r.out.slice(-4000));
  cache = freshCache;
}
out(
  `\n## Build record (seconds each step took when it was built, ${cold ? 'in this cold run' : 'from the machine cache'})`,
);
out('| component | version | seconds |');
out('|---|---|---:|');
let total = 0;
const k8s = fs
  .readdirSync(path.join(cache, 'offline', 'bin'))
  .filter((d) => d.startsWith('kubernetes-'))
  .map((d) => path.join(cache, 'offline', 'bin', d));
for (const dir of k8s) {
  for (const done of fs.readdirSync(path.join(dir, 'bin')).filter((f) => f.endsWith('.done'))) {
    const secs = Number(fs.readFileSync(path.join(dir, 'bin', done), 'utf8'));
    out(`| ${done.slice(1, -'.done'.length)} | ${path.basename(dir).split('-')[1]} | ${secs} |`);
  }
  const all = recorded(dir);
  if (all !== undefined) total += all;
  out(
    `| **kubernetes (all, incl. module graph)** | ${path.basename(dir).split('-')[1]} | **${all ?? '?'}** |`,
  );
}
for (const c of components()) {
  const secs = recorded(c.dir);
  if (secs !== undefined) total += secs;
  out(
    `| ${c.name} | ${fs.existsSync(path.join(c.dir, 'version')) ? fs.readFileSync(path.join(c.dir, 'version'), 'utf8').trim() : '?'} | ${secs ?? '?'} |`,
  );
}
for (const d of fs.existsSync(path.join(cache, 'offline', 'images'))
  ? fs.readdirSync(path.join(cache, 'offline', 'images'))
  : []) {
  const secs = recorded(path.join(cache, 'offline', 'images', d));
  if (secs !== undefined) total += secs;
  out(`| pod images (${d.split('-')[0]}) | | ${secs ?? '?'} |`);
}
out(`| **total recorded** | | **${total}** |`);

// --- disk (of the cold run's cache when there was one: one build, nothing left from older recipes)
out('\n## Disk');
out('| what | size |');
out('|---|---:|');
out(`| Go module cache (go/mod) | ${gib(du(path.join(cache, 'go', 'mod')))} |`);
out(`| Go build cache (go/build; safe to delete) | ${gib(du(path.join(cache, 'go', 'build')))} |`);
out(`| built binaries (offline/bin) | ${gib(du(path.join(cache, 'offline', 'bin')))} |`);
out(`| pod image tarballs (offline/images) | ${gib(du(path.join(cache, 'offline', 'images')))} |`);
out(`| lab engine, node images (${engineImages().join(', ')}) | ${gib(engineBytes('Images'))} |`);
out(`| lab engine, node volumes of the labs running now | ${gib(engineBytes('Local Volumes'))} |`);

// --- cached up / down, against kind itself -------------------------------------------------------
// The lifecycle runs on the machine cache's build (a cold run's cache goes now).
if (freshCache) fs.rmSync(freshCache, { recursive: true, force: true });
cache = mainCache;
const kind = components().find((c) => c.name === 'kind');
const version =
  /K8S_DEFAULT_VERSION=(\S+)/.exec(
    fs.readFileSync(path.join(root, 'labs/kind/offline/versions.env'), 'utf8'),
  )?.[1] ?? '';
const image = `k8s-harden-lab/kind-node:${version}`;
if (!kind) {
  out('\nno offline build in the cache: run `k8s-harden-lab lab build-image` first');
  process.exit(1);
}
const kindBin = path.join(kind.dir, 'kind');
out('\n## Lab lifecycle (this run)');
const cluster = 'khl-bench';
// Other labs on the engine (a running cluster tier, say) must survive the run.
const engineWasUp =
  spawnSync('bash', [path.join(root, 'labs/kind/offline/engine.sh'), 'status']).status === 0;
khl(cluster, ['down']);
const up = khl(cluster, ['up']);
if (!up.ok) {
  console.error(up.out);
  process.exit(1);
}
// Idle for a minute, then count memory.
spawnSync('sleep', ['60']);
const ids = execFileSync(
  'docker',
  ['ps', '-q', '--no-trunc', '--filter', `label=io.x-k8s.kind.cluster=${cluster}`],
  {
    env: { ...process.env, ...engine },
  },
)
  .toString()
  .trim()
  .split('\n')
  .filter(Boolean);
const rss = labRss(ids);
const down = khl(cluster, ['down']);
// Baseline: kind alone with the same image and config (the engine is started again by hand).
spawnSync('bash', [path.join(root, 'labs/kind/offline/engine.sh'), 'start']);
const kubeconfig = path.join(os.tmpdir(), 'khl-bench-kind.kubeconfig');
const raw = timed(
  kindBin,
  [
    'create',
    'cluster',
    '--name',
    'khl-bench-raw',
    '--image',
    image,
    '--config',
    path.join(root, 'labs/kind/cluster.yaml'),
    '--kubeconfig',
    kubeconfig,
  ],
  engine,
);
const rawDown = timed(
  kindBin,
  ['delete', 'cluster', '--name', 'khl-bench-raw', '--kubeconfig', kubeconfig],
  engine,
);
const left = spawnSync(kindBin, ['get', 'clusters'], {
  env: { ...process.env, ...engine },
  encoding: 'utf8',
});
if (!engineWasUp && left.stdout.trim() === '')
  spawnSync('bash', [path.join(root, 'labs/kind/offline/engine.sh'), 'stop']);
out('| figure | k8s-harden-lab | baseline (same run) |');
out('|---|---:|---:|');
out(
  `| cached \`up\`, 1 control plane + 1 worker, nodes Ready | ${s(up.ms)} | \`kind create cluster\` alone ${s(raw.ms)}; retired host lab 88–93 s (recorded) |`,
);
out(
  `| \`down\`${engineWasUp ? '' : ' (the last lab: engine stopped too)'} | ${s(down.ms)} | \`kind delete cluster\` alone ${s(rawDown.ms)} |`,
);
out(
  `| idle lab memory after 60 s (VmRSS sum) | ${mib(rss.bytes)} over ${rss.processes} processes | retired host lab 1068 MiB (recorded) |`,
);
