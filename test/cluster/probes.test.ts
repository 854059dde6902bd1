import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recorderFilters } from '../../src/adapters/cluster/index.js';
import { kubeRequest, loadKubeConfig } from '../../src/adapters/cluster/kube-client.js';
import type { ExecOptions, LabProvider } from '../../src/adapters/lab/provider.js';
import { resolveLab } from '../../src/cli/lab-access.js';
import { type Check, checkSchema } from '../../src/domain/checks.js';
import type { Scenario } from '../../src/domain/scenario.js';
import { runRound } from '../../src/engine/check-runner.js';
import { ClusterLifecycle } from '../../src/engine/cluster-lifecycle.js';
import type { ClusterAccess } from '../../src/engine/probes/types.js';
import { testIo, testLifecycleIo } from '../helpers/probe-io.js';
import { waitLabSettled } from './control-plane.js';
import { labEnv } from './scenarios/cluster-harness.js';

/**
 * The cluster probes against the real lab (the one `k8s-harden-lab up` made). Read-only except a
 * scratch file on the worker (backup/restore) and a service account in a scratch namespace, both
 * removed: scenario tests share this lab. Without a lab the cases skip (CI: fail).
 */
/** Counts exec round trips per node. */
function counting(inner: LabProvider): LabProvider & { execs: Map<string, number> } {
  const execs = new Map<string, number>();
  return Object.assign(Object.create(inner) as LabProvider, {
    execs,
    exec(node: string, argv: readonly string[], options?: ExecOptions) {
      execs.set(node, (execs.get(node) ?? 0) + 1);
      return inner.exec(node, argv, options);
    },
  });
}

const hint = { nudge: 'n', teach: 't', command: 'c' };
let n = 0;
function check(probe: unknown, expect: unknown, field?: string): Check {
  return checkSchema.parse({ id: `p${n++}`, title: 't', probe, expect, hint, ...(field ? { field } : {}) });
}

let access: ClusterAccess | undefined;
let why = '';
const NS = `khl-probe-${Date.now().toString(36)}`;
const ws = fs.mkdtempSync(path.join(os.tmpdir(), 'khl-cluster-probes-'));

beforeAll(async () => {
  try {
    access = await resolveLab({ env: labEnv() });
    await waitLabSettled(access.provider, access.kubeconfigPath);
  } catch (error) {
    why = (error as Error).message;
    if (process.env.CI === 'true') throw error;
  }
});

afterAll(async () => {
  fs.rmSync(ws, { recursive: true, force: true });
  if (access) {
    const kc = loadKubeConfig(access.kubeconfigPath);
    await kubeRequest(kc, `/api/v1/namespaces/${NS}`, { method: 'DELETE' }).catch(() => undefined);
  }
});

async function exec(node: string, script: string): Promise<string> {
  if (!access) throw new Error(why);
  const r = await access.provider.exec(node, ['bash', '-c', script], { timeoutMs: 30_000 });
  return r.stdout.trim();
}

describe('cluster probes on the real lab', () => {
  it('one round of node, component and API checks: one exec per node, facts as the node sees them', async (ctx) => {
    if (!access) return ctx.skip(why);
    const provider = counting(access.provider);
    const nodes = await access.provider.nodes();
    const worker = nodes.find((x) => x.role === 'worker')?.name ?? '';
    const cp = nodes.find((x) => x.role === 'control-plane')?.name ?? '';
    // Scenario tests share this lab and restart kubelets: start from a settled worker kubelet.
    for (let i = 0; i < 60; i++) {
      const up = await exec(
        worker,
        'curl -sk -o /dev/null -w \'%{http_code}\' https://127.0.0.1:10250/healthz; echo " $(( $(date +%s) - $(stat -c %Y /proc/$(pgrep -n -x kubelet)) ))"',
      );
      const [code, age] = up.split(' ');
      if (code !== '000' && Number(age) > 25) break;
      await new Promise((res) => setTimeout(res, 1000));
    }
    // The truth, asked separately (one process each).
    const anon = await exec(worker, "curl -sk -o /dev/null -w '%{http_code}' https://127.0.0.1:10250/pods");
    const ro = await exec(
      worker,
      "curl -s -o /dev/null -w '%{http_code}' http://127.0.0.1:10255/pods || true",
    );
    const authz = await exec(
      cp,
      "grep -- '--authorization-mode=' /etc/kubernetes/manifests/kube-apiserver.yaml | sed 's/.*=//'",
    );
    const checks = [
      check(
        { kind: 'nodeHttp', node: 'worker', url: 'https://127.0.0.1:10250/pods' },
        { op: 'eq', value: Number(anon) },
        'status',
      ),
      check({ kind: 'nodePort', node: 'worker', port: 10255 }, { op: 'eq', value: ro === '200' }, 'open'),
      check({ kind: 'nodePort', node: 'worker', port: 10250 }, { op: 'eq', value: true }, 'open'),
      check(
        {
          kind: 'componentFlag',
          component: 'kube-apiserver',
          flag: '--authorization-mode',
          source: 'manifest',
        },
        { op: 'eq', value: authz },
      ),
      check(
        { kind: 'componentFlag', component: 'kube-apiserver', flag: '--authorization-mode' },
        { op: 'eq', value: authz },
      ),
      check(
        { kind: 'componentFlag', component: 'etcd', flag: '--client-cert-auth' },
        { op: 'eq', value: 'true' },
      ),
      check(
        { kind: 'componentFlag', component: 'kubelet', flag: '--config', node: 'worker' },
        { op: 'eq', value: '/var/lib/kubelet/config.yaml' },
      ),
      check(
        { kind: 'kubeletConfig', node: 'worker', field: 'authentication.anonymous.enabled' },
        { op: 'eq', value: anon === '200' },
      ),
      check(
        { kind: 'kubeletConfig', node: 'worker', field: 'readOnlyPort' },
        { op: ro === '200' ? 'gt' : 'eq', value: 0 },
      ),
      check(
        { kind: 'field', node: 'worker', path: '/var/lib/kubelet/config.yaml', at: 'kind' },
        { op: 'eq', value: 'KubeletConfiguration' },
      ),
      check(
        { kind: 'file', node: 'control-plane', path: '/etc/kubernetes/pki/ca.key' },
        { op: 'bitmask', value: '600' },
        'mode',
      ),
      check(
        { kind: 'x509', node: 'control-plane', cert: '/etc/kubernetes/pki/apiserver.crt' },
        { op: 'exists' },
      ),
      check({ kind: 'nodeState', node: 'worker' }, { op: 'eq', value: true }, 'ready'),
      check(
        { kind: 'podPlacement', node: 'control-plane', namespace: 'kube-system' },
        { op: 'has', value: `kube-apiserver-${cp}` },
        'pods',
      ),
      check({ kind: 'api', resource: 'namespaces' }, { op: 'gte', value: 4 }, 'count'),
      check({ kind: 'api', resource: 'namespaces', name: 'no-such-namespace' }, { op: 'absent' }),
      check(
        { kind: 'access', user: 'system:serviceaccount:default:nobody', verb: 'delete', resource: 'nodes' },
        { op: 'eq', value: false },
        'allowed',
      ),
      check(
        {
          kind: 'access',
          user: 'kubernetes-admin',
          groups: ['system:masters'],
          verb: 'delete',
          resource: 'nodes',
        },
        { op: 'eq', value: true },
        'allowed',
      ),
      check(
        {
          kind: 'podFile',
          namespace: 'kube-system',
          selector: 'component=kube-apiserver',
          path: '/usr/local/bin/kube-apiserver',
        },
        { op: 'eq', value: true },
        'exists',
      ),
    ];
    const started = Date.now();
    const results = await runRound(checks, {
      io: testIo,
      workspace: ws,
      cluster: { provider, kubeconfigPath: access.kubeconfigPath },
    });
    const ms = Date.now() - started;
    for (const r of results)
      expect(r, `${r.checkId}: ${r.expected} / ${r.actual}`).toMatchObject({ status: 'pass' });
    expect(provider.execs.get(worker)).toBe(1);
    expect(provider.execs.get(cp)).toBe(1);
    process.stdout.write(`[probes] ${checks.length} checks in one round: ${ms} ms\n`);
  });

  it("a workspace kubeconfig is asked AS its user: a service account's token authenticates as it", async (ctx) => {
    if (!access) return ctx.skip(why);
    const kc = loadKubeConfig(access.kubeconfigPath);
    // Scenario tests may be restarting the apiserver: wait for it.
    for (let i = 0; i < 60 && (await kubeRequest(kc, '/readyz')).type !== 'ok'; i++)
      await new Promise((res) => setTimeout(res, 1000));
    await kubeRequest(kc, '/api/v1/namespaces', {
      method: 'POST',
      body: { metadata: { name: NS } },
    });
    await kubeRequest(kc, `/api/v1/namespaces/${NS}/serviceaccounts`, {
      method: 'POST',
      body: { metadata: { name: 'probe' } },
    });
    await kubeRequest(kc, `/api/v1/namespaces/${NS}/secrets`, {
      method: 'POST',
      body: {
        metadata: { name: 'probe-token', annotations: { 'kubernetes.io/service-account.name': 'probe' } },
        type: 'kubernetes.io/service-account-token',
      },
    });
    let token = '';
    for (let i = 0; i < 30 && !token; i++) {
      const r = await kubeRequest(kc, `/api/v1/namespaces/${NS}/secrets/probe-token`);
      const data = r.type === 'ok' ? (r.body as { data?: { token?: string } }).data?.token : undefined;
      if (data) token = Buffer.from(data, 'base64').toString('utf8');
      else await new Promise((res) => setTimeout(res, 500));
    }
    expect(token).not.toBe('');
    const cluster = kc.getCurrentCluster();
    fs.writeFileSync(
      path.join(ws, 'probe.kubeconfig'),
      [
        'apiVersion: v1',
        'kind: Config',
        `clusters:\n- name: lab\n  cluster:\n    server: ${cluster?.server}\n    certificate-authority-data: ${cluster?.caData}`,
        `users:\n- name: probe\n  user:\n    token: ${token}\n- name: bad\n  user:\n    token: not-a-token`,
        `contexts:\n- name: probe\n  context: {cluster: lab, user: probe, namespace: ${NS}}\n- name: bad\n  context: {cluster: lab, user: bad}`,
        'current-context: probe',
        '',
      ].join('\n'),
    );
    const user = `system:serviceaccount:${NS}:probe`;
    const results = await runRound(
      [
        check(
          {
            kind: 'access',
            user,
            verb: 'list',
            resource: 'secrets',
            namespace: 'kube-system',
            kubeconfig: 'probe.kubeconfig',
          },
          { op: 'eq', value: false },
          'allowed',
        ),
        check(
          { kind: 'access', user, verb: 'list', resource: 'pods', kubeconfig: 'probe.kubeconfig' },
          { op: 'eq', value: true },
          'userMatches',
        ),
        check(
          {
            kind: 'access',
            user,
            verb: 'list',
            resource: 'pods',
            kubeconfig: 'probe.kubeconfig',
            context: 'bad',
          },
          { op: 'eq', value: false },
          'authenticated',
        ),
      ],
      { io: testIo, workspace: ws, cluster: access },
    );
    for (const r of results)
      expect(r, `${r.checkId}: ${r.expected} / ${r.actual}`).toMatchObject({ status: 'pass' });
  });

  it("the recorder's snapshot filter reads this cluster's kubectl output", async (ctx) => {
    if (!access) return ctx.skip(why);
    const cp = (await access.provider.nodes()).find((x) => x.role === 'control-plane')?.name ?? '';
    const r = await access.provider.exec(
      cp,
      [
        'bash',
        '-c',
        'f=$(cat); KUBECONFIG=/etc/kubernetes/admin.conf kubectl get nodes,pods,pdb -A -o json | jq -c "$f"',
      ],
      { stdin: recorderFilters().snapshot, timeoutMs: 30_000 },
    );
    const snap = JSON.parse(r.stdout) as { nodes: Array<{ name: string; ready: boolean }>; pods: unknown[] };
    expect(snap.nodes.length).toBeGreaterThanOrEqual(2);
    expect(snap.nodes.every((x) => x.ready)).toBe(true);
    expect(snap.pods.length).toBeGreaterThan(3);
  });

  it("the recorder's watch filter stamps each node change as it arrives", async (ctx) => {
    if (!access) return ctx.skip(why);
    const cp = (await access.provider.nodes()).find((x) => x.role === 'control-plane')?.name ?? '';
    const before = Date.now();
    const r = await access.provider.exec(
      cp,
      [
        'bash',
        '-c',
        `f=$(cat); export KUBECONFIG=/etc/kubernetes/admin.conf
(sleep 2; kubectl label node ${cp} khl-watch-test=1 --overwrite >/dev/null; kubectl label node ${cp} khl-watch-test- >/dev/null) &
timeout 8 kubectl get nodes --watch-only --output-watch-events -o json | jq -c --unbuffered --arg kind node "$f"; wait`,
      ],
      { stdin: recorderFilters().watch, timeoutMs: 30_000 },
    );
    const lines = r.stdout
      .split('\n')
      .filter(Boolean)
      .map(
        (l) => JSON.parse(l) as { t: number; type: string; ev: string; o: { name: string; ready: boolean } },
      );
    const mine = lines.filter((l) => l.o.name === cp);
    expect(mine.length, r.stdout + r.stderr).toBeGreaterThanOrEqual(2);
    for (const l of mine) {
      expect(l).toMatchObject({ type: 'node', ev: 'MODIFIED', o: { ready: true } });
      expect(l.t).toBeGreaterThan(before);
      expect(l.t).toBeLessThan(Date.now());
    }
  });

  it('backs up a node file outside manifests/ and restores it byte for byte', async (ctx) => {
    if (!access) return ctx.skip(why);
    const worker = (await access.provider.nodes()).find((x) => x.role === 'worker')?.name ?? '';
    const file = '/etc/khl-probe-test/scratch.conf';
    const created = '/etc/khl-probe-test/created.conf';
    await exec(
      worker,
      `mkdir -p /etc/khl-probe-test && head -c 3000 /dev/urandom > ${file} && chmod 640 ${file} && rm -f ${created}`,
    );
    const before = await exec(worker, `sha256sum ${file} | cut -d' ' -f1; stat -c %a ${file}`);
    const life = new ClusterLifecycle({ io: testLifecycleIo(labEnv()) });
    const scenario = {
      id: 'khl-probe-test',
      backup: [
        { node: 'worker', path: file },
        { node: 'worker', path: created },
      ],
      checks: [],
    } as unknown as Scenario;
    const lines: string[] = [];
    try {
      await life.beforeSetup(scenario, access, (l) => lines.push(l));
      expect(await exec(worker, `ls /var/lib/k8s-harden-lab/backups/khl-probe-test/files${file}`)).toContain(
        'scratch.conf',
      );
      await exec(worker, `echo broken > ${file}; chmod 666 ${file}; echo new > ${created}`);
      await life.afterReset(scenario, access, (l) => lines.push(l));
      expect(await exec(worker, `sha256sum ${file} | cut -d' ' -f1; stat -c %a ${file}`)).toBe(before);
      expect(await exec(worker, `test -e ${created} && echo yes || echo no`)).toBe('no');
      expect(
        await exec(worker, 'test -e /var/lib/k8s-harden-lab/backups/khl-probe-test && echo yes || echo no'),
      ).toBe('no');
      expect(lines.join('\n')).toMatch(/cluster healthy/);
    } finally {
      await exec(worker, 'rm -rf /etc/khl-probe-test /var/lib/k8s-harden-lab/backups/khl-probe-test');
    }
  });
});
