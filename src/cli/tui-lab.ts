import { log } from '../adapters/log.js';
import { describeError, EXIT, UserError } from '../engine/errors.js';
import type { RecordPort } from '../engine/ports.js';
import type { TuiLabOffers as RunTuiDeps } from './compose.js';
import { lazyLifecycle } from './compose.js';
import { openNodeShell } from './shells.js';

// The lab providers (kind, the container engines, the offline build, http/https) load on first
// use, not before the home screen's first frame: nothing below is called to draw it.
const registry = () => import('../adapters/lab/registry.js');
const labAccess = () => import('./lab-access.js');

/**
 * What the TUI gets from the lab: its health for the status bar, node shells (`n`), creating it
 * (the lab screen), the same way `k8s-harden-lab up` does with its defaults (1 worker), and the
 * cluster watch's keeping and restoring of the last working apiserver manifest (through the guard).
 */
export function tuiLabDeps(
  env: NodeJS.ProcessEnv = process.env,
  recording?: {
    readonly record: RecordPort;
    /** The running attempt of a scenario (its start), for the commands of a node shell. */
    readonly attempt: (scenarioId: string) => string | null;
  },
): Pick<RunTuiDeps, 'labStatus' | 'nodeShell' | 'createLab' | 'clusterLab'> {
  const lifecycle = lazyLifecycle(env);
  const provider = async () => (await registry()).labFor(env)?.provider;
  return {
    labStatus: async () => {
      const p = await provider();
      if (!p) return undefined;
      const s = await p.status();
      const healthy = s.exists && s.apiserverHealthy && s.nodes.length > 0 && s.nodes.every((n) => n.ready);
      const notReady = s.nodes.filter((n) => !n.ready).map((n) => n.name);
      return {
        provider: s.provider,
        cluster: s.cluster,
        health: !s.exists ? 'down' : healthy ? 'healthy' : 'degraded',
        ...labDetail(s.exists && !s.apiserverHealthy, notReady),
      };
    },
    createLab: async (onStep, signal) => {
      try {
        const p = await (await import('./lab-wiring.js')).providerForCommand({}, env);
        const available = await p.available();
        if (!available.ok)
          return {
            ok: false,
            step: `check that the ${p.kind} lab can run here`,
            message: `${available.reason}. Next: ${available.fix}`,
          };
        return await p.create({ workers: 1, onStep, signal });
      } catch (error) {
        // No lab can run here (providerForCommand says what to install), or a bug: both end the
        // screen, in the words describeError gives everywhere else (a bug names the debug log).
        const d = describeError(error, log.path());
        return {
          ok: false,
          step: error instanceof UserError ? 'choose a lab' : 'create the lab',
          message: d.line,
        };
      }
    },
    clusterLab: {
      saveLastGood: async () =>
        (await lifecycle()).saveLastGoodManifest(await (await labAccess()).resolveLab({ env })),
      restoreLastGood: async (onLine) =>
        (await lifecycle()).restoreLastGoodManifest(await (await labAccess()).resolveLab({ env }), onLine),
    },
    nodeShell: async (ref: string, scenarioId?: string) => {
      const p = await provider();
      if (!p) throw new UserError('there is no lab', 'run `k8s-harden-lab up` first', EXIT.lab);
      const owner =
        recording && scenarioId
          ? { scenario: scenarioId, attempt: recording.attempt(scenarioId) }
          : undefined;
      const { resolveNode } = await import('./commands/lab-commands.js');
      await openNodeShell(p, await resolveNode(p, ref), ref, recording?.record, owner);
    },
  };
}

/** The status bar's detail: both facts when both hold (one used to overwrite the other). */
function labDetail(apiserverDown: boolean, notReady: readonly string[]): { detail?: string } {
  const parts = [
    ...(apiserverDown ? ['apiserver not answering'] : []),
    ...(notReady.length > 0 ? [`not Ready: ${notReady.join(', ')}`] : []),
  ];
  return parts.length > 0 ? { detail: parts.join('; ') } : {};
}
