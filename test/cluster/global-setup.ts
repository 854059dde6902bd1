/**
 * Cluster tier, once per run: `KHL_TIER_CLUSTERS` real kind clusters (default 3), made through the
 * app's own `up` (kind with Docker/Podman where a learner has them, else kind on the offline build
 * with the project's own engine), one per vitest worker. Healthy clusters from a previous run are
 * reused and left running; the ones this run makes are removed by the tier's last step
 * (test/cluster/down/, run after this config by test/cluster/run-tier.mjs), which proves nothing
 * is left. A cold machine builds the offline lab first (cached for every later run).
 *
 * Needs Docker or Podman with kind, or Linux as root. Elsewhere the tier says why and its files
 * skip — except under CI=true, where a skip is a failure (this setup throws).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { chooseProvider } from '../../src/adapters/lab/choose.js';
import { runCommand } from '../../src/adapters/process/run.js';
import { systemProbes } from '../../src/adapters/system-probes.js';
import { defaultLabHome } from './lab-home.js';
import { TIER_CLUSTERS, tierClusterName } from './tier.js';

declare module 'vitest' {
  export interface ProvidedContext {
    labHome: string;
    labUnavailable: string;
    tierClusters: string[];
  }
}

const BIN = path.resolve(import.meta.dirname, '..', '..', 'bin', 'k8s-harden-lab.js');

/** Runs the app's CLI for one cluster, printing its step lines prefixed with the cluster name. */
export async function khl(home: string, cluster: string, args: string[], timeoutMs = 95 * 60_000) {
  return runCommand(process.execPath, [BIN, ...args], {
    env: { K8S_HARDEN_LAB_HOME: home, K8S_HARDEN_LAB_CLUSTER: cluster, K8S_HARDEN_LAB_LABS_DIR: '' },
    timeoutMs,
    onLine: (line) => {
      if (/^[→✓✗]/.test(line)) process.stdout.write(`[cluster tier] ${cluster}: ${line}\n`);
    },
  });
}

async function healthy(home: string, cluster: string): Promise<boolean> {
  const r = await khl(home, cluster, ['status', '--json'], 120_000);
  try {
    const s = JSON.parse(r.stdout) as {
      exists?: boolean;
      apiserverHealthy?: boolean;
      nodes?: { ready?: boolean }[];
    };
    return Boolean(
      s.exists && s.apiserverHealthy && (s.nodes?.length ?? 0) >= 2 && s.nodes?.every((n) => n.ready),
    );
  } catch {
    return false;
  }
}

async function bringUp(home: string, cluster: string): Promise<boolean> {
  if (await healthy(home, cluster)) {
    process.stdout.write(`[cluster tier] ${cluster}: reusing the running lab\n`);
    return false;
  }
  // A lab left half-made by a killed run: down is idempotent and clears it, so up starts clean.
  await khl(home, cluster, ['down'], 10 * 60_000);
  const started = Date.now();
  const r = await khl(home, cluster, ['up']);
  if (r.exitCode !== 0) throw new Error(`k8s-harden-lab up failed for ${cluster}:\n${r.stdout}\n${r.stderr}`);
  process.stdout.write(`[cluster tier] ${cluster}: up in ${Math.round((Date.now() - started) / 1000)} s\n`);
  return true;
}

export default async function setup(project: TestProject) {
  const home = process.env.KHL_TEST_LAB_HOME ?? defaultLabHome();
  const choice = await chooseProvider({ env: process.env, probes: systemProbes(home) });
  const reason = choice.ok ? '' : `${choice.reason} (${choice.fix})`;
  const clusters = Array.from({ length: TIER_CLUSTERS }, (_, i) => tierClusterName(i + 1));
  project.provide('labHome', home);
  project.provide('labUnavailable', reason);
  project.provide('tierClusters', clusters);
  if (reason) {
    if (process.env.CI === 'true')
      throw new Error(`cluster tier cannot run on this machine under CI: ${reason}`);
    process.stdout.write(`\n[cluster tier] skipped: ${reason}\n`);
    return;
  }
  process.env.KHL_TEST_LAB_HOME = home;
  process.stdout.write(
    `[cluster tier] ${clusters.length} kind clusters (${choice.ok ? choice.reason : ''}); the first one builds what is not cached\n`,
  );
  const started = Date.now();
  // The first `up` runs the offline build (a cache hit on a warm machine); the others then share it.
  const [first, ...rest] = clusters;
  const made: string[] = [];
  if (first && (await bringUp(home, first))) made.push(first);
  const others = await Promise.all(rest.map(async (c) => ((await bringUp(home, c)) ? c : undefined)));
  made.push(...others.filter((c): c is string => c !== undefined));
  fs.mkdirSync(home, { recursive: true });
  fs.writeFileSync(
    path.join(home, `${process.env.KHL_TIER_PREFIX || 'khl-tier'}-clusters.json`),
    `${JSON.stringify({ made, clusters })}\n`,
  );
  process.stdout.write(`[cluster tier] labs ready in ${Math.round((Date.now() - started) / 1000)} s\n`);
}
