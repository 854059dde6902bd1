import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type DockerdFacts,
  dockerdFlags,
  dockerdProbe,
  execStart,
  tcpPort,
  words,
} from '../../../src/engine/probes/dockerd.js';
import type { ProbeContext } from '../../../src/engine/probes/types.js';
import { testIo } from '../../helpers/probe-io.js';

describe('execStart (systemd rules)', () => {
  it('drop-ins add commands after the unit; an empty ExecStart= clears the list', () => {
    const unit = {
      path: '/lib/systemd/system/docker.service',
      text: '[Service]\nExecStart=/usr/bin/dockerd -H fd://\n',
    };
    const reset = { path: '/etc/x.conf', text: '[Service]\nExecStart=\nExecStart=/usr/bin/dockerd --tls\n' };
    const added = { path: '/etc/y.conf', text: '[Service]\nExecStart=/usr/bin/dockerd --tlsverify\n' };
    expect(execStart([unit, reset])).toEqual({ lines: ['/usr/bin/dockerd --tls'], from: '/etc/x.conf' });
    expect(execStart([unit, added]).lines).toHaveLength(2);
  });

  it('joins continuation lines, skips comments and other sections', () => {
    const text =
      '[Unit]\nExecStart=/nope\n[Service]\n# ExecStart=/commented\nExecStart=/usr/bin/dockerd \\\n  -H tcp://0.0.0.0:2376\n';
    expect(execStart([{ path: '/u', text }]).lines).toEqual(['/usr/bin/dockerd    -H tcp://0.0.0.0:2376']);
  });
});

describe('dockerd flags', () => {
  it('reads -H, --host=, bare and valued booleans, and --config-file', () => {
    const argv = words(
      '-/usr/bin/dockerd -H fd:// --host=tcp://0.0.0.0:2376 --tlsverify --tls=false --tlscert "/etc/docker/c.pem" --config-file=/etc/d.json',
    );
    expect(argv[0]).toBe('/usr/bin/dockerd');
    expect(dockerdFlags(argv.slice(1))).toEqual({
      hosts: ['fd://', 'tcp://0.0.0.0:2376'],
      tlsverify: true,
      tls: false,
      tlscert: '/etc/docker/c.pem',
      configFile: '/etc/d.json',
    });
  });

  it('a TCP host without a port gets the default of its TLS setting', () => {
    expect(tcpPort('tcp://0.0.0.0', true)).toBe(2376);
    expect(tcpPort('tcp://0.0.0.0', false)).toBe(2375);
    expect(tcpPort('tcp://10.0.0.1:2375', true)).toBe(2375);
    expect(tcpPort('unix:///var/run/docker.sock', true)).toBeUndefined();
  });
});

describe('dockerd probe (reads the files itself, runs nothing in the workspace)', () => {
  let ws: string;
  const context = (): ProbeContext => ({
    io: testIo,
    workspace: ws,
    signal: new AbortController().signal,
    roundCache: new Map(),
  });
  const write = (file: string, text: string) => {
    fs.mkdirSync(path.dirname(path.join(ws, file)), { recursive: true });
    fs.writeFileSync(path.join(ws, file), text);
  };
  const observe = async (): Promise<DockerdFacts> => {
    const o = await dockerdProbe({ kind: 'dockerd', root: '.' }, context());
    if (o.type !== 'value')
      throw new Error(`expected a value, got ${o.type}: ${'message' in o ? o.message : ''}`);
    return o.value as DockerdFacts;
  };
  beforeEach(() => {
    ws = fs.mkdtempSync(path.join(os.tmpdir(), 'khl-dockerd-'));
    write('lib/systemd/system/docker.service', '[Service]\nExecStart=/usr/bin/dockerd -H fd://\n');
  });
  afterEach(() => fs.rmSync(ws, { recursive: true, force: true }));

  it('finds plaintext hosts in both places, and the settings given twice', async () => {
    write('etc/docker/daemon.json', '{"hosts": ["tcp://0.0.0.0:2375"], "tls": true}');
    write(
      'etc/systemd/system/docker.service.d/override.conf',
      '[Service]\nExecStart=\nExecStart=/usr/bin/dockerd -H tcp://0.0.0.0:2375 --tls\n',
    );
    const f = await observe();
    expect(f.plaintextHosts).toEqual([
      'tcp://0.0.0.0:2375 in /etc/docker/daemon.json',
      'tcp://0.0.0.0:2375 in ExecStart (/etc/systemd/system/docker.service.d/override.conf)',
    ]);
    expect(f.conflicts).toEqual(['hosts (-H)', 'tls']);
    expect(f.unitProblems).toEqual([]);
  });

  it('a drop-in of the same name in /etc replaces the one in /lib; a second ExecStart is a unit problem', async () => {
    write(
      'lib/systemd/system/docker.service.d/10-tls.conf',
      '[Service]\nExecStart=\nExecStart=/usr/bin/dockerd --tls\n',
    );
    write(
      'etc/systemd/system/docker.service.d/10-tls.conf',
      '[Service]\nExecStart=/usr/bin/dockerd --tlsverify\n',
    );
    const f = await observe();
    expect(f.execStart).toBe('/usr/bin/dockerd --tlsverify');
    expect(f.execStartCount).toBe(2);
    expect(f.unitProblems[0]).toMatch(/2 ExecStart lines .*refuses to start/);
  });

  it('daemon.json that is not JSON is an error, not a pass', async () => {
    write('etc/docker/daemon.json', '{ "hosts": [ }');
    const o = await dockerdProbe({ kind: 'dockerd', root: '.' }, context());
    expect(o).toMatchObject({
      type: 'error',
      message: expect.stringMatching(/not valid JSON.*would not start/),
    });
  });

  it('names TLS files that are not set or do not exist', async () => {
    write('etc/docker/daemon.json', '{"tlsverify": true, "tlscert": "/etc/docker/certs/nope.pem"}');
    const f = await observe();
    expect(f.effective.tlsverify).toBe(true);
    expect(f.tlsFileProblems).toEqual([
      'tlscacert is not set',
      'tlscert /etc/docker/certs/nope.pem does not exist',
      'tlskey is not set',
    ]);
    expect(f.tlsPairProblems).toEqual(f.tlsFileProblems);
  });

  it('refuses a daemon.json that is a link to a file outside the workspace', async () => {
    const outside = fs.mkdtempSync(path.join(os.tmpdir(), 'khl-outside-'));
    try {
      fs.writeFileSync(path.join(outside, 'daemon.json'), '{"tlsverify": true}');
      fs.mkdirSync(path.join(ws, 'etc/docker'), { recursive: true });
      fs.symlinkSync(path.join(outside, 'daemon.json'), path.join(ws, 'etc/docker/daemon.json'));
      const o = await dockerdProbe({ kind: 'dockerd', root: '.' }, context());
      expect(o).toMatchObject({ type: 'error', message: expect.stringMatching(/outside the workspace/) });
    } finally {
      fs.rmSync(outside, { recursive: true, force: true });
    }
  });

  it('a FIFO where daemon.json should be is reported, not read (it would block)', async () => {
    fs.mkdirSync(path.join(ws, 'etc/docker'), { recursive: true });
    const { execFileSync } = await import('node:child_process');
    execFileSync('mkfifo', [path.join(ws, 'etc/docker/daemon.json')]);
    const o = await dockerdProbe({ kind: 'dockerd', root: '.' }, context());
    expect(o).toMatchObject({ type: 'error', message: expect.stringMatching(/cannot be read/) });
  });
});
