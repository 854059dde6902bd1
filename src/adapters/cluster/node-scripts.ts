import fs from 'node:fs';
import path from 'node:path';
import { packageRoot } from '../paths.js';

/**
 * The shell the app runs on lab nodes lives in real files under shell/node/ (shellchecked by
 * `npm run lint`), read once. Every node script is sent after lib.sh, which holds the one /proc
 * walker and the other shared helpers.
 */
const cache = new Map<string, string>();

export function nodeFile(name: string): string {
  let text = cache.get(name);
  if (text === undefined) {
    text = fs.readFileSync(path.join(packageRoot(), 'shell', 'node', name), 'utf8');
    cache.set(name, text);
  }
  return text;
}

/** lib.sh followed by the named scripts: one program for `bash -s` or `bash -c`. */
export function nodeScript(...names: string[]): string {
  return [nodeFile('lib.sh'), ...names.map(nodeFile)].join('\n');
}
