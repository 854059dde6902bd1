import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { builtKindBinary, LAB_ENGINE_ENV, offlineCache } from '../../../src/adapters/lab/offline-build.js';
import { runCommand } from '../../../src/adapters/process/run.js';
import { khl } from '../global-setup.js';
import { defaultLabHome } from '../lab-home.js';

/**
 * The cluster tier's last step: `k8s-harden-lab down` for every cluster this run made, then proof
 * that nothing of them is left — no node containers, no state folder, and (when no other lab is
 * left on it) the project's engine stopped. The build cache stays, so the next run is warm.
 * KHL_KEEP_LAB=1 keeps the clusters (for debugging).
 */
const home = process.env.KHL_TEST_LAB_HOME ?? defaultLabHome();
const record = path.join(home, `${process.env.KHL_TIER_PREFIX || 'khl-tier'}-clusters.json`);
const made: string[] = fs.existsSync(record)
  ? ((JSON.parse(fs.readFileSync(record, 'utf8')) as { made?: string[] }).made ?? [])
  : [];

describe.skipIf(made.length === 0 || Boolean(process.env.KHL_KEEP_LAB))('cluster tier down', () => {
  it('removes every cluster the tier made and leaves nothing of them behind', async () => {
    const started = Date.now();
    const engineBefore = JSON.parse(
      fs.readFileSync(path.join(home, 'labs', made[0] ?? '', 'state.json'), 'utf8'),
    ) as {
      engine?: string;
    };
    for (const cluster of made) {
      const r = await khl(home, cluster, ['down'], 10 * 60_000);
      expect(r.exitCode, `${r.stdout}\n${r.stderr}`).toBe(0);
      expect(fs.existsSync(path.join(home, 'labs', cluster, 'state.json'))).toBe(false);
      expect(fs.existsSync(path.join(home, 'labs', cluster, 'kubeconfig'))).toBe(false);
      const s = await khl(home, cluster, ['status', '--json'], 60_000);
      expect((JSON.parse(s.stdout) as { exists: boolean }).exists).toBe(false);
    }
    process.stdout.write(
      `[cluster tier] ${made.length} clusters down in ${Math.round((Date.now() - started) / 1000)} s\n`,
    );
    fs.rmSync(record, { force: true });

    if (engineBefore.engine !== 'lab') return;
    // On the project's engine: no node container of these clusters is left…
    const kind = builtKindBinary();
    expect(kind, 'the offline build keeps its kind binary').toBeDefined();
    const engineUp = fs.existsSync('/run/k8s-harden-lab/kind-engine.sock');
    if (engineUp) {
      const left = await runCommand(kind ?? 'kind', ['get', 'clusters'], { env: LAB_ENGINE_ENV });
      for (const cluster of made) expect(left.stdout.split('\n')).not.toContain(cluster);
    } else {
      // …and with no lab left the engine is stopped: no dockerd, containerd or node process of ours.
      const ps = execFileSync('ps', ['-eo', 'pid,args']).toString().split('\n');
      const ours = ps.filter(
        (l) =>
          /kind-engine|\bkubelet\b|kube-apiserver|kube-controller|kube-scheduler|\betcd --|containerd-shim/.test(
            l,
          ) && !/vitest|ps -eo/.test(l),
      );
      expect(ours).toEqual([]);
    }
    // The build stays cached: the next `up` is warm.
    expect(fs.existsSync(path.join(offlineCache(), 'offline', 'components.txt'))).toBe(true);
  });
});
