import fs from 'node:fs';
import type { Workspaces } from '../engine/ports.js';
import { workspaceDir } from './paths.js';

/** Scenario workspaces under the app's data directory (`K8S_HARDEN_LAB_HOME` moves them). */
export function workspaces(env: NodeJS.ProcessEnv = process.env): Workspaces {
  const dir = (id: string) => workspaceDir(id, env);
  return {
    path: dir,
    exists: (id) => fs.existsSync(dir(id)),
    fresh: (id) => {
      fs.rmSync(dir(id), { recursive: true, force: true });
      fs.mkdirSync(dir(id), { recursive: true });
    },
    ensure: (id) => {
      fs.mkdirSync(dir(id), { recursive: true });
    },
    remove: (id) => fs.rmSync(dir(id), { recursive: true, force: true }),
  };
}
