import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { forgetKubeConfigs } from '../../../src/adapters/cluster/kube-client.js';
import { type Check, checkSchema } from '../../../src/domain/checks.js';
import { probeKey, runRound } from '../../../src/engine/check-runner.js';
import { canary } from '../../../src/engine/probes/audit.js';
import { storageOf } from '../../../src/engine/probes/etcd.js';
import { podMountsToken } from '../../../src/engine/probes/request.js';
import { claimFacts, jwtClaims } from '../../../src/engine/probes/token.js';
import { withText } from '../../../src/engine/probes/workspace.js';
import { FakeLabProvider } from '../../helpers/fake-lab-provider.js';
import { testIo } from '../../helpers/probe-io.js';

const hint = { nudge: 'n', teach: 't', command: 'c' };
let n = 0;
function check(probe: unknown, expect: unknown, field?: string): Check {
  return checkSchema.parse({ id: `c${n++}`, title: 't', probe, expect, hint, ...(field ? { field } : {}) });
}

const jwt = (claims: object) =>
  `eyJhbGciOiJSUzI1NiJ9.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.c2ln`;
const BOT = jwt({ sub: 'system:serviceaccount:apps:bot', iat: 1000, exp: 4600 });
const LEGACY = jwt({ iss: 'kubernetes/serviceaccount', sub: 'system:serviceaccount:apps:bot' });

/** Who a request is: its bearer token, or the user the lab admin impersonates. */
function userOf(req: http.IncomingMessage): string | undefined {
  const auth = req.headers.authorization;
  if (auth === 'Bearer admin') return (req.headers['impersonate-user'] as string | undefined) ?? 'admin';
  if (auth === `Bearer ${BOT}`) return 'system:serviceaccount:apps:bot';
  if (auth === 'Bearer minted') return 'system:serviceaccount:apps:reader';
  if (!auth) return 'system:anonymous';
  return undefined;
}

let tmp: string;
let api: http.Server;
let kubeconfig: string;
const seen: Array<{
  method?: string | undefined;
  url?: string | undefined;
  body: string;
  auth?: string | undefined;
  groups?: unknown;
}> = [];

beforeAll(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'khl-request-'));
  fs.writeFileSync(path.join(tmp, 'bot.token'), `${BOT}\n`);
  fs.writeFileSync(path.join(tmp, 'legacy.token'), LEGACY);
  fs.writeFileSync(path.join(tmp, 'fixture.token'), `${BOT}\n`);
  api = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      seen.push({
        method: req.method,
        url: req.url,
        body,
        auth: req.headers.authorization,
        groups: req.headers['impersonate-group'],
      });
      res.setHeader('Content-Type', 'application/json');
      const send = (status: number, object: unknown) => {
        res.statusCode = status;
        res.end(typeof object === 'string' ? object : JSON.stringify(object));
      };
      const user = userOf(req);
      // An "apiserver" that audits: every marked request leaves two events in the log.
      const nonce = /(?:khl-audit[=-]|audit-canary-)([0-9a-f]{16})/.exec(req.url ?? '')?.[1];
      if (nonce && !req.url?.includes('/readyz')) {
        const secret = req.url?.includes('/secrets');
        const event = (stage: string) =>
          JSON.stringify({
            level: secret ? 'Metadata' : 'RequestResponse',
            stage,
            requestURI: req.url,
            user: { username: user },
            ...(secret
              ? {}
              : { requestObject: {}, ...(stage === 'ResponseComplete' ? { responseObject: {} } : {}) }),
          });
        fs.appendFileSync(
          path.join(tmp, 'audit.log'),
          `${event('RequestReceived')}\n${event('ResponseComplete')}\n`,
        );
      }
      if (req.url === '/api/v1/namespaces/apps/serviceaccounts/reader/token')
        return send(201, { status: { token: 'minted' } });
      if (req.url === '/api/v1/namespaces/apps/serviceaccounts/ghost/token') return send(404, {});
      if (req.url === '/apis/authentication.k8s.io/v1/tokenreviews') {
        const token = JSON.parse(body).spec.token;
        return send(201, {
          status:
            token === BOT
              ? { authenticated: true, user: { username: 'system:serviceaccount:apps:bot', groups: ['g'] } }
              : { authenticated: false },
        });
      }
      if (user === undefined)
        return send(401, { kind: 'Status', reason: 'Unauthorized', message: 'Unauthorized' });
      if (req.url === '/apis/authentication.k8s.io/v1/selfsubjectreviews') {
        if (user === 'system:anonymous')
          return send(403, {
            kind: 'Status',
            reason: 'Forbidden',
            message: 'User "system:anonymous" cannot create',
          });
        return send(201, { status: { userInfo: { username: user, groups: ['system:authenticated'] } } });
      }
      if (req.url === '/metrics') {
        res.setHeader('Content-Type', 'text/plain');
        return send(200, `apiserver_request_total 1\n${'x'.repeat(2000)}`);
      }
      if (req.url === '/api/v1/namespaces/apps/secrets')
        return user === 'admin'
          ? send(200, { items: [] })
          : send(403, { kind: 'Status', reason: 'Forbidden', message: `User "${user}" cannot list secrets` });
      if (req.url?.startsWith('/api/v1/namespaces/shop/pods?dryRun=All')) {
        const pod = JSON.parse(body);
        const automount = pod.spec.automountServiceAccountToken !== false;
        return send(201, {
          ...pod,
          spec: {
            ...pod.spec,
            volumes: automount
              ? [{ name: 'kube-api-access-x', projected: { sources: [{ serviceAccountToken: {} }] } }]
              : [],
            containers: pod.spec.containers.map((c: object) => ({
              ...c,
              volumeMounts: automount
                ? [{ name: 'kube-api-access-x', mountPath: '/var/run/secrets/kubernetes.io/serviceaccount' }]
                : [],
            })),
          },
        });
      }
      if (req.url === '/api/v1/nodes/n1?dryRun=All')
        return user === 'olga'
          ? send(200, { kind: 'Node', metadata: { name: 'n1' } })
          : send(403, { kind: 'Status', reason: 'Forbidden', message: `User "${user}" cannot patch` });
      if (req.url === '/version') return send(200, { gitVersion: 'v1.34.12' });
      if (req.url?.startsWith('/api/v1/namespaces/shop/pods?labelSelector=app%3Dfrontend'))
        return send(200, {
          items: [
            { metadata: { name: 'z-frontend' }, status: { phase: 'Running', podIP: '10.0.0.9' } },
            { metadata: { name: 'a-frontend' }, status: { phase: 'Running', podIP: '10.0.0.1' } },
            { metadata: { name: 'gone' }, status: { phase: 'Pending' } },
          ],
        });
      if (req.url?.startsWith('/api/v1/namespaces/shop/pods?labelSelector=app%3Dbackend'))
        return send(200, {
          items: [
            { metadata: { name: 'b1' }, status: { phase: 'Running', podIP: '10.0.0.2' } },
            { metadata: { name: 'b2' }, status: { phase: 'Running', podIP: '10.0.0.3' } },
          ],
        });
      if (req.url?.startsWith('/api/v1/namespaces/shop/pods?labelSelector=app%3Dnone'))
        return send(200, { items: [] });
      return send(404, { kind: 'Status', reason: 'NotFound', message: 'not found' });
    });
  });
  await new Promise<void>((r) => api.listen(0, '127.0.0.1', r));
  kubeconfig = path.join(tmp, 'lab.kubeconfig');
  fs.writeFileSync(
    kubeconfig,
    `apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster:\n    insecure-skip-tls-verify: true\n    server: http://127.0.0.1:${(api.address() as AddressInfo).port}\nusers:\n- name: u\n  user:\n    token: admin\ncontexts:\n- name: x\n  context: {cluster: c, user: u}\ncurrent-context: x\n`,
  );
});

afterAll(() => {
  api.close();
  forgetKubeConfigs();
  fs.rmSync(tmp, { recursive: true, force: true });
});

const round = (checks: Check[]) =>
  runRound(checks, {
    io: testIo,
    workspace: path.join(tmp),
    scenarioDir: tmp,
    cluster: { provider: new FakeLabProvider({}), kubeconfigPath: kubeconfig },
  });

describe('apiRequest', () => {
  it('asks as a token file, anonymously, as a minted service-account token and as an impersonated user', async () => {
    const results = await round([
      check(
        { kind: 'apiRequest', path: '/api/v1/namespaces/apps/secrets', as: { token: { file: 'bot.token' } } },
        { op: 'eq', value: 403 },
        'status',
      ),
      check(
        { kind: 'apiRequest', path: '/api/v1/namespaces/apps/secrets', as: { token: { file: 'bot.token' } } },
        { op: 'eq', value: 'system:serviceaccount:apps:bot' },
        'user',
      ),
      check(
        {
          kind: 'apiRequest',
          path: '/api/v1/namespaces/apps/secrets',
          as: { token: { file: 'legacy.token' } },
        },
        { op: 'eq', value: false },
        'authenticated',
      ),
      check(
        { kind: 'apiRequest', path: '/metrics', as: { anonymous: true } },
        { op: 'eq', value: 'system:anonymous' },
        'user',
      ),
      check(
        { kind: 'apiRequest', path: '/metrics', as: { serviceAccount: 'apps/reader' } },
        { op: 'contains', value: 'apiserver_request_total' },
        'body',
      ),
      check(
        {
          kind: 'apiRequest',
          path: '/api/v1/namespaces/apps/secrets',
          as: { user: 'sam', groups: ['support', 'x'] },
        },
        { op: 'eq', value: 'Forbidden' },
        'reason',
      ),
      check({ kind: 'apiRequest', path: '/api/v1/namespaces/apps/secrets' }, { op: 'eq', value: true }, 'ok'),
      check(
        {
          kind: 'apiRequest',
          path: '/api/v1/namespaces/apps/secrets',
          as: { token: { file: 'fixture.token', from: 'scenario' } },
        },
        { op: 'eq', value: 403 },
        'status',
      ),
    ]);
    expect(results.map((r) => r.status)).toEqual([
      'pass',
      'pass',
      'pass',
      'pass',
      'pass',
      'pass',
      'pass',
      'pass',
    ]);
    expect(seen.some((s) => Array.isArray(s.groups) || s.groups === 'support, x')).toBe(true);
    // A token never reaches the words a learner sees.
    for (const r of results) expect(`${r.expected} ${r.actual}`).not.toContain(BOT);
  });

  it('turns a missing credential or service account into an error that says which', async () => {
    const [file, sa] = await round([
      check(
        { kind: 'apiRequest', path: '/version', as: { token: { file: 'nope.token' } } },
        { op: 'eq', value: 200 },
        'status',
      ),
      check(
        { kind: 'apiRequest', path: '/version', as: { serviceAccount: 'apps/ghost' } },
        { op: 'eq', value: 200 },
        'status',
      ),
    ]);
    expect(file?.status).toBe('error');
    expect(file?.actual).toContain('nope.token does not exist');
    expect(sa?.status).toBe('error');
    expect(sa?.actual).toContain('service account apps/ghost does not exist');
  });

  it('refuses a write that is not a dry run, and a scenario fixture path that leaves the folder', async () => {
    expect(() =>
      check(
        { kind: 'apiRequest', path: '/api/v1/nodes/n1', method: 'DELETE' },
        { op: 'eq', value: 403 },
        'status',
      ),
    ).toThrow(/dry run/);
    const [r] = await round([
      check(
        { kind: 'apiRequest', path: '/version', as: { token: { file: '../x', from: 'scenario' } } },
        { op: 'eq', value: 200 },
        'status',
      ),
    ]);
    expect(r?.status).toBe('error');
  });
});

describe('admission', () => {
  const pod = (spec: object) => ({
    apiVersion: 'v1',
    kind: 'Pod',
    spec: { containers: [{ name: 'c', image: 'x' }], ...spec },
  });
  it('dry-runs a create and says whether the admitted pod would mount a token', async () => {
    const [withToken, without] = await round([
      check(
        { kind: 'admission', verb: 'create', resource: 'pods', namespace: 'shop', object: pod({}) },
        { op: 'eq', value: true },
        'mountsToken',
      ),
      check(
        {
          kind: 'admission',
          verb: 'create',
          resource: 'pods',
          namespace: 'shop',
          object: pod({ automountServiceAccountToken: false }),
        },
        { op: 'eq', value: false },
        'mountsToken',
      ),
    ]);
    expect(withToken?.status).toBe('pass');
    expect(without?.status).toBe('pass');
    const create = seen.find((s) => s.url?.startsWith('/api/v1/namespaces/shop/pods?dryRun=All'));
    expect(JSON.parse(create?.body ?? '{}').metadata.generateName).toBe('khl-probe-');
  });

  it('dry-runs a patch as an impersonated user: allowed for one, refused for another', async () => {
    const [olga, sam] = await round([
      check(
        {
          kind: 'admission',
          verb: 'patch',
          resource: 'nodes',
          name: 'n1',
          patch: { spec: { unschedulable: true } },
          as: { user: 'olga' },
        },
        { op: 'eq', value: true },
        'allowed',
      ),
      check(
        {
          kind: 'admission',
          verb: 'patch',
          resource: 'nodes',
          name: 'n1',
          patch: { spec: { unschedulable: true } },
          as: { user: 'sam' },
        },
        { op: 'eq', value: 'Forbidden' },
        'reason',
      ),
    ]);
    expect([olga?.status, sam?.status]).toEqual(['pass', 'pass']);
    const patch = seen.find((s) => s.method === 'PATCH');
    expect(patch?.url).toBe('/api/v1/nodes/n1?dryRun=All');
  });
});

describe('token', () => {
  it('reports what the API says and what the claims say, never the token', async () => {
    const results = await round([
      check({ kind: 'token', file: 'bot.token' }, { op: 'eq', value: 'apps/bot' }, 'serviceAccount'),
      check({ kind: 'token', file: 'bot.token' }, { op: 'eq', value: 3600 }, 'lifetimeSeconds'),
      check({ kind: 'token', file: 'legacy.token' }, { op: 'eq', value: false }, 'authenticated'),
      check({ kind: 'token', file: 'legacy.token' }, { op: 'eq', value: true }, 'legacy'),
      check({ kind: 'token', file: 'missing.token' }, { op: 'eq', value: false }, 'exists'),
    ]);
    expect(results.map((r) => r.status)).toEqual(['pass', 'pass', 'pass', 'pass', 'pass']);
  });

  it('decodes claims without trusting them', () => {
    expect(jwtClaims('a.b')).toBeUndefined();
    expect(jwtClaims('not-a-jwt')).toBeUndefined();
    const facts = claimFacts({ iat: 0, exp: 600, 'kubernetes.io': { pod: { name: 'p' } } }, 0);
    expect(facts).toMatchObject({
      expires: true,
      lifetimeSeconds: 600,
      expiresInSeconds: 600,
      boundTo: 'pod/p',
      legacy: false,
    });
    expect(claimFacts({ iss: 'kubernetes/serviceaccount' }, 0)).toMatchObject({
      expires: false,
      legacy: true,
    });
  });
});

describe('valueFrom: the expected value is another probe, read in the same round', () => {
  it('passes when the file matches the live answer and fails when it does not', async () => {
    fs.writeFileSync(path.join(tmp, 'version.json'), JSON.stringify({ gitVersion: 'v1.34.12' }));
    fs.writeFileSync(path.join(tmp, 'old.json'), JSON.stringify({ gitVersion: 'v1.20.2' }));
    const live = { probe: { kind: 'apiRequest', path: '/version' }, field: 'body.gitVersion' };
    const [good, bad, gone] = await round([
      check(
        { kind: 'field', path: 'version.json', format: 'json', at: 'gitVersion' },
        { op: 'eq', valueFrom: live },
      ),
      check(
        { kind: 'field', path: 'old.json', format: 'json', at: 'gitVersion' },
        { op: 'eq', valueFrom: live },
      ),
      check(
        { kind: 'field', path: 'old.json', format: 'json', at: 'gitVersion' },
        { op: 'eq', valueFrom: { ...live, field: 'body.nothing' } },
      ),
    ]);
    expect(good?.status).toBe('pass');
    expect(good?.expected).toContain(
      '`v1.34.12`, as body.gitVersion of GET /version as the lab admin is now',
    );
    expect(bad?.status).toBe('fail');
    expect(gone?.status).toBe('error');
  });
});

describe('http and {node}', () => {
  it('http: a GET from where the learner works, nothing there being a value', async () => {
    const port = (api.address() as AddressInfo).port;
    const [up, kind, down] = await round([
      check({ kind: 'http', url: `http://127.0.0.1:${port}/version` }, { op: 'eq', value: 200 }, 'status'),
      check(
        { kind: 'http', url: `http://127.0.0.1:${port}/version` },
        { op: 'eq', value: 'v1.34.12' },
        'json.gitVersion',
      ),
      check({ kind: 'http', url: 'http://127.0.0.1:1/api' }, { op: 'eq', value: false }, 'reachable'),
    ]);
    expect([up?.status, kind?.status, down?.status]).toEqual(['pass', 'pass', 'pass']);
    expect(() => check({ kind: 'http', url: 'http://example.com/' }, { op: 'exists' }, 'status')).toThrow(
      /on this machine/,
    );
  });

  it('{node} in a path is the lab node name of that role', async () => {
    await round([
      check(
        { kind: 'apiRequest', path: '/api/v1/nodes/{node}/proxy/pods', node: 'worker' },
        { op: 'exists' },
        'status',
      ),
    ]);
    expect(seen.some((s) => s.url === '/api/v1/nodes/lab-worker/proxy/pods')).toBe(true);
  });
});

describe('podConnect', () => {
  const calls: string[][] = [];
  // kubectl exec, answered as the pod's shell loop would: 10.0.0.2 answers on 8080, nothing else.
  const run: typeof testIo.run = async (_file, args) => {
    calls.push([...args]);
    const targets = args.slice(args.indexOf('sh', args.indexOf('-c')) + 2);
    const stdout = targets
      .map((t) => `${t} ${t === '10.0.0.2:8080' || t === 'dns:ok.svc' ? 'yes' : 'no'}`)
      .join('\n');
    return {
      exitCode: 0,
      stdout,
      stderr: '',
      notFound: false,
      timedOut: false,
      cancelled: false,
      failure: '',
    };
  };
  const roundWith = (checks: Check[]) =>
    runRound(checks, {
      io: { ...testIo, run },
      workspace: tmp,
      cluster: { provider: new FakeLabProvider({}), kubeconfigPath: kubeconfig },
    });
  const from = { namespace: 'shop', selector: 'app=frontend' };
  it('connects from the first running source pod to every target pod, all in one exec', async () => {
    const [all, any, dns, none] = await roundWith([
      check(
        { kind: 'podConnect', from, to: { namespace: 'shop', selector: 'app=backend' }, port: 8080 },
        { op: 'eq', value: false },
        'connected',
      ),
      check(
        { kind: 'podConnect', from, to: { namespace: 'shop', selector: 'app=backend' }, port: 8080 },
        { op: 'eq', value: true },
        'anyConnected',
      ),
      check(
        { kind: 'podConnect', from, to: { host: 'ok.svc' }, protocol: 'dns' },
        { op: 'eq', value: true },
        'connected',
      ),
      check(
        { kind: 'podConnect', from, to: { namespace: 'shop', selector: 'app=none' }, port: 80 },
        { op: 'eq', value: false },
        'connected',
      ),
    ]);
    expect([all?.status, any?.status, dns?.status]).toEqual(['pass', 'pass', 'pass']);
    expect(none?.status).toBe('error');
    expect(none?.actual).toContain('no running pod matches app=none');
    const exec = calls.find((c) => c.includes('10.0.0.2:8080'));
    expect(exec?.slice(exec.indexOf('exec') + 1, exec.indexOf('exec') + 2)).toEqual(['a-frontend']);
    expect(exec?.filter((a) => a.endsWith(':8080'))).toEqual(['10.0.0.2:8080', '10.0.0.3:8080']);
  });

  it('a tcp connect needs a port, a dns lookup a host', () => {
    expect(() =>
      check({ kind: 'podConnect', from, to: { host: 'x' } }, { op: 'exists' }, 'connected'),
    ).toThrow(/needs port/);
    expect(() =>
      check({ kind: 'podConnect', from, to: from, protocol: 'dns' }, { op: 'exists' }, 'connected'),
    ).toThrow(/to: \{host\}/);
  });
});

describe('auditEvents', () => {
  it('finds the events of its own marked request, and nothing for an old or unmarked one', async () => {
    fs.writeFileSync(
      path.join(tmp, 'audit.log'),
      `${JSON.stringify({ level: 'RequestResponse', requestURI: '/api/v1/namespaces/default/secrets' })}\n`,
    );
    const log = path.join(tmp, 'audit.log');
    const secret = {
      verb: 'create',
      resource: 'secrets',
      namespace: 'default',
      object: { kind: 'Secret', stringData: { a: 'b' } },
    };
    const [level, body, cm, health, missing] = await round([
      check(
        { kind: 'auditEvents', log, node: 'control-plane', request: secret },
        { op: 'eq', value: ['Metadata'] },
        'levels',
      ),
      check(
        { kind: 'auditEvents', log, node: 'control-plane', request: secret },
        { op: 'eq', value: false },
        'hasRequestObject',
      ),
      check(
        {
          kind: 'auditEvents',
          log,
          request: {
            verb: 'patch',
            resource: 'configmaps',
            namespace: 'default',
            name: 'x',
            patch: { data: {} },
          },
        },
        { op: 'eq', value: true },
        'hasResponseObject',
      ),
      check(
        { kind: 'auditEvents', log, request: { verb: 'get', path: '/readyz' } },
        { op: 'eq', value: 0 },
        'found',
      ),
      check(
        { kind: 'auditEvents', log: path.join(tmp, 'no.log'), request: { verb: 'get', path: '/version' } },
        { op: 'eq', value: false },
        'logExists',
      ),
    ]);
    expect([level, body, cm, health, missing].map((r) => `${r?.status} ${r?.actual}`)).toEqual([
      'pass found `Metadata`',
      'pass found `false`',
      'pass found `true`',
      'pass found `0`',
      'pass found `false`',
    ]);
    const create = seen.find(
      (s) => s.method === 'POST' && s.url?.includes('/secrets?dryRun=All&fieldManager=khl-audit-'),
    );
    expect(JSON.parse(create?.body ?? '{}').metadata.name).toMatch(/^audit-canary-[0-9a-f]{16}$/);
  });

  it('a canary marks every verb and writes only as a dry run', () => {
    const marks = (['create', 'get', 'list', 'patch', 'delete'] as const).map((verb) =>
      canary(
        {
          verb,
          apiVersion: 'v1',
          resource: 'configmaps',
          namespace: 'd',
          name: verb === 'get' ? undefined : 'x',
          object: {},
          patch: {},
        },
        'abc',
      ),
    );
    for (const m of marks) expect(m.path).toContain('abc');
    for (const m of marks.filter((x) => x.method !== 'GET')) expect(m.path).toContain('dryRun=All');
  });
});

describe('helpers', () => {
  it('podMountsToken sees a token folder mount or a projected token volume, in any container', () => {
    expect(
      podMountsToken({
        spec: {
          containers: [
            { volumeMounts: [{ name: 'v', mountPath: '/var/run/secrets/kubernetes.io/serviceaccount/' }] },
          ],
        },
      }),
    ).toBe(true);
    expect(
      podMountsToken({
        spec: {
          volumes: [{ name: 't', projected: { sources: [{ serviceAccountToken: {} }] } }],
          initContainers: [{ volumeMounts: [{ name: 't', mountPath: '/tok' }] }],
        },
      }),
    ).toBe(true);
    expect(
      podMountsToken({
        spec: {
          volumes: [{ name: 't', projected: { sources: [{ serviceAccountToken: {} }] } }],
          containers: [{}],
        },
      }),
    ).toBe(false);
    expect(podMountsToken(undefined)).toBe(false);
  });

  it('storageOf reads the provider from a raw etcd value prefix, never more', () => {
    expect(storageOf('k8s:enc:aescbc:v1:key1:.......')).toEqual({
      exists: true,
      encrypted: true,
      provider: 'aescbc',
      keyName: 'key1',
    });
    expect(storageOf('k8s:enc:kms:v2:vault-kms:....')).toMatchObject({
      provider: 'kms',
      keyName: 'vault-kms',
    });
    expect(storageOf('k8s...v1..Secret..')).toEqual({ exists: true, encrypted: false, provider: 'identity' });
    expect(storageOf(undefined)).toEqual({ exists: false, encrypted: false });
  });

  it('file text and lines: a saved answer without the newline > adds', () => {
    expect(withText({ exists: true, content: ' batch/v1\n' })).toMatchObject({
      text: 'batch/v1',
      lines: ['batch/v1'],
    });
    expect(withText({ exists: true, content: 'a\n\n  b \n' }).lines).toEqual(['a', 'b']);
    expect(withText({ exists: false })).toEqual({ exists: false });
  });

  it('probeKey tells apart specs that differ only deep inside', () => {
    const a = checkSchema.parse({
      id: 'a',
      title: 't',
      hint,
      expect: { op: 'exists' },
      probe: { kind: 'apiRequest', path: '/x', as: { token: { file: 'a' } } },
    });
    const b = checkSchema.parse({
      id: 'b',
      title: 't',
      hint,
      expect: { op: 'exists' },
      probe: { kind: 'apiRequest', path: '/x', as: { token: { file: 'b' } } },
    });
    expect(probeKey(a.probe)).not.toBe(probeKey(b.probe));
    expect(probeKey(a.probe)).toBe(probeKey({ ...a.probe }));
  });
});
