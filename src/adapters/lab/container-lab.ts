import type { CommandResult } from '../process/run.js';
import type { ContainerNodes } from './container-nodes.js';
import type { ExecOptions, LabNode, NodeStatus } from './provider.js';

/**
 * Node access for a lab whose nodes are containers found by kind's labels, reached through the
 * container engine (`exec`, a shell, `cp`).
 */
export abstract class ContainerLab {
  constructor(
    readonly cluster: string,
    readonly nodesAccess: ContainerNodes,
  ) {}

  async nodes(): Promise<readonly LabNode[]> {
    return (await this.nodesAccess.list(this.cluster)).nodes;
  }

  exec(node: string, argv: readonly string[], options: ExecOptions = {}): Promise<CommandResult> {
    return this.nodesAccess.exec(node, argv, options);
  }

  shellCommand(node: string): { readonly file: string; readonly args: readonly string[] } {
    return this.nodesAccess.shellCommand(node);
  }

  copyTo(node: string, localPath: string, remotePath: string): Promise<CommandResult> {
    return this.nodesAccess.copyTo(node, localPath, remotePath);
  }

  copyFrom(node: string, remotePath: string, localPath: string): Promise<CommandResult> {
    return this.nodesAccess.copyFrom(node, remotePath, localPath);
  }
}

/** The listed node containers with readiness and version from the API (not Ready when it did not say). */
export function withReadiness(
  listed: readonly LabNode[],
  statuses: readonly NodeStatus[] | undefined,
): NodeStatus[] {
  const byName = new Map((statuses ?? []).map((s) => [s.name, s]));
  return listed.map((n) => ({
    ...n,
    ready: byName.get(n.name)?.ready ?? false,
    version: byName.get(n.name)?.version ?? '',
  }));
}
