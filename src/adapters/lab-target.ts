import fs from 'node:fs';
import path from 'node:path';
import { EXIT, UserError } from '../engine/errors.js';
import { checkLabTarget, type GuardDecision, type GuardTarget, type LabRecord } from '../engine/lab-guard.js';
import {
  caFingerprint,
  type LabState,
  labContextName,
  labKubeconfigPath,
  parseKubeconfig,
  readLabState,
} from './lab/lab-state.js';

/** The lab guard's files: what a kubeconfig points at, and the app's record of its lab (engine/lab-guard.ts decides). */

function resolveReal(file: string): string {
  try {
    return fs.realpathSync(file);
  } catch {
    return path.resolve(file);
  }
}

function unreadableTarget(kubeconfigPath: string, context: string | undefined, why: string): GuardTarget {
  return {
    kubeconfigPath,
    context,
    contextFound: false,
    server: undefined,
    caFingerprint: undefined,
    unreadable: why,
  };
}

/** Reads what a kubeconfig file and context point at (the adapter half). */
export function readGuardTarget(kubeconfigPath: string, context?: string): GuardTarget {
  const resolved = resolveReal(kubeconfigPath);
  let text: string;
  try {
    text = fs.readFileSync(resolved, 'utf8');
  } catch (error) {
    return unreadableTarget(resolved, context, (error as NodeJS.ErrnoException).code ?? String(error));
  }
  try {
    const parsed = parseKubeconfig(text);
    const name = context ?? parsed.currentContext;
    const ctx = parsed.contexts.find((c) => c.name === name);
    return {
      kubeconfigPath: resolved,
      context: name,
      contextFound: ctx !== undefined,
      server: ctx?.server,
      caFingerprint: caFingerprint(ctx?.caData),
    };
  } catch (error) {
    return unreadableTarget(resolved, context, `not a kubeconfig: ${String(error).split('\n')[0]}`);
  }
}

/**
 * The app's record of its lab, or undefined when there is none. `state`: the lab's state.json as
 * the caller already read it (registry.labFor), so it is not read a second time.
 */
export function readLabRecord(
  cluster: string,
  env: NodeJS.ProcessEnv = process.env,
  state: LabState | undefined = readLabState(cluster, env),
): LabRecord | undefined {
  if (!state) return undefined;
  return {
    cluster,
    kubeconfigPath: resolveReal(labKubeconfigPath(cluster, env)),
    context: state.context || labContextName(cluster),
    server: state.server,
    ...(state.caFingerprint ? { caFingerprint: state.caFingerprint } : {}),
  };
}

export type GuardRequest = {
  readonly kubeconfigPath: string;
  /** Omitted: the file's current-context. */
  readonly context?: string;
  readonly cluster: string;
  readonly env?: NodeJS.ProcessEnv;
  /** The lab's state.json as already read (registry.labFor); omitted: read here. */
  readonly state?: LabState;
};

/** Reads the target and the lab record and decides. */
export function guardLabTarget(request: GuardRequest): GuardDecision {
  const env = request.env ?? process.env;
  return checkLabTarget(
    readGuardTarget(request.kubeconfigPath, request.context),
    request.state ? readLabRecord(request.cluster, env, request.state) : readLabRecord(request.cluster, env),
    request.cluster,
  );
}

/** Like guardLabTarget, but throws a UserError (exit code EXIT.lab) on refusal. */
export function assertLabTarget(request: GuardRequest): void {
  const decision = guardLabTarget(request);
  if (!decision.ok) throw new UserError(decision.message, decision.fix, EXIT.lab);
}
