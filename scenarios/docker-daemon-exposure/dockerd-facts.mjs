// What dockerd would be started with, read from the workspace's copy of a Docker host's files
// (the workspace stands for `/`): the systemd unit and drop-ins give the command line, daemon.json
// the configuration file. Prints one line of plain words for the question asked, for the
// scenario's command checks. Node built-ins only; no daemon is contacted.
//
//   dockerd-facts plaintext|conflict|tls-host|tlsverify|tls-files|tls-pair
import { createPrivateKey, X509Certificate } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

const root = process.env.WORKSPACE || process.cwd();
const inRoot = (p) => path.join(root, path.resolve('/', p));
const shown = (p) => path.relative(root, p) || '.';

const SETTINGS = ['hosts', 'tls', 'tlsverify', 'tlscacert', 'tlscert', 'tlskey'];

/** systemd's rules, enough for dockerd: drop-ins after the unit, `ExecStart=` empties the list. */
function execStart() {
  const files = [];
  const full = inRoot('/etc/systemd/system/docker.service');
  files.push(fs.existsSync(full) ? full : inRoot('/lib/systemd/system/docker.service'));
  const dropins = inRoot('/etc/systemd/system/docker.service.d');
  if (fs.existsSync(dropins))
    for (const f of fs.readdirSync(dropins).sort())
      if (f.endsWith('.conf')) files.push(path.join(dropins, f));
  let command;
  let from;
  for (const file of files) {
    if (!fs.existsSync(file)) continue;
    const text = fs.readFileSync(file, 'utf8').replace(/\\\r?\n/g, ' ');
    let section = '';
    for (const raw of text.split(/\r?\n/)) {
      const line = raw.trim();
      if (!line || line.startsWith('#') || line.startsWith(';')) continue;
      const header = /^\[(.+)\]$/.exec(line);
      if (header) {
        section = header[1];
        continue;
      }
      const m = /^ExecStart\s*=\s*(.*)$/.exec(line);
      if (section !== 'Service' || !m) continue;
      command = m[1].trim() === '' ? undefined : m[1].trim();
      from = command ? shown(file) : undefined;
    }
  }
  return { command, from };
}

function words(command) {
  const out = [];
  for (const m of command.matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)) out.push(m[1] ?? m[2] ?? m[3]);
  if (out[0]) out[0] = out[0].replace(/^[-@:+!]+/, '');
  return out;
}

const BOOL_FLAGS = new Set(['tls', 'tlsverify']);
const FLAG_NAMES = { H: 'hosts', host: 'hosts', tls: 'tls', tlsverify: 'tlsverify' };
for (const k of ['tlscacert', 'tlscert', 'tlskey', 'config-file']) FLAG_NAMES[k] = k;

/** The dockerd flags we care about, from the command line. */
function flags(command) {
  const out = { hosts: [] };
  const argv = words(command).slice(1);
  for (let i = 0; i < argv.length; i++) {
    const m = /^--?([A-Za-z-]+)(?:=(.*))?$/.exec(argv[i]);
    if (!m) continue;
    const name = FLAG_NAMES[m[1]];
    if (!name) continue;
    let v = m[2];
    if (BOOL_FLAGS.has(name)) {
      out[name] = v === undefined ? true : v !== 'false';
      continue;
    }
    if (v === undefined) v = argv[++i];
    if (v === undefined) continue;
    if (name === 'hosts') out.hosts.push(v);
    else out[name] = v;
  }
  if (out.hosts.length === 0) delete out.hosts;
  return out;
}

function facts() {
  const unit = execStart();
  const cli = unit.command ? flags(unit.command) : {};
  const configPath = inRoot(cli['config-file'] ?? '/etc/docker/daemon.json');
  let file = {};
  let fileError;
  if (fs.existsSync(configPath)) {
    try {
      file = JSON.parse(fs.readFileSync(configPath, 'utf8'));
      if (typeof file !== 'object' || file === null || Array.isArray(file))
        fileError = `${shown(configPath)} is not a JSON object`;
    } catch (error) {
      fileError = `${shown(configPath)} is not valid JSON (${error.message}); dockerd would not start`;
    }
  }
  const both = SETTINGS.filter((k) => cli[k] !== undefined && file[k] !== undefined);
  const effective = {};
  for (const k of SETTINGS) effective[k] = cli[k] ?? file[k];
  const hostsFile = Array.isArray(file.hosts) ? file.hosts : [];
  const hosts = [...(cli.hosts ?? []), ...hostsFile];
  return { unit, cli, file, fileError, configPath, both, effective, hosts, hostsFile };
}

/** dockerd's default TCP port is 2376 with TLS and 2375 without. */
const port = (host, tlsOn) => /^tcp:\/\/[^/]*?:(\d+)\/?$/.exec(host)?.[1] ?? (tlsOn ? '2376' : '2375');
const isTcp = (host) => /^tcp:\/\//.test(host);
const tlsOn = (f) => f.effective.tlsverify === true || f.effective.tls === true;

function tlsFiles(f) {
  const problems = [];
  const found = {};
  for (const k of ['tlscacert', 'tlscert', 'tlskey']) {
    const v = f.effective[k];
    if (typeof v !== 'string' || v === '') problems.push(`${k} is not set`);
    else if (!fs.existsSync(inRoot(v))) problems.push(`${k} ${v} does not exist`);
    else found[k] = inRoot(v);
  }
  return { problems, found };
}

function tlsPair(f) {
  const { problems, found } = tlsFiles(f);
  if (problems.length > 0) return problems.join('; ');
  let cert;
  let ca;
  let key;
  try {
    cert = new X509Certificate(fs.readFileSync(found.tlscert));
  } catch {
    return `tlscert ${f.effective.tlscert} is not a PEM certificate`;
  }
  try {
    ca = new X509Certificate(fs.readFileSync(found.tlscacert));
  } catch {
    return `tlscacert ${f.effective.tlscacert} is not a PEM certificate`;
  }
  try {
    key = createPrivateKey(fs.readFileSync(found.tlskey));
  } catch {
    return `tlskey ${f.effective.tlskey} is not a readable private key`;
  }
  const out = [];
  if (!cert.checkPrivateKey(key)) out.push('tlskey does not belong to tlscert');
  let signed = false;
  try {
    signed = cert.checkIssued(ca) && cert.verify(ca.publicKey);
  } catch {
    signed = false;
  }
  if (!signed) out.push('tlscert is not signed by tlscacert');
  const eku = cert.keyUsage;
  if (Array.isArray(eku) && eku.length > 0 && !eku.includes('1.3.6.1.5.5.7.3.1'))
    out.push('tlscert is not a server certificate (no serverAuth usage)');
  const now = Date.now();
  if (Date.parse(cert.validFrom) > now || Date.parse(cert.validTo) < now)
    out.push('tlscert is not valid now');
  return out.length === 0 ? 'a server certificate that matches its key and the CA' : out.join('; ');
}

function answer(question) {
  const f = facts();
  if (f.fileError) return f.fileError;
  switch (question) {
    case 'plaintext': {
      const found = [];
      const plain = (h) => isTcp(h) && port(h, tlsOn(f)) === '2375';
      for (const h of f.hostsFile) if (plain(h)) found.push(`${h} in daemon.json`);
      for (const h of f.cli.hosts ?? []) if (plain(h)) found.push(`${h} in ExecStart (${f.unit.from})`);
      return found.length === 0 ? 'none' : found.join(', ');
    }
    case 'conflict': {
      if (f.both.length === 0) return 'none';
      const list = f.both.map((k) => (k === 'hosts' ? 'hosts (-H)' : k)).join(', ');
      return `${list} in both daemon.json and ExecStart: dockerd refuses to start`;
    }
    case 'tls-host': {
      const tls = f.hosts.find((h) => isTcp(h) && port(h, tlsOn(f)) === '2376');
      if (tls) return tls;
      return `no TCP host on port 2376 (hosts: ${f.hosts.length ? f.hosts.join(', ') : 'none'})`;
    }
    case 'tlsverify':
      if (f.effective.tlsverify === true) return 'on';
      return f.effective.tls === true
        ? 'off (tls alone encrypts but lets any client in)'
        : `off${f.effective.tlsverify === undefined ? ' (not set)' : ''}`;
    case 'tls-files': {
      const { problems } = tlsFiles(f);
      return problems.length === 0 ? 'all three exist' : problems.join('; ');
    }
    case 'tls-pair':
      return tlsPair(f);
    default:
      return `unknown question ${question}`;
  }
}

process.stdout.write(`${answer(process.argv[2] ?? '')}\n`);
