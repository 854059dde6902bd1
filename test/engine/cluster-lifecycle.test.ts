import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { forgetKubeConfigs } from '../../src/adapters/cluster/kube-client.js';
import type { Scenario } from '../../src/domain/scenario.js';
import { ClusterLifecycle, isKubeletFile } from '../../src/engine/cluster-lifecycle.js';
import { FakeLabProvider } from '../helpers/fake-lab-provider.js';
import { testLifecycleIo } from '../helpers/probe-io.js';

let tmp: string;
let api: http.Server;
let kubeconfig: string;
let readyAfter = 0;

beforeAll(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'khl-lifecycle-'));
  api = http.createServer((req, res) => {
    if (req.url === '/readyz') {
      res.statusCode = readyAfter-- > 0 ? 503 : 200;
      return res.end('ok');
    }
    res.setHeader('Content-Type', 'application/json');
    return res.end(
      JSON.stringify({
        items: [
          { metadata: { name: 'lab-worker' }, status: { conditions: [{ type: 'Ready', status: 'True' }] } },
        ],
      }),
    );
  });
  await new Promise<void>((r) => api.listen(0, '127.0.0.1', r));
  kubeconfig = path.join(tmp, 'kubeconfig');
  fs.writeFileSync(
    kubeconfig,
    `apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster:\n    insecure-skip-tls-verify: true\n    server: http://127.0.0.1:${(api.address() as AddressInfo).port}\nusers:\n- name: u\n  user:\n    token: t\ncontexts:\n- name: x\n  context: {cluster: c, user: u}\ncurrent-context: x\n`,
  );
});

afterAll(() => {
  api.close();
  forgetKubeConfigs();
  fs.rmSync(tmp, { recursive: true, force: true });
});

function scenario(files: string[]): Scenario {
  return {
    id: 'demo',
    backup: files.map((p) => ({ node: 'worker', path: p })),
    checks: [],
  } as unknown as Scenario;
}

describe('backup and restore', () => {
  it('restores changed files byte for byte, deletes files setup created, keeps the first backup', async () => {
    const nodeRoot = path.join(tmp, 'node-backups');
    const etc = path.join(tmp, 'etc');
    fs.mkdirSync(etc);
    const original = Buffer.concat([randomBytes(2048), Buffer.from("\n'quotes' and $dollars\n")]);
    const kept = path.join(etc, 'config.yaml');
    const created = path.join(etc, 'new.json');
    fs.writeFileSync(kept, original);
    fs.chmodSync(kept, 0o600);
    // A kubelet restart goes to a fake systemctl, never this machine's.
    const stub = path.join(tmp, 'stubbin');
    fs.mkdirSync(stub);
    fs.writeFileSync(path.join(stub, 'systemctl'), '#!/bin/sh\necho "$@" >> "$(dirname "$0")/calls"\n', {
      mode: 0o755,
    });
    const provider = new FakeLabProvider({ env: { PATH: `${stub}:${process.env.PATH}` } });
    const access = { provider, kubeconfigPath: kubeconfig };
    const lines: string[] = [];
    const watched = path.join(tmp, 'lab-files');
    fs.mkdirSync(path.join(watched, 'default'), { recursive: true });
    const flags = path.join(watched, 'default', 'kubelet');
    fs.writeFileSync(flags, 'KUBELET_EXTRA_ARGS=\n');
    const life = new ClusterLifecycle({
      io: testLifecycleIo(),
      nodeBackupRoot: nodeRoot,
      nodeFiles: [`tree|${path.join(watched, 'default')}`],
      pollMs: 10,
      sleep: async () => {},
    });
    const s = scenario([kept, created]);

    await life.beforeSetup(s, access, (l) => lines.push(l));
    expect(fs.readFileSync(path.join(nodeRoot, 'demo', 'files', kept))).toEqual(original);
    const record = life.readBackup(access, 'demo');
    expect(record?.entries.map((e) => [e.path, e.existed, e.mode])).toEqual([
      [kept, true, '600'],
      [created, false, undefined],
    ]);

    // What setup (and the learner) did, also outside the scenario's backup: list.
    fs.writeFileSync(flags, 'KUBELET_EXTRA_ARGS=--no-such-flag\n');
    fs.writeFileSync(path.join(watched, 'default', 'extra'), 'new');
    fs.writeFileSync(kept, 'broken');
    fs.chmodSync(kept, 0o644);
    fs.writeFileSync(created, '{}');
    // Setup run again without a reset: the pristine backup stays.
    await life.beforeSetup(s, access, (l) => lines.push(l));
    expect(lines.join('\n')).toContain('keeping the backup from the earlier setup');

    readyAfter = 2;
    await life.afterReset(s, access, (l) => lines.push(l));
    expect(fs.readFileSync(kept)).toEqual(original);
    expect((fs.statSync(kept).mode & 0o777).toString(8)).toBe('600');
    expect(fs.existsSync(created)).toBe(false);
    expect(fs.readdirSync(etc)).toEqual(['config.yaml']);
    // The lab's baseline put back the file outside backup: and removed the new one (issue 13.5).
    expect(fs.readFileSync(flags, 'utf8')).toBe('KUBELET_EXTRA_ARGS=\n');
    expect(fs.readdirSync(path.join(watched, 'default'))).toEqual(['kubelet']);
    expect(lines.join('\n')).toContain("putting back the lab's node files");
    expect(fs.readFileSync(path.join(stub, 'calls'), 'utf8')).toContain('restart kubelet');
    expect(fs.existsSync(path.join(nodeRoot, 'demo'))).toBe(false);
    expect(life.readBackup(access, 'demo')).toBeUndefined();
    expect(lines.join('\n')).toMatch(/waiting for the apiserver[\s\S]*cluster healthy/);
  });

  it('leaves a file that still has its kept bytes, mode and owner untouched (its mtime too)', async () => {
    const nodeRoot = path.join(tmp, 'node-backups-same');
    const dir = path.join(tmp, 'manifests');
    fs.mkdirSync(dir);
    const manifest = path.join(dir, 'kube-apiserver.yaml');
    const changed = path.join(dir, 'changed.yaml');
    fs.writeFileSync(manifest, 'apiVersion: v1\n');
    fs.writeFileSync(changed, 'before\n');
    // An old mtime, so a rewrite would show.
    const old = new Date('2026-01-01T00:00:00Z');
    fs.utimesSync(manifest, old, old);
    const provider = new FakeLabProvider();
    const access = { provider, kubeconfigPath: kubeconfig };
    const life = new ClusterLifecycle({
      io: testLifecycleIo(),
      nodeBackupRoot: nodeRoot,
      nodeFiles: [],
      pollMs: 10,
      sleep: async () => {},
    });
    const s = scenario([manifest, changed]);
    await life.beforeSetup(s, access, () => {});
    fs.writeFileSync(changed, 'after\n');
    await life.afterReset(s, access, () => {});
    expect(fs.readFileSync(changed, 'utf8')).toBe('before\n');
    expect(fs.statSync(manifest).mtime.toISOString()).toBe(old.toISOString());
    expect(fs.readdirSync(dir).sort()).toEqual(['changed.yaml', 'kube-apiserver.yaml']);
  });

  it('knows which files need a kubelet restart', () => {
    expect(isKubeletFile('/var/lib/kubelet/config.yaml')).toBe(true);
    expect(isKubeletFile('/var/lib/kubelet/kubeadm-flags.env')).toBe(true);
    expect(isKubeletFile('/etc/default/kubelet')).toBe(true);
    expect(isKubeletFile('/etc/kubernetes/manifests/kube-apiserver.yaml')).toBe(false);
  });
});
