import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LabProvider, StepEvent } from '../../src/adapters/lab/provider.js';

/**
 * The behaviour every LabProvider owes the app, as one suite. Each tier calls it for every
 * provider it can run (unit tier: kind over recording fakes; cluster tier: the host lab, kind where
 * Docker exists) and the suite prints which ones ran, so nothing is skipped silently.
 */
export type ContractOptions = {
  /** Shown in test names and in the "ran against" line, e.g. `kind (recording fakes)`. */
  readonly name: string;
  readonly make: () => LabProvider | Promise<LabProvider>;
  /** Delete the lab at the end and check delete's behaviour (default true). */
  readonly deleteAtEnd?: boolean;
  /** The lab already runs (a shared cluster tier): create must report it and change nothing. */
  readonly existing?: boolean;
  /** Per-test timeout for create (real clusters take minutes). */
  readonly createTimeoutMs?: number;
};

const ran: string[] = [];

/** Providers the contract ran against in this process (for summaries). */
export function contractRuns(): readonly string[] {
  return ran;
}

export function providerContract(options: ContractOptions): void {
  describe(`LabProvider contract: ${options.name}`, () => {
    let provider: LabProvider;
    let tmp: string;
    const createTimeout = options.createTimeoutMs ?? 60_000;

    beforeAll(async () => {
      provider = await options.make();
      tmp = fs.mkdtempSync(path.join(process.env.K8S_HARDEN_LAB_HOME ?? os.tmpdir(), 'khl-contract-'));
      ran.push(options.name);
      console.info(
        `provider contract: running against ${options.name} (${provider.kind} lab ${provider.cluster})`,
      );
    });

    afterAll(() => {
      console.info(`provider contract: ran against ${ran.join(', ')}`);
    });

    it('is available on this machine', async () => {
      const a = await provider.available();
      expect(a, a.ok ? a.detail : `${a.reason}: ${a.fix}`).toMatchObject({ ok: true });
    });

    it(
      'create makes a lab, reports steps, and is idempotent',
      async () => {
        const steps: StepEvent[] = [];
        const first = await provider.create({ onStep: (e) => steps.push(e) });
        expect(first, first.ok ? '' : `${first.step}: ${first.message}`).toMatchObject({ ok: true });
        if (options.existing) expect(first).toMatchObject({ changed: false });
        else expect(steps.some((e) => e.type === 'start')).toBe(true);
        expect(steps.filter((e) => e.type === 'fail')).toEqual([]);
        const again = await provider.create();
        expect(again).toMatchObject({ ok: true, changed: false });
        expect(fs.existsSync(provider.kubeconfigPath())).toBe(true);
      },
      createTimeout * 2,
    );

    it('status reports an existing, healthy lab through the app’s own kubeconfig', async () => {
      const s = await provider.status();
      expect(s).toMatchObject({
        provider: provider.kind,
        cluster: provider.cluster,
        exists: true,
        apiserverHealthy: true,
      });
      expect(s.kubeconfigPath).toBe(provider.kubeconfigPath());
      expect(s.kubeconfigPath).not.toContain(`${path.sep}.kube${path.sep}`);
      expect(s.nodes.length).toBeGreaterThanOrEqual(2);
      for (const n of s.nodes) expect(n.ready, n.name).toBe(true);
    });

    it('lists nodes with kind-style names and roles, control-plane first', async () => {
      const nodes = await provider.nodes();
      expect(nodes[0]).toEqual({ name: `${provider.cluster}-control-plane`, role: 'control-plane' });
      expect(nodes).toContainEqual({ name: `${provider.cluster}-worker`, role: 'worker' });
    });

    it('exec returns exit codes, stdout and stderr without throwing', async () => {
      const node = `${provider.cluster}-worker`;
      const r = await provider.exec(node, ['sh', '-c', 'echo out; echo err >&2; exit 7']);
      expect(r).toMatchObject({ exitCode: 7, stdout: 'out\n', stderr: 'err\n', notFound: false });
      const ok = await provider.exec(node, ['true']);
      expect(ok.exitCode).toBe(0);
      const piped = await provider.exec(`${provider.cluster}-control-plane`, ['cat'], {
        stdin: 'from stdin\n',
      });
      expect(piped).toMatchObject({ exitCode: 0, stdout: 'from stdin\n' });
      const missing = await provider.exec(`${provider.cluster}-no-such-node`, ['true']);
      expect(missing.exitCode).not.toBe(0);
      expect(missing.failure).not.toBe('');
    });

    it('copies a file to a node and back unchanged', async () => {
      const node = `${provider.cluster}-control-plane`;
      const local = path.join(tmp, 'to-node.txt');
      const content = `contract ${Date.now()}\nsecond line\n`;
      fs.writeFileSync(local, content);
      const remote = `/tmp/khl-contract-${process.pid}.txt`;
      expect((await provider.copyTo(node, local, remote)).exitCode).toBe(0);
      const back = path.join(tmp, 'from-node.txt');
      expect((await provider.copyFrom(node, remote, back)).exitCode).toBe(0);
      expect(fs.readFileSync(back, 'utf8')).toBe(content);
      const absent = await provider.copyFrom(node, '/tmp/khl-contract-does-not-exist', path.join(tmp, 'x'));
      expect(absent.exitCode).not.toBe(0);
    });

    it('gives an interactive shell command for a node (argv, no shell string)', () => {
      const node = `${provider.cluster}-worker`;
      const cmd = provider.shellCommand(node);
      expect(cmd.file).not.toBe('');
      expect(cmd.args).toContain(node);
      expect(cmd.args).toContain('-it');
    });

    if (options.deleteAtEnd ?? true) {
      it(
        'delete removes the lab and the app’s kubeconfig; a second delete changes nothing',
        async () => {
          const r = await provider.delete();
          expect(r).toMatchObject({ ok: true, changed: true });
          expect(fs.existsSync(provider.kubeconfigPath())).toBe(false);
          expect(await provider.status()).toMatchObject({ exists: false });
          expect(await provider.nodes()).toEqual([]);
          expect(await provider.delete()).toMatchObject({ ok: true, changed: false });
        },
        createTimeout,
      );
    }
  });
}
