import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clusterIo } from '../../../src/adapters/cluster/index.js';

// The programs probes hand to a pod or a node come from shell/ (shellchecked), through ClusterIo.
describe('ClusterIo scripts', () => {
  it('are the files under shell/', () => {
    const root = path.resolve(import.meta.dirname, '..', '..', '..', 'shell');
    expect(clusterIo.scripts.sshLogin).toBe(fs.readFileSync(path.join(root, 'node', 'ssh-login.sh'), 'utf8'));
    expect(clusterIo.scripts.podConnect).toBe(fs.readFileSync(path.join(root, 'pod', 'connect.sh'), 'utf8'));
  });

  describe('podConnect, run for real with sh as kubectl exec runs it (fake nc and nslookup)', () => {
    let bin: string;
    beforeAll(() => {
      bin = fs.mkdtempSync(path.join(os.tmpdir(), 'khl-connect-'));
      // 10.0.0.2:8080 answers; every lookup but of kubernetes.default fails.
      fs.writeFileSync(path.join(bin, 'nc'), '#!/bin/sh\n[ "$4" = 10.0.0.2 ] && [ "$5" = 8080 ]\n', {
        mode: 0o755,
      });
      fs.writeFileSync(path.join(bin, 'nslookup'), '#!/bin/sh\n[ "$1" = kubernetes.default ]\n', {
        mode: 0o755,
      });
    });
    afterAll(() => fs.rmSync(bin, { recursive: true, force: true }));

    it('prints <target> yes|no for each target', () => {
      const out = execFileSync(
        'sh',
        [
          '-c',
          clusterIo.scripts.podConnect,
          'sh',
          '2',
          '10.0.0.2:8080',
          '10.0.0.3:8080',
          'dns:kubernetes.default',
          'dns:nope',
        ],
        { env: { ...process.env, PATH: `${bin}:${process.env.PATH ?? ''}` }, encoding: 'utf8' },
      );
      expect(out.split('\n').filter(Boolean)).toEqual([
        '10.0.0.2:8080 yes',
        '10.0.0.3:8080 no',
        'dns:kubernetes.default yes',
        'dns:nope no',
      ]);
    });
  });
});
