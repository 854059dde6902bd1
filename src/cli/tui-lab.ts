import { spawnSync } from 'node:child_process';
import { readLabState } from '../adapters/lab/lab-state.js';
import type { RunTuiDeps } from '../ui/run-tui.js';
import { resolveNode } from './commands/lab-commands.js';
import { labCluster, makeProvider } from './lab-wiring.js';

/** What the TUI gets from the lab: its health for the status bar and node shells (`n`). */
export function tuiLabDeps(
  env: NodeJS.ProcessEnv = process.env,
): Pick<RunTuiDeps, 'labStatus' | 'nodeShell'> {
  const provider = () => {
    const state = readLabState(labCluster(env), env);
    return state ? makeProvider(state.provider, env, state.engine) : undefined;
  };
  return {
    labStatus: async () => {
      const p = provider();
      if (!p) return undefined;
      const s = await p.status();
      const healthy = s.exists && s.apiserverHealthy && s.nodes.length > 0 && s.nodes.every((n) => n.ready);
      const notReady = s.nodes.filter((n) => !n.ready).map((n) => n.name);
      return {
        provider: s.provider,
        cluster: s.cluster,
        health: !s.exists ? 'down' : healthy ? 'healthy' : 'degraded',
        ...(s.exists && !s.apiserverHealthy ? { detail: 'apiserver not answering' } : {}),
        ...(notReady.length > 0 ? { detail: `not Ready: ${notReady.join(', ')}` } : {}),
      };
    },
    nodeShell: async (ref: string) => {
      const p = provider();
      if (!p) throw new Error('there is no lab: run `k8s-harden-lab up` first');
      const { file, args } = p.shellCommand(await resolveNode(p, ref));
      process.stdout.write(`Shell on ${ref} — type exit to come back to k8s-harden-lab.\n`);
      spawnSync(file, [...args], { stdio: 'inherit' });
    },
  };
}
