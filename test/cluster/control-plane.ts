import type { LabProvider } from '../../src/adapters/lab/provider.js';

/** Polls `fn` every second until it returns a value; throws with the last error after `timeoutMs`. */
export async function waitFor<T>(
  what: string,
  fn: () => Promise<T | undefined>,
  timeoutMs: number,
): Promise<T> {
  const end = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < end) {
    try {
      const v = await fn();
      if (v !== undefined) return v;
    } catch (e) {
      last = e;
    }
    await new Promise((r) => setTimeout(r, 1_000));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
}

/**
 * How long the lab may take to settle after an apiserver restart. The controller-manager and
 * scheduler lose their leader lease while the apiserver is away and exit; the kubelet's crash-loop
 * back-off can hold them for up to five minutes before it starts them again.
 */
const SETTLE_TIMEOUT_MS = 480_000;

/**
 * Waits for a settled control plane (controller-manager and scheduler healthy on three checks in a
 * row) before the next file gets the shared lab.
 */
export async function waitControlPlaneSettled(provider: LabProvider, controlPlane: string): Promise<void> {
  let streak = 0;
  await waitFor(
    'controller-manager and scheduler healthy again',
    async () => {
      const r = await provider.exec(controlPlane, [
        'sh',
        '-c',
        'curl -sk -m 3 https://127.0.0.1:10257/healthz && echo && curl -sk -m 3 https://127.0.0.1:10259/healthz',
      ]);
      streak = r.stdout.split('\n').filter((l) => l.trim() === 'ok').length === 2 ? streak + 1 : 0;
      if (streak < 3) await new Promise((res) => setTimeout(res, 3_000));
      return streak >= 3 ? true : undefined;
    },
    SETTLE_TIMEOUT_MS,
  );
}

/**
 * A file's precondition on a shared cluster: the file before it may have restarted the apiserver,
 * and the kubelet reports the control plane's static pods Running again only a little after
 * /readyz answers. Waits until kube-apiserver, -controller-manager, -scheduler and etcd are each
 * Running and Ready, and the controller-manager and scheduler answer their health checks.
 */
export async function waitLabSettled(
  provider: LabProvider,
  kubeconfigPath: string,
  timeoutMs = SETTLE_TIMEOUT_MS,
): Promise<void> {
  const { runCommand } = await import('../../src/adapters/process/run.js');
  await waitFor(
    'the control plane pods Running and Ready',
    async () => {
      const r = await runCommand(
        provider.kubectlPath(),
        [
          '--kubeconfig',
          kubeconfigPath,
          '-n',
          'kube-system',
          'get',
          'pods',
          '-l',
          'tier=control-plane',
          '-o',
          'jsonpath={range .items[*]}{.metadata.labels.component}={.status.phase}/{.status.conditions[?(@.type=="Ready")].status} {end}',
        ],
        { timeoutMs: 10_000 },
      );
      const seen = new Map(
        r.stdout
          .trim()
          .split(' ')
          .map((kv) => kv.split('=') as [string, string]),
      );
      const all = ['kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'etcd'];
      return all.every((c) => seen.get(c) === 'Running/True') ? true : undefined;
    },
    timeoutMs,
  );
  await waitControlPlaneSettled(provider, `${provider.cluster}-control-plane`);
}
