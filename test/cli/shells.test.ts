import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RecordStore } from '../../src/adapters/record-store.js';
import { openWorkspaceShell, parseRecorded, RC_FILE, workspaceShellEnv } from '../../src/cli/shells.js';
import { attemptsOf } from '../../src/domain/record.js';
import type { Scenario } from '../../src/domain/scenario.js';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'khl-shells-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('the shells the app opens', () => {
  it('parses what rc.sh writes', () => {
    expect(parseRecorded('1700000000\tls -la\n\nbad line\n1700000005\t  kubectl get pods \n')).toEqual([
      { at: '2023-11-14T22:13:20.000Z', command: 'ls -la' },
      { at: '2023-11-14T22:13:25.000Z', command: 'kubectl get pods' },
    ]);
  });

  it('the workspace shell: HOME, KUBECONFIG and prompt of the scenario; each command recorded, tokens redacted', async () => {
    // Given a workspace whose .bashrc exports something, as a scenario's may
    const workspace = path.join(dir, 'ws');
    fs.mkdirSync(workspace);
    fs.writeFileSync(path.join(workspace, '.bashrc'), 'export FROM_BASHRC=yes\n');
    const record = new RecordStore(path.join(dir, 'progress'), {});
    const scenario = { id: 'tls-ca', lab: 'none' } as Scenario;
    const seen: { env?: NodeJS.ProcessEnv; cwd?: string } = {};
    // When the learner types three commands (bash reads them from a pipe instead of a terminal)
    const spawn = ((file: string, args: string[], options: { env: NodeJS.ProcessEnv; cwd: string }) => {
      seen.env = options.env;
      seen.cwd = options.cwd;
      return spawnSync(file, args, {
        env: options.env,
        cwd: options.cwd,
        input:
          'echo "$HOME $KUBECONFIG $FROM_BASHRC" > seen.txt\nkubectl get pods --token=eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJqb2huIn0.c2lnbmF0dXJlLXNpZ25hdHVyZQ\n\nexit\n',
      });
    }) as unknown as typeof spawnSync;
    await openWorkspaceShell(
      { workspace: () => workspace },
      scenario,
      record,
      '2030-01-01T00:00:00.000Z',
      spawn,
    );
    // Then the shell saw the scenario's HOME and KUBECONFIG and read its .bashrc
    expect(fs.readFileSync(path.join(workspace, 'seen.txt'), 'utf8').trim()).toBe(
      `${workspace} ${path.join(workspace, '.kube', 'config')} yes`,
    );
    expect(seen.cwd).toBe(workspace);
    expect(seen.env?.KHL_PROMPT).toBe('tls-ca');
    expect(seen.env?.KHL_BANNER).toMatch(/learning record, tokens redacted/);
    // And the record has both commands, the token redacted, under the attempt
    const events = record.events().filter((e) => e.type === 'command');
    expect(events.map((e) => (e.type === 'command' ? e.command : ''))).toEqual([
      'echo "$HOME $KUBECONFIG $FROM_BASHRC" > seen.txt',
      'kubectl get pods --token=[redacted]',
    ]);
    expect(events.every((e) => e.attempt === '2030-01-01T00:00:00.000Z' && e.scenario === 'tls-ca')).toBe(
      true,
    );
    expect(JSON.stringify(fs.readFileSync(record.file, 'utf8'))).not.toContain('eyJhbGci');
    // The raw file is gone
    expect(
      fs
        .readdirSync(os.tmpdir())
        .filter((n) => n.startsWith('khl-shell-') && fs.existsSync(path.join(os.tmpdir(), n, 'commands'))),
    ).toEqual([]);
  });

  it('records nothing when the record is off, and says nothing about recording', async () => {
    const workspace = path.join(dir, 'ws');
    const record = new RecordStore(path.join(dir, 'progress'), { K8S_HARDEN_LAB_RECORD: '0' });
    let env: NodeJS.ProcessEnv | undefined;
    const spawn = ((file: string, args: string[], options: { env: NodeJS.ProcessEnv; cwd: string }) => {
      env = options.env;
      return spawnSync(file, args, { env: options.env, cwd: options.cwd, input: 'echo hi\nexit\n' });
    }) as unknown as typeof spawnSync;
    await openWorkspaceShell({ workspace: () => workspace }, { id: 'x' } as Scenario, record, null, spawn);
    expect(env?.KHL_RECORD_FILE).toBeUndefined();
    expect(env?.KHL_BANNER).not.toMatch(/record/);
    expect(record.events()).toEqual([]);
    expect(attemptsOf(record.events())).toEqual([]);
  });

  it('the rc file exists and the env drops the app’s own KHL_ variables', () => {
    expect(fs.existsSync(RC_FILE())).toBe(true);
    const env = workspaceShellEnv('/w', 'id', {
      PATH: '/bin',
      KHL_RECORD_FILE: '/x',
      KUBECONFIG: '/home/me/.kube/config',
    });
    expect(env).toMatchObject({ PATH: '/bin', HOME: '/w', KUBECONFIG: '/w/.kube/config', KHL_PROMPT: 'id' });
    expect(env.KHL_RECORD_FILE).toBeUndefined();
  });
});
