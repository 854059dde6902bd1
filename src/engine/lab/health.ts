import { EXIT, UserError } from '../errors.js';
import type { KubeClients } from '../ports.js';
import type { ClusterAccess } from '../probes/types.js';

export type HealthOptions = {
  readonly timeoutMs: number;
  readonly pollMs: number;
  readonly sleep: (ms: number) => Promise<void>;
  /** The clock (tests). */
  readonly now?: () => number;
};

type Condition = { type?: string; status?: string; reason?: string; message?: string };
type NodeList = {
  items?: Array<{
    metadata?: { name?: string; labels?: Record<string, string> };
    spec?: { unschedulable?: boolean };
    status?: { conditions?: Condition[] };
  }>;
};
type Meta = {
  name?: string;
  namespace?: string;
  deletionTimestamp?: string;
  deletionGracePeriodSeconds?: number;
  labels?: Record<string, string>;
};
type PodList = {
  items?: Array<{
    metadata?: Meta;
    spec?: { nodeName?: string };
    status?: {
      conditions?: Condition[];
      containerStatuses?: Array<{ state?: { waiting?: { reason?: string } } }>;
    };
  }>;
};
type NamespaceList = { items?: Array<{ metadata?: Meta }> };

/**
 * What is wrong with the lab, in words; `lasting` problems do not go away by waiting (a cordon).
 * `backOff`: a control-plane component the kubelet keeps down in crash-loop back-off.
 */
export type LabProblem = {
  readonly what: string;
  readonly lasting: boolean;
  readonly backOff?: { readonly node: string; readonly component: string };
};

/** How long a deletion may take before it counts as stuck (beyond a pod's own grace period). */
export const STUCK_AFTER_S = 90;
const CONTROL_PLANE = ['etcd', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler'];

const age = (timestamp: string | undefined, now: number) =>
  timestamp ? Math.round((now - Date.parse(timestamp)) / 1000) : 0;

/**
 * The lab's health, as a list of problems (none: healthy): the lab is running, the apiserver
 * answers /readyz, every node is Ready and schedulable (not cordoned), nothing has been
 * terminating for longer than it should, and every control-plane component (etcd, apiserver,
 * controller-manager, scheduler) runs Ready on each control-plane node.
 */
export async function labProblems(
  access: ClusterAccess,
  kube: KubeClients,
  now: number = Date.now(),
): Promise<LabProblem[]> {
  const api = kube.lab(access.kubeconfigPath);
  const ready = await api.request('/readyz', { timeoutMs: 5_000 });
  if (ready.type !== 'ok') {
    const running = await labRunning(access);
    if (running) return [{ what: running, lasting: true }];
    return [{ what: `the apiserver does not answer /readyz (${ready.message})`, lasting: false }];
  }
  const problems: LabProblem[] = [];
  const nodes = await api.request('/api/v1/nodes', { timeoutMs: 5_000 });
  const controlPlanes: string[] = [];
  if (nodes.type === 'ok') {
    for (const n of (nodes.body as NodeList).items ?? []) {
      const name = n.metadata?.name ?? '?';
      if ('node-role.kubernetes.io/control-plane' in (n.metadata?.labels ?? {})) controlPlanes.push(name);
      const cond = n.status?.conditions?.find((c) => c.type === 'Ready');
      if (cond?.status !== 'True')
        problems.push({
          what: `node ${name} is not Ready${cond?.message ? ` (${cond.message})` : ''}`,
          lasting: false,
        });
      if (n.spec?.unschedulable)
        problems.push({
          what: `node ${name} is cordoned (unschedulable): new pods cannot go there`,
          lasting: true,
        });
    }
  } else problems.push({ what: `the nodes cannot be listed (${nodes.message})`, lasting: false });
  const namespaces = await api.request('/api/v1/namespaces', { timeoutMs: 5_000 });
  if (namespaces.type === 'ok')
    for (const ns of (namespaces.body as NamespaceList).items ?? []) {
      const s = age(ns.metadata?.deletionTimestamp, now);
      if (ns.metadata?.deletionTimestamp && s > STUCK_AFTER_S)
        problems.push({
          what: `namespace ${ns.metadata.name} has been terminating for ${s} s`,
          lasting: false,
        });
    }
  const pods = await api.request('/api/v1/pods', { timeoutMs: 10_000 });
  if (pods.type === 'ok') {
    const items = (pods.body as PodList).items ?? [];
    for (const p of items) {
      const m = p.metadata ?? {};
      const s = age(m.deletionTimestamp, now) - (m.deletionGracePeriodSeconds ?? 30);
      if (m.deletionTimestamp && s > STUCK_AFTER_S)
        problems.push({
          what: `pod ${m.namespace}/${m.name} has been terminating for ${s} s past its grace period${p.spec?.nodeName ? ` (on ${p.spec.nodeName})` : ''}`,
          lasting: false,
        });
    }
    for (const node of controlPlanes)
      for (const component of CONTROL_PLANE) {
        const pod = items.find(
          (p) =>
            p.metadata?.namespace === 'kube-system' &&
            p.metadata.labels?.component === component &&
            p.spec?.nodeName === node,
        );
        const podReady = pod?.status?.conditions?.find((c) => c.type === 'Ready')?.status === 'True';
        if (!podReady) {
          const waiting = pod?.status?.containerStatuses?.[0]?.state?.waiting?.reason;
          problems.push({
            what: `${component} on ${node} is ${pod ? 'not Ready' : 'not running'}${waiting ? ` (${waiting})` : ''}`,
            lasting: false,
            ...(waiting === 'CrashLoopBackOff' ? { backOff: { node, component } } : {}),
          });
        }
      }
  }
  return problems;
}

/** Why the recorded lab is not running (its containers are gone or its engine is down), or undefined. */
export async function labRunning(access: ClusterAccess): Promise<string | undefined> {
  const status = await access.provider
    .status()
    .catch((error: Error) => ({ exists: false, detail: error.message }));
  if (status.exists) return undefined;
  return `the lab cluster "${access.provider.cluster}" is recorded but not running${status.detail ? `: ${status.detail}` : ' (its nodes are gone)'}`;
}

/** The one-command repair offered with every health problem. */
export const REPAIR_NEXT =
  "run `k8s-harden-lab repair` (puts back the lab's node files, restarts the kubelets, uncordons nodes, clears stuck pods); if the lab stays unhealthy, `k8s-harden-lab repair --recreate` makes a fresh lab";

/**
 * Polls labProblems until there are none; a lasting problem (a cordon, a lab that is not
 * running) ends the wait at once. Throws a UserError naming every problem, with the repair.
 */
export async function ensureHealthy(
  access: ClusterAccess,
  kube: KubeClients,
  options: HealthOptions & { readonly when: string; readonly next?: string },
  onLine: (line: string) => void,
): Promise<void> {
  const now = options.now ?? Date.now;
  const started = now();
  const nudged = new Set<string>();
  let said = '';
  for (;;) {
    const problems = await labProblems(access, kube);
    if (problems.length === 0) {
      onLine(
        `lab healthy ${options.when} (apiserver ready, nodes Ready and schedulable, control plane settled)`,
      );
      return;
    }
    const timedOut = now() - started > options.timeoutMs;
    if (timedOut || problems.some((p) => p.lasting))
      throw new UserError(
        `the lab is not healthy ${options.when}: ${problems.map((p) => p.what).join('; ')}`,
        options.next ?? REPAIR_NEXT,
        EXIT.lab,
      );
    const line = `waiting for the lab to settle: ${problems.map((p) => p.what).join('; ')}`;
    if (line !== said) onLine(line);
    said = line;
    if (now() - started >= BACK_OFF_NUDGE_AFTER_MS) await nudgeBackOff(access, problems, nudged, onLine);
    await options.sleep(options.pollMs);
  }
}

/** How long a component may wait out its back-off on its own before the kubelet is restarted. */
export const BACK_OFF_NUDGE_AFTER_MS = 30_000;

/**
 * controller-manager and scheduler exit when the apiserver goes away (they lose their lease)
 * and the kubelet then holds them in crash-loop back-off, up to five minutes, long after the
 * apiserver is back. The back-off lives in the kubelet's memory, so restarting that kubelet once
 * (static pods keep running) starts them at once. Only with the apiserver ready, once per node.
 */
async function nudgeBackOff(
  access: ClusterAccess,
  problems: readonly LabProblem[],
  nudged: Set<string>,
  onLine: (line: string) => void,
): Promise<void> {
  if (problems.some((p) => p.what.startsWith('the apiserver'))) return;
  for (const p of problems) {
    if (!p.backOff || nudged.has(p.backOff.node)) continue;
    nudged.add(p.backOff.node);
    onLine(
      `restarting the kubelet on ${p.backOff.node}: ${p.backOff.component} is waiting out its crash-loop back-off, which the kubelet keeps in memory`,
    );
    await access.provider.exec(p.backOff.node, ['systemctl', 'restart', 'kubelet'], { timeoutMs: 60_000 });
  }
}

/** Waits for apiserver /readyz, then every node Ready; a progress line whenever what it waits for changes. */
export async function waitHealthy(
  access: ClusterAccess,
  kube: KubeClients,
  options: HealthOptions,
  onLine: (line: string) => void,
): Promise<void> {
  const started = Date.now();
  const api = () => kube.lab(access.kubeconfigPath);
  let said = '';
  const say = (line: string) => {
    if (line !== said) onLine(line);
    said = line;
  };
  for (;;) {
    const ready = await api().request('/readyz', { timeoutMs: 5_000 });
    if (ready.type === 'ok') {
      const nodes = await api().request('/api/v1/nodes', { timeoutMs: 5_000 });
      if (nodes.type === 'ok') {
        const items = (nodes.body as NodeList).items ?? [];
        const notReady = items
          .filter((n) => n.status?.conditions?.find((c) => c.type === 'Ready')?.status !== 'True')
          .map((n) => n.metadata?.name);
        if (notReady.length === 0) {
          onLine(
            `cluster healthy (apiserver ready, ${items.length} node(s) Ready) after ${Math.round((Date.now() - started) / 1000)} s`,
          );
          return;
        }
        say(`waiting for node(s) ${notReady.join(', ')} to be Ready`);
      }
    } else say('waiting for the apiserver (/readyz)');
    if (Date.now() - started > options.timeoutMs)
      throw new UserError(
        `the lab did not become healthy within ${Math.round(options.timeoutMs / 1000)} s after the reset`,
        'run `k8s-harden-lab status`; if it stays unhealthy, `k8s-harden-lab down` and `up` make a fresh lab',
        EXIT.lab,
      );
    await options.sleep(options.pollMs);
  }
}
