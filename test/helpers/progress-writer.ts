// A child process for the parallel progress test (test/adapters/progress-store.test.ts): it says
// "ready", waits for the go file, then opens the real progress store and records each id given.
// Run as: node --import tsx progress-writer.ts <progress dir> <go file> <id>...
import fs from 'node:fs';
import { ProgressStore } from '../../src/adapters/progress-store.js';

const [dir, go, ...ids] = process.argv.slice(2);
if (!dir || !go) throw new Error('usage: progress-writer.ts <dir> <go file> <id>...');
const pause = new Int32Array(new SharedArrayBuffer(4));
process.stdout.write('ready\n');
while (!fs.existsSync(go)) Atomics.wait(pause, 0, 0, 2);
const store = new ProgressStore(dir);
for (const id of ids)
  store.record(id, { passed: true, score: 80, timeMs: 1000, hintsUsed: 1, forfeited: false, at: new Date() });
