import { describe, expect, it } from 'vitest';
import { ensureHealthy, labProblems } from '../../../src/engine/lab/health.js';
import type { ApiResponse, KubeClients } from '../../../src/engine/ports.js';
import type { ClusterAccess } from '../../../src/engine/probes/types.js';
import { FakeLabProvider } from '../../helpers/fake-lab-provider.js';

/** Issue 13.5: what "healthy" means before a setup and after a reset, and what is said when it is not. */
const NOW = Date.parse('2026-12-03T10:00:00Z');
const ago = (s: number) => new Date(NOW - s * 1000).toISOString();
const ready = { type: 'Ready', status: 'True' };
const cpPod = (component: string, isReady = true) => ({
  metadata: { name: `${component}-cp`, namespace: 'kube-system', labels: { component } },
  spec: { nodeName: 'cp' },
  status: {
    conditions: [{ type: 'Ready', status: isReady ? 'True' : 'False' }],
    containerStatuses: isReady ? [] : [{ state: { waiting: { reason: 'CrashLoopBackOff' } } }],
  },
});

function kube(answers: Record<string, unknown>): KubeClients {
  const api = {
    request: async (path: string): Promise<ApiResponse> => {
      const body = answers[path.split('?')[0] ?? path];
      if (body instanceof Error) return { type: 'unreachable', message: body.message };
      return { type: 'ok', status: 200, body };
    },
  };
  return { lab: () => api } as unknown as KubeClients;
}

const healthy = () => ({
  '/readyz': 'ok',
  '/api/v1/nodes': {
    items: [
      {
        metadata: { name: 'cp', labels: { 'node-role.kubernetes.io/control-plane': '' } },
        status: { conditions: [ready] },
      },
      { metadata: { name: 'w' }, status: { conditions: [ready] } },
    ],
  },
  '/api/v1/namespaces': { items: [{ metadata: { name: 'default' } }] },
  '/api/v1/pods': {
    items: ['etcd', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler'].map((c) => cpPod(c)),
  },
});

const access = { provider: new FakeLabProvider(), kubeconfigPath: '/x' } as unknown as ClusterAccess;

describe('lab health', () => {
  it('a healthy lab has no problems', async () => {
    expect(await labProblems(access, kube(healthy()), NOW)).toEqual([]);
  });

  it('names a cordoned worker (lasting), a NotReady node, stuck deletions and an unsettled control plane', async () => {
    const a = healthy();
    a['/api/v1/nodes'].items[1] = {
      metadata: { name: 'w' },
      spec: { unschedulable: true },
      status: {
        conditions: [{ type: 'Ready', status: 'False', message: 'kubelet stopped posting node status' }],
      },
    } as never;
    a['/api/v1/namespaces'].items.push({ metadata: { name: 'shop', deletionTimestamp: ago(600) } } as never);
    a['/api/v1/pods'].items.push({
      metadata: {
        name: 'web',
        namespace: 'shop',
        deletionTimestamp: ago(600),
        deletionGracePeriodSeconds: 30,
      },
      spec: { nodeName: 'w' },
    } as never);
    a['/api/v1/pods'].items[3] = cpPod('kube-scheduler', false);
    const problems = await labProblems(access, kube(a), NOW);
    expect(problems.map((p) => p.what)).toEqual([
      'node w is not Ready (kubelet stopped posting node status)',
      'node w is cordoned (unschedulable): new pods cannot go there',
      'namespace shop has been terminating for 600 s',
      'pod shop/web has been terminating for 570 s past its grace period (on w)',
      'kube-scheduler on cp is not Ready (CrashLoopBackOff)',
    ]);
    expect(problems.filter((p) => p.lasting).map((p) => p.what)).toEqual([
      'node w is cordoned (unschedulable): new pods cannot go there',
    ]);
  });

  it('a deletion still within its grace period is not stuck', async () => {
    const a = healthy();
    a['/api/v1/namespaces'].items.push({ metadata: { name: 'shop', deletionTimestamp: ago(20) } } as never);
    expect(await labProblems(access, kube(a), NOW)).toEqual([]);
  });

  it('refuses at once on a lasting problem, naming it and the one-command repair', async () => {
    const a = healthy();
    (a['/api/v1/nodes'].items[1] as { spec?: object }).spec = { unschedulable: true };
    const error = await ensureHealthy(
      access,
      kube(a),
      { timeoutMs: 60_000, pollMs: 1, sleep: async () => {}, when: 'before the setup' },
      () => {},
    ).catch((e: Error & { nextStep: string; exitCode: number }) => e);
    expect(error).toMatchObject({ exitCode: 4 });
    expect((error as Error).message).toBe(
      'the lab is not healthy before the setup: node w is cordoned (unschedulable): new pods cannot go there',
    );
    expect((error as { nextStep: string }).nextStep).toContain('k8s-harden-lab repair');
  });

  it('an apiserver that does not answer on a lab that is not running says so', async () => {
    const provider = new FakeLabProvider();
    provider.status = async () => ({
      provider: 'kind',
      cluster: 'test-lab',
      exists: false,
      nodes: [],
      apiserverHealthy: false,
      kubeconfigPath: '/x',
      detail: 'docker: Cannot connect to the Docker daemon',
    });
    const problems = await labProblems(
      { provider, kubeconfigPath: '/x' } as unknown as ClusterAccess,
      kube({ '/readyz': new Error('connect ECONNREFUSED 127.0.0.1:1') }),
      NOW,
    );
    expect(problems).toEqual([
      {
        what: 'the lab cluster "test-lab" is recorded but not running: docker: Cannot connect to the Docker daemon',
        lasting: true,
      },
    ]);
  });

  it('restarts the kubelet once when a component waits out its crash-loop back-off with the apiserver up', async () => {
    const provider = new FakeLabProvider();
    const execs: string[] = [];
    provider.exec = async (node, argv) => {
      execs.push(`${node}: ${argv.join(' ')}`);
      a['/api/v1/pods'].items = ['etcd', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler'].map(
        (c) => cpPod(c),
      );
      return {
        exitCode: 0,
        stdout: '',
        stderr: '',
        notFound: false,
        timedOut: false,
        cancelled: false,
        failure: '',
      };
    };
    const a = healthy();
    a['/api/v1/pods'].items = ['etcd', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler'].map(
      (c) => cpPod(c, c === 'etcd' || c === 'kube-apiserver'),
    );
    let clock = NOW;
    const lines: string[] = [];
    await ensureHealthy(
      { provider, kubeconfigPath: '/x' } as unknown as ClusterAccess,
      kube(a),
      {
        timeoutMs: 480_000,
        pollMs: 2_000,
        sleep: async (ms) => {
          clock += ms;
        },
        now: () => clock,
        when: 'after the reset',
      },
      (l) => lines.push(l),
    );
    // Not before it had 30 s to come back on its own; one restart for the node, not one per component.
    expect(execs).toEqual(['cp: systemctl restart kubelet']);
    expect(clock - NOW).toBeGreaterThanOrEqual(30_000);
    expect(lines.some((l) => l.startsWith('restarting the kubelet on cp: kube-controller-manager'))).toBe(
      true,
    );
    expect(lines.at(-1)).toMatch(/^lab healthy after the reset/);
  });
});
