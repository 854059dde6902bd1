import fs from 'node:fs';
import { log } from './log.js';

export type WatchOptions = {
  /** Changes closer together than this make one call (editors write a file in several steps). */
  readonly debounceMs?: number;
  /** Injected for tests. */
  readonly watch?: typeof fs.watch;
};

/** Stops the watch; `watching` says whether changes are being seen (false: only a poll would notice). */
export type TreeWatch = (() => void) & { readonly watching: boolean };

/**
 * Calls `onChange` (debounced) when anything under `dir` changes. Never throws: a folder that does
 * not exist, or a platform without recursive watching, gives a watcher that never fires and says
 * so (`watching` false); the UI then polls often, otherwise seldom, so a missed event only delays
 * the next check. Returns the function that stops it.
 */
export function watchTree(dir: string, onChange: () => void, options: WatchOptions = {}): TreeWatch {
  const debounceMs = options.debounceMs ?? 150;
  const watch = options.watch ?? fs.watch;
  let timer: NodeJS.Timeout | undefined;
  let closed = false;
  let watcher: fs.FSWatcher | undefined;
  const fire = () => {
    if (closed) return;
    clearTimeout(timer);
    timer = setTimeout(() => {
      if (!closed) onChange();
    }, debounceMs);
  };
  try {
    watcher = watch(dir, { recursive: true, persistent: false }, fire);
    watcher.on('error', (error) => {
      log.debug('workspace watcher stopped', { dir, error: String(error) });
      watcher?.close();
      watcher = undefined;
    });
  } catch (error) {
    log.debug('workspace not watched', { dir, error: String(error) });
  }
  const stop = () => {
    closed = true;
    clearTimeout(timer);
    watcher?.close();
  };
  return Object.defineProperty(stop, 'watching', {
    get: () => !closed && watcher !== undefined,
  }) as TreeWatch;
}
