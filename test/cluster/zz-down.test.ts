import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { HostLabProvider } from '../../src/adapters/lab/host-provider.js';

/**
 * Last file of the cluster tier (the sequencer sorts by path): when the tier made the lab, remove
 * it and prove that nothing of it is left — no node containers, no bridge or veths, no network
 * namespaces, no mounts, no processes, no state folder. A lab the tier found running is left alone
 * (KHL_KEEP_LAB=1 keeps a lab the tier made, for debugging).
 */
const CLUSTER = 'k8s-harden-lab';
const unavailable = inject('labUnavailable');
const createdByTier = inject('labCreatedByTier');

describe.skipIf(unavailable !== '' || !createdByTier || Boolean(process.env.KHL_KEEP_LAB))(
  'host lab down',
  () => {
    it('removes everything the lab made and keeps the build cache', async () => {
      const home = inject('labHome');
      const provider = new HostLabProvider({
        cluster: CLUSTER,
        env: { ...process.env, K8S_HARDEN_LAB_HOME: home },
      });
      const started = Date.now();
      const r = await provider.delete();
      expect(r.ok, JSON.stringify(r)).toBe(true);
      process.stdout.write(
        `[cluster tier] host lab down in ${Math.round((Date.now() - started) / 1000)} s\n`,
      );

      // State folder gone; status says there is no lab.
      expect(fs.existsSync(path.join(home, 'labs', CLUSTER))).toBe(false);
      const s = await provider.status();
      expect(s.exists).toBe(false);

      // No bridge, veth or other link of ours; no network namespaces of our engine.
      const links = execFileSync('ip', ['-o', 'link', 'show']).toString();
      expect(links).not.toMatch(/khl-br0|veth/);
      expect(fs.existsSync('/run/k8s-harden-lab')).toBe(false);

      // No mounts under our roots (overlay layers, netns handles, node volumes).
      const mounts = fs
        .readFileSync('/proc/self/mountinfo', 'utf8')
        .split('\n')
        .filter((l) => /k8s-harden-lab/.test(l));
      expect(mounts).toEqual([]);

      // No processes of ours: engine, node systemd/containerd/kubelet, control plane, pods.
      const ps = execFileSync('ps', ['-eo', 'pid,args']).toString().split('\n');
      const ours = ps.filter(
        (l) =>
          /run\/k8s-harden-lab|\bkubelet\b|kube-apiserver|kube-controller|kube-scheduler|\betcd --|containerd-shim|\/pause$/.test(
            l,
          ) && !/vitest|ps -eo/.test(l),
      );
      expect(ours).toEqual([]);

      // No cgroups of our nodes left behind.
      expect(fs.existsSync('/sys/fs/cgroup/memory/k8s-harden-lab')).toBe(false);

      // The build cache stays, so the next `up` is warm.
      expect(fs.existsSync('/var/cache/k8s-harden-lab/k8s/current/bin/kubeadm')).toBe(true);
    });
  },
);
