import type { NodeReads } from '../ports.js';
import { resolveNode } from './nodes.js';
import { clusterIo, type ProbeContext } from './types.js';

export type { NodeReads as NodeBatch };

/**
 * The round's reads on a node (`control-plane`, `worker` or a name): one batch per node per
 * round, so however many checks read a node, a round costs one round trip to it. The transport
 * (the bash sent, the sections parsed) is the adapter's (adapters/cluster/node-batch.ts).
 */
export async function nodeBatch(context: ProbeContext, ref: string): Promise<NodeReads> {
  const name = await resolveNode(context, ref);
  const key = `node-batch:${name}`;
  let batch = context.roundCache.get(key) as Promise<NodeReads> | undefined;
  if (!batch) {
    const { provider, io } = clusterIo(context);
    batch = Promise.resolve(io.nodeReads(provider, name, context.signal));
    context.roundCache.set(key, batch);
  }
  return batch;
}
