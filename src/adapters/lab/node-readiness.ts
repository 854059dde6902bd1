import type { NodeRole, NodeStatus } from './provider.js';

type KubeNode = {
  metadata?: { name?: string; labels?: Record<string, string> };
  status?: {
    conditions?: { type?: string; status?: string }[];
    nodeInfo?: { kubeletVersion?: string };
  };
};

/**
 * Reads `kubectl get nodes -o json`. Undefined when the text is not a node list (the API server
 * answered something else, or nothing).
 */
export function parseNodeStatuses(json: string): NodeStatus[] | undefined {
  let doc: { items?: KubeNode[] };
  try {
    doc = JSON.parse(json) as { items?: KubeNode[] };
  } catch {
    return undefined;
  }
  if (!doc || !Array.isArray(doc.items)) return undefined;
  return doc.items.map((item) => {
    const labels = item.metadata?.labels ?? {};
    const role: NodeRole =
      'node-role.kubernetes.io/control-plane' in labels || 'node-role.kubernetes.io/master' in labels
        ? 'control-plane'
        : 'worker';
    const ready = (item.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
    return {
      name: item.metadata?.name ?? '',
      role,
      ready,
      version: item.status?.nodeInfo?.kubeletVersion ?? '',
    };
  });
}

/** True when `expected` nodes (at least) are listed and every one is Ready. */
export function allReady(nodes: readonly NodeStatus[] | undefined, expected: number): boolean {
  return nodes !== undefined && nodes.length >= expected && nodes.every((n) => n.ready);
}

/** "2/3 nodes Ready (not Ready: lab-worker2)" for progress lines. */
export function describeReadiness(nodes: readonly NodeStatus[] | undefined, expected: number): string {
  if (!nodes) return 'API server not answering yet';
  const ready = nodes.filter((n) => n.ready).length;
  const notReady = nodes.filter((n) => !n.ready).map((n) => n.name);
  const total = Math.max(expected, nodes.length);
  return `${ready}/${total} nodes Ready${notReady.length ? ` (not Ready: ${notReady.join(', ')})` : ''}`;
}
