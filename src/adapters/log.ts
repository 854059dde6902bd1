import fs from 'node:fs';
import path from 'node:path';
import { logsDir } from './paths.js';

/**
 * The debug log: a file, never the terminal (the TUI owns the screen). On by default at `info`,
 * `K8S_HARDEN_LAB_DEBUG=1` adds `debug` lines. Every line passes through `redact` first, so
 * tokens, keys and passwords never land on disk.
 */
type Level = 'debug' | 'info' | 'warn' | 'error';

const PEM = /-----BEGIN [A-Z ]+-----[\s\S]*?-----END [A-Z ]+-----/g;
const JWT = /\beyJ[\w-]{8,}\.[\w-]{8,}\.[\w-]{8,}/g;
const SECRET_FIELD =
  /("?(?:token|password|client-key-data|client-certificate-data|private[-_]?key|secret)"?\s*[:=]\s*)("?)[^\s",}]+/gi;
const BEARER = /(--token[= ]|Bearer\s+)\S+/gi;

export function redact(text: string): string {
  return text
    .replace(PEM, '[redacted PEM block]')
    .replace(JWT, '[redacted token]')
    .replace(BEARER, '$1[redacted]')
    .replace(SECRET_FIELD, '$1$2[redacted]');
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
  if (level === 'debug' && !process.env.K8S_HARDEN_LAB_DEBUG) return;
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
