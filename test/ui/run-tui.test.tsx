import { EventEmitter } from 'node:events';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { RecordStore } from '../../src/adapters/record-store.js';
import { type AppServices, examRunner, uiServicesFromApp } from '../../src/cli/compose.js';
import { runTui } from '../../src/ui/run-tui.js';
import { settle, waitFor } from './helpers/render.js';
import { type Fixture, fixtureTrainer, makeFixture } from './helpers/scenario-fixture.js';

/** Terminal streams good enough for Ink (the same shape ink-testing-library uses), with a TTY flag. */
class FakeStdout extends EventEmitter {
  isTTY = true;
  columns = 80;
  rows = 24;
  frames: string[] = [];
  write = (frame: string) => {
    this.frames.push(frame);
    return true;
  };
  /** Everything written so far (Ink writes diffs and cursor moves, not whole frames). */
  all = () => this.frames.join('');
}
class FakeStdin extends EventEmitter {
  isTTY = true;
  data: string | null = null;
  paused = 0;
  write = (data: string) => {
    this.data = data;
    this.emit('readable');
    this.emit('data', data);
  };
  read = () => {
    const d = this.data;
    this.data = null;
    return d;
  };
  setEncoding() {}
  setRawMode() {}
  resume() {}
  pause() {
    this.paused++;
  }
  ref() {}
  unref() {}
}

let fixture: Fixture;
let app: AppServices;

beforeEach(() => {
  fixture = makeFixture();
  vi.stubEnv('K8S_HARDEN_LAB_HOME', fixture.home);
  const { trainer, progress } = fixtureTrainer(fixture);
  app = {
    trainer,
    progress,
    notices: [],
    exams: examRunner(trainer, fixture.scenarios, () => Promise.reject(new Error('no lab'))),
    record: new RecordStore(path.join(fixture.home, 'progress')),
    workspaceShell: async () => {},
  };
});

afterEach(() => {
  vi.unstubAllEnvs();
  fs.rmSync(fixture.root, { recursive: true, force: true });
});

const streams = () => {
  const stdout = new FakeStdout();
  const stderr = new FakeStdout();
  const stdin = new FakeStdin();
  const io = {
    stdin: stdin as unknown as NodeJS.ReadStream,
    stdout: stdout as unknown as NodeJS.WriteStream,
    stderr: stderr as unknown as NodeJS.WriteStream,
  };
  return { stdout, stderr, stdin, io };
};

describe('runTui', () => {
  it('refuses without a terminal, with a next step, and a non-zero code', async () => {
    const { stdout, stderr, stdin, io } = streams();
    stdin.isTTY = false;
    const code = await runTui(uiServicesFromApp(app), {}, { ...io, env: {} });
    expect(code).toBe(2);
    expect(stderr.frames.join('')).toMatch(/needs an interactive terminal[\s\S]*next: .*list/);
    expect(stdout.frames).toEqual([]);
  });

  it('exits after the first frame when the benchmark asks, with the home screen drawn', async () => {
    const { stdout, io } = streams();
    const code = await runTui(
      uiServicesFromApp(app),
      {},
      { ...io, env: { K8S_HARDEN_LAB_EXIT_AFTER_FIRST_FRAME: '1', NO_COLOR: '1' } },
    );
    expect(code).toBe(0);
    expect(stdout.frames.join('')).toContain('Turn TLS on in app.yaml');
  });

  it('suspends for a node shell and comes back on the same screen with a fresh check round', async () => {
    // Given a cluster scenario (no lab is attached, so each round reports that)
    const dir = path.join(fixture.scenarios, 'tls-on');
    const yaml = fs
      .readFileSync(path.join(dir, 'scenario.yaml'), 'utf8')
      .replace('lab: none', 'lab: cluster');
    fs.writeFileSync(path.join(dir, 'scenario.yaml'), yaml);
    fs.mkdirSync(path.join(fixture.home, 'workspaces', 'tls-on'), { recursive: true });
    const { stdout, stdin, io } = streams();
    const check = vi.spyOn(app.trainer, 'check');
    const nodeShell = vi.fn(async (_node: string) => {
      // While the shell runs the app is unmounted and stdin is paused.
      expect(stdin.paused).toBeGreaterThan(0);
    });
    const done = runTui(
      uiServicesFromApp(app),
      { scenarioId: 'tls-on' },
      { ...io, env: { NO_COLOR: '1' }, nodeShell, timing: { pollMs: 0, tickMs: 0 } },
    );
    await waitFor(stdout.all, (f) => f.includes('needs a lab cluster'));
    const before = check.mock.calls.length;

    // When the learner opens a node shell
    await settle();
    const mark = stdout.frames.length;
    stdin.write('n');
    await waitFor(stdout.all, () => nodeShell.mock.calls.length > 0);
    expect(nodeShell).toHaveBeenCalledWith('control-plane', expect.any(String));

    // Then the scenario screen is back and checks ran again
    await waitFor(
      () => stdout.frames.slice(mark).join(''),
      (f) => f.includes('Turn TLS on in app.yaml') && check.mock.calls.length > before,
    );

    // And q still quits with 0
    await settle();
    stdin.write('q');
    expect(await done).toBe(0);
  });
});
