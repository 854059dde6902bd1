import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  RECORDER_DIR,
  RECORDER_LOG,
  RECORDER_NODES,
  RECORDER_PODS,
  RECORDER_SCRIPT,
} from '../../../src/engine/lab/node-paths.js';

const root = path.resolve(import.meta.dirname, '..', '..', '..');
const read = (file: string) => fs.readFileSync(path.join(root, file), 'utf8');

describe('the app paths on nodes are spelled the same everywhere', () => {
  it('the installed recorder, its unit and scenarios/_lib/lab.sh use the engine’s paths', () => {
    const recorder = read('shell/node/recorder.sh');
    for (const p of [RECORDER_DIR, RECORDER_LOG, RECORDER_PODS, RECORDER_NODES])
      expect(recorder).toContain(p);
    expect(read('shell/node/recorder.service')).toContain(`ExecStart=/bin/bash ${RECORDER_SCRIPT}`);
    expect(read('scenarios/_lib/lab.sh')).toContain(`${RECORDER_SCRIPT} mark`);
  });
});
