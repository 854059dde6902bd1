import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { ShellEnvOptions, ShellEnvResult } from '../../engine/ports.js';
import { shQuote } from '../../engine/shell-quote.js';
import { runCommand } from './run.js';

/** The environment a new terminal starts from: nothing of the app's own (no KUBECONFIG, no tokens). */
function baseEnv(home: string): Record<string, string> {
  const keep = ['PATH', 'LANG', 'LC_ALL', 'USER', 'LOGNAME', 'TZ'];
  const env: Record<string, string> = { HOME: home, TERM: 'dumb', SHELL: '/bin/bash' };
  for (const k of keep) {
    const v = process.env[k];
    if (v !== undefined) env[k] = v;
  }
  return env;
}

function parseEnv0(text: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const entry of text.split('\0')) {
    const eq = entry.indexOf('=');
    if (eq > 0) env[entry.slice(0, eq)] = entry.slice(eq + 1);
  }
  return env;
}

const ENV_BIN = ['/usr/bin/env', '/bin/env'];
const MAX_ENV_BYTES = 1024 * 1024;

/**
 * What a child process of a fresh interactive bash sees: bash starts with HOME as given (so it
 * reads that folder's startup files, as any new shell would), then execs `env`, which writes its
 * own environment to a file only the app knows. Only exported variables reach it, exactly as they
 * reach kubectl started from that shell. Nothing is sourced in the app's process, and the shell's
 * own output is never trusted: an assignment echoed or printed by .bashrc counts for nothing.
 */
export async function freshShellEnv(options: ShellEnvOptions): Promise<ShellEnvResult> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'khl-shell-'));
  const out = path.join(dir, 'env');
  try {
    const envBin = (
      await Promise.all(
        ENV_BIN.map((b) =>
          fs.access(b).then(
            () => b,
            () => undefined,
          ),
        ),
      )
    ).find((b) => b !== undefined);
    if (!envBin) return { ok: false, message: 'env(1) is not installed: a new shell cannot be examined' };
    const command = `builtin exec ${envBin} -0 > ${shQuote(out)}`;
    const r = await runCommand('bash', [...(options.login ? ['--login'] : []), '-i', '-c', command], {
      cwd: '/',
      env: baseEnv(options.home),
      cleanEnv: true,
      timeoutMs: options.timeoutMs,
      signal: options.signal,
    });
    if (r.timedOut)
      return {
        ok: false,
        message: `a new shell did not finish starting within ${Math.round(options.timeoutMs / 1000)} s (does ~/.bashrc wait for something?)`,
      };
    if (r.notFound || r.cancelled) return { ok: false, message: r.failure };
    const stat = await fs.stat(out).catch(() => undefined);
    if (!stat?.isFile())
      return {
        ok: false,
        message: `a new shell stopped before it could start a program (exit ${r.exitCode}${r.stderr.trim() ? `: ${r.stderr.trim().split('\n').pop()}` : ''}); does ~/.bashrc exit?`,
      };
    if (stat.size > MAX_ENV_BYTES) return { ok: false, message: 'a new shell has an environment over 1 MiB' };
    return { ok: true, env: parseEnv0(await fs.readFile(out, 'utf8')) };
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}
