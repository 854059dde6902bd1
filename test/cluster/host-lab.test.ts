import { afterAll, describe, expect, inject, it } from 'vitest';
import { HostLabProvider } from '../../src/adapters/lab/host-provider.js';
import { readLabState } from '../../src/adapters/lab/lab-state.js';
import { runCommand } from '../../src/adapters/process/run.js';
import { waitControlPlaneSettled, waitFor } from './control-plane.js';

/**
 * Cluster tier, the host lab itself: runs against the one lab the tier shares (global-setup.ts
 * brings it up, or reuses a healthy one; zz-down.test.ts removes it and proves nothing is left).
 * Every test leaves the lab as it found it. Needs Linux and root: elsewhere it says why and skips
 * (global-setup fails the run under CI=true).
 */
const CLUSTER = 'k8s-harden-lab';
const WORKER = `${CLUSTER}-worker`;
const CP = `${CLUSTER}-control-plane`;

const unavailable = inject('labUnavailable');

describe.skipIf(unavailable !== '')(
  'host lab (real kubeadm v1.20.2 cluster, 1 control plane + 1 worker)',
  () => {
    const env = { ...process.env, K8S_HARDEN_LAB_HOME: inject('labHome') };
    const provider = new HostLabProvider({ cluster: CLUSTER, env });

    const kubectl = (args: string[], input?: string, timeoutMs = 60_000) =>
      runCommand(provider.kubectlPath(), ['--kubeconfig', provider.kubeconfigPath(), ...args], {
        timeoutMs,
        ...(input === undefined ? {} : { input }),
      });

    async function nodeReady(name: string): Promise<boolean> {
      const s = await provider.status();
      return s.nodes.some((n) => n.name === name && n.ready);
    }

    afterAll(async () => {
      // Leave the shared lab as found: no test workloads, the apiserver manifest without the flag.
      await kubectl(['delete', 'deployment/hello', 'pod/on-cp', '--ignore-not-found', '--wait=false']);
      const manifest = '/etc/kubernetes/manifests/kube-apiserver.yaml';
      const had = await provider.exec(CP, ['grep', '-q', '--', '--profiling=false', manifest]);
      if (had.exitCode === 0) {
        await provider.exec(CP, ['sed', '-i', '/^    - --profiling=false$/d', manifest]);
        await waitFor(
          'apiserver back without --profiling=false',
          async () => {
            const ps = await provider.exec(CP, ['sh', '-c', 'ps -eo args | grep "^kube-apiserver" || true']);
            if (ps.stdout === '' || ps.stdout.includes('--profiling=false')) return undefined;
            const ready = await kubectl(['get', '--raw', '/readyz'], undefined, 10_000);
            return ready.stdout.trim() === 'ok' ? true : undefined;
          },
          180_000,
        );
      }
      await waitControlPlaneSettled(provider, CP);
    }, 400_000);

    it('has both nodes Ready at v1.20.2, a healthy apiserver and the app-owned kubeconfig', async () => {
      const s = await provider.status();
      expect(s.exists).toBe(true);
      expect(s.apiserverHealthy).toBe(true);
      expect(s.nodes.map((n) => [n.name, n.role, n.ready, n.version])).toEqual([
        [CP, 'control-plane', true, 'v1.20.2'],
        [WORKER, 'worker', true, 'v1.20.2'],
      ]);
      expect(s.kubeconfigPath.startsWith(inject('labHome'))).toBe(true);
      const state = readLabState(CLUSTER, env);
      expect(state?.provider).toBe('host');
      expect(state?.context).toBe(CLUSTER);
      expect(state?.server).toBe('https://172.30.0.2:6443');
      expect(state?.caFingerprint).toMatch(/^[0-9a-f]{64}$/);
      const ctx = await kubectl(['config', 'current-context']);
      expect(ctx.stdout.trim()).toBe(CLUSTER);
    });

    it('reports a running lab on a second up and changes nothing', async () => {
      const r = await provider.create({ workers: 1 });
      expect(r).toMatchObject({ ok: true, changed: false });
    });

    it('has kind-shaped nodes: paths, systemd units, labels', async () => {
      const cp = await provider.exec(CP, [
        'sh',
        '-c',
        'ls /etc/kubernetes/manifests /etc/kubernetes/pki/ca.crt /etc/kubernetes/admin.conf /var/lib/kubelet/config.yaml /var/lib/kubelet/kubeadm-flags.env && systemctl is-active kubelet containerd',
      ]);
      expect(cp.exitCode, cp.stdout + cp.stderr).toBe(0);
      expect(cp.stdout).toContain('kube-apiserver.yaml');
      const nodes = await provider.nodes();
      expect(nodes).toEqual([
        { name: CP, role: 'control-plane' },
        { name: WORKER, role: 'worker' },
      ]);
    });

    it('answers 401 to an anonymous kubelet request on the worker (kubeadm default)', async () => {
      const r = await provider.exec(WORKER, [
        'curl',
        '-sk',
        '-o',
        '/dev/null',
        '-w',
        '%{http_code}',
        'https://127.0.0.1:10250/pods',
      ]);
      expect(r.stdout.trim()).toBe('401');
    });

    it('runs a busybox Deployment on the worker; logs and exec work; pods on both nodes get addresses', async () => {
      const manifest = `
apiVersion: apps/v1
kind: Deployment
metadata: {name: hello, namespace: default}
spec:
  replicas: 1
  selector: {matchLabels: {app: hello}}
  template:
    metadata: {labels: {app: hello}}
    spec:
      nodeSelector: {kubernetes.io/hostname: ${WORKER}}
      terminationGracePeriodSeconds: 1
      containers:
      - name: hello
        image: busybox:lab
        imagePullPolicy: Never
        command: [sh, -c, 'echo hello-from-lab; trap "exit 0" TERM; while true; do sleep 1; done']
---
apiVersion: v1
kind: Pod
metadata: {name: on-cp, namespace: default}
spec:
  nodeName: ${CP}
  terminationGracePeriodSeconds: 1
  tolerations: [{operator: Exists}]
  containers:
  - name: c
    image: busybox:lab
    imagePullPolicy: Never
    command: [sh, -c, 'trap "exit 0" TERM; while true; do sleep 1; done']
`;
      const applied = await kubectl(['apply', '-f', '-'], manifest);
      expect(applied.exitCode, applied.stderr).toBe(0);
      const pod = await waitFor(
        'the hello pod Running on the worker',
        async () => {
          const r = await kubectl(['get', 'pods', '-l', 'app=hello', '-o', 'json']);
          const items = (
            JSON.parse(r.stdout) as {
              items: {
                metadata: { name: string };
                spec: { nodeName?: string };
                status: { phase?: string; podIP?: string };
              }[];
            }
          ).items;
          const running = items.find((p) => p.status.phase === 'Running');
          return running ? running : undefined;
        },
        120_000,
      );
      expect(pod.spec.nodeName).toBe(WORKER);
      expect(pod.status.podIP).toMatch(/^10\.244\./);
      const logs = await waitFor(
        'pod logs',
        async () => {
          const r = await kubectl(['logs', pod.metadata.name]);
          return r.stdout.includes('hello-from-lab') ? r.stdout : undefined;
        },
        30_000,
      );
      expect(logs).toContain('hello-from-lab');
      const ex = await kubectl(['exec', pod.metadata.name, '--', 'sh', '-c', 'echo exec-ok']);
      expect(ex.stdout.trim(), ex.stderr).toBe('exec-ok');
      const cpIp = await waitFor(
        'pod on the control plane',
        async () => {
          const r = await kubectl(['get', 'pod', 'on-cp', '-o', 'jsonpath={.status.phase} {.status.podIP}']);
          const [phase, ip] = r.stdout.trim().split(' ');
          return phase === 'Running' && ip ? ip : undefined;
        },
        120_000,
      );
      expect(cpIp).toMatch(/^10\.244\./);
      expect(cpIp.split('.').slice(0, 3).join('.')).not.toBe(
        pod.status.podIP?.split('.').slice(0, 3).join('.'),
      );
      // Cross-node pod traffic over the static routes.
      const ping = await kubectl([
        'exec',
        'on-cp',
        '--',
        'ping',
        '-c',
        '1',
        '-W',
        '3',
        pod.status.podIP ?? '',
      ]);
      expect(ping.exitCode, ping.stdout + ping.stderr).toBe(0);
    });

    it('survives `systemctl restart kubelet` on the worker and the node is Ready again', async () => {
      const pidBefore = (
        await provider.exec(WORKER, ['systemctl', 'show', '-p', 'MainPID', '--value', 'kubelet'])
      ).stdout.trim();
      const r = await provider.exec(WORKER, ['systemctl', 'restart', 'kubelet']);
      expect(r.exitCode, r.stderr).toBe(0);
      const pidAfter = (
        await provider.exec(WORKER, ['systemctl', 'show', '-p', 'MainPID', '--value', 'kubelet'])
      ).stdout.trim();
      expect(pidAfter).not.toBe(pidBefore);
      expect(Number(pidAfter)).toBeGreaterThan(0);
      await new Promise((res) => setTimeout(res, 3_000));
      await waitFor(
        'worker Ready after kubelet restart',
        async () => ((await nodeReady(WORKER)) ? true : undefined),
        120_000,
      );
      const active = await provider.exec(WORKER, ['systemctl', 'is-active', 'kubelet']);
      expect(active.stdout.trim()).toBe('active');
    });

    it('restarts the apiserver after a static-pod manifest edit and answers again with the new flag', async () => {
      const manifest = '/etc/kubernetes/manifests/kube-apiserver.yaml';
      const edit = await provider.exec(CP, [
        'sed',
        '-i',
        's/^\\(    - kube-apiserver\\)$/\\1\\n    - --profiling=false/',
        manifest,
      ]);
      expect(edit.exitCode, edit.stderr).toBe(0);
      const grep = await provider.exec(CP, ['grep', '-c', '--', '--profiling=false', manifest]);
      expect(grep.stdout.trim()).toBe('1');
      const args = await waitFor(
        'apiserver running with --profiling=false and /readyz ok',
        async () => {
          const ps = await provider.exec(CP, ['sh', '-c', 'ps -eo args | grep "^kube-apiserver" || true']);
          if (!ps.stdout.includes('--profiling=false')) return undefined;
          const ready = await kubectl(['get', '--raw', '/readyz'], undefined, 10_000);
          return ready.stdout.trim() === 'ok' ? ps.stdout : undefined;
        },
        180_000,
      );
      expect(args).toContain('--profiling=false');
    });
  },
);
