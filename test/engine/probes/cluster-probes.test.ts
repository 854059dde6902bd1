import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { forgetKubeConfigs } from '../../../src/adapters/cluster/kube-client.js';
import { type Check, checkSchema } from '../../../src/domain/checks.js';
import { runRound } from '../../../src/engine/check-runner.js';
import { groupsFor } from '../../../src/engine/probes/access.js';
import { effectiveKubeletSetting, manifestArgs, parseFlags } from '../../../src/engine/probes/component.js';
import { b64, FakeLabProvider, scripted } from '../../helpers/fake-lab-provider.js';
import { testIo } from '../../helpers/probe-io.js';

const hint = { nudge: 'n', teach: 't', command: 'c' };
let n = 0;
function check(probe: unknown, expect: unknown, field?: string): Check {
  return checkSchema.parse({ id: `c${n++}`, title: 't', probe, expect, hint, ...(field ? { field } : {}) });
}

let tmp: string;
let web: http.Server;
let webPort: number;
let closedPort: number;
let fakeKubelet: ChildProcess;
let configPath: string;

beforeAll(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'khl-probes-'));
  fs.writeFileSync(path.join(tmp, 'a.yaml'), 'authentication:\n  anonymous:\n    enabled: false\n');
  fs.chmodSync(path.join(tmp, 'a.yaml'), 0o640);
  configPath = path.join(tmp, 'config.yaml');
  fs.writeFileSync(
    configPath,
    'authentication:\n  anonymous:\n    enabled: true\nauthorization:\n  mode: AlwaysAllow\n',
  );
  fs.utimesSync(configPath, new Date(Date.now() - 60_000), new Date(Date.now() - 60_000));
  web = http.createServer((req, res) => {
    res.statusCode = req.url === '/pods' ? 401 : 200;
    res.end('x');
  });
  await new Promise<void>((r) => web.listen(0, '127.0.0.1', r));
  webPort = (web.address() as AddressInfo).port;
  const probe = http.createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
  closedPort = (probe.address() as AddressInfo).port;
  await new Promise<void>((r) => probe.close(() => r()));
  // A process whose program name is "kubelet", started with a config file and one flag.
  fakeKubelet = spawn('bash', ['-c', 'sleep 600; :', `--config=${configPath}`, '--read-only-port=10255'], {
    argv0: '/usr/bin/kubelet',
    stdio: 'ignore',
  });
  await new Promise((r) => setTimeout(r, 300));
});

afterAll(() => {
  fakeKubelet?.kill();
  web?.close();
  forgetKubeConfigs();
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe('node batch (run for real with bash on this machine)', () => {
  it('answers every node read of a round with ONE exec per node', async () => {
    const provider = new FakeLabProvider({ pids: () => [fakeKubelet.pid ?? 0] });
    const checks = [
      check(
        { kind: 'file', path: path.join(tmp, 'a.yaml'), node: 'worker' },
        { op: 'eq', value: '640' },
        'mode',
      ),
      check(
        { kind: 'file', path: path.join(tmp, 'missing'), node: 'worker' },
        { op: 'eq', value: false },
        'exists',
      ),
      check(
        {
          kind: 'field',
          path: path.join(tmp, 'a.yaml'),
          node: 'worker',
          at: 'authentication.anonymous.enabled',
        },
        { op: 'eq', value: false },
      ),
      check(
        { kind: 'nodeHttp', node: 'worker', url: `http://127.0.0.1:${webPort}/pods` },
        { op: 'eq', value: 401 },
        'status',
      ),
      check(
        { kind: 'nodeHttp', node: 'worker', url: `http://127.0.0.1:${closedPort}/` },
        { op: 'eq', value: false },
        'reachable',
      ),
      check({ kind: 'nodePort', node: 'worker', port: webPort }, { op: 'eq', value: true }, 'open'),
      check({ kind: 'nodePort', node: 'worker', port: closedPort }, { op: 'eq', value: false }, 'open'),
      check(
        { kind: 'componentFlag', component: 'kubelet', flag: '--read-only-port', node: 'worker' },
        { op: 'eq', value: '10255' },
      ),
      check({ kind: 'kubeletConfig', node: 'worker', field: 'readOnlyPort' }, { op: 'eq', value: 10255 }),
      check(
        { kind: 'kubeletConfig', node: 'worker', field: 'authorization.mode' },
        { op: 'eq', value: 'AlwaysAllow' },
      ),
      check(
        { kind: 'kubeletConfig', node: 'worker', field: 'authentication.webhook.enabled' },
        { op: 'eq', value: true },
      ),
      check(
        { kind: 'file', path: path.join(tmp, 'a.yaml'), node: 'control-plane' },
        { op: 'exists' },
        'exists',
      ),
    ];
    const results = await runRound(checks, {
      io: testIo,
      workspace: tmp,
      cluster: { provider, kubeconfigPath: '/x' },
    });
    for (const r of results) expect(r, `${r.expected} / ${r.actual}`).toMatchObject({ status: 'pass' });
    expect(provider.execsOn('lab-worker')).toBe(1);
    expect(provider.execsOn('lab-control-plane')).toBe(1);
    expect(provider.nodesCalls).toBe(1);
  });

  it('an unknown node is an error, not a fail', async () => {
    const provider = new FakeLabProvider({ pids: () => [fakeKubelet.pid ?? 0] });
    const [r] = await runRound(
      [check({ kind: 'nodePort', node: 'nope', port: 1 }, { op: 'eq', value: false }, 'open')],
      {
        io: testIo,
        workspace: tmp,
        cluster: { provider, kubeconfigPath: '/x' },
      },
    );
    expect(r?.status).toBe('error');
    expect(r?.actual).toContain('no node "nope"');
  });

  it('a config file changed after the kubelet started is reported as not in effect', async () => {
    const provider = new FakeLabProvider({ pids: () => [fakeKubelet.pid ?? 0] });
    fs.utimesSync(configPath, new Date(Date.now() + 60_000), new Date(Date.now() + 60_000));
    try {
      const [r] = await runRound(
        [
          check(
            { kind: 'kubeletConfig', node: 'worker', field: 'authorization.mode' },
            { op: 'eq', value: 'Webhook' },
          ),
        ],
        {
          io: testIo,
          workspace: tmp,
          cluster: { provider, kubeconfigPath: '/x' },
        },
      );
      expect(r?.status).toBe('error');
      expect(r?.actual).toMatch(/not in effect yet: restart it/);
    } finally {
      fs.utimesSync(configPath, new Date(Date.now() - 60_000), new Date(Date.now() - 60_000));
    }
  });
});

describe('flags and kubelet settings', () => {
  it('parses flags like pflag', () => {
    const f = parseFlags(['--a=1', '--b', 'x', '--c', '--d=', '--a=2']);
    expect(Object.fromEntries(f)).toEqual({ '--a': '2', '--b': 'x', '--c': 'true', '--d': '' });
  });

  it('reads a static pod manifest', () => {
    const text =
      'spec:\n  containers:\n  - command:\n    - kube-apiserver\n    - --authorization-mode=Node,RBAC\n    args: ["--x=1"]\n';
    expect(manifestArgs(text)).toEqual(['--authorization-mode=Node,RBAC', '--x=1']);
  });

  it('a flag wins over the config file, the file over the default', () => {
    const config = { authentication: { anonymous: { enabled: true } }, readOnlyPort: 10255 };
    expect(
      effectiveKubeletSetting(
        'authentication.anonymous.enabled',
        ['--config=/c', '--anonymous-auth=false'],
        config,
      ),
    ).toEqual({
      value: false,
      source: 'flag',
    });
    expect(effectiveKubeletSetting('authentication.anonymous.enabled', ['--config=/c'], config)).toEqual({
      value: true,
      source: 'config',
    });
    expect(effectiveKubeletSetting('readOnlyPort', ['--config=/c'], {})).toEqual({
      value: 0,
      source: 'default',
    });
    expect(effectiveKubeletSetting('authorization.mode', ['--config=/c'], {})).toEqual({
      value: 'Webhook',
      source: 'default',
    });
    // No config file at all: the kubelet's legacy flag defaults (insecure).
    expect(effectiveKubeletSetting('readOnlyPort', [], undefined)).toEqual({
      value: 10255,
      source: 'default',
    });
    expect(effectiveKubeletSetting('authorization.mode', [], undefined).value).toBe('AlwaysAllow');
  });

  it('service accounts get the groups the apiserver would give them', () => {
    expect(groupsFor('system:serviceaccount:default:john')).toEqual([
      'system:serviceaccounts',
      'system:serviceaccounts:default',
      'system:authenticated',
    ]);
    expect(groupsFor('jane')).toEqual(['system:authenticated']);
  });
});

describe('waiting windows', () => {
  const kubeletDown = scripted((_node, snippet) => {
    if (snippet.startsWith('khl_procs')) return [];
    if (snippet.startsWith('khl_http')) return ['H 000'];
    if (snippet.startsWith('khl_port')) return ['O 0'];
    if (snippet.startsWith('khl_tail'))
      return [`T /var/log/pods/x.log ${b64('2024-01-01T00:00:00Z stderr F Error: unknown flag: --bogus\n')}`];
    return [];
  });

  it('a kubelet that is not running makes kubelet probes wait, other ports still answer', async () => {
    const provider = new FakeLabProvider({ answer: kubeletDown });
    const results = await runRound(
      [
        check(
          { kind: 'nodeHttp', node: 'worker', url: 'https://127.0.0.1:10250/pods' },
          { op: 'eq', value: 401 },
          'status',
        ),
        check({ kind: 'nodePort', node: 'worker', port: 10255 }, { op: 'eq', value: false }, 'open'),
        check({ kind: 'kubeletConfig', node: 'worker', field: 'readOnlyPort' }, { op: 'eq', value: 0 }),
        check({ kind: 'nodePort', node: 'worker', port: 8080 }, { op: 'eq', value: false }, 'open'),
      ],
      { io: testIo, workspace: tmp, cluster: { provider, kubeconfigPath: '/x' } },
    );
    expect(results.map((r) => r.status)).toEqual(['waiting', 'waiting', 'waiting', 'pass']);
    expect(results[0]?.actual).toMatch(/kubelet on lab-worker is not running — waiting/);
    expect(provider.execsOn('lab-worker')).toBe(1);
  });

  it('a kubelet that just restarted waits only until it serves 10250; a port it will never open is then closed', async () => {
    const startedNow = Math.floor(Date.now() / 1000);
    const restarted = (serving: boolean) =>
      scripted((_node, snippet) => {
        if (snippet.startsWith('khl_procs')) return [`P 42 ${startedNow} ${b64('/usr/bin/kubelet\0')}`];
        if (snippet.startsWith("khl_port '127.0.0.1' 10250")) return [serving ? 'O 1' : 'O 0'];
        if (snippet.startsWith('khl_port')) return ['O 0'];
        return [];
      });
    const readOnlyClosed = [
      check({ kind: 'nodePort', node: 'worker', port: 10255 }, { op: 'eq', value: false }, 'open'),
    ];
    const starting = await runRound(readOnlyClosed, {
      io: testIo,
      workspace: tmp,
      cluster: { provider: new FakeLabProvider({ answer: restarted(false) }), kubeconfigPath: '/x' },
    });
    expect(starting[0]?.status).toBe('waiting');
    expect(starting[0]?.actual).toMatch(/is starting — waiting for it to listen/);
    const serving = await runRound(readOnlyClosed, {
      io: testIo,
      workspace: tmp,
      cluster: { provider: new FakeLabProvider({ answer: restarted(true) }), kubeconfigPath: '/x' },
    });
    expect(serving[0]?.status).toBe('pass');
  });

  it('an apiserver that refuses connections makes API probes wait, with the last lines of its log', async () => {
    const kubeconfig = path.join(tmp, 'down.kubeconfig');
    fs.writeFileSync(
      kubeconfig,
      `apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster:\n    insecure-skip-tls-verify: true\n    server: http://127.0.0.1:${closedPort}\nusers:\n- name: u\n  user:\n    token: abc\ncontexts:\n- name: x\n  context: {cluster: c, user: u}\ncurrent-context: x\n`,
    );
    const provider = new FakeLabProvider({ answer: kubeletDown });
    const results = await runRound(
      [
        check({ kind: 'api', resource: 'pods', namespace: 'default' }, { op: 'gte', value: 1 }, 'count'),
        check({ kind: 'nodeState', node: 'worker' }, { op: 'eq', value: true }, 'ready'),
        check(
          {
            kind: 'access',
            user: 'system:serviceaccount:default:john',
            verb: 'list',
            resource: 'pods',
            namespace: 'default',
          },
          { op: 'eq', value: true },
          'allowed',
        ),
      ],
      { io: testIo, workspace: tmp, cluster: { provider, kubeconfigPath: kubeconfig } },
    );
    expect(results.map((r) => r.status)).toEqual(['waiting', 'waiting', 'waiting']);
    expect(results[0]?.actual).toMatch(/^apiserver restarting — waiting \(ECONNREFUSED/);
    expect(results[0]?.actual).toContain('Error: unknown flag: --bogus');
    expect(provider.execsOn('lab-control-plane')).toBe(1);

    // A scenario whose task is to read that log (apiserverHelp: false) is not told it.
    const [quiet] = await runRound(
      [check({ kind: 'api', resource: 'pods', namespace: 'default' }, { op: 'gte', value: 1 }, 'count')],
      {
        io: testIo,
        workspace: tmp,
        apiserverLog: false,
        cluster: { provider: new FakeLabProvider({ answer: kubeletDown }), kubeconfigPath: kubeconfig },
      },
    );
    expect(quiet?.status).toBe('waiting');
    expect(quiet?.actual).toMatch(/^apiserver restarting — waiting \(ECONNREFUSED/);
    expect(quiet?.actual).not.toContain('unknown flag');
  });
});

describe('API probes against a fake apiserver', () => {
  let api: http.Server;
  let kubeconfig: string;
  const seen: Array<{ url?: string | undefined; body: string; authorization?: string | undefined }> = [];
  beforeAll(async () => {
    api = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        seen.push({ url: req.url, body, authorization: req.headers.authorization });
        res.setHeader('Content-Type', 'application/json');
        if (req.url === '/api/v1/nodes/lab-worker')
          return res.end(
            JSON.stringify({
              spec: {
                unschedulable: true,
                taints: [{ key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' }],
              },
              status: { conditions: [{ type: 'Ready', status: 'True' }] },
            }),
          );
        if (req.url?.startsWith('/api/v1/pods?'))
          return res.end(
            JSON.stringify({
              items: [
                { metadata: { name: 'a', namespace: 'default' }, status: { phase: 'Running' } },
                { metadata: { name: 'b', namespace: 'kube-system' }, status: { phase: 'Pending' } },
              ],
            }),
          );
        if (req.url === '/api/v1/namespaces/lab/pods?labelSelector=app%3Dt')
          return res.end(
            JSON.stringify({
              items: [
                { metadata: { name: 'p0' }, status: { phase: 'Pending' } },
                { metadata: { name: 'p1' }, status: { phase: 'Running' } },
              ],
            }),
          );
        if (req.url === '/api/v1/namespaces/lab/pods/p1/log?limitBytes=65536') {
          res.setHeader('Content-Type', 'text/plain');
          return res.end('hello from p1\n');
        }
        if (req.url === '/api/v1/namespaces/lab/pods/p2/log?limitBytes=65536') {
          // What the apiserver relays when the kubelet refuses its client certificate.
          res.statusCode = 403;
          return res.end(
            JSON.stringify({
              kind: 'Status',
              message:
                'Forbidden (user=kube-apiserver-kubelet-client, verb=get, resource=nodes, subresource=proxy)',
            }),
          );
        }
        if (req.url === '/api/v1/namespaces/dev/pods') {
          if (req.headers.authorization === 'Bearer from-file')
            return res.end(JSON.stringify({ items: [{}] }));
          res.statusCode = 403;
          return res.end(
            JSON.stringify({ kind: 'Status', message: 'pods is forbidden: User "x" cannot list' }),
          );
        }
        if (req.url === '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews')
          return res.end(
            JSON.stringify({ status: { allowed: req.headers.authorization === 'Bearer from-file' } }),
          );
        if (req.url === '/apis/authentication.k8s.io/v1/selfsubjectreviews')
          return res.end(
            JSON.stringify({ status: { userInfo: { username: `sent ${req.headers.authorization}` } } }),
          );
        if (req.url === '/apis/authorization.k8s.io/v1/subjectaccessreviews') {
          const spec = JSON.parse(body).spec;
          return res.end(
            JSON.stringify({ status: { allowed: spec.resourceAttributes.verb === 'get', reason: 'abac' } }),
          );
        }
        res.statusCode = 404;
        return res.end(JSON.stringify({ kind: 'Status', message: 'not found' }));
      });
    });
    await new Promise<void>((r) => api.listen(0, '127.0.0.1', r));
    kubeconfig = path.join(tmp, 'up.kubeconfig');
    fs.writeFileSync(
      kubeconfig,
      `apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster:\n    insecure-skip-tls-verify: true\n    server: http://127.0.0.1:${(api.address() as AddressInfo).port}\nusers:\n- name: u\n  user:\n    token: abc\ncontexts:\n- name: x\n  context: {cluster: c, user: u}\ncurrent-context: x\n`,
    );
  });
  afterAll(() => api.close());

  it('observes node state, placement, objects (404 → absent) and access reviews with SA groups', async () => {
    const provider = new FakeLabProvider({
      answer: () => ({
        exitCode: 1,
        stdout: '',
        stderr: '',
        notFound: false,
        timedOut: false,
        cancelled: false,
        failure: 'x',
      }),
    });
    const results = await runRound(
      [
        check(
          { kind: 'nodeState', node: 'worker' },
          { op: 'has', value: 'node.kubernetes.io/unschedulable:NoSchedule' },
          'taints',
        ),
        check({ kind: 'nodeState', node: 'worker' }, { op: 'eq', value: true }, 'unschedulable'),
        check({ kind: 'podPlacement', node: 'worker' }, { op: 'eq', value: 1 }, 'running'),
        check({ kind: 'podPlacement', node: 'worker' }, { op: 'has', value: 'kube-system/b' }, 'notRunning'),
        check({ kind: 'api', resource: 'secrets', namespace: 'default', name: 'gone' }, { op: 'absent' }),
        check(
          {
            kind: 'access',
            user: 'system:serviceaccount:default:john',
            verb: 'get',
            resource: 'pods',
            namespace: 'default',
          },
          { op: 'eq', value: true },
          'allowed',
        ),
        check(
          {
            kind: 'access',
            user: 'system:serviceaccount:default:john',
            verb: 'delete',
            resource: 'pods',
            namespace: 'default',
          },
          { op: 'eq', value: false },
          'allowed',
        ),
      ],
      { io: testIo, workspace: tmp, cluster: { provider, kubeconfigPath: kubeconfig } },
    );
    for (const r of results) expect(r, `${r.expected} / ${r.actual}`).toMatchObject({ status: 'pass' });
    const sar = seen.find((s) => s.url?.includes('subjectaccessreviews'));
    expect(JSON.parse(sar?.body ?? '{}').spec.groups).toContain('system:serviceaccounts:default');
    const list = seen.find((s) => s.url?.startsWith('/api/v1/pods?'));
    expect(decodeURIComponent(list?.url ?? '')).toContain('fieldSelector=spec.nodeName=lab-worker');
  });

  it('reads a subresource (pod logs) of the running pod a selector picks, and keeps a refusal as an answer', async () => {
    const provider = new FakeLabProvider({});
    const logs = { kind: 'api', resource: 'pods', namespace: 'lab', subresource: 'log' };
    const results = await runRound(
      [
        check({ ...logs, selector: 'app=t' }, { op: 'eq', value: 200 }, 'status'),
        check({ ...logs, selector: 'app=t' }, { op: 'eq', value: 'p1' }, 'object'),
        check({ ...logs, selector: 'app=t' }, { op: 'matches', value: 'hello' }, 'body'),
        check({ ...logs, name: 'p2' }, { op: 'eq', value: 403 }, 'status'),
        check({ ...logs, name: 'p2' }, { op: 'matches', value: 'kubelet-client' }, 'message'),
      ],
      { io: testIo, workspace: tmp, cluster: { provider, kubeconfigPath: kubeconfig } },
    );
    for (const r of results) expect(r, `${r.expected} / ${r.actual}`).toMatchObject({ status: 'pass' });
    const [none] = await runRound(
      [check({ ...logs, selector: 'app=none' }, { op: 'eq', value: 200 }, 'status')],
      {
        io: testIo,
        workspace: tmp,
        cluster: { provider, kubeconfigPath: kubeconfig },
      },
    );
    expect(none).toMatchObject({ status: 'error' });
    expect(none?.actual).toMatch(/no pods match app=none in lab/);
  });

  it('a workspace kubeconfig: the token kubectl would send (a tokenFile, trimmed), and a credential plugin is never run', async () => {
    const server = `http://127.0.0.1:${(api.address() as AddressInfo).port}`;
    const marker = path.join(tmp, 'plugin-ran');
    const write = (name: string, user: string) =>
      fs.writeFileSync(
        path.join(tmp, name),
        `apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster:\n    insecure-skip-tls-verify: true\n    server: ${server}\nusers:\n- name: u\n  user: ${user}\ncontexts:\n- name: x\n  context: {cluster: c, user: u}\ncurrent-context: x\n`,
      );
    fs.writeFileSync(path.join(tmp, 'john.token'), 'from-file\n');
    write('ws-token.kubeconfig', '{ token: written, tokenFile: john.token }');
    write(
      'ws-plugin.kubeconfig',
      `{ exec: { apiVersion: client.authentication.k8s.io/v1, command: touch, args: [${marker}] } }`,
    );
    const asFile = (kubeconfigFile: string) =>
      check(
        {
          kind: 'access',
          kubeconfig: kubeconfigFile,
          user: 'sent Bearer from-file',
          verb: 'list',
          resource: 'pods',
        },
        { op: 'eq', value: true },
        'allowed',
      );
    const results = await runRound(
      [
        asFile('ws-token.kubeconfig'),
        { ...asFile('ws-token.kubeconfig'), id: 'who', field: 'userMatches' },
        asFile('ws-plugin.kubeconfig'),
      ],
      {
        io: testIo,
        workspace: tmp,
        cluster: { provider: new FakeLabProvider({}), kubeconfigPath: kubeconfig },
      },
    );
    expect(results.map((r) => r.status)).toEqual(['pass', 'pass', 'error']);
    expect(results[2]?.actual).toMatch(/credential plugin \(exec\), which the checks never run/);
    expect(fs.existsSync(marker)).toBe(false);
  });

  it('a workspace kubeconfig: client certificate and key files read in the workspace and handed over as data; a missing one is named in words, not ENOENT', async () => {
    const server = `http://127.0.0.1:${(api.address() as AddressInfo).port}`;
    const write = (name: string, user: string) =>
      fs.writeFileSync(
        path.join(tmp, name),
        `apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster:\n    insecure-skip-tls-verify: true\n    server: ${server}\nusers:\n- name: u\n  user: ${user}\ncontexts:\n- name: x\n  context: {cluster: c, user: u}\ncurrent-context: x\n`,
      );
    fs.writeFileSync(path.join(tmp, 'u.crt'), 'the certificate\n');
    fs.writeFileSync(path.join(tmp, 'u.key'), 'the key\n');
    write('cert-ok.kubeconfig', '{ client-certificate: u.crt, client-key: u.key }');
    write('cert-missing.kubeconfig', '{ client-certificate: missing.crt, client-key: u.key }');
    write(
      'key-missing.kubeconfig',
      `{ client-certificate: ${path.join(tmp, 'u.crt')}, client-key: gone.key }`,
    );
    write('cert-outside.kubeconfig', '{ client-certificate: /etc/hostname, client-key: u.key }');
    const handed: unknown[] = [];
    const kube = testIo.cluster?.kube;
    if (!kube) throw new Error('testIo has no cluster I/O');
    const io = {
      ...testIo,
      cluster: {
        ...testIo.cluster,
        kube: {
          ...kube,
          fromFile: (file: string, options?: Parameters<typeof kube.fromFile>[1]) => {
            handed.push(options?.clientCertificate);
            return kube.fromFile(file, options);
          },
        },
      },
    } as typeof testIo;
    const list = (file: string) =>
      check({ kind: 'api', kubeconfig: file, resource: 'pods' }, { op: 'eq', value: 200 }, 'status');
    const results = await runRound(
      ['cert-ok', 'cert-missing', 'key-missing', 'cert-outside'].map((f) => list(`${f}.kubeconfig`)),
      { io, workspace: tmp, cluster: { provider: new FakeLabProvider({}), kubeconfigPath: kubeconfig } },
    );
    expect(results.slice(1).map((r) => `${r.status} ${r.actual}`)).toEqual([
      expect.stringMatching(/^error .*missing\.crt \(client-certificate of user u\) does not exist/),
      expect.stringMatching(/^error .*gone\.key \(client-key of user u\) does not exist/),
      expect.stringMatching(
        /^error .*\/etc\/hostname \(client-certificate of user u\) is outside the workspace/,
      ),
    ]);
    for (const r of results) expect(r.actual).not.toMatch(/ENOENT/);
    // The request went out (the fake apiserver has no pods in default: 404).
    expect(results[0]).toMatchObject({ status: 'fail', actual: 'found `404`' });
    expect(handed).toEqual([{ certPem: 'the certificate\n', keyPem: 'the key\n' }]);
  });

  it('api as a workspace kubeconfig: the list kubectl get would ask for, in the context namespace, a refusal as an answer', async () => {
    const server = `http://127.0.0.1:${(api.address() as AddressInfo).port}`;
    const kc = (user: string) =>
      `apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster:\n    insecure-skip-tls-verify: true\n    server: ${server}\nusers:\n- name: u\n  user: ${user}\ncontexts:\n- name: x\n  context: {cluster: c, user: u, namespace: dev}\ncurrent-context: x\n`;
    fs.writeFileSync(path.join(tmp, 'john.token'), 'from-file\n');
    fs.writeFileSync(path.join(tmp, 'get-ok.kubeconfig'), kc('{ tokenFile: john.token }'));
    fs.writeFileSync(path.join(tmp, 'get-no.kubeconfig'), kc('{ token: someone-else }'));
    const list = (file: string) =>
      check({ kind: 'api', kubeconfig: file, resource: 'pods' }, { op: 'eq', value: 200 }, 'status');
    const results = await runRound(
      [
        list('get-ok.kubeconfig'),
        { ...list('get-ok.kubeconfig'), id: 'ns', field: 'namespace', expect: { op: 'eq', value: 'dev' } },
        list('get-no.kubeconfig'),
      ],
      {
        io: testIo,
        workspace: tmp,
        cluster: { provider: new FakeLabProvider({}), kubeconfigPath: kubeconfig },
      },
    );
    expect(results.map((r) => `${r.status} ${r.actual}`)).toEqual([
      'pass found `200`',
      'pass found `dev`',
      'fail found `403`',
    ]);
  });
});
