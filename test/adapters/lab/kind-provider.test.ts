import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { KindProvider } from '../../../src/adapters/lab/kind-provider.js';
import { parseKubeconfig, readLabState } from '../../../src/adapters/lab/lab-state.js';
import type { StepEvent } from '../../../src/adapters/lab/provider.js';
import { labsDir } from '../../../src/adapters/paths.js';
import { type FakeLab, installFakeLabTools } from '../../helpers/fake-lab-tools.js';

const CLUSTER = 'k8s-harden-lab';
const IMAGE = 'kindest/node:v1.34.11@sha256:44e222ee2132dab25ff87301682f89eb82c7880ea3a1bf543bfe9708fd08d67d';
const CONFIG = path.join(labsDir(), 'kind', 'cluster.yaml');

let fake: FakeLab;
let kubeconfig: string;

function provider(extra: Partial<ConstructorParameters<typeof KindProvider>[0]> = {}) {
  return new KindProvider({ pollIntervalMs: 10, readyTimeoutMs: 5_000, ...extra });
}

beforeEach(() => {
  fake = installFakeLabTools();
  kubeconfig = path.join(fake.home, 'labs', CLUSTER, 'kubeconfig');
});

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('KindProvider create', () => {
  it('runs kind with the lab config, the pinned image and the app’s own kubeconfig, then polls readiness', async () => {
    vi.stubEnv('FAKE_NOTREADY_POLLS', '2');
    const steps: StepEvent[] = [];
    const r = await provider().create({ onStep: (e) => steps.push(e) });
    expect(r).toMatchObject({ ok: true, changed: true });

    expect(fake.lines('kind')).toEqual([
      'kind version',
      'kind get clusters',
      `kind create cluster --name ${CLUSTER} --config ${CONFIG} --kubeconfig ${kubeconfig} --image ${IMAGE}`,
    ]);
    const polls = fake.lines('kubectl');
    expect(polls).toHaveLength(3);
    for (const line of polls)
      expect(line).toBe(`kubectl --kubeconfig ${kubeconfig} --context ${CLUSTER} get nodes -o json`);
    // never the user's kubeconfig, never kind's --wait
    for (const rec of fake.records()) {
      expect(rec.argv.join(' ')).not.toContain('.kube');
      expect(rec.argv).not.toContain('--wait');
    }

    const progress = steps
      .filter((e) => e.type === 'progress')
      .map((e) => (e.type === 'progress' ? e.line : ''));
    expect(progress).toContain('1/2 nodes Ready (not Ready: k8s-harden-lab-worker)');
    expect(progress).toContain('2/2 nodes Ready');
    expect(progress.some((l) => l.includes('Ensuring node image'))).toBe(true);
    expect(steps.filter((e) => e.type === 'done')).toHaveLength(5);
  });

  it('marks the lab: context renamed to the cluster name and state.json written', async () => {
    await provider().create();
    const text = fs.readFileSync(kubeconfig, 'utf8');
    expect(text).toContain(`current-context: ${CLUSTER}`);
    expect(parseKubeconfig(text).contexts.map((c) => [c.name, c.server])).toEqual([
      [CLUSTER, 'https://127.0.0.1:40000'],
    ]);
    const state = readLabState(CLUSTER);
    expect(state).toMatchObject({
      provider: 'kind',
      cluster: CLUSTER,
      context: CLUSTER,
      server: 'https://127.0.0.1:40000',
      image: IMAGE,
      engine: 'docker',
    });
    expect(state?.caFingerprint).toMatch(/^[0-9a-f]{64}$/);
    expect(fs.statSync(kubeconfig).mode & 0o077).toBe(0);
  });

  it('does not trust kind --wait: a timeout warning with exit 0 still fails when nodes never get Ready', async () => {
    vi.stubEnv('FAKE_KIND_WAIT_TIMEOUT', '1');
    vi.stubEnv('FAKE_NEVER_READY', '1');
    const r = await provider({ readyTimeoutMs: 200 }).create();
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.step).toBe('wait for every node to be Ready');
    expect(r.message).toContain('not Ready: k8s-harden-lab-worker');
    expect(r.logFile).toBe(path.join(fake.home, 'labs', CLUSTER, 'kind-create.log'));
    expect(fs.readFileSync(r.logFile ?? '', 'utf8')).toContain('Timed out waiting for Ready');
  });

  it('changes nothing when the lab already exists', async () => {
    await provider().create();
    fake.clear();
    const r = await provider().create();
    expect(r).toMatchObject({ ok: true, changed: false });
    expect(fake.lines('kind')).toEqual(['kind version', 'kind get clusters']);
    expect(fake.lines('kubectl')).toEqual([]);
  });

  it('restores only the app’s kubeconfig when the lab exists but the file is gone', async () => {
    await provider().create();
    fs.rmSync(kubeconfig);
    fake.clear();
    const r = await provider().create();
    expect(r).toMatchObject({ ok: true, changed: false });
    expect(fake.lines('kind')).toContain(
      `kind export kubeconfig --name ${CLUSTER} --kubeconfig ${kubeconfig}`,
    );
    expect(fs.readFileSync(kubeconfig, 'utf8')).toContain(`current-context: ${CLUSTER}`);
  });

  it('writes a config with the requested number of workers', async () => {
    const r = await provider().create({ workers: 2 });
    expect(r.ok).toBe(true);
    const generated = path.join(fake.home, 'labs', CLUSTER, 'kind-config.yaml');
    expect(fake.lines('kind')).toContain(
      `kind create cluster --name ${CLUSTER} --config ${generated} --kubeconfig ${kubeconfig} --image ${IMAGE}`,
    );
    expect((await provider().nodes()).map((n) => n.name)).toEqual([
      'k8s-harden-lab-control-plane',
      'k8s-harden-lab-worker',
      'k8s-harden-lab-worker2',
    ]);
  });

  it('uses the image pinned for a requested Kubernetes minor', async () => {
    await provider({ kubernetesVersion: '1.36' }).create();
    expect(fake.lines('kind').find((l) => l.startsWith('kind create'))).toContain(
      '--image kindest/node:v1.36.4@sha256:099e049362a1526b2db71494e1947aae99bd16290d7c895f2b7ea312e3cbfaed',
    );
  });

  it('says what to install when the engine is down, without calling kind create', async () => {
    vi.stubEnv('FAKE_ENGINE_DOWN', '1');
    const r = await provider().create();
    expect(r).toMatchObject({ ok: false, step: 'check kind and the container engine' });
    if (r.ok) return;
    expect(r.message).toContain('docker is not reachable');
    expect(r.message).toContain('https://docs.docker.com/engine/install/');
    expect(fake.lines('kind').some((l) => l.startsWith('kind create'))).toBe(false);
  });

  it('drives podman through KIND_EXPERIMENTAL_PROVIDER', async () => {
    const r = await provider({ engine: 'podman' }).create();
    expect(r.ok).toBe(true);
    const kinds = fake.records().filter((rec) => rec.tool === 'kind' && rec.argv[0] !== 'version');
    expect(kinds.map((k) => k.provider)).toEqual(['podman', 'podman']);
    expect(fake.lines('podman')[0]).toBe('podman info --format {{.Version.Version}}');
    expect(fake.lines('docker')).toEqual([]);
  });
});

describe('KindProvider nodes and node access', () => {
  beforeEach(async () => {
    await provider().create();
    fake.clear();
  });

  it('lists node containers by the kind cluster label with their role', async () => {
    const nodes = await provider().nodes();
    expect(nodes).toEqual([
      { name: 'k8s-harden-lab-control-plane', role: 'control-plane' },
      { name: 'k8s-harden-lab-worker', role: 'worker' },
    ]);
    expect(fake.lines('docker')).toEqual([
      `docker ps -a --filter label=io.x-k8s.kind.cluster=${CLUSTER} --format {{.Names}}\t{{.Label "io.x-k8s.kind.role"}}`,
    ]);
  });

  it('execs with docker exec, adding -i only when there is stdin', async () => {
    const p = provider();
    const plain = await p.exec('k8s-harden-lab-worker', ['sh', '-c', 'echo out; echo err >&2; exit 3']);
    expect(plain).toMatchObject({ exitCode: 3, stdout: 'out\n', stderr: 'err\n' });
    const piped = await p.exec('k8s-harden-lab-control-plane', ['cat'], { stdin: 'hello' });
    expect(piped).toMatchObject({ exitCode: 0, stdout: 'hello' });
    expect(fake.lines('docker')).toEqual([
      'docker exec k8s-harden-lab-worker sh -c echo out; echo err >&2; exit 3',
      'docker exec -i k8s-harden-lab-control-plane cat',
    ]);
  });

  it('gives docker exec -it <node> bash as the interactive shell', () => {
    expect(provider().shellCommand('k8s-harden-lab-worker')).toEqual({
      file: 'docker',
      args: ['exec', '-it', 'k8s-harden-lab-worker', 'bash'],
    });
    expect(provider({ engine: 'podman' }).shellCommand('k8s-harden-lab-worker')).toEqual({
      file: 'podman',
      args: ['exec', '-it', 'k8s-harden-lab-worker', 'bash'],
    });
  });

  it('copies files with docker cp in both directions', async () => {
    const dir = fs.mkdtempSync(path.join(process.env.K8S_HARDEN_LAB_HOME ?? os.tmpdir(), 'khl-cp-'));
    const local = path.join(dir, 'policy.yaml');
    fs.writeFileSync(local, 'rules: []\n');
    const p = provider();
    expect(
      (await p.copyTo('k8s-harden-lab-control-plane', local, '/etc/kubernetes/policy.yaml')).exitCode,
    ).toBe(0);
    const back = path.join(dir, 'back.yaml');
    expect(
      (await p.copyFrom('k8s-harden-lab-control-plane', '/etc/kubernetes/policy.yaml', back)).exitCode,
    ).toBe(0);
    expect(fs.readFileSync(back, 'utf8')).toBe('rules: []\n');
    expect(fake.lines('docker')).toEqual([
      `docker cp ${local} k8s-harden-lab-control-plane:/etc/kubernetes/policy.yaml`,
      `docker cp k8s-harden-lab-control-plane:/etc/kubernetes/policy.yaml ${back}`,
    ]);
  });

  it('reports status from the containers and the app’s kubeconfig', async () => {
    const s = await provider().status();
    expect(s).toMatchObject({
      provider: 'kind',
      exists: true,
      apiserverHealthy: true,
      kubeconfigPath: kubeconfig,
    });
    expect(s.nodes.map((n) => [n.name, n.role, n.ready, n.version])).toEqual([
      ['k8s-harden-lab-control-plane', 'control-plane', true, 'v1.34.11'],
      ['k8s-harden-lab-worker', 'worker', true, 'v1.34.11'],
    ]);
    expect(fake.lines('kubectl')).toContain(
      `kubectl --kubeconfig ${kubeconfig} --context ${CLUSTER} get --raw /readyz`,
    );
  });
});

describe('KindProvider delete', () => {
  it('deletes through kind with the app’s kubeconfig and removes the app’s files', async () => {
    await provider().create();
    fake.clear();
    const r = await provider().delete();
    expect(r).toMatchObject({ ok: true, changed: true });
    expect(fake.lines('kind')).toEqual([
      'kind get clusters',
      `kind delete cluster --name ${CLUSTER} --kubeconfig ${kubeconfig}`,
    ]);
    expect(fs.existsSync(kubeconfig)).toBe(false);
    expect(readLabState(CLUSTER)).toBeUndefined();
    expect(await provider().status()).toMatchObject({ exists: false, nodes: [] });
  });

  it('is not an error when there is no lab', async () => {
    expect(await provider().delete()).toMatchObject({ ok: true, changed: false });
  });
});

describe('KindProvider on the offline build (the project’s own engine)', () => {
  /** A labs/ folder whose offline build and engine scripts are fakes, and a fake machine cache. */
  function offlineLabs(): { labs: string; cache: string; engineFlag: string } {
    const labs = path.join(fake.root, 'labs');
    const offline = path.join(labs, 'kind', 'offline');
    fs.mkdirSync(offline, { recursive: true });
    for (const f of ['cluster.yaml', 'images.yaml'])
      fs.copyFileSync(path.join(labsDir(), 'kind', f), path.join(labs, 'kind', f));
    fs.copyFileSync(
      path.join(labsDir(), 'kind', 'offline', 'versions.env'),
      path.join(offline, 'versions.env'),
    );
    const cache = path.join(fake.root, 'cache');
    const kindDir = path.join(cache, 'offline', 'bin', 'kind-v0.33.0-test');
    fs.mkdirSync(kindDir, { recursive: true });
    // The built kind is the recording fake too (it records calls as `kind`).
    fs.copyFileSync(path.join(fake.root, 'bin', 'kind'), path.join(kindDir, 'kind'));
    fs.chmodSync(path.join(kindDir, 'kind'), 0o755);
    const engineFlag = path.join(fake.root, 'engine-running');
    fs.writeFileSync(
      path.join(offline, 'build.sh'),
      [
        '#!/usr/bin/env bash',
        'for s in packages components kubernetes images engine node-image; do echo "[12:00:00] step 1/6 $s" >&2; done',
        `mkdir -p "${cache}/offline" && echo "kind ${kindDir}" > "${cache}/offline/components.txt"`,
        `touch "${engineFlag}"`,
        'echo "k8s-harden-lab/kind-node:$1"',
      ].join('\n'),
    );
    fs.writeFileSync(
      path.join(offline, 'engine.sh'),
      `#!/usr/bin/env bash\ncase "$1" in status) [ -e "${engineFlag}" ];; start) touch "${engineFlag}";; stop) rm -f "${engineFlag}";; esac\n`,
    );
    vi.stubEnv('K8S_HARDEN_LAB_CACHE', cache);
    return { labs, cache, engineFlag };
  }

  it('builds (or reuses) the node image, then runs the built kind against the lab engine only', async () => {
    const { labs } = offlineLabs();
    // The chooser would pick this on Linux as root; the test asks for it directly.
    const p = provider({ engine: 'lab', labsDir: labs });
    const steps: StepEvent[] = [];
    const r = await p.create({ onStep: (e) => steps.push(e) });
    expect(r, JSON.stringify(r)).toMatchObject({ ok: true, changed: true });
    const kindCalls = fake.records().filter((c) => c.tool === 'kind');
    expect(kindCalls.map((c) => c.argv.join(' '))).toEqual([
      'get clusters',
      `create cluster --name ${CLUSTER} --config ${path.join(labs, 'kind', 'cluster.yaml')} --kubeconfig ${kubeconfig} --image k8s-harden-lab/kind-node:v1.34.12`,
    ]);
    // kind (and every docker call for node access) talks to the project's engine, never the default socket.
    for (const c of kindCalls) expect(c.dockerHost).toBe('unix:///run/k8s-harden-lab/kind-engine.sock');
    for (const c of fake.records().filter((x) => x.tool === 'docker'))
      expect(c.dockerHost).toBe('unix:///run/k8s-harden-lab/kind-engine.sock');
    const started = steps.filter((e) => e.type === 'start').map((e) => e.step);
    expect(started).toContain('build: node-image (1/6)');
    expect(readLabState(CLUSTER)).toMatchObject({
      engine: 'lab',
      image: 'k8s-harden-lab/kind-node:v1.34.12',
    });
  });

  it('stops the lab engine when the last lab on it is deleted, and says so in status', async () => {
    const { labs, engineFlag } = offlineLabs();
    const p = provider({ engine: 'lab', labsDir: labs });
    expect(await p.create()).toMatchObject({ ok: true });
    expect(fs.existsSync(engineFlag)).toBe(true);
    const steps: StepEvent[] = [];
    expect(await p.delete({ onStep: (e) => steps.push(e) })).toMatchObject({ ok: true, changed: true });
    expect(steps.filter((e) => e.type === 'start').map((e) => e.step)).toContain('stop the lab engine');
    expect(fs.existsSync(engineFlag)).toBe(false);
    const s = await p.status();
    expect(s).toMatchObject({ exists: false });
    expect(s.detail).toContain("the lab's own engine is not running");
    // With the engine stopped and no record of the lab there is nothing to delete.
    expect(await p.delete()).toMatchObject({ ok: true, changed: false });
  });
});
