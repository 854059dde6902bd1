// A recording fake of `kind`, `docker`, `podman` and `kubectl` for the kind lab's tests.
// Usage: node fake-lab-tool.mjs <tool> <argv…> (the PATH wrappers written by fake-lab-tools.ts).
// Each call appends {tool, argv, provider} as one JSON line to $FAKE_LAB_RECORD, then acts on a
// tiny cluster model in $FAKE_LAB_STATE: clusters/<name>.json lists the node containers, and
// nodes/<node>/ is each node's file system for `cp`. `exec` runs the command on this machine.
// Knobs: FAKE_ENGINE_DOWN=1, FAKE_KIND_MISSING=1, FAKE_KIND_WAIT_TIMEOUT=1 (print kind's
// "Timed out waiting for Ready" and exit 0), FAKE_NOTREADY_POLLS=N (kubectl reports a NotReady
// worker N times), FAKE_NEVER_READY=1.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const [tool, ...argv] = process.argv.slice(2);
const stateDir = process.env.FAKE_LAB_STATE;
const out = (text) => process.stdout.write(text);
const err = (text) => process.stderr.write(text);

fs.appendFileSync(
  process.env.FAKE_LAB_RECORD,
  `${JSON.stringify({
    tool,
    argv,
    provider: process.env.KIND_EXPERIMENTAL_PROVIDER ?? null,
    dockerHost: process.env.DOCKER_HOST ?? null,
  })}\n`,
);

const clustersDir = path.join(stateDir, 'clusters');
fs.mkdirSync(clustersDir, { recursive: true });
const clusterFile = (name) => path.join(clustersDir, `${name}.json`);
const readCluster = (name) =>
  fs.existsSync(clusterFile(name)) ? JSON.parse(fs.readFileSync(clusterFile(name), 'utf8')) : undefined;
const allClusters = () =>
  fs.readdirSync(clustersDir).map((f) => JSON.parse(fs.readFileSync(path.join(clustersDir, f), 'utf8')));
const findNode = (node) => allClusters().find((c) => c.nodes.some((n) => n.name === node));
const flag = (name) => {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
};

const CA = Buffer.from(
  '-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIUZmFrZS1jYS1mb3ItdGVzdHMwCgYIKoZIzj0EAwIwFTET\n-----END CERTIFICATE-----\n',
).toString('base64');

function kubeconfig(cluster, port) {
  const key = `kind-${cluster}`;
  return [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    '- cluster:',
    `    certificate-authority-data: ${CA}`,
    `    server: https://127.0.0.1:${port}`,
    `  name: ${key}`,
    'contexts:',
    '- context:',
    `    cluster: ${key}`,
    `    user: ${key}`,
    `  name: ${key}`,
    `current-context: ${key}`,
    'preferences: {}',
    'users:',
    `- name: ${key}`,
    '  user:',
    '    client-certificate-data: ZmFrZQ==',
    '    client-key-data: ZmFrZQ==',
    '',
  ].join('\n');
}

function kind() {
  if (process.env.FAKE_KIND_MISSING) {
    err('kind: not found\n');
    process.exit(127);
  }
  const sub = argv.slice(0, 2).join(' ');
  if (argv[0] === 'version') return out('kind v0.33.0 go1.24.6 linux/amd64\n');
  if (sub === 'get clusters') {
    const names = allClusters().map((c) => c.name);
    if (names.length === 0) err('No kind clusters found.\n');
    else out(`${names.join('\n')}\n`);
    return;
  }
  const name = flag('--name') ?? 'kind';
  if (sub === 'create cluster') {
    if (readCluster(name)) {
      err(`ERROR: failed to create cluster: node(s) already exist for a cluster with the name "${name}"\n`);
      process.exit(1);
    }
    const config = fs.readFileSync(flag('--config'), 'utf8');
    const workers = (config.match(/role:\s*worker/g) ?? []).length;
    const nodes = [{ name: `${name}-control-plane`, role: 'control-plane' }];
    for (let i = 1; i <= workers; i++)
      nodes.push({ name: `${name}-worker${i === 1 ? '' : i}`, role: 'worker' });
    const port = 40000 + allClusters().length;
    fs.writeFileSync(clusterFile(name), JSON.stringify({ name, nodes, port }));
    err(
      `Creating cluster "${name}" ...\n ✓ Ensuring node image (${flag('--image')}) 🖼\n ✓ Preparing nodes 📦\n`,
    );
    fs.writeFileSync(flag('--kubeconfig'), kubeconfig(name, port));
    if (process.env.FAKE_KIND_WAIT_TIMEOUT) err(' • WARNING: Timed out waiting for Ready ⚠️\n');
    return;
  }
  if (sub === 'export kubeconfig') {
    const c = readCluster(name);
    if (!c) {
      err(`ERROR: could not locate any control plane nodes for cluster named '${name}'\n`);
      process.exit(1);
    }
    fs.writeFileSync(flag('--kubeconfig'), kubeconfig(name, c.port));
    return;
  }
  if (sub === 'delete cluster') {
    err(`Deleting cluster "${name}" ...\n`);
    fs.rmSync(clusterFile(name), { force: true });
    return;
  }
  err(`fake kind: unsupported ${argv.join(' ')}\n`);
  process.exit(2);
}

function engine() {
  let args = argv;
  while (args[0] === '-H') args = args.slice(2);
  if (process.env.FAKE_ENGINE_DOWN) {
    err(
      'Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?\n',
    );
    process.exit(1);
  }
  const [cmd, ...rest] = args;
  if (cmd === 'version' || cmd === 'info') return out('28.2.2\n');
  if (cmd === 'ps') {
    const filter = rest[rest.indexOf('--filter') + 1] ?? '';
    const name = filter.split('=').slice(2).join('=');
    const c = readCluster(name);
    if (c) out(`${c.nodes.map((n) => `${n.name}\t${n.role}`).join('\n')}\n`);
    return;
  }
  if (cmd === 'exec') {
    let i = 0;
    while (rest[i]?.startsWith('-')) i++;
    const node = rest[i];
    const command = rest.slice(i + 1);
    if (!findNode(node)) {
      err(`Error response from daemon: No such container: ${node}\n`);
      process.exit(1);
    }
    const r = spawnSync(command[0], command.slice(1), { stdio: 'inherit' });
    process.exit(r.status ?? 126);
  }
  if (cmd === 'cp') {
    const resolve = (spec) => {
      const m = /^([^/:]+):(.*)$/.exec(spec);
      if (!m) return spec;
      if (!findNode(m[1])) {
        err(`Error response from daemon: No such container: ${m[1]}\n`);
        process.exit(1);
      }
      return path.join(stateDir, 'nodes', m[1], m[2]);
    };
    const [from, to] = [resolve(rest[0]), resolve(rest[1])];
    if (!fs.existsSync(from)) {
      err(`Error response from daemon: Could not find the file ${rest[0]}\n`);
      process.exit(1);
    }
    fs.mkdirSync(path.dirname(to), { recursive: true });
    fs.copyFileSync(from, to);
    return;
  }
  err(`fake ${tool}: unsupported ${args.join(' ')}\n`);
  process.exit(2);
}

function kubectl() {
  const kc = flag('--kubeconfig');
  if (!kc || !fs.existsSync(kc)) {
    err(`error: stat ${kc}: no such file or directory\n`);
    process.exit(1);
  }
  const context = flag('--context') ?? '';
  const cluster = allClusters().find((c) => context === c.name || context === `kind-${c.name}`);
  if (!cluster) {
    err(
      'The connection to the server 127.0.0.1:40000 was refused - did you specify the right host or port?\n',
    );
    process.exit(1);
  }
  if (argv.includes('--raw')) return out('ok');
  if (argv.includes('nodes')) {
    const counter = path.join(stateDir, 'kubectl-polls');
    const polls = fs.existsSync(counter) ? Number(fs.readFileSync(counter, 'utf8')) : 0;
    fs.writeFileSync(counter, String(polls + 1));
    const notReady = process.env.FAKE_NEVER_READY || polls < Number(process.env.FAKE_NOTREADY_POLLS ?? 0);
    const items = cluster.nodes.map((n) => ({
      metadata: {
        name: n.name,
        labels: n.role === 'control-plane' ? { 'node-role.kubernetes.io/control-plane': '' } : {},
      },
      status: {
        conditions: [{ type: 'Ready', status: notReady && n.role === 'worker' ? 'False' : 'True' }],
        nodeInfo: { kubeletVersion: 'v1.34.11' },
      },
    }));
    return out(JSON.stringify({ apiVersion: 'v1', kind: 'List', items }));
  }
  err(`fake kubectl: unsupported ${argv.join(' ')}\n`);
  process.exit(2);
}

if (tool === 'kind') kind();
else if (tool === 'docker' || tool === 'podman') engine();
else if (tool === 'kubectl') kubectl();
