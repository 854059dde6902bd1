import { EXIT, UserError } from '../errors.js';
import type { LifecycleIo } from '../ports.js';
import type { ClusterAccess } from '../probes/types.js';
import { type BaselineOptions, readBaseline, restoreBaseline } from './baseline.js';
import { ensureHealthy, type HealthOptions, labRunning, STUCK_AFTER_S, waitHealthy } from './health.js';
import { lifecycleOnNode } from './node-exec.js';

type NodeList = {
  items?: Array<{
    metadata?: { name?: string };
    spec?: { unschedulable?: boolean };
    status?: { conditions?: Array<{ type?: string; status?: string }> };
  }>;
};
type PodList = {
  items?: Array<{
    metadata?: {
      name?: string;
      namespace?: string;
      deletionTimestamp?: string;
      deletionGracePeriodSeconds?: number;
    };
  }>;
};

/**
 * `k8s-harden-lab repair`: brings a lab the learner broke back to health, in one command.
 *
 * 1. every node file of the lab's baseline goes back (lab/baseline.ts) and files that were not
 *    there go; 2. the kubelet restarts on every node (a crash-looping one was hit by a bad flag
 *    file); 3. the apiserver and every node come back Ready; 4. cordoned nodes are uncordoned;
 *    5. pods stuck terminating are removed (their kubelet was down, so nothing else would), which
 *    lets stuck namespaces finish; 6. the lab's health is checked and whatever is still wrong is
 *    said, with `repair --recreate` (a fresh lab) as the last step.
 */
export async function repairLab(
  access: ClusterAccess,
  io: LifecycleIo,
  options: BaselineOptions & { readonly health: HealthOptions },
  onLine: (line: string) => void,
): Promise<void> {
  const notRunning = await labRunning(access);
  if (notRunning)
    throw new UserError(
      notRunning,
      '`k8s-harden-lab up` starts it again; `k8s-harden-lab repair --recreate` makes a fresh lab',
      EXIT.lab,
    );
  const nodes = await access.provider.nodes();
  const baseline = readBaseline(access, io, nodes);
  const restart = new Set<string>();
  if (baseline) {
    for (const node of await restoreBaseline(access, io, baseline, options, onLine)) restart.add(node);
    if (restart.size === 0) onLine("the lab's node files are as they were at the baseline");
  } else
    onLine(
      'no baseline of the node files was kept for this lab (it is taken at the first setup); repairing the running state only',
    );
  // The kubelet restarts where its files changed, where it is not running and where the API says
  // the node is not Ready (never needlessly: a restart makes every pod of the node briefly unready).
  const ready = await io.kube.lab(access.kubeconfigPath).request('/api/v1/nodes', { timeoutMs: 10_000 });
  const readyNodes = new Set(
    ready.type === 'ok'
      ? ((ready.body as NodeList).items ?? [])
          .filter((n) => n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'))
          .map((n) => n.metadata?.name)
      : [],
  );
  for (const node of nodes) {
    const active = await access.provider.exec(node.name, ['systemctl', 'is-active', 'kubelet'], {
      timeoutMs: 20_000,
    });
    if (active.stdout.trim() !== 'active' || !readyNodes.has(node.name)) restart.add(node.name);
  }
  for (const node of restart) {
    onLine(`restarting the kubelet on ${node}`);
    await lifecycleOnNode(access.provider, io, node, 'restart_kubelet', [], 'restarting the kubelet');
  }
  await waitHealthy(access, io.kube, options.health, onLine);
  const api = io.kube.lab(access.kubeconfigPath);
  const listed = await api.request('/api/v1/nodes', { timeoutMs: 10_000 });
  if (listed.type === 'ok')
    for (const n of (listed.body as NodeList).items ?? [])
      if (n.spec?.unschedulable && n.metadata?.name) {
        onLine(`uncordoning ${n.metadata.name}`);
        const r = await api.request(`/api/v1/nodes/${encodeURIComponent(n.metadata.name)}`, {
          method: 'PATCH',
          contentType: 'application/merge-patch+json',
          body: { spec: { unschedulable: null } },
          timeoutMs: 10_000,
        });
        if (r.type !== 'ok') onLine(`could not uncordon ${n.metadata.name}: ${r.message}`);
      }
  const pods = await api.request('/api/v1/pods', { timeoutMs: 10_000 });
  const now = Date.now();
  if (pods.type === 'ok')
    for (const p of (pods.body as PodList).items ?? []) {
      const m = p.metadata ?? {};
      if (!m.deletionTimestamp || !m.name || !m.namespace) continue;
      const over = (now - Date.parse(m.deletionTimestamp)) / 1000 - (m.deletionGracePeriodSeconds ?? 30);
      if (over < STUCK_AFTER_S / 3) continue;
      onLine(`removing pod ${m.namespace}/${m.name}, stuck terminating`);
      await api.request(
        `/api/v1/namespaces/${encodeURIComponent(m.namespace)}/pods/${encodeURIComponent(m.name)}?gracePeriodSeconds=0`,
        { method: 'DELETE', timeoutMs: 10_000 },
      );
    }
  await ensureHealthy(
    access,
    io.kube,
    {
      ...options.health,
      when: 'after the repair',
      next: '`k8s-harden-lab repair --recreate` deletes this lab and makes a fresh one (progress is kept; scenarios set up on it must be started again)',
    },
    onLine,
  );
}
