import type { LabNode } from '../ports.js';
import type { ClusterAccess, ProbeContext } from './types.js';

/** The lab's nodes, listed once per round (the listing is a container-engine call). */
export function labNodes(context: ProbeContext): Promise<readonly LabNode[]> {
  const cluster = requireCluster(context);
  let pending = context.roundCache.get('lab:nodes') as Promise<readonly LabNode[]> | undefined;
  if (!pending) {
    pending = cluster.provider.nodes();
    context.roundCache.set('lab:nodes', pending);
  }
  return pending;
}

export function requireCluster(context: ProbeContext): ClusterAccess {
  if (!context.cluster) throw new Error('this check needs the lab cluster, but no lab is attached');
  return context.cluster;
}

/**
 * A node reference as scenarios write it: `control-plane` / `worker` (the first node of that role)
 * or a full node name. Node names are kind's on both providers, so the Kubernetes Node object has
 * the same name as the container.
 */
export function pickNode(nodes: readonly LabNode[], ref: string): LabNode | undefined {
  if (ref === 'control-plane' || ref === 'worker') return nodes.find((n) => n.role === ref);
  return nodes.find((n) => n.name === ref);
}

export async function resolveNode(context: ProbeContext, ref: string): Promise<string> {
  const nodes = await labNodes(context);
  const node = pickNode(nodes, ref);
  if (!node) {
    const known = nodes.map((n) => `${n.name} (${n.role})`).join(', ') || 'none';
    throw new Error(`the lab has no node "${ref}" (nodes: ${known})`);
  }
  return node.name;
}
