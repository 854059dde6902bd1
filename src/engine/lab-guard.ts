import path from 'node:path';

/**
 * The lab-only guard: every command that changes a cluster (setup, solution, reset, node edits)
 * first checks that its target is the app's own lab: the app's kubeconfig file, the lab's context,
 * and the server (and CA, when recorded) that `state.json` recorded when the lab was made.
 * A context elsewhere that reaches the very same server is still refused: it is not marked.
 *
 * The decision is here, pure; reading the kubeconfig and the lab's record is adapters/lab-target.ts.
 */

/** What the command is about to act on, as read from the kubeconfig it was given. */
export type GuardTarget = {
  /** The kubeconfig file, resolved (symlinks followed) when it exists. */
  readonly kubeconfigPath: string;
  /** The context the command will use (explicit, else the file's current-context). */
  readonly context: string | undefined;
  /** False when the file has no such context (or could not be read). */
  readonly contextFound: boolean;
  readonly server: string | undefined;
  readonly caFingerprint: string | undefined;
  /** Why the file could not be read, when it could not. */
  readonly unreadable?: string;
};

/** The app's record of its lab (state.json plus where its kubeconfig lives). */
export type LabRecord = {
  readonly cluster: string;
  readonly kubeconfigPath: string;
  readonly context: string;
  readonly server: string;
  readonly caFingerprint?: string;
};

export type GuardRefusal =
  | 'no-lab'
  | 'unreadable'
  | 'other-kubeconfig'
  | 'other-context'
  | 'missing-context'
  | 'other-server'
  | 'other-ca';

export type GuardDecision =
  | { readonly ok: true; readonly message: string }
  | { readonly ok: false; readonly reason: GuardRefusal; readonly message: string; readonly fix: string };

/** `https://127.0.0.1:6443/` and `https://127.0.0.1:6443` are the same server; case of the host does not matter. */
export function normalizeServer(server: string): string {
  try {
    const u = new URL(server);
    const port = u.port || (u.protocol === 'https:' ? '443' : u.protocol === 'http:' ? '80' : '');
    return `${u.protocol}//${u.hostname.toLowerCase()}:${port}${u.pathname.replace(/\/+$/, '')}`;
  } catch {
    return server.trim().replace(/\/+$/, '');
  }
}

/** The pure decision. `lab` is undefined when the app has no lab recorded. */
export function checkLabTarget(
  target: GuardTarget,
  lab: LabRecord | undefined,
  cluster: string,
): GuardDecision {
  const found = `context \`${target.context ?? '(none)'}\` in ${target.kubeconfigPath}`;
  if (!lab) {
    return {
      ok: false,
      reason: 'no-lab',
      message: `refusing: ${found} is not this app's lab (no lab \`${cluster}\` is recorded by this app)`,
      fix: 'Create the lab with `k8s-harden-lab up`, then try again.',
    };
  }
  const expected = `expected context \`${lab.context}\` in ${lab.kubeconfigPath}`;
  if (target.unreadable) {
    return {
      ok: false,
      reason: 'unreadable',
      message: `refusing: cannot read ${target.kubeconfigPath} (${target.unreadable}); ${expected}`,
      fix: 'Run `k8s-harden-lab up` to restore the lab kubeconfig.',
    };
  }
  if (path.resolve(target.kubeconfigPath) !== path.resolve(lab.kubeconfigPath)) {
    return {
      ok: false,
      reason: 'other-kubeconfig',
      message: `refusing: ${found} is not this app's lab (${expected})`,
      fix: 'The app only changes its own lab; it never uses $KUBECONFIG or ~/.kube/config.',
    };
  }
  if (target.context !== lab.context) {
    return {
      ok: false,
      reason: 'other-context',
      message: `refusing: ${found} is not this app's lab (${expected})`,
      fix: `Use the context \`${lab.context}\`; the app never acts on other contexts.`,
    };
  }
  if (!target.contextFound || !target.server) {
    return {
      ok: false,
      reason: 'missing-context',
      message: `refusing: ${target.kubeconfigPath} has no usable context \`${lab.context}\` (${expected})`,
      fix: 'Run `k8s-harden-lab up` to restore the lab kubeconfig.',
    };
  }
  if (normalizeServer(target.server) !== normalizeServer(lab.server)) {
    return {
      ok: false,
      reason: 'other-server',
      message: `refusing: ${found} points at ${target.server}, but this app's lab is at ${lab.server}`,
      fix: 'The lab kubeconfig was changed or the lab was re-made elsewhere; run `k8s-harden-lab down` and `k8s-harden-lab up`.',
    };
  }
  if (lab.caFingerprint && target.caFingerprint !== lab.caFingerprint) {
    return {
      ok: false,
      reason: 'other-ca',
      message: `refusing: ${found} trusts another cluster CA than the one recorded for this app's lab`,
      fix: 'The lab was re-made outside the app; run `k8s-harden-lab down` and `k8s-harden-lab up`.',
    };
  }
  return {
    ok: true,
    message: `context \`${lab.context}\` in ${lab.kubeconfigPath} is this app's lab (${lab.server})`,
  };
}
