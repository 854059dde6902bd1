import { EXIT, UserError } from '../errors.js';
import type { KubeClients } from '../ports.js';
import type { ClusterAccess } from '../probes/types.js';

export type HealthOptions = {
  readonly timeoutMs: number;
  readonly pollMs: number;
  readonly sleep: (ms: number) => Promise<void>;
};

type NodeList = {
  items?: Array<{
    metadata?: { name?: string };
    status?: { conditions?: Array<{ type?: string; status?: string }> };
  }>;
};

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
