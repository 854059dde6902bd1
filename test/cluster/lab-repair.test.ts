import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveLab } from '../../src/cli/lab-access.js';
import { main } from '../../src/cli/main.js';
import type { Scenario } from '../../src/domain/scenario.js';
import { ClusterLifecycle } from '../../src/engine/cluster-lifecycle.js';
import { labProblems } from '../../src/engine/lab/health.js';
import type { ClusterAccess } from '../../src/engine/probes/types.js';
import { testLifecycleIo } from '../helpers/probe-io.js';
import { labEnv } from './tier.js';

/**
 * Issue 13.5 on a real lab: a learner who edits a node file outside the scenario's `backup:` list
 * (the kubelet's extra-flags file /etc/default/kubelet, the usual place on kind) and leaves a
 * worker cordoned. The reset puts the file back from the lab's baseline and the kubelet runs
 * again; the health check names the cordon and offers `k8s-harden-lab repair`, and that one
 * command (the real CLI program, in-process) brings the lab back. A setup on an unhealthy lab is
 * refused with what is wrong. The lab is left as found even when a step fails.
 */
let access: ClusterAccess;
let worker = '';
let original = '';
const FLAGS = '/etc/default/kubelet';
const io = () => testLifecycleIo(labEnv());

async function sh(node: string, script: string): Promise<string> {
  const r = await access.provider.exec(node, ['bash', '-c', script], { timeoutMs: 60_000 });
  if (r.exitCode !== 0) throw new Error(`${script}: ${r.stderr || r.failure}`);
  return r.stdout;
}

const api = () => io().kube.lab(access.kubeconfigPath);
async function cordon(node: string, on: boolean) {
  const r = await api().request(`/api/v1/nodes/${node}`, {
    method: 'PATCH',
    contentType: 'application/merge-patch+json',
    body: { spec: { unschedulable: on ? true : null } },
  });
  if (r.type !== 'ok') throw new Error(`cordon ${node}: ${r.message}`);
}

/** The learner's mistake: a kubelet flag that does not exist, in the extra-flags file. */
async function breakKubelet() {
  await sh(
    worker,
    `echo 'KUBELET_EXTRA_ARGS=--no-such-flag=1' > ${FLAGS} && systemctl restart kubelet || true`,
  );
  for (let i = 0; i < 20; i++) {
    if ((await sh(worker, 'systemctl is-active kubelet || true')).trim() !== 'active') return;
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** The CLI as a learner runs it, in-process, with this worker's lab. */
async function khl(args: string[]) {
  const out: string[] = [];
  const code = await main(args, {
    out: (t) => out.push(t),
    err: (t) => out.push(t),
    isTTY: false,
    env: labEnv(),
  });
  return { code, text: out.join('\n') };
}

const demo = {
  id: 'lab-repair-demo',
  lab: 'cluster',
  backup: [{ node: 'worker', path: '/var/lib/kubelet/config.yaml' }],
  checks: [],
} as unknown as Scenario;

beforeAll(async () => {
  access = await resolveLab({ env: labEnv() });
  worker = (await access.provider.nodes()).find((n) => n.role === 'worker')?.name ?? '';
  original = await sh(worker, `cat ${FLAGS}`);
}, 120_000);

afterAll(async () => {
  if (!access) return;
  const now = await sh(worker, `cat ${FLAGS}`).catch(() => '');
  if (now !== original) {
    await sh(
      worker,
      `echo ${Buffer.from(original).toString('base64')} | base64 -d > ${FLAGS}; systemctl restart kubelet`,
    );
  }
  await cordon(worker, false).catch(() => undefined);
  io().backups.remove(access.provider.cluster, demo.id);
}, 300_000);

describe('a lab the learner broke can always be brought back (real lab)', () => {
  it('reset puts back a node file outside backup:, names a cordon, and `repair` fixes it', async () => {
    const life = new ClusterLifecycle({ io: io() });
    const lines: string[] = [];
    await life.beforeSetup(demo, access, (l) => lines.push(l));
    expect(lines.join('\n')).toMatch(/lab healthy before the setup/);

    await breakKubelet();
    await cordon(worker, true);

    const reset = await life
      .afterReset(demo, access, (l) => lines.push(l))
      .then(
        () => undefined,
        (e: Error & { nextStep?: string }) => e,
      );
    expect(lines.join('\n')).toContain(`putting back the lab's node files on ${worker}: ${FLAGS}`);
    expect(await sh(worker, `cat ${FLAGS}`)).toBe(original);
    expect((await sh(worker, 'systemctl is-active kubelet || true')).trim()).toBe('active');
    expect(reset?.message).toMatch(new RegExp(`node ${worker} is cordoned`));
    expect(reset?.nextStep).toContain('k8s-harden-lab repair');

    // A setup on the unhealthy lab is refused with what is wrong, before anything is touched.
    const refused = await life
      .beforeSetup(demo, access, () => {})
      .then(
        () => undefined,
        (e: Error) => e,
      );
    expect(refused?.message).toMatch(/not healthy before the setup: .*cordoned/);
    expect(io().backups.read(access.provider.cluster, demo.id)).toBeUndefined();

    const repaired = await khl(['repair']);
    expect(repaired.text).toContain(`uncordoning ${worker}`);
    expect(repaired.code, repaired.text).toBe(0);
    expect(await labProblems(access, io().kube)).toEqual([]);
  }, 600_000);

  it('`repair` alone brings back a kubelet broken by its flags file, byte for byte', async () => {
    await breakKubelet();
    const repaired = await khl(['repair']);
    expect(repaired.code, repaired.text).toBe(0);
    expect(repaired.text).toContain(`putting back the lab's node files on ${worker}: ${FLAGS}`);
    expect(await sh(worker, `cat ${FLAGS}`)).toBe(original);
    expect((await sh(worker, 'systemctl is-active kubelet || true')).trim()).toBe('active');
    expect(await labProblems(access, io().kube)).toEqual([]);
  }, 600_000);
});
