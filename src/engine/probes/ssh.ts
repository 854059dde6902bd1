import path from 'node:path';
import { resolveNode } from './nodes.js';
import { clusterIo, type ProbeContext, type ProbeExecutor, probeError, value } from './types.js';

/** What the client's `-v` log says about the attempt. */
export type SshOutcome = {
  /** The server answered with an SSH banner. */
  readonly reached: boolean;
  readonly accepted: boolean;
  readonly offeredMethods: readonly string[];
  readonly keyAuthorized: boolean;
  readonly server?: string;
  readonly user?: string;
  readonly message: string;
  readonly timedOut: boolean;
};

/** Parses `R`/`O`/`E` lines (the output of shell/node/ssh-login.sh) into what the attempt showed. */
export function sshOutcome(stdout: string): SshOutcome | undefined {
  const lines = stdout.split('\n');
  const rcLine = lines.find((l) => /^R -?\d+$/.test(l));
  if (!rcLine) return undefined;
  const rc = Number(rcLine.slice(2));
  const out = lines.filter((l) => l.startsWith('O ')).map((l) => l.slice(2).trim());
  const err = lines.filter((l) => l.startsWith('E ')).map((l) => l.slice(2).replace(/\r$/, ''));
  const server = err
    .map((l) => /^debug1: Remote protocol version [^,]+, remote software version (.+)$/.exec(l)?.[1])
    .find(Boolean);
  // The first list is the answer to the client's `none` request: what the server offers this user.
  const offered = err
    .map((l) => /^debug1: Authentications that can continue: (.*)$/.exec(l)?.[1])
    .find((m) => m !== undefined);
  const accepted = err.some(
    (l) => /^Authenticated to \S+ .*using "/.test(l) || /^debug1: Authentication succeeded \(/.test(l),
  );
  const keyAuthorized = err.some((l) => /^debug1: Server accepts key: /.test(l));
  // The client's own words: the last line that is not debug output or the known-hosts note.
  const words = err.filter(
    (l) =>
      l.trim() &&
      !l.startsWith('debug') &&
      !/^OpenSSH_/.test(l) &&
      !/^Warning: Permanently added/.test(l) &&
      !/^(Transferred|Bytes per second):/.test(l),
  );
  const message = (accepted ? err.find((l) => /^Authenticated to /.test(l)) : words.at(-1)) ?? '';
  return {
    reached: server !== undefined,
    accepted,
    offeredMethods: offered ? offered.split(',').filter(Boolean) : [],
    keyAuthorized,
    ...(server ? { server } : {}),
    ...(accepted && rc === 0 && out[0] ? { user: out[0] } : {}),
    message: message.trim(),
    timedOut: rc === 124,
  };
}

/** The password fixture: a file of the scenario folder (the learner never writes it). */
async function readPassword(
  context: ProbeContext,
  file: string,
): Promise<{ ok: true; text: string } | { ok: false; message: string }> {
  if (!context.scenarioDir)
    return { ok: false, message: `${file}: no scenario folder is known to this round` };
  if (path.isAbsolute(file) || file.split(/[\\/]/).includes('..'))
    return { ok: false, message: `${file} is not a file of the scenario folder` };
  const f = await context.io.files.read(context.scenarioDir, file);
  if (!f.exists || f.content === undefined)
    return { ok: false, message: `the scenario's ${file} is missing` };
  const text = f.content.split('\n')[0] ?? '';
  if (!text) return { ok: false, message: `the scenario's ${file} is empty` };
  return { ok: true, text };
}

/**
 * `sshLogin`: a real login attempt from one node to another with the OpenSSH client, by one
 * method: `{accepted, offeredMethods, methodOffered, keyAuthorized, user, server, message}`. No
 * SSH server answering (sshd stopped, the port closed, a timeout) is an error, never a refusal:
 * "password logins are refused" must not pass because sshd is down. The password is read for the
 * attempt only and goes to the node on stdin; no observation, log or message holds it.
 */
export const sshLoginProbe: ProbeExecutor<'sshLogin'> = async (spec, context) => {
  // The login script (shell/node/ssh-login.sh) comes with the cluster I/O: the engine reads no file.
  const { provider, io } = clusterIo(context);
  let secret = '';
  if (spec.method !== 'publickey') {
    if (!spec.password) return probeError(`a ${spec.method} login needs password: {file}`);
    const pw = await readPassword(context, spec.password.file);
    if (!pw.ok) return probeError(pw.message);
    secret = pw.text;
  } else if (!spec.keyFile) return probeError('a publickey login needs keyFile (a path on the from node)');
  let from: string;
  let to: string;
  try {
    [from, to] = await Promise.all([resolveNode(context, spec.from), resolveNode(context, spec.to)]);
  } catch (error) {
    return probeError((error as Error).message);
  }
  const seconds = spec.timeoutSeconds;
  const r = await provider.exec(
    from,
    [
      'bash',
      '-c',
      io.scripts.sshLogin,
      'khl-ssh',
      to,
      String(spec.port),
      spec.user,
      spec.method,
      spec.keyFile ?? '',
      String(seconds),
    ],
    { stdin: `${secret}\n`, timeoutMs: (seconds + 25) * 1000, signal: context.signal },
  );
  const where = `${spec.to} port ${spec.port}`;
  if (r.timedOut || r.cancelled)
    return probeError(`the SSH login to ${where} took too long (from ${spec.from})`);
  if (/^K$/m.test(r.stdout)) return probeError(`the key ${spec.keyFile} does not exist on ${spec.from}`);
  const o = sshOutcome(r.stdout);
  if (!o)
    return probeError(
      `no SSH login could be tried from ${spec.from}: ${r.failure || r.stderr.trim().split('\n').at(-1) || 'no answer'}`,
    );
  if (!o.reached)
    return probeError(
      `no SSH server answers on ${where}${o.message ? ` (${o.message.replace(/^ssh: /, '')})` : ''}: is sshd running? (systemctl status ssh)`,
    );
  if (o.timedOut && !o.accepted) return probeError(`the SSH login to ${where} did not finish in time`);
  return value({
    accepted: o.accepted,
    offeredMethods: o.offeredMethods,
    methodOffered: o.offeredMethods.includes(spec.method),
    keyAuthorized: o.keyAuthorized,
    ...(o.user ? { user: o.user } : {}),
    ...(o.server ? { server: o.server } : {}),
    message: o.message,
  });
};
