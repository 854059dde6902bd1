/**
 * Cluster tier, once per run: one real lab cluster shared by every test file (bringing a cluster
 * up per file would multiply the tier's wall time). A healthy lab already made by
 * `k8s-harden-lab up` (or a previous run) is reused and left running; otherwise the tier creates
 * one and the last file (zz-down.test.ts) removes it and proves nothing is left behind.
 *
 * Needs Linux and root. Elsewhere the tier says why and its files skip — except under CI=true,
 * where a skip is a failure (this setup throws).
 */
import type { TestProject } from 'vitest/node';
import { HostLabProvider } from '../../src/adapters/lab/host-provider.js';
import { defaultLabHome } from './lab-home.js';

declare module 'vitest' {
  export interface ProvidedContext {
    labHome: string;
    labCreatedByTier: boolean;
    labUnavailable: string;
  }
}

function cannotRun(): string {
  if (process.platform !== 'linux') return `the host lab needs Linux (this is ${process.platform})`;
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return 'the host lab needs root';
  return '';
}

export default async function setup(project: TestProject) {
  const reason = cannotRun();
  const home = process.env.KHL_TEST_LAB_HOME ?? process.env.K8S_HARDEN_LAB_HOME ?? defaultLabHome();
  project.provide('labHome', home);
  project.provide('labUnavailable', reason);
  project.provide('labCreatedByTier', false);
  if (reason) {
    if (process.env.CI === 'true')
      throw new Error(`cluster tier cannot run on this machine under CI: ${reason}`);
    process.stdout.write(`\n[cluster tier] skipped: ${reason}\n`);
    return;
  }
  process.env.KHL_TEST_LAB_HOME = home;
  const env = { ...process.env, K8S_HARDEN_LAB_HOME: home };
  const provider = new HostLabProvider({ env });
  const before = await provider.status();
  const healthy =
    before.exists &&
    before.apiserverHealthy &&
    before.nodes.length >= 2 &&
    before.nodes.every((n) => n.ready);
  let created = false;
  if (!healthy) {
    // Also after a run whose processes were killed (the engine gone, containers and state left):
    // down is idempotent and clears whatever is left, so create starts clean.
    process.stdout.write(
      `[cluster tier] ${before.exists ? 'an unhealthy lab was found' : 'no running lab'}; clearing leftovers first\n`,
    );
    const cleared = await provider.delete();
    if (!cleared.ok)
      throw new Error(`could not clear a previous lab: ${cleared.message} (log: ${cleared.logFile ?? '-'})`);
    const started = Date.now();
    process.stdout.write('[cluster tier] bringing up the host lab (1 control plane + 1 worker)…\n');
    const r = await provider.create({
      workers: 1,
      onStep: (e) => {
        if (e.type === 'done')
          process.stdout.write(`[cluster tier]   ✓ ${e.step} (${Math.round(e.ms / 1000)} s)\n`);
        if (e.type === 'fail')
          process.stdout.write(`[cluster tier]   ✗ ${e.step}: ${e.command} (log ${e.logFile ?? '-'})\n`);
      },
    });
    if (!r.ok) throw new Error(`host lab up failed at ${r.step}: ${r.message} (log: ${r.logFile ?? '-'})`);
    created = true;
    process.stdout.write(`[cluster tier] lab up in ${Math.round((Date.now() - started) / 1000)} s\n`);
  } else process.stdout.write('[cluster tier] reusing the running host lab\n');
  project.provide('labCreatedByTier', created);
  return async () => {
    // zz-down.test.ts normally removes a lab the tier made; this only catches an aborted run.
    if (created && !process.env.KHL_KEEP_LAB) {
      const s = await provider.status();
      if (s.exists) await provider.delete();
    }
  };
}
