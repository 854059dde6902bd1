/**
 * Host lab benchmark: cold build time, warm `up` (1 control plane + 1 worker), `down`, and the
 * resident memory of the running lab. Needs Linux and root; creates and removes its own lab.
 *
 *   node --import tsx bench/host-lab.ts
 *
 * The cold build is not repeated here (it takes minutes and the cache is machine-wide): the figure
 * printed is the one measured when the cache was built (`build-seconds` next to the binaries).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { HOST_LAB_CACHE, HostLabProvider } from '../src/adapters/lab/host-provider.js';
import type { StepEvent } from '../src/adapters/lab/provider.js';

function fmt(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

/**
 * Sum of VmRSS (KiB) of the lab's processes: our dockerd, its containerd and shims, and every
 * process in the nodes (systemd, containerd, kubelet, control plane, pods) — i.e. the process
 * trees under those roots. Pods cannot be found by cgroup: their cgroups are /k8s.io/<id>.
 */
function labRssKiB(nodeInitPids: readonly number[]): { kib: number; processes: number } {
  const parent = new Map<number, number>();
  const rss = new Map<number, number>();
  const roots = new Set<number>(nodeInitPids);
  try {
    roots.add(Number(fs.readFileSync('/run/k8s-harden-lab/docker.pid', 'utf8').trim()));
  } catch {
    // engine not running
  }
  for (const entry of fs.readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    const pid = Number(entry);
    try {
      const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
      parent.set(pid, Number(/PPid:\s+(\d+)/.exec(status)?.[1] ?? 0));
      rss.set(pid, Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0));
      // The engine's shims are daemonized (parent 1) but name our exec-root.
      if (fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('/run/k8s-harden-lab/docker-exec'))
        roots.add(pid);
    } catch {
      // process went away
    }
  }
  const inLab = (pid: number): boolean => {
    for (let p = pid, hops = 0; p > 1 && hops < 64; p = parent.get(p) ?? 0, hops++)
      if (roots.has(p)) return true;
    return false;
  };
  let kib = 0;
  let processes = 0;
  for (const [pid, k] of rss) {
    if (!inLab(pid)) continue;
    kib += k;
    processes += 1;
  }
  return { kib, processes };
}

async function main(): Promise<void> {
  if (process.platform !== 'linux' || process.getuid?.() !== 0) {
    console.log('host lab benchmark: needs Linux and root, skipped');
    return;
  }
  const buildSeconds = (() => {
    try {
      return fs.readFileSync(path.join(HOST_LAB_CACHE, 'k8s', 'current', 'build-seconds'), 'utf8').trim();
    } catch {
      return undefined;
    }
  })();
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'khl-bench-'));
  const provider = new HostLabProvider({ env: { ...process.env, K8S_HARDEN_LAB_HOME: home } });
  const pre = await provider.status();
  if (pre.exists) {
    console.log('a host lab is already running: run `k8s-harden-lab down` first');
    process.exitCode = 1;
    return;
  }
  const steps: string[] = [];
  const t0 = Date.now();
  const up = await provider.create({
    workers: 1,
    onStep: (e: StepEvent) => {
      if (e.type === 'done') steps.push(`    ${e.step.padEnd(40)} ${fmt(e.ms)}`);
    },
  });
  const upMs = Date.now() - t0;
  if (!up.ok) {
    console.log(`up failed at ${up.step}: ${up.message} (log ${up.logFile ?? '-'})`);
    await provider.delete();
    process.exitCode = 1;
    return;
  }
  // Let the control plane settle before measuring memory.
  await new Promise((r) => setTimeout(r, 20_000));
  const inits: number[] = [];
  for (const n of await provider.nodes()) {
    const r = await provider.nodesAccess.run(['inspect', '-f', '{{.State.Pid}}', n.name]);
    if (r.exitCode === 0) inits.push(Number(r.stdout.trim()));
  }
  const rss = labRssKiB(inits);
  const t1 = Date.now();
  const down = await provider.delete();
  const downMs = Date.now() - t1;
  fs.rmSync(home, { recursive: true, force: true });

  console.log('host lab benchmark (Kubernetes v1.20.2, 1 control plane + 1 worker)');
  console.log(
    `  cold build (Kubernetes binaries): ${buildSeconds ? `${buildSeconds} s (measured when the cache was built)` : 'not recorded'}`,
  );
  console.log(`  up (warm cache):                  ${fmt(upMs)}`);
  for (const s of steps) console.log(s);
  console.log(
    `  resident memory of the lab:       ${(rss.kib / 1024).toFixed(0)} MiB over ${rss.processes} processes`,
  );
  console.log(
    `  down:                             ${fmt(downMs)}${down.ok ? '' : ` (failed: ${down.message})`}`,
  );
}

await main();
