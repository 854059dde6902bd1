import fs from 'node:fs';
import path from 'node:path';
import type { BackupRecord, BackupStore } from '../../engine/ports.js';
import { labDir } from '../paths.js';

/** Local copies of node-file backups: <lab data>/backups/<scenario>/{backup.json, files/<sha256>}. */
export function backupStore(env: NodeJS.ProcessEnv = process.env): BackupStore {
  const dir = (cluster: string, scenario: string) => path.join(labDir(cluster, env), 'backups', scenario);
  return {
    read: (cluster, scenario) => {
      try {
        return JSON.parse(
          fs.readFileSync(path.join(dir(cluster, scenario), 'backup.json'), 'utf8'),
        ) as BackupRecord;
      } catch {
        return undefined;
      }
    },
    saveFile: (cluster, scenario, sha256, bytes) => {
      const files = path.join(dir(cluster, scenario), 'files');
      fs.mkdirSync(files, { recursive: true });
      fs.writeFileSync(path.join(files, sha256), bytes, { mode: 0o600 });
    },
    loadFile: (cluster, scenario, sha256) =>
      fs.readFileSync(path.join(dir(cluster, scenario), 'files', sha256)),
    write: (cluster, scenario, record) => {
      fs.mkdirSync(dir(cluster, scenario), { recursive: true });
      fs.writeFileSync(
        path.join(dir(cluster, scenario), 'backup.json'),
        `${JSON.stringify(record, null, 2)}\n`,
        {
          mode: 0o600,
        },
      );
    },
    remove: (cluster, scenario) => fs.rmSync(dir(cluster, scenario), { recursive: true, force: true }),
    list: (cluster) => {
      try {
        const root = path.join(labDir(cluster, env), 'backups');
        return fs.readdirSync(root).filter((id) => fs.existsSync(path.join(root, id, 'backup.json')));
      } catch {
        return [];
      }
    },
  };
}
