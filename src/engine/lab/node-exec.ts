import { EXIT, ExternalError } from '../errors.js';
import type { LabProvider, LifecycleIo } from '../ports.js';

const EXEC_TIMEOUT_MS = 60_000;

/**
 * Runs one command of shell/node/lifecycle.sh on a node: `bash -c <lib + lifecycle> khl <command>
 * <args…>`, with `stdin` as its input. A failure is an ExternalError naming what failed.
 */
export async function lifecycleOnNode(
  provider: LabProvider,
  io: LifecycleIo,
  node: string,
  command: string,
  args: readonly string[],
  what: string,
  options: { readonly stdin?: string; readonly timeoutMs?: number } = {},
): Promise<string> {
  const r = await provider.exec(node, ['bash', '-c', io.lifecycleScript, 'khl', command, ...args], {
    ...(options.stdin === undefined ? {} : { stdin: options.stdin }),
    timeoutMs: options.timeoutMs ?? EXEC_TIMEOUT_MS,
  });
  if (r.exitCode !== 0)
    throw new ExternalError(
      `lifecycle.sh ${command} on ${node}`,
      r,
      `${what} on ${node} failed: ${r.failure || r.stderr.trim()}`,
      'check the lab with `k8s-harden-lab status`; details are in the debug log',
      EXIT.lab,
    );
  return r.stdout;
}

export const b64 = (text: string | Buffer) => Buffer.from(text).toString('base64');
