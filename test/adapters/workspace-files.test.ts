import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MAX_CONTENT_BYTES, workspaceFiles } from '../../src/adapters/workspace-files.js';
import { kubeconfigProbe } from '../../src/engine/probes/kubeconfig.js';
import type { ProbeContext } from '../../src/engine/probes/types.js';
import { fieldProbe, fileProbe } from '../../src/engine/probes/workspace.js';
import { testIo } from '../helpers/probe-io.js';

/**
 * Issue 13.4: learner files are data. A huge, endless or blocking file is described, never read
 * whole, and says why; a link out of the workspace (a file or a folder on the way) is refused.
 */
describe('workspace files', () => {
  let root: string;
  let ws: string;
  let outside: string;
  const context = (): ProbeContext => ({
    io: testIo,
    workspace: ws,
    signal: new AbortController().signal,
    roundCache: new Map(),
  });
  beforeEach(() => {
    root = fs.mkdtempSync(path.join(process.env.K8S_HARDEN_LAB_HOME ?? '/tmp', 'wsf-'));
    ws = path.join(root, 'ws');
    outside = path.join(root, 'outside');
    fs.mkdirSync(ws);
    fs.mkdirSync(outside);
    fs.writeFileSync(path.join(outside, 'secret'), 'current-context: TOPSECRET-VALUE\n');
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  it('reads a small file', async () => {
    fs.writeFileSync(path.join(ws, 'a.txt'), 'hello\n');
    expect(await workspaceFiles.read(ws, 'a.txt')).toMatchObject({
      exists: true,
      content: 'hello\n',
      size: 6,
    });
  });

  it('describes a huge (sparse) file without reading it, and says why', async () => {
    const big = path.join(ws, 'my-kube-config');
    fs.writeFileSync(big, '');
    fs.truncateSync(big, 2 * 1024 * 1024 * 1024);
    const heap = process.memoryUsage().rss;
    const facts = await workspaceFiles.read(ws, 'my-kube-config');
    expect(facts).toMatchObject({ exists: true, size: 2 * 1024 * 1024 * 1024, content: undefined });
    expect(facts.unreadable).toMatch(/is 2048\.0 MB, more than the 4\.0 MB a check reads/);
    expect(process.memoryUsage().rss - heap).toBeLessThan(64 * 1024 * 1024);
  });

  it('stops at the bound on a file that keeps growing while it is read', async () => {
    const file = path.join(ws, 'endless.log');
    fs.writeFileSync(file, 'x'.repeat(1024));
    const writer = spawn('sh', ['-c', `while :; do head -c 1048576 /dev/zero >> "${file}"; done`]);
    try {
      await new Promise((r) => setTimeout(r, 200));
      const facts = await workspaceFiles.read(ws, 'endless.log');
      expect(facts.content).toBeUndefined();
      expect(facts.unreadable).toMatch(/more than the 4\.0 MB a check reads/);
    } finally {
      writer.kill('SIGKILL');
    }
  });

  it('never opens a FIFO for reading (it would block for ever)', async () => {
    execFileSync('mkfifo', [path.join(ws, 'john.token')]);
    const started = Date.now();
    const facts = await workspaceFiles.read(ws, 'john.token');
    expect(facts).toMatchObject({ exists: true, content: undefined });
    expect(facts.unreadable).toMatch(/not a regular file/);
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it.each([
    [
      'a link to a file outside',
      () => fs.symlinkSync(path.join(outside, 'secret'), path.join(ws, 'my-kube-config')),
      'my-kube-config',
    ],
    [
      'a link to /dev/zero',
      () => fs.symlinkSync('/dev/zero', path.join(ws, 'my-kube-config')),
      'my-kube-config',
    ],
    [
      'a folder on the way linked outside',
      () => fs.symlinkSync(outside, path.join(ws, '.kube')),
      '.kube/secret',
    ],
    [
      'a relative link climbing out',
      () => fs.symlinkSync('../outside/secret', path.join(ws, 'my-kube-config')),
      'my-kube-config',
    ],
  ])('refuses %s', async (_name, make, file) => {
    make();
    await expect(workspaceFiles.read(ws, file)).rejects.toThrow(/outside the workspace/);
  });

  it('follows a link that stays inside the workspace', async () => {
    fs.writeFileSync(path.join(ws, 'real'), 'inside');
    fs.symlinkSync('real', path.join(ws, 'alias'));
    expect((await workspaceFiles.read(ws, 'alias')).content).toBe('inside');
  });

  it('refuses paths that leave the workspace by name', async () => {
    await expect(workspaceFiles.read(ws, '../outside/secret')).rejects.toThrow(
      /outside the scenario workspace/,
    );
    await expect(workspaceFiles.read(ws, '/etc/passwd')).rejects.toThrow(/outside the scenario workspace/);
  });

  it('the probes on top give an error result, never the outside value, in bounded time', async () => {
    fs.symlinkSync(path.join(outside, 'secret'), path.join(ws, 'my-kube-config'));
    const big = path.join(ws, 'config.yaml');
    fs.writeFileSync(big, '');
    fs.truncateSync(big, MAX_CONTENT_BYTES * 10);
    const started = Date.now();
    const observations = [
      await kubeconfigProbe({ kind: 'kubeconfig', path: 'my-kube-config' }, context()),
      await fileProbe({ kind: 'file', path: 'my-kube-config' } as never, context()),
      await fieldProbe(
        { kind: 'field', path: 'my-kube-config', format: 'yaml', at: 'current-context' } as never,
        context(),
      ),
      await kubeconfigProbe({ kind: 'kubeconfig', path: 'config.yaml' }, context()),
      await fieldProbe({ kind: 'field', path: 'config.yaml', format: 'yaml', at: 'a' } as never, context()),
    ];
    for (const o of observations) {
      expect(o.type).toBe('error');
      expect(JSON.stringify(o)).not.toContain('TOPSECRET');
    }
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});
