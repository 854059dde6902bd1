import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveLab } from '../../src/cli/lab-access.js';
import { checkSchema } from '../../src/domain/checks.js';
import { runRound } from '../../src/engine/check-runner.js';
import {
  APISERVER_MANIFEST,
  ClusterLifecycle,
  LAST_GOOD_MANIFEST,
} from '../../src/engine/cluster-lifecycle.js';
import { ClusterWatch, type ClusterWatchState } from '../../src/engine/cluster-watch.js';
import type { ClusterAccess } from '../../src/engine/probes/types.js';
import { testIo, testLifecycleIo } from '../helpers/probe-io.js';
import { waitControlPlaneSettled, waitFor } from './control-plane.js';
import { labEnv } from './scenarios/cluster-harness.js';

/**
 * Watch mode's way out of a broken apiserver, on the real lab: while the apiserver is healthy the
 * watch keeps its manifest as the last one that worked; a manifest edit that the apiserver cannot
 * start with makes the checks wait (never fail), the rollback is offered after `rollbackAfterMs`,
 * and taking it puts the kept manifest back byte for byte and brings the apiserver back. The
 * shared lab is left as found even when a step fails.
 */
let access: ClusterAccess | undefined;
let cp = '';
let original = '';
const ws = fs.mkdtempSync(path.join(os.tmpdir(), 'khl-rollback-'));
const sha = (s: string) => createHash('sha256').update(s).digest('hex');

async function sh(script: string): Promise<string> {
  const r = await access?.provider.exec(cp, ['bash', '-c', script], { timeoutMs: 30_000 });
  if (r?.exitCode !== 0) throw new Error(`${script}: ${r?.stderr || r?.failure}`);
  return r.stdout;
}

beforeAll(async () => {
  access = await resolveLab({ env: labEnv() });
  cp = (await access.provider.nodes()).find((n) => n.role === 'control-plane')?.name ?? '';
  original = await sh(`cat ${APISERVER_MANIFEST}`);
});

afterAll(async () => {
  fs.rmSync(ws, { recursive: true, force: true });
  if (!access) return;
  const now = await sh(`cat ${APISERVER_MANIFEST}`);
  if (now !== original) {
    await sh(
      `echo ${Buffer.from(original).toString('base64')} | base64 -d > /tmp/khl-a.yaml && mv -f /tmp/khl-a.yaml ${APISERVER_MANIFEST}`,
    );
    await new ClusterLifecycle({ io: testLifecycleIo(labEnv()) }).waitHealthy(access, () => {});
  }
  await waitControlPlaneSettled(access.provider, cp);
}, 400_000);

describe('rollback to the last apiserver manifest that worked (real lab)', () => {
  it('waits while the apiserver is gone, offers the rollback, and the rollback brings it back', async () => {
    if (!access) throw new Error('no lab');
    const lab = access;
    const life = new ClusterLifecycle({ io: testLifecycleIo(labEnv()) });
    await sh(`rm -f ${LAST_GOOD_MANIFEST}`);
    const nodesListed = checkSchema.parse({
      id: 'nodes-listed',
      title: 'the API lists the nodes',
      probe: { kind: 'api', resource: 'nodes' },
      field: 'count',
      expect: { op: 'gte', value: 2 },
      hint: { nudge: 'n', teach: 't', command: 'c' },
    });
    const states: ClusterWatchState[] = [];
    const watch = new ClusterWatch({
      runRound: (signal) => runRound([nodesListed], { io: testIo, workspace: ws, cluster: lab, signal }),
      onState: (s) => states.push(s),
      saveLastGood: () => life.saveLastGoodManifest(lab),
      restoreLastGood: (onLine) => life.restoreLastGoodManifest(lab, onLine),
      intervalMs: 2_000,
      rollbackAfterMs: 10_000,
      saveEveryMs: 2_000,
    });
    watch.start();
    try {
      // 1. Healthy: checks pass, and the watch keeps the running manifest.
      await waitFor(
        'the watch to keep the working manifest',
        async () =>
          (await sh(`cmp -s ${APISERVER_MANIFEST} ${LAST_GOOD_MANIFEST} && echo same || true`)).includes(
            'same',
          )
            ? true
            : undefined,
        60_000,
      ).catch(async (error: unknown) => {
        // The watch keeps a manifest only when the running apiserver is newer than it: say both.
        const facts = await sh(
          `stat -c 'manifest mtime %Y' ${APISERVER_MANIFEST}; bt=$(awk '/^btime/{print $2}' /proc/stat); hz=$(getconf CLK_TCK); for p in /proc/[0-9]*; do tr '\\0' ' ' < $p/cmdline 2>/dev/null | grep -q '^kube-apiserver ' && awk -v bt=$bt -v hz=$hz '{sub(/^.*\\) /, ""); print "apiserver started", int(bt + $20 / hz)}' $p/stat; done; true`,
        ).catch((e: unknown) => String(e));
        const last = states.at(-1);
        throw new Error(
          `${(error as Error).message}\n${facts}\nlast round: ${JSON.stringify(last?.results[0] ?? last?.notice)}`,
        );
      });
      expect(states.at(-1)?.results[0]?.status).toBe('pass');

      // 2. A flag this apiserver does not know: it exits at once, every time the kubelet starts it.
      await sh(`sed -i 's/^    - kube-apiserver$/&\\n    - --khl-no-such-flag=1/' ${APISERVER_MANIFEST}`);
      expect((await sh(`grep -c -- --khl-no-such-flag ${APISERVER_MANIFEST}`)).trim()).toBe('1');
      const offered = await waitFor(
        'the rollback offer',
        async () => states.find((s) => s.rollbackOffered),
        240_000,
      );
      expect(offered.waiting?.apiserver).toBe(true);
      expect(offered.notice).toMatch(/has not come back for \d+ s\. Restore the last manifest that worked\?/);
      // While it was away, the check waited: never a fail.
      const away = states.slice(states.findIndex((s) => s.waiting?.apiserver));
      expect(away.length).toBeGreaterThan(1);
      expect(away.flatMap((s) => s.results).every((r) => r.status === 'waiting')).toBe(true);
      expect(away[0]?.results[0]?.actual).toMatch(/^apiserver restarting — waiting/);
      // The broken manifest was not kept as "working".
      expect((await sh(`grep -c -- --khl-no-such-flag ${LAST_GOOD_MANIFEST} || true`)).trim()).toBe('0');

      // 3. The offered key: the kept manifest back, byte for byte, and the apiserver with it.
      const lines: string[] = [];
      await watch.restoreLastGood((l) => lines.push(l));
      expect(sha(await sh(`cat ${APISERVER_MANIFEST}`))).toBe(sha(original));
      expect(lines.join('\n')).toMatch(
        /restored the last working .*kube-apiserver\.yaml[\s\S]*cluster healthy/,
      );
      const after = states.at(-1);
      expect(after?.results[0]?.status).toBe('pass');
      expect(after?.rollbackOffered).toBe(false);
      expect(after?.notice).toBe('Restored the last apiserver manifest that worked.');
    } finally {
      watch.stop();
    }
  }, 600_000);
});
