import fs from 'node:fs';
import path from 'node:path';
import { envFlag } from './env-flag.js';
import { logsDir } from './paths.js';

/**
 * The debug log: a file, never the terminal (the TUI owns the screen). On by default at `info`,
 * `K8S_HARDEN_LAB_DEBUG=1` adds `debug` lines. Every line passes through `redact` first, so
 * tokens, keys and passwords never land on disk.
 */
type Level = 'debug' | 'info' | 'warn' | 'error';

/** A PEM block, also one cut off before its END line (redacted to the end of the text). */
const PEM = /-----BEGIN [A-Z0-9 ]+-----[\s\S]*?(?:-----END [A-Z0-9 ]+-----|$)/g;
const JWT = /\beyJ[\w-]{8,}\.[\w-]{8,}\.[\w-]{8,}/g;
/** `Authorization: Basic …`, `Bearer …`, `--token=…`: the credential after the scheme. */
const AUTH_HEADER = /(authorization"?\s*[:=]\s*"?(?:basic|bearer|digest|negotiate|token)?\s*)[^\s",}]+/gi;
const BEARER = /(--token[= ]|--password[= ]|\b(?:bearer|basic)\s+)[^\s",}]+/gi;
/**
 * A secret field, `name: value` or `"name": "value"`: a quoted value is redacted whole (a password
 * may have spaces), an unquoted one to the end of its line (or to a JSON delimiter).
 */
const SECRET_FIELD =
  /((?:\\?")?(?:[\w-]*token|password|passwd|client-key-data|client-certificate-data|private[-_]?key|secret)(?:\\?")?\s*[:=]\s*)(?:\\"(?:[^\\]|\\(?!"))*\\"|"(?:[^"\\\n]|\\.)*"|'[^'\n]*'|[^\n",}]+)/gi;
/** A token in a sentence: "the token <x>", "token is <x>" (long enough to be a credential). */
const PROSE_TOKEN = /(\b(?:token|password|secret)\s+(?:is\s+|was\s+|of\s+|=\s*)?)([A-Za-z0-9+/_.=-]{16,})/gi;

/** Removes tokens, keys and passwords from a line before it is written anywhere. */
export function redact(text: string): string {
  return text
    .replace(PEM, '[redacted PEM block]')
    .replace(JWT, '[redacted token]')
    .replace(AUTH_HEADER, '$1[redacted]')
    .replace(BEARER, '$1[redacted]')
    .replace(SECRET_FIELD, '$1[redacted]')
    .replace(PROSE_TOKEN, '$1[redacted]');
}

/** `K8S_HARDEN_LAB_DEBUG`: off unless set (envFlag: 0, false, no and off are off too). */
export function debugEnabled(value: string | undefined = process.env.K8S_HARDEN_LAB_DEBUG): boolean {
  return envFlag(value);
}

let filePath: string | undefined;
let disabled = false;

function target(): string | undefined {
  if (disabled) return undefined;
  if (filePath) return filePath;
  try {
    const dir = logsDir();
    fs.mkdirSync(dir, { recursive: true });
    filePath = path.join(dir, 'debug.log');
    return filePath;
  } catch {
    disabled = true;
    return undefined;
  }
}

function write(level: Level, message: string, fields?: Record<string, unknown>): void {
  if (level === 'debug' && !debugEnabled()) return;
  const file = target();
  if (!file) return;
  const extra = fields ? ` ${JSON.stringify(fields)}` : '';
  try {
    fs.appendFileSync(file, `${new Date().toISOString()} ${level} ${redact(message + extra)}\n`);
  } catch {
    disabled = true;
  }
}

export const log = {
  debug: (message: string, fields?: Record<string, unknown>) => write('debug', message, fields),
  info: (message: string, fields?: Record<string, unknown>) => write('info', message, fields),
  warn: (message: string, fields?: Record<string, unknown>) => write('warn', message, fields),
  error: (message: string, fields?: Record<string, unknown>) => write('error', message, fields),
  /** For tests and `--log-file`: send the log somewhere else. */
  setFile(file: string | undefined) {
    filePath = file;
    disabled = false;
  },
  path: () => target(),
};
