import type { LocalIo } from '../engine/ports.js';
import { localHttpGet } from './local-http.js';
import { runCommand } from './process/run.js';
import { freshShellEnv } from './process/shell-env.js';
import { workspaceFiles } from './workspace-files.js';

/** What local probes touch, for the composition root to hand to the engine. */
export const localIo: LocalIo = {
  files: workspaceFiles,
  run: runCommand,
  shellEnv: freshShellEnv,
  httpGet: localHttpGet,
};
