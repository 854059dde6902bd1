import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Check, checkSchema } from '../../../src/domain/checks.js';
import { probeSchema, probeSubject } from '../../../src/domain/probe-spec.js';
import { runRound } from '../../../src/engine/check-runner.js';
import { sshOutcome } from '../../../src/engine/probes/ssh.js';
import { type ExecCall, FakeLabProvider } from '../../helpers/fake-lab-provider.js';
import { testIo } from '../../helpers/probe-io.js';

const hint = { nudge: 'n', teach: 't', command: 'c' };
let n = 0;
function check(probe: unknown, expect: unknown, field?: string): Check {
  return checkSchema.parse({ id: `c${n++}`, title: 't', probe, expect, hint, ...(field ? { field } : {}) });
}

const PASSWORD = 'Lab-pass-x7';

/**
 * A stand-in for the OpenSSH client, found first on PATH: it prints what `ssh -v` prints for a
 * server configured by FAKE_* variables, and answers password prompts by running $SSH_ASKPASS for
 * real (so the probe's askpass wiring is what is tested). It logs its argv to $FAKE_ARGV_LOG.
 */
const FAKE_SSH = String.raw`#!/bin/bash
printf '%s\n' "$*" >>"$FAKE_ARGV_LOG"
method=$(printf '%s\n' "$@" | sed -n 's/^PreferredAuthentications=//p')
batch=$(printf '%s\n' "$@" | sed -n 's/^BatchMode=//p')
target=$(printf '%s\n' "$@" | tail -n 3 | head -n 1)
user=$(echo "$target" | cut -d@ -f1)
host=$(echo "$target" | cut -d@ -f2)
echo "OpenSSH_9.2p1 Debian-2+deb12u10, OpenSSL 3.0.22" >&2
if [ "$FAKE_SSHD" = down ]; then
  echo "ssh: connect to host $host port 22: Connection refused" >&2
  exit 255
fi
echo "debug1: Remote protocol version 2.0, remote software version OpenSSH_9.2p1 Debian-2+deb12u10" >&2
echo "Warning: Permanently added 'lab-worker' (ED25519) to the list of known hosts." >&2
offered=$FAKE_OFFERED
[ -n "$offered" ] || offered=publickey,password,keyboard-interactive
echo "debug1: Authentications that can continue: $offered" >&2
ok=no
case ,$offered, in *,$method,*) on=yes ;; *) on=no ;; esac
case $method in
  publickey)
    if [ $on = yes ]; then
      echo "debug1: Server accepts key: /root/.ssh/id_ed25519 ED25519 SHA256:abc explicit" >&2
      if [ "$user" != root ] || [ "$FAKE_ROOT" = yes ]; then ok=yes; fi
      echo "debug1: Authentications that can continue: $offered" >&2
    fi ;;
  password | keyboard-interactive)
    if [ $on = yes ] && [ "$batch" = no ] && [ "$SSH_ASKPASS_REQUIRE" = force ] &&
      [ "$("$SSH_ASKPASS" "($user@lab-worker) Password: ")" = "$FAKE_PASSWORD" ]; then ok=yes; fi ;;
esac
if [ $ok = yes ]; then
  echo "Authenticated to lab-worker ([10.0.0.2]:22) using \"$method\"." >&2
  echo "$user"
  exit 0
fi
echo "debug1: No more authentication methods to try." >&2
echo "$user@lab-worker: Permission denied ($offered)." >&2
exit 255
`;

let tmp: string;
let bin: string;
let argvLog: string;

beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'khl-ssh-'));
  bin = path.join(tmp, 'bin');
  fs.mkdirSync(bin);
  fs.writeFileSync(path.join(bin, 'ssh'), FAKE_SSH, { mode: 0o755 });
  fs.writeFileSync(path.join(tmp, 'jim.password'), `${PASSWORD}\n`);
  fs.writeFileSync(path.join(tmp, 'id_ed25519'), 'not a real key\n');
  argvLog = path.join(tmp, 'argv.log');
});

afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** A lab whose `from` node is this machine, with the fake client and a server set by `server`. */
function lab(server: Record<string, string> = {}) {
  return new FakeLabProvider({
    env: {
      PATH: `${bin}:${process.env.PATH ?? ''}`,
      FAKE_ARGV_LOG: argvLog,
      FAKE_PASSWORD: PASSWORD,
      ...server,
    },
  });
}

const key = () => path.join(tmp, 'id_ed25519');
const login = (user: string, method: string, extra: object = {}) => ({
  kind: 'sshLogin',
  user,
  method,
  ...(method === 'publickey' ? { keyFile: key() } : { password: { file: 'jim.password' } }),
  ...extra,
});

async function observe(provider: FakeLabProvider, checks: Check[]) {
  return runRound(checks, {
    io: testIo,
    workspace: tmp,
    scenarioDir: tmp,
    cluster: { provider, kubeconfigPath: '/nonexistent/kubeconfig' },
  });
}

describe('sshLogin (the node script run for real with bash, a fake ssh client)', () => {
  it('a server that takes everything: each method is accepted, as the user, and what it offers is seen', async () => {
    const provider = lab();
    const results = await observe(provider, [
      check(login('jim', 'publickey'), { op: 'eq', value: true }, 'accepted'),
      check(login('jim', 'password'), { op: 'eq', value: true }, 'accepted'),
      check(login('jim', 'keyboard-interactive'), { op: 'eq', value: true }, 'accepted'),
      check(login('jim', 'password'), { op: 'eq', value: 'jim' }, 'user'),
      check(
        login('jim', 'password'),
        { op: 'eq', value: ['publickey', 'password', 'keyboard-interactive'] },
        'offeredMethods',
      ),
      check(login('jim', 'password'), { op: 'contains', value: 'OpenSSH_9.2p1' }, 'server'),
    ]);
    expect(results.map((r) => `${r.status} ${r.actual}`)).toEqual(results.map((r) => `pass ${r.actual}`));
    // One login per distinct probe (the same spec in two checks is asked once), all from the control plane.
    expect(provider.calls.map((c) => c.node)).toEqual([
      'lab-control-plane',
      'lab-control-plane',
      'lab-control-plane',
    ]);
    expect(provider.calls.every((c) => c.argv.includes('lab-worker'))).toBe(true);
  });

  it('never puts the password on a command line or in what a check shows; only on stdin', async () => {
    fs.rmSync(argvLog, { force: true });
    const provider = lab();
    const results = await observe(provider, [
      check(login('jim', 'password'), { op: 'eq', value: false }, 'accepted'),
      check(login('jim', 'keyboard-interactive'), { op: 'eq', value: false }, 'accepted'),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fail', 'fail']);
    const argv = provider.calls.flatMap((c: ExecCall) => c.argv).join(' ');
    expect(argv).not.toContain(PASSWORD);
    expect(provider.calls.map((c) => c.stdin)).toEqual([`${PASSWORD}\n`, `${PASSWORD}\n`]);
    expect(fs.readFileSync(argvLog, 'utf8')).not.toContain(PASSWORD);
    expect(JSON.stringify(results)).not.toContain(PASSWORD);
    // The client's own config and known hosts play no part, and BatchMode is off for passwords.
    expect(fs.readFileSync(argvLog, 'utf8')).toMatch(/-F \/dev\/null .*UserKnownHostsFile=\/dev\/null/);
    expect(fs.readFileSync(argvLog, 'utf8')).toContain('BatchMode=no');
    // The askpass folder is gone.
    expect(fs.readdirSync('/var/tmp').filter((f) => f.startsWith('khl-ssh.'))).toEqual([]);
  });

  it('keys only: password and keyboard-interactive refused and not offered; the key still works', async () => {
    const provider = lab({ FAKE_OFFERED: 'publickey' });
    const results = await observe(provider, [
      check(login('jim', 'publickey'), { op: 'eq', value: true }, 'accepted'),
      check(login('jim', 'password'), { op: 'eq', value: false }, 'accepted'),
      check(login('jim', 'keyboard-interactive'), { op: 'eq', value: false }, 'methodOffered'),
      check(
        login('jim', 'password'),
        { op: 'eq', value: 'jim@lab-worker: Permission denied (publickey).' },
        'message',
      ),
    ]);
    expect(results.map((r) => `${r.status} ${r.actual}`)).toEqual(results.map((r) => `pass ${r.actual}`));
  });

  it('a wrong password is refused (the fixture is what is sent)', async () => {
    const results = await observe(lab({ FAKE_PASSWORD: 'something-else' }), [
      check(login('jim', 'password'), { op: 'eq', value: false }, 'accepted'),
    ]);
    expect(results[0]?.status).toBe('pass');
  });

  it('root with PermitRootLogin no: the key is authorized, the login still refused', async () => {
    const results = await observe(lab(), [
      check(login('root', 'publickey'), { op: 'eq', value: false }, 'accepted'),
      check(login('root', 'publickey'), { op: 'eq', value: true }, 'keyAuthorized'),
    ]);
    expect(results.map((r) => r.status)).toEqual(['pass', 'pass']);
    const allowed = await observe(lab({ FAKE_ROOT: 'yes' }), [
      check(login('root', 'publickey'), { op: 'eq', value: false }, 'accepted'),
    ]);
    expect(allowed[0]?.status).toBe('fail');
    expect(allowed[0]?.actual).toContain('true');
  });

  it('no SSH server answering is an error, never a refusal that passes', async () => {
    const results = await observe(lab({ FAKE_SSHD: 'down' }), [
      check(login('jim', 'password'), { op: 'eq', value: false }, 'accepted'),
    ]);
    expect(results[0]?.status).toBe('error');
    expect(results[0]?.actual).toMatch(
      /no SSH server answers on worker port 22 \(connect to host lab-worker port 22: Connection refused\)/,
    );
  });

  it('a missing key file, a missing fixture or an unknown node is an error', async () => {
    const results = await observe(lab(), [
      check(
        login('root', 'publickey', { keyFile: '/nonexistent/id_ed25519' }),
        { op: 'eq', value: false },
        'accepted',
      ),
      check(
        login('jim', 'password', { password: { file: 'nope.password' } }),
        { op: 'eq', value: false },
        'accepted',
      ),
      check(
        login('jim', 'password', { password: { file: '../jim.password' } }),
        { op: 'eq', value: false },
        'accepted',
      ),
      check(login('jim', 'password', { to: 'worker7' }), { op: 'eq', value: false }, 'accepted'),
    ]);
    expect(results.map((r) => r.status)).toEqual(['error', 'error', 'error', 'error']);
    expect(results[0]?.actual).toMatch(/the key \/nonexistent\/id_ed25519 does not exist on control-plane/);
    expect(results[1]?.actual).toMatch(/the scenario's nope\.password is missing/);
    expect(results[2]?.actual).toMatch(/not a file of the scenario folder/);
    expect(results[3]?.actual).toMatch(/the lab has no node "worker7"/);
  });

  it('a client that never answers (exec timed out) is an error', async () => {
    const provider = new FakeLabProvider({
      answer: () => ({
        exitCode: -1,
        stdout: '',
        stderr: '',
        notFound: false,
        timedOut: true,
        cancelled: false,
        failure: 'timed out',
      }),
    });
    const [r] = await observe(provider, [
      check(login('jim', 'password'), { op: 'eq', value: false }, 'accepted'),
    ]);
    expect(r?.status).toBe('error');
    expect(r?.actual).toMatch(/took too long/);
  });
});

describe('sshLogin spec and parsing', () => {
  it('needs keyFile for publickey and password for the others; defaults from control-plane to worker on 22', () => {
    expect(() => probeSchema.parse({ kind: 'sshLogin', user: 'jim', method: 'publickey' })).toThrow(
      /keyFile/,
    );
    expect(() => probeSchema.parse({ kind: 'sshLogin', user: 'jim', method: 'password' })).toThrow(
      /password/,
    );
    expect(() =>
      probeSchema.parse({ kind: 'sshLogin', user: 'jim', method: 'publickey', keyFile: 'id_ed25519' }),
    ).toThrow();
    const spec = probeSchema.parse({
      kind: 'sshLogin',
      user: 'jim',
      method: 'password',
      password: { file: 'jim.password' },
    });
    expect(spec).toMatchObject({
      from: 'control-plane',
      to: 'worker',
      port: 22,
      password: { from: 'scenario' },
    });
    expect(probeSubject(spec, 'accepted')).toBe(
      'whether a password login as jim to worker from control-plane is accepted',
    );
    expect(probeSubject(spec, 'offeredMethods')).toBe(
      'offeredMethods of a password login as jim to worker from control-plane',
    );
  });

  it('reads the OpenSSH 9.x log: offered methods from the first list, success, the last words', () => {
    const log = [
      'R 255',
      'E OpenSSH_9.2p1 Debian-2+deb12u10, OpenSSL 3.0.22 25 Aug 2026',
      'E debug1: Remote protocol version 2.0, remote software version OpenSSH_9.2p1 Debian-2+deb12u10',
      "E Warning: Permanently added 'w' (ED25519) to the list of known hosts.",
      'E debug1: Authentications that can continue: publickey,password',
      'E debug1: Authentications that can continue: publickey',
      'E debug1: No more authentication methods to try.',
      'E jim@w: Permission denied (publickey).',
    ].join('\n');
    expect(sshOutcome(log)).toEqual({
      reached: true,
      accepted: false,
      offeredMethods: ['publickey', 'password'],
      keyAuthorized: false,
      server: 'OpenSSH_9.2p1 Debian-2+deb12u10',
      message: 'jim@w: Permission denied (publickey).',
      timedOut: false,
    });
    // Older clients say "Authentication succeeded (…)" instead of "Authenticated to … using".
    const old = sshOutcome(
      'R 0\nO jim\nE debug1: Remote protocol version 2.0, remote software version OpenSSH_8.4p1\nE debug1: Authentication succeeded (publickey).',
    );
    expect(old).toMatchObject({ accepted: true, user: 'jim', reached: true });
    expect(sshOutcome('garbage')).toBeUndefined();
  });
});
