import path from 'node:path';
import type { ProbeExecutor } from './types.js';
import { probeError, value } from './types.js';

export type ShellVariableFacts = {
  /** The variable reaches a program started from the new shell (it is exported). */
  readonly set: boolean;
  readonly value: string | undefined;
  /** The value split on `:` (a path list such as KUBECONFIG or PATH), empty parts dropped. */
  readonly entries: readonly string[];
  /**
   * The first entry as a path: `~/…` when it lies in HOME (the workspace), else absolute. A
   * relative entry is taken from `/`, since a new shell may be used from any folder, so it never
   * counts as a file in HOME.
   */
  readonly file: string | undefined;
};

/** Facts about one variable of an environment whose HOME is `home`. Pure. */
export function describeShellVariable(
  env: Readonly<Record<string, string>>,
  variable: string,
  home: string,
): ShellVariableFacts {
  const v = env[variable];
  const entries = (v ?? '').split(':').filter((e) => e !== '');
  const first = entries[0];
  let file: string | undefined;
  if (first !== undefined) {
    const abs = path.posix.resolve('/', first);
    const root = path.posix.resolve(home);
    file = abs === root ? '~' : abs.startsWith(`${root}/`) ? `~/${abs.slice(root.length + 1)}` : abs;
  }
  return { set: v !== undefined, value: v, entries, file };
}

/**
 * `shellEnv`: what a program started from a NEW shell sees — a fresh `bash -i` (or `bash -l -i`)
 * with HOME = the workspace reads its startup files in its own process, and the environment is
 * read from the program it starts. A variable assigned but not exported is not there, as it is not
 * for kubectl.
 */
export const shellEnvProbe: ProbeExecutor<'shellEnv'> = async (spec, context) => {
  const r = await context.io.shellEnv({
    home: context.workspace,
    login: spec.login,
    timeoutMs: (spec.timeoutSeconds ?? 10) * 1000,
    signal: context.signal,
  });
  if (!r.ok) return probeError(r.message);
  return value(describeShellVariable(r.env, spec.variable, context.workspace));
};
