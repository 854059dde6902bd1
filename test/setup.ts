// Runs before every test file (vitest.config.ts and vitest.cluster.config.ts `setupFiles`).
// Keeps tests away from the user's own data: unless the run already points K8S_HARDEN_LAB_HOME
// somewhere (the cluster tier may), the app's data, progress and debug log go to a temporary
// folder per test file. Tests that need their own folders stub the variables (vi.stubEnv).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll } from 'vitest';
import { log } from '../src/adapters/log.js';

const created = process.env.K8S_HARDEN_LAB_HOME
  ? undefined
  : fs.mkdtempSync(path.join(os.tmpdir(), 'khl-test-'));
if (created) {
  process.env.K8S_HARDEN_LAB_HOME = created;
  process.env.K8S_HARDEN_LAB_PROGRESS_DIR ??= path.join(created, 'progress');
  log.setFile(path.join(created, 'debug.log'));
}

afterAll(() => {
  if (created) fs.rmSync(created, { recursive: true, force: true });
});
