import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keepCredential } from '../../../src/engine/kept-credential.js';
import {
  credentialOf,
  credentialSource,
  describeCredential,
  describeKubeconfig,
  type KubeconfigFacts,
  kubeconfigProbe,
} from '../../../src/engine/probes/kubeconfig.js';
import type { ProbeContext } from '../../../src/engine/probes/types.js';
import { testIo } from '../../helpers/probe-io.js';

const CONFIG = `
apiVersion: v1
kind: Config
clusters:
  - name: kubernetes
    cluster: { server: https://controlplane:6443 }
  - name: development
    cluster: { server: https://dev:6443 }
users:
  - name: kubernetes-admin
    user: { client-certificate-data: AAAA, client-key-data: BBBB }
  - name: john
    user: { tokenFile: tokens/john.token }
  - name: sso
    user: { exec: { command: kubelogin } }
contexts:
  - name: kubernetes-admin@kubernetes
    context: { cluster: kubernetes, user: kubernetes-admin }
  - name: john-context
    context: { cluster: kubernetes, user: john, namespace: dev }
  - name: dangling
    context: { cluster: nowhere, user: nobody }
current-context: kubernetes-admin@kubernetes
`;

describe('describeKubeconfig', () => {
  it('lists names and describes the current context by default', () => {
    const f = describeKubeconfig(CONFIG);
    expect(f.currentContext).toBe('kubernetes-admin@kubernetes');
    expect(f.contexts).toEqual(['kubernetes-admin@kubernetes', 'john-context', 'dangling']);
    expect(f.clusters).toEqual(['kubernetes', 'development']);
    expect(f.users).toEqual(['kubernetes-admin', 'john', 'sso']);
    expect(f.context).toMatchObject({
      name: 'kubernetes-admin@kubernetes',
      exists: true,
      cluster: 'kubernetes',
      user: 'kubernetes-admin',
      namespace: 'default',
      namespaceSet: false,
      server: 'https://controlplane:6443',
      credential: 'client-certificate',
    });
  });

  it('describes a named context; a relative token file resolves against the kubeconfig folder', () => {
    const f = describeKubeconfig(CONFIG, 'john-context', '/ws');
    expect(f.context).toEqual({
      name: 'john-context',
      exists: true,
      cluster: 'kubernetes',
      clusterExists: true,
      user: 'john',
      userExists: true,
      namespace: 'dev',
      namespaceSet: true,
      server: 'https://controlplane:6443',
      credential: 'token-file',
      tokenFile: '/ws/tokens/john.token',
    });
  });

  it('a missing context has no namespace, a dangling one no credential', () => {
    expect(describeKubeconfig(CONFIG, 'nope').context).toMatchObject({
      exists: false,
      namespace: undefined,
      credential: 'none',
    });
    expect(describeKubeconfig(CONFIG, 'dangling').context).toMatchObject({
      exists: true,
      clusterExists: false,
      userExists: false,
      server: undefined,
      credential: 'none',
    });
  });

  it('an empty file is an empty kubeconfig; other YAML is refused in words', () => {
    expect(describeKubeconfig('')).toMatchObject({ currentContext: undefined, contexts: [] });
    expect(() => describeKubeconfig('a: [')).toThrow(/not valid YAML/);
    expect(() => describeKubeconfig('- 1\n- 2\n')).toThrow(/not a kubeconfig/);
  });

  it.each([
    [{ token: 'x' }, 'token'],
    // client-go sends the file's content once it can be read, whatever `token` says.
    [{ token: 'x', tokenFile: '/t' }, 'token-file'],
    [{ tokenFile: '/t' }, 'token-file'],
    [{ 'client-certificate': '/c', 'client-key': '/k' }, 'client-certificate'],
    [{ exec: { command: 'x' } }, 'exec'],
    [{ 'auth-provider': { name: 'oidc' } }, 'auth-provider'],
    [{ username: 'u', password: 'p' }, 'basic'],
    [{}, 'none'],
  ])('credential of %j is %s', (user, kind) => {
    expect(credentialOf(user)).toBe(kind);
  });
});

describe('kubeconfigProbe', () => {
  let dir: string;
  const context = (): ProbeContext => ({
    io: testIo,
    workspace: dir,
    signal: new AbortController().signal,
    roundCache: new Map(),
  });
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'khl-kc-'));
    fs.writeFileSync(path.join(dir, 'my-kube-config'), CONFIG);
    fs.writeFileSync(path.join(dir, 'broken'), 'clusters: [\n');
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('reads a workspace file', async () => {
    const obs = await kubeconfigProbe(
      { kind: 'kubeconfig', path: 'my-kube-config', context: 'john-context' },
      context(),
    );
    expect(obs.type).toBe('value');
    const facts = (obs as { value: KubeconfigFacts }).value;
    expect(facts.context.tokenFile).toBe(path.join(dir, 'tokens', 'john.token'));
  });

  it('says in plain words when the file is missing or broken', async () => {
    expect(await kubeconfigProbe({ kind: 'kubeconfig', path: 'nope' }, context())).toEqual({
      type: 'error',
      message: 'the kubeconfig nope does not exist',
    });
    const broken = await kubeconfigProbe({ kind: 'kubeconfig', path: 'broken' }, context());
    expect(broken).toMatchObject({
      type: 'error',
      message: expect.stringMatching(/broken is not valid YAML/),
    });
  });
});

describe('describeCredential: what kubectl would send, compared without showing it', () => {
  const kc = (user: string) =>
    `users:\n  - name: john\n    user: ${user}\ncontexts:\n  - name: c\n    context: { cluster: k, user: john }\ncurrent-context: c\n`;
  const files: Record<string, string> = { '/ws/john.token': 'SECRET\n', '/ws/other.token': 'OTHER\n' };
  const read = async (f: string) => files[f];
  const sent = (user: string, expected: string | null = 'SECRET\n') =>
    describeCredential(
      credentialSource(kc(user), undefined, '/ws'),
      expected === null ? undefined : keepCredential(expected),
      read,
    );

  it.each([
    ['{ token: SECRET }', true, 'the token written in the kubeconfig'],
    ['{ tokenFile: john.token }', true, 'the token in tokenFile john.token'],
    ['{ token: john.token }', false, 'the token written in the kubeconfig'],
    ['{ token: SECRET, tokenFile: other.token }', false, 'the token in tokenFile other.token'],
    [
      '{ token: SECRET, tokenFile: gone.token }',
      true,
      'the token written in the kubeconfig (tokenFile gone.token does not exist)',
    ],
    ['{ tokenFile: gone.token }', false, 'no credential: tokenFile gone.token does not exist'],
    [
      '{ exec: { command: steal-everything } }',
      false,
      'a credential plugin (exec), which the checks never run',
    ],
  ])('%s → matches %s (%s)', async (user, matches, sends) => {
    const facts = await sent(user);
    expect(facts).toEqual({ sends, matches });
    expect(facts.sends).not.toContain('SECRET');
  });

  it('without a credential file nothing is compared', async () => {
    expect((await sent('{ token: SECRET }', null)).matches).toBeUndefined();
  });
});

describe('kubeconfigProbe credential', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'khl-kc-cred-'));
    fs.writeFileSync(path.join(dir, 'john.token'), 'SECRET\n');
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  // The token file as setup wrote it, kept with the attempt.
  const kept = { 'john.token': keepCredential('SECRET\n') };
  const observe = async (user: string, keptCredentials: typeof kept | null = kept) => {
    fs.writeFileSync(
      path.join(dir, 'kc'),
      `users:\n  - name: john\n    user: ${user}\ncontexts:\n  - name: c\n    context: { cluster: k, user: john }\ncurrent-context: c\n`,
    );
    return kubeconfigProbe(
      { kind: 'kubeconfig', path: 'kc', credentialFile: 'john.token' },
      {
        io: testIo,
        workspace: dir,
        signal: new AbortController().signal,
        roundCache: new Map(),
        keptCredentials: keptCredentials ?? undefined,
      },
    );
  };
  const probe = async (user: string) =>
    ((await observe(user)) as { value: KubeconfigFacts }).value.credential;

  it('compares with the token kept at setup, not with the file as it is now', async () => {
    fs.writeFileSync(path.join(dir, 'john.token'), 'MADE-UP\n');
    try {
      expect(await probe('{ token: MADE-UP }')).toEqual({
        sends: 'the token written in the kubeconfig',
        matches: false,
      });
      expect(await probe('{ token: SECRET }')).toEqual({
        sends: 'the token written in the kubeconfig',
        matches: true,
      });
    } finally {
      fs.writeFileSync(path.join(dir, 'john.token'), 'SECRET\n');
    }
  });

  it('says so when nothing was kept at setup, instead of trusting the file', async () => {
    expect(await observe('{ token: SECRET }', null)).toEqual({
      type: 'error',
      message: expect.stringMatching(
        /^john\.token \(the credential to compare with\) was not kept .*start the scenario again$/,
      ),
    });
  });

  it('reads a relative tokenFile next to the kubeconfig, and never a token file outside the workspace', async () => {
    expect(await probe('{ tokenFile: john.token }')).toEqual({
      sends: 'the token in tokenFile john.token',
      matches: true,
    });
    expect(await probe('{ tokenFile: /etc/hostname }')).toEqual({
      sends: expect.stringMatching(/^no credential: tokenFile \/etc\/hostname is outside the workspace/),
      matches: false,
    });
  });
});
