import fs from 'node:fs';
import path from 'node:path';
import { packageRoot } from '../paths.js';

/**
 * The shell the app runs on lab nodes lives in real files under shell/node/, and what it runs in
 * pods under shell/pod/ (shellchecked by `npm run lint`), read once. Node probes and the lifecycle
 * are sent after lib.sh, which holds the one /proc walker and the other shared helpers.
 */
const cache = new Map<string, string>();

function shellFile(dir: 'node' | 'pod', name: string): string {
  const key = `${dir}/${name}`;
  let text = cache.get(key);
  if (text === undefined) {
    text = fs.readFileSync(path.join(packageRoot(), 'shell', dir, name), 'utf8');
    cache.set(key, text);
  }
  return text;
}

export function nodeFile(name: string): string {
  return shellFile('node', name);
}

/** A script run inside a pod (`kubectl exec … sh -c`), from shell/pod/. */
export function podFile(name: string): string {
  return shellFile('pod', name);
}

/** lib.sh followed by the named scripts: one program for `bash -s` or `bash -c`. */
export function nodeScript(...names: string[]): string {
  return [nodeFile('lib.sh'), ...names.map(nodeFile)].join('\n');
}
