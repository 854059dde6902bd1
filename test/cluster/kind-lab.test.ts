import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { readLabState } from '../../src/adapters/lab/lab-state.js';
import { existingLab } from '../../src/adapters/lab/registry.js';
import { runCommand } from '../../src/adapters/process/run.js';
import { waitControlPlaneSettled, waitFor, waitLabSettled } from './control-plane.js';
import { labEnv, myCluster } from './tier.js';

/**
 * Cluster tier, the lab itself: the kind cluster this worker owns (global-setup.ts made it through
 * the app's own `up`). What the scenarios stand on is proven here on the real lab: kind's node
 * shape, crictl, Services and DNS through kube-proxy and CoreDNS, NetworkPolicy enforced by
 * kube-router, and the GoBGP gRPC port closed to pods. Every test leaves the lab as it found it.
 */
const CLUSTER = myCluster();
const WORKER = `${CLUSTER}-worker`;
const CP = `${CLUSTER}-control-plane`;
const IMAGE = 'k8s-harden-lab.local/busybox:lab';

const unavailable = inject('labUnavailable');

describe.skipIf(unavailable !== '')(
  `kind lab ${CLUSTER} (Kubernetes v1.34, 1 control plane + 1 worker)`,
  () => {
    const env = labEnv();
    const found = existingLab(env);
    if (!found) throw new Error(`no lab ${CLUSTER} under ${env.K8S_HARDEN_LAB_HOME}`);
    const provider = found;
    const offline = readLabState(CLUSTER, env)?.engine === 'lab';
    const image = offline ? IMAGE : 'busybox:1.36';

    const kubectl = (args: string[], input?: string, timeoutMs = 60_000) =>
      runCommand(provider.kubectlPath(), ['--kubeconfig', provider.kubeconfigPath(), ...args], {
        timeoutMs,
        ...(input === undefined ? {} : { input }),
      });

    async function nodeReady(name: string): Promise<boolean> {
      const s = await provider.status();
      return s.nodes.some((n) => n.name === name && n.ready);
    }

    // The file before this one on the shared lab may have restarted the apiserver; the
    // controller-manager (which makes each namespace's default ServiceAccount) may still be
    // starting again, as CI saw once: the pods were refused for want of that account.
    beforeAll(async () => {
      await waitLabSettled(provider, provider.kubeconfigPath());
    }, 600_000);

    afterAll(async () => {
      // Leave the lab as found: no test workloads, the apiserver manifest without the flag.
      await kubectl(['delete', 'namespace', 'khl-lab-test', '--ignore-not-found', '--wait=false']);
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

    it('has both nodes Ready at v1.34, a healthy apiserver and the app-owned kubeconfig', async () => {
      const s = await provider.status();
      expect(s.exists).toBe(true);
      expect(s.apiserverHealthy).toBe(true);
      expect(s.nodes.map((n) => [n.name, n.role, n.ready])).toEqual([
        [CP, 'control-plane', true],
        [WORKER, 'worker', true],
      ]);
      for (const n of s.nodes) expect(n.version).toMatch(/^v1\.34\.\d+$/);
      expect(s.kubeconfigPath.startsWith(env.K8S_HARDEN_LAB_HOME ?? '')).toBe(true);
      const state = readLabState(CLUSTER, env);
      expect(state?.provider).toBe('kind');
      expect(state?.context).toBe(CLUSTER);
      expect(state?.server).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
      expect(state?.caFingerprint).toMatch(/^[0-9a-f]{64}$/);
      const ctx = await kubectl(['config', 'current-context']);
      expect(ctx.stdout.trim()).toBe(CLUSTER);
      const version = await kubectl(['version', '-o', 'json']);
      const v = JSON.parse(version.stdout) as {
        clientVersion: { gitVersion: string };
        serverVersion: { gitVersion: string };
      };
      expect(v.serverVersion.gitVersion).toMatch(/^v1\.34\./);
      if (offline) expect(v.clientVersion.gitVersion).toBe(v.serverVersion.gitVersion);
    });

    it('reports a running lab on a second up and changes nothing', async () => {
      const r = await provider.create({ workers: 1 });
      expect(r).toMatchObject({ ok: true, changed: false });
    });

    it('has kind-shaped nodes: paths, systemd units, labels; crictl shows the apiserver and its log', async () => {
      const cp = await provider.exec(CP, [
        'sh',
        '-c',
        'ls /etc/kubernetes/manifests /etc/kubernetes/pki/ca.crt /etc/kubernetes/admin.conf /etc/kubernetes/super-admin.conf /var/lib/kubelet/config.yaml /var/lib/kubelet/kubeadm-flags.env /etc/default/kubelet /kind/kubeadm.conf && systemctl is-active kubelet containerd',
      ]);
      expect(cp.exitCode, cp.stdout + cp.stderr).toBe(0);
      expect(cp.stdout).toContain('kube-apiserver.yaml');
      expect(await provider.nodes()).toEqual([
        { name: CP, role: 'control-plane' },
        { name: WORKER, role: 'worker' },
      ]);
      const ps = await provider.exec(CP, ['crictl', 'ps', '-a', '--name', 'kube-apiserver', '-o', 'json']);
      expect(ps.exitCode, ps.stderr).toBe(0);
      const containers = (JSON.parse(ps.stdout) as { containers: { id: string; state: string }[] })
        .containers;
      const running = containers.find((c) => c.state === 'CONTAINER_RUNNING');
      expect(running, ps.stdout).toBeDefined();
      const logs = await provider.exec(CP, ['crictl', 'logs', '--tail', '200', running?.id ?? '']);
      expect(logs.exitCode, logs.stderr).toBe(0);
      // The apiserver logs to stderr; crictl passes both streams through.
      expect(`${logs.stdout}${logs.stderr}`).toMatch(/\S/);
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

    // Pods for the network tests: a web server on the worker, a client on each node.
    const namespace = 'apiVersion: v1\nkind: Namespace\nmetadata: {name: khl-lab-test}\n';
    const manifest = () => `
apiVersion: v1
kind: Pod
metadata: {name: web, namespace: khl-lab-test, labels: {app: web}}
spec:
  nodeName: ${WORKER}
  terminationGracePeriodSeconds: 1
  containers:
  - name: web
    image: ${image}
    imagePullPolicy: IfNotPresent
    command: [sh, -c, 'mkdir -p /www/cgi-bin && echo hello-from-web > /www/index.html && printf "#!/bin/sh\\necho Content-Type: text/plain\\necho\\necho \\$REMOTE_ADDR\\n" > /www/cgi-bin/ip && chmod +x /www/cgi-bin/ip && exec httpd -f -p 8080 -h /www']
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: khl-lab-test}
spec:
  selector: {app: web}
  ports: [{port: 80, targetPort: 8080}]
---
apiVersion: v1
kind: Pod
metadata: {name: client, namespace: khl-lab-test, labels: {app: client}}
spec:
  nodeName: ${CP}
  tolerations: [{operator: Exists}]
  terminationGracePeriodSeconds: 1
  containers:
  - name: c
    image: ${image}
    imagePullPolicy: IfNotPresent
    command: [sh, -c, 'trap "exit 0" TERM; while true; do sleep 1; done']
---
apiVersion: v1
kind: Pod
metadata: {name: other, namespace: khl-lab-test, labels: {app: other}}
spec:
  nodeName: ${WORKER}
  terminationGracePeriodSeconds: 1
  containers:
  - name: c
    image: ${image}
    imagePullPolicy: IfNotPresent
    command: [sh, -c, 'trap "exit 0" TERM; while true; do sleep 1; done']
`;
    /** wget from a test pod (busybox wget; its -T flag crashes Debian's busybox 1.35, so `timeout`). */
    const fetchFrom = (pod: string, url: string) =>
      kubectl(
        ['-n', 'khl-lab-test', 'exec', pod, '--', 'timeout', '4', 'wget', '-qO-', url],
        undefined,
        30_000,
      );

    it('runs pods on both nodes; a pod resolves a Service name and connects through its ClusterIP', async () => {
      // Pods are refused until the controller-manager has made the namespace's default account.
      const ns = await kubectl(['apply', '-f', '-'], namespace);
      expect(ns.exitCode, ns.stderr).toBe(0);
      const account = await kubectl(
        ['-n', 'khl-lab-test', 'wait', '--for=create', 'serviceaccount/default', '--timeout=120s'],
        undefined,
        130_000,
      );
      expect(account.exitCode, account.stderr).toBe(0);
      const applied = await kubectl(['apply', '-f', '-'], manifest());
      expect(applied.exitCode, applied.stderr).toBe(0);
      const ready = await kubectl(
        [
          '-n',
          'khl-lab-test',
          'wait',
          '--for=condition=Ready',
          'pod/web',
          'pod/client',
          'pod/other',
          '--timeout=180s',
        ],
        undefined,
        200_000,
      );
      expect(ready.exitCode, ready.stderr).toBe(0);
      const ips = await kubectl([
        '-n',
        'khl-lab-test',
        'get',
        'pods',
        '-o',
        'jsonpath={range .items[*]}{.spec.nodeName} {.status.podIP}{"\\n"}{end}',
      ]);
      for (const line of ips.stdout.trim().split('\n')) expect(line).toMatch(/ 10\.244\.\d+\.\d+$/);
      const clusterIp = (
        await kubectl(['-n', 'khl-lab-test', 'get', 'svc', 'web', '-o', 'jsonpath={.spec.clusterIP}'])
      ).stdout.trim();
      expect(clusterIp).toMatch(/^10\.96\./);
      // DNS: the Service name resolves to its ClusterIP (CoreDNS), from a pod on the other node.
      const lookup = await waitFor(
        'web.khl-lab-test.svc.cluster.local to resolve',
        async () => {
          const r = await kubectl([
            '-n',
            'khl-lab-test',
            'exec',
            'client',
            '--',
            'nslookup',
            'web.khl-lab-test.svc.cluster.local',
          ]);
          return r.exitCode === 0 && r.stdout.includes(clusterIp) ? r.stdout : undefined;
        },
        90_000,
      );
      expect(lookup).toContain(clusterIp);
      // …and a connection to the name goes through the ClusterIP (kube-proxy) to the pod on the worker.
      const viaName = await waitFor(
        'http://web answered through the Service',
        async () => {
          const r = await fetchFrom('client', 'http://web');
          return r.stdout.includes('hello-from-web') ? r.stdout : undefined;
        },
        60_000,
      );
      expect(viaName).toContain('hello-from-web');
      expect((await fetchFrom('client', `http://${clusterIp}`)).stdout).toContain('hello-from-web');
    });

    it("keeps a pod's own address from one node to a pod on the other (no NAT between pods)", async () => {
      // A NetworkPolicy allows pods by label, i.e. by their addresses: pod-to-pod traffic that left
      // its node masqueraded (kube-router v2.1.0's pod egress, with a stale set of pod ranges)
      // arrived from the node's address and no allow rule ever matched it.
      const ipOf = async (pod: string) =>
        (
          await kubectl(['-n', 'khl-lab-test', 'get', 'pod', pod, '-o', 'jsonpath={.status.podIP}'])
        ).stdout.trim();
      const webIp = await ipOf('web');
      const seen = async (pod: string) =>
        (await fetchFrom(pod, `http://${webIp}:8080/cgi-bin/ip`)).stdout.replace(/[[\]\s]|::ffff:/g, '');
      expect(await seen('client')).toBe(await ipOf('client'));
      expect(await seen('other')).toBe(await ipOf('other'));
    });

    it('enforces NetworkPolicy: default-deny ingress blocks pod to pod, an allow rule reopens it for one app', async () => {
      const webIp = (
        await kubectl(['-n', 'khl-lab-test', 'get', 'pod', 'web', '-o', 'jsonpath={.status.podIP}'])
      ).stdout.trim();
      expect(webIp).toMatch(/^10\.244\./);
      // Before any policy: both the cross-node client and the same-node pod get through.
      expect((await fetchFrom('client', `http://${webIp}:8080`)).stdout).toContain('hello-from-web');
      expect((await fetchFrom('other', `http://${webIp}:8080`)).stdout).toContain('hello-from-web');
      const deny = await kubectl(
        ['apply', '-f', '-'],
        'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: default-deny, namespace: khl-lab-test}\nspec: {podSelector: {}, policyTypes: [Ingress]}\n',
      );
      expect(deny.exitCode, deny.stderr).toBe(0);
      // kube-router applies a policy in seconds; on a machine under heavy load it can take a minute.
      await waitFor(
        'the default-deny policy to drop the connection',
        async () => ((await fetchFrom('client', `http://${webIp}:8080`)).exitCode !== 0 ? true : undefined),
        180_000,
      );
      const blocked = await fetchFrom('other', `http://${webIp}:8080`);
      expect(blocked.exitCode, blocked.stdout).not.toBe(0);
      expect(blocked.stdout).not.toContain('hello-from-web');
      const allow = await kubectl(
        ['apply', '-f', '-'],
        'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: allow-client, namespace: khl-lab-test}\nspec:\n  podSelector: {matchLabels: {app: web}}\n  ingress: [{from: [{podSelector: {matchLabels: {app: client}}}], ports: [{port: 8080}]}]\n',
      );
      expect(allow.exitCode, allow.stderr).toBe(0);
      // kube-router resyncs every minute (--iptables-sync-period=1m) besides reacting to the event;
      // on a 2-core machine running three clusters one allow rule once took over 3 minutes (seen
      // twice in the tier, never on a quiet machine). If it times out, the failure says what
      // kube-router was doing, so the next one can be told from a lab defect.
      const reopened = await waitFor(
        'the allow rule to let the client in',
        async () => {
          const r = await fetchFrom('client', `http://${webIp}:8080`);
          return r.stdout.includes('hello-from-web') ? r.stdout : undefined;
        },
        300_000,
      ).catch(async (error: unknown) => {
        const pods = await kubectl([
          '-n',
          'kube-system',
          'get',
          'pods',
          '-l',
          'k8s-app=kube-router',
          '-o',
          'wide',
        ]);
        const logs = await kubectl([
          '-n',
          'kube-system',
          'logs',
          '-l',
          'k8s-app=kube-router',
          '--tail=15',
          '--prefix',
        ]);
        const policies = await kubectl([
          '-n',
          'khl-lab-test',
          'get',
          'networkpolicy,pods',
          '-o',
          'wide',
          '--show-labels',
        ]);
        throw new Error(
          `${(error as Error).message}\nkube-router pods:\n${pods.stdout}${pods.stderr}\nkube-router logs:\n${logs.stdout}${logs.stderr}\npolicies and pods:\n${policies.stdout}`,
        );
      });
      expect(reopened).toContain('hello-from-web');
      // Only the client: the other pod is still dropped.
      expect((await fetchFrom('other', `http://${webIp}:8080`)).exitCode).not.toBe(0);
      await kubectl(['-n', 'khl-lab-test', 'delete', 'networkpolicy', '--all']);
    });

    it("keeps kube-router's GoBGP gRPC port (50051) closed to pods and other nodes, open to the node itself", async () => {
      if (!offline) return; // only the offline image ships kube-router
      const nodeIps = (
        await kubectl([
          'get',
          'nodes',
          '-o',
          'jsonpath={range .items[*]}{.status.addresses[?(@.type=="InternalIP")].address} {end}',
        ])
      ).stdout
        .trim()
        .split(' ');
      expect(nodeIps).toHaveLength(2);
      for (const ip of nodeIps) {
        const r = await kubectl([
          '-n',
          'khl-lab-test',
          'exec',
          'other',
          '--',
          'nc',
          '-z',
          '-w',
          '2',
          ip,
          '50051',
        ]);
        expect(r.exitCode, `pod -> ${ip}:50051`).not.toBe(0);
      }
      const local = await provider.exec(WORKER, ['nc', '-z', '-w', '2', '127.0.0.1', '50051']);
      expect(local.exitCode, 'the node itself still reaches its GoBGP API').toBe(0);
      const cpIp = (
        await provider.exec(CP, ['sh', '-c', "ip -4 -o addr show eth0 | awk '{print $4}' | cut -d/ -f1"])
      ).stdout.trim();
      const fromWorker = await provider.exec(WORKER, ['nc', '-z', '-w', '2', cpIp, '50051']);
      expect(fromWorker.exitCode, 'worker -> control plane :50051').not.toBe(0);
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
