/**
 * Verify-round benchmark: one check round of each cluster scenario through the engine (batched
 * node reads, one API client), p50/p95 over 20 rounds, against the SAME checks written as a plain
 * shell verify script — one process per check, the way Killercoda-style verifiers do it
 * (`docker exec <node> …`, `kubectl get/auth can-i/exec …`), run in the same process, same lab,
 * same moment. Needs the lab (`k8s-harden-lab up`); writes docs/bench-verify.md.
 *
 *   node --import tsx bench/verify-round.ts [--rounds 20] [--no-write] [--as-is] [--only id1,id2] [--seed 1] [--solved]
 *
 * `--only` measures the named scenarios only, so a run can be split; the doc then keeps the rows of
 * the other scenarios from its last write (each row says the day it was measured). Whatever follows
 * the doc's first `## ` heading (notes, earlier figures) is kept as it is. A parameterised scenario is set up with
 * `--seed` (1 unless told) and its checks are filled in from the same seed, as an attempt's are.
 * `--solved` runs the reference solution after setup (`k8s-harden-lab solve`), so the checks ask
 * about a finished task: the files and tokens a learner writes are there to be read and sent, where
 * right after setup some checks stop at "not there yet".
 *
 * Each scenario is set up first (`k8s-harden-lab start --no-tui`, progress kept in a temporary
 * folder) and reset after its rounds, so the checks ask about what a learner's checks would: the
 * pods, recorder and files the scenario made. `--as-is` measures the lab in whatever state it is.
 * The rounds measure the cost of asking, not the verdicts.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { clusterIo, lifecycleIo } from '../src/adapters/cluster/index.js';
import { localIo } from '../src/adapters/local-io.js';
import { packageRoot, scenariosDir, workspaceDir } from '../src/adapters/paths.js';
import { runCommand } from '../src/adapters/process/run.js';
import { loadScenarios } from '../src/adapters/scenario-loader.js';
import { resolveLab } from '../src/cli/lab-access.js';
import type { Check } from '../src/domain/checks.js';
import { bindScenario } from '../src/domain/params.js';
import type { Identity, ProbeSpec } from '../src/domain/probe-spec.js';
import type { Scenario } from '../src/domain/scenario.js';
import { runRound } from '../src/engine/check-runner.js';
import { installRecorder, removeRecorder } from '../src/engine/lab/recorder.js';
import { groupsFor } from '../src/engine/probes/access.js';
import { pickNode } from '../src/engine/probes/nodes.js';
import type { ClusterAccess } from '../src/engine/probes/types.js';
import { shQuote as q } from '../src/engine/shell-quote.js';

const args = process.argv.slice(2);
const ROUNDS = Number(args[args.indexOf('--rounds') + 1]) || 20;
const WRITE = !args.includes('--no-write');
const SETUP = !args.includes('--as-is');
const SOLVED = args.includes('--solved');
const SEED = args.includes('--seed') ? Number(args[args.indexOf('--seed') + 1]) : 1;
const ONLY = args.includes('--only')
  ? new Set((args[args.indexOf('--only') + 1] ?? '').split(',').filter(Boolean))
  : undefined;
const CLI = path.join(packageRoot(), 'bin', 'k8s-harden-lab.js');
/** The target: a round at least this many times faster (p50) than the shell script. */
const TARGET = 5;

function pct(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

/** One shell command per check: what a hand-written verify script would run for this probe. */
/**
 * The check's commands: its probe's, and the probe its expected value comes from (`valueFrom`),
 * which a shell verifier has to ask too.
 */
function shellForCheck(
  check: Check,
  nodeExec: (ref: string) => string,
  kubectl: string,
  server: string,
  scenarioDir: string,
): string[] {
  const from = check.expect.valueFrom?.probe;
  return [
    shellFor(check.probe, nodeExec, kubectl, server, scenarioDir, check.field),
    ...(from ? [shellFor(from, nodeExec, kubectl, server, scenarioDir, check.expect.valueFrom?.field)] : []),
  ];
}

/**
 * A request as an identity, the way a shell verifier sends it: `curl` with the token or
 * certificate (on the node when the credential is a node's file), `kubectl` for a kubeconfig, an
 * impersonation or a service account's token. Who the API sees (`user`, `groups`) is a
 * SelfSubjectReview.
 */
function shellAs(
  as: Identity,
  apiPath: string,
  field: string | undefined,
  nodeExec: (ref: string) => string,
  kubectl: string,
  server: string,
  scenarioDir: string,
): string {
  // A credential of the scenario folder is read there, one of the workspace in the script's folder.
  const local = (file: string, from: string) => q(from === 'scenario' ? path.join(scenarioDir, file) : file);
  const who = field === 'user' || field === 'groups' || field === 'authenticated';
  const ssr = `-X POST -H 'Content-Type: application/json' -d '{"apiVersion":"authentication.k8s.io/v1","kind":"SelfSubjectReview"}'`;
  const url = (base: string) =>
    q(`${base}${who ? '/apis/authentication.k8s.io/v1/selfsubjectreviews' : apiPath}`);
  const curl = (creds: string, node?: string) =>
    node
      ? `${nodeExec(node)} sh -c ${q(`curl -sk ${creds} ${who ? ssr : ''} ${url('https://127.0.0.1:6443')}`)}`
      : `curl -sk ${creds} ${who ? ssr : ''} ${url(server)}`;
  if ('admin' in as) return `${kubectl} get --raw ${q(apiPath)}`;
  if ('anonymous' in as) return curl('');
  if ('token' in as)
    return as.token.from === 'node' && as.token.node
      ? curl(`-H "Authorization: Bearer $(cat ${as.token.file})"`, as.token.node)
      : `curl -sk -H "Authorization: Bearer $(cat ${local(as.token.file, as.token.from)})" ${who ? ssr : ''} ${url(server)}`;
  if ('cert' in as)
    return as.cert.from === 'node' && as.cert.node
      ? curl(`--cert ${as.cert.cert} --key ${as.cert.key}`, as.cert.node)
      : curl(`--cert ${local(as.cert.cert, as.cert.from)} --key ${local(as.cert.key, as.cert.from)}`);
  if ('kubeconfig' in as)
    return who
      ? `kubectl --kubeconfig ${q(as.kubeconfig)}${as.context ? ` --context ${as.context}` : ''} auth whoami -o json`
      : `kubectl --kubeconfig ${q(as.kubeconfig)}${as.context ? ` --context ${as.context}` : ''} get --raw ${q(apiPath)}`;
  if ('serviceAccount' in as) {
    const [ns, name] = as.serviceAccount.split('/');
    return `curl -sk -H "Authorization: Bearer $(${kubectl} create token -n ${ns} ${name})" ${who ? ssr : ''} ${url(server)}`;
  }
  const groups = (as.groups ?? []).map((g) => ` --as-group=${q(g)}`).join('');
  return who
    ? `${kubectl} auth whoami --as=${q(as.user)}${groups} -o json`
    : `${kubectl} get --raw ${q(apiPath)} --as=${q(as.user)}${groups}`;
}

function shellFor(
  probe: ProbeSpec,
  nodeExec: (ref: string) => string,
  kubectl: string,
  server: string,
  scenarioDir: string,
  field?: string,
): string {
  const onNode = (ref: string, cmd: string) => `${nodeExec(ref)} sh -c ${q(cmd)}`;
  switch (probe.kind) {
    case 'file':
      return probe.node
        ? onNode(probe.node, `stat -c '%a %U' ${probe.path} && cat ${probe.path}`)
        : `stat ${q(probe.path)}`;
    case 'field':
      return probe.node
        ? onNode(probe.node, `grep -A3 '${probe.at.split('.')[0]}' ${probe.path}`)
        : `cat ${q(probe.path)}`;
    case 'x509':
      return probe.node
        ? onNode(probe.node, `openssl x509 -noout -subject -in ${probe.cert}`)
        : `openssl x509 -noout -subject -in ${q(probe.cert)}`;
    case 'kubeconfig':
      return `${kubectl} config view --kubeconfig ${q(probe.path)} -o jsonpath='{.current-context}'`;
    case 'dockerd':
      return `cat ${q(`${probe.root}/etc/docker/daemon.json`)} ${q(`${probe.root}/etc/systemd/system/docker.service.d`)}/*.conf`;
    case 'shellEnv':
      return `env -i HOME=. bash -i -c ${q(`printenv ${probe.variable}`)}`;
    case 'command':
      return probe.where === 'node' && probe.node ? onNode(probe.node, probe.run) : `sh -c ${q(probe.run)}`;
    case 'api':
      if (probe.kubeconfig)
        return `kubectl --kubeconfig ${q(probe.kubeconfig)} get ${probe.resource} -o name`;
      if (probe.subresource === 'log')
        return `${kubectl} logs -n ${probe.namespace} ${probe.name ?? `-l ${probe.selector}`} --tail=1`;
      return `${kubectl} get ${probe.resource}${probe.name ? ` ${probe.name}` : ''}${probe.namespace ? ` -n ${probe.namespace}` : ''} -o json`;
    case 'access': {
      const as = probe.kubeconfig
        ? `--kubeconfig ${q(probe.kubeconfig)}${probe.context ? ` --context ${probe.context}` : ''}`
        : `--as=${probe.user} ${(probe.groups ?? groupsFor(probe.user)).map((g) => `--as-group=${g}`).join(' ')}`;
      return `${probe.kubeconfig ? 'kubectl' : kubectl} auth can-i ${probe.verb} ${probe.resource ?? probe.nonResourcePath}${probe.namespace ? ` -n ${probe.namespace}` : ''} ${as}`;
    }
    case 'apiRequest':
      return probe.as
        ? shellAs(probe.as, probe.path, field, nodeExec, kubectl, server, scenarioDir)
        : `${kubectl} get --raw ${q(probe.path)}`;
    case 'token':
      return `${kubectl} create -o json -f - <<< '{"apiVersion":"authentication.k8s.io/v1","kind":"TokenReview","spec":{"token":"'"$(cat ${q(probe.file)})"'"}}'`;
    case 'admission':
      return `${kubectl} get ${probe.resource} ${probe.namespace ? `-n ${probe.namespace}` : ''} -o name`;
    case 'auditEvents':
      return onNode(
        probe.node,
        `tail -n 200 ${probe.log} | grep -c ${probe.request.resource ?? probe.request.path}`,
      );
    case 'etcdKey':
      return onNode(
        probe.node,
        // The client certificate the engine's read uses (shell/node/probe.sh): without one etcdctl waits out its dial timeout.
        `etcdctl --endpoints=https://127.0.0.1:2379 --cacert=/etc/kubernetes/pki/etcd/ca.crt --cert=/etc/kubernetes/pki/apiserver-etcd-client.crt --key=/etc/kubernetes/pki/apiserver-etcd-client.key get ${probe.key ?? '/registry/secrets'} --print-value-only | head -c 32`,
      );
    case 'podConnect':
      return `${kubectl} exec -n ${probe.from.namespace} $(${kubectl} get pod -n ${probe.from.namespace} -l ${probe.from.selector} -o name | head -1) -- nc -z -w 2 x ${probe.port ?? 53}`;
    case 'sshLogin':
      return onNode(
        probe.from,
        `ssh -n -o BatchMode=yes -o StrictHostKeyChecking=no -o PreferredAuthentications=${probe.method}${probe.keyFile ? ` -i ${probe.keyFile}` : ''} ${probe.user}@${probe.to} true`,
      );
    case 'http':
      return `curl -s ${q(probe.url)}`;
    case 'nodeHttp':
      return onNode(probe.node, `curl -sk -o /dev/null -w '%{http_code}' ${probe.url}`);
    case 'nodePort':
      return onNode(
        probe.node,
        `(exec 3<>/dev/tcp/${probe.host}/${probe.port}) 2>/dev/null && echo open || echo closed`,
      );
    case 'componentFlag':
      return probe.source === 'manifest'
        ? onNode(probe.node, `grep -- '${probe.flag}' /etc/kubernetes/manifests/${probe.component}.yaml`)
        : onNode(
            probe.node,
            `tr '\\0' ' ' < /proc/$(pgrep -n -x ${probe.component.slice(0, 15)})/cmdline | grep -o -- '${probe.flag}[= ][^ ]*'`,
          );
    case 'kubeletConfig':
      return onNode(
        probe.node,
        `tr '\\0' ' ' < /proc/$(pgrep -n -x kubelet)/cmdline; cat /var/lib/kubelet/kubeadm-flags.env; grep -A3 '${probe.field.split('.')[0]}' /var/lib/kubelet/config.yaml`,
      );
    case 'nodeState':
      return `${kubectl} get node -l kubernetes.io/hostname -o json`;
    case 'podPlacement':
      return `${kubectl} get pods -A --field-selector spec.nodeName=$(${kubectl} get nodes -o name | head -1 | cut -d/ -f2) -o json`;
    case 'podFile':
      return `${kubectl} exec -n ${probe.namespace} $(${kubectl} get pod -n ${probe.namespace} -l ${probe.selector} -o name | head -1) -- test -e ${probe.path}`;
    case 'observed':
      return onNode('control-plane', 'cat /var/log/k8s-harden-lab/recorder*.jsonl 2>/dev/null | tail -n 200');
  }
}

async function main(): Promise<void> {
  let access: ClusterAccess;
  try {
    access = await resolveLab();
  } catch (error) {
    process.stderr.write(`verify-round benchmark needs the lab: ${(error as Error).message}\n`);
    process.exitCode = 2;
    return;
  }
  const nodes = await access.provider.nodes();
  const nodeExec = (ref: string) => {
    const name = pickNode(nodes, ref)?.name ?? ref;
    const sh = access.provider.shellCommand(name);
    // `docker … exec -it <node> bash` → `docker … exec <node>`
    const argv = [sh.file, ...sh.args].filter((a) => a !== '-it');
    argv.pop();
    return argv.map((a) => (/^[\w./:=-]+$/.test(a) ? a : q(a))).join(' ');
  };
  const kubectl = `kubectl --kubeconfig ${q(access.kubeconfigPath)}`;
  const server =
    /server:\s*(\S+)/.exec(fs.readFileSync(access.kubeconfigPath, 'utf8'))?.[1] ?? 'https://127.0.0.1:6443';
  const scenarios = loadScenarios(scenariosDir())
    .filter((e): e is Extract<typeof e, { valid: true }> => e.valid)
    .map((e) => e.scenario)
    .filter((s: Scenario) => s.lab === 'cluster')
    .filter((s: Scenario) => !ONLY || ONLY.has(s.id))
    // The checks an attempt set up with this seed runs (a scenario without parameters is itself).
    .map((s: Scenario) => bindScenario(s, SEED));
  const unknown = [...(ONLY ?? [])].filter((id) => !scenarios.some((s) => s.id === id));
  if (unknown.length > 0) {
    process.stderr.write(`--only: no cluster scenario ${unknown.join(', ')}\n`);
    process.exitCode = 2;
    return;
  }
  // As-is: `observed` checks read the recorder's logs; run it as an attempt would (removed at the end).
  const cp = pickNode(nodes, 'control-plane')?.name ?? '';
  const recording = !SETUP && scenarios.some((s) => s.checks.some((c) => c.probe.kind === 'observed'));
  const progress = fs.mkdtempSync(path.join(os.tmpdir(), 'khl-bench-progress-'));
  const cliEnv = { ...process.env, K8S_HARDEN_LAB_PROGRESS_DIR: progress, NO_COLOR: '1' };
  const cli = async (...argv: string[]) => {
    const r = await runCommand(process.execPath, [CLI, ...argv], { env: cliEnv, timeoutMs: 900_000 });
    if (r.exitCode !== 0) throw new Error(`k8s-harden-lab ${argv.join(' ')}: ${r.stderr || r.stdout}`);
  };
  if (recording) {
    await installRecorder(access.provider, lifecycleIo(), cp);
    await new Promise((r) => setTimeout(r, 8_000));
  }
  const ws = fs.mkdtempSync(path.join(os.tmpdir(), 'khl-bench-'));
  const docFile = path.join(packageRoot(), 'docs', 'bench-verify.md');
  const header =
    '| scenario | checks | engine p50 ms | engine p95 ms | shell script p50 ms | shell script p95 ms | speed-up (p50) | measured (day, rounds, load, state) |';
  // Rows of the doc's last write, by scenario, kept for those this run does not measure (`--only`).
  const old = fs.existsSync(docFile) ? fs.readFileSync(docFile, 'utf8') : '';
  // Everything from the first `## ` heading on (notes, earlier figures) is the reader's, kept.
  const earlierAt = old.indexOf('\n## ');
  const earlier = earlierAt >= 0 ? old.slice(earlierAt + 1).trimEnd() : '';
  const current = earlierAt >= 0 ? old.slice(0, earlierAt) : old;
  const rows = new Map<string, string>();
  if (current.includes('| measured (day, rounds, load'))
    for (const line of current.split('\n')) {
      const id = /^\| ([a-z0-9-]+) \| \d+ \|/.exec(line)?.[1];
      if (id) rows.set(id, line);
    }
  const all = loadScenarios(scenariosDir())
    .filter((e): e is Extract<typeof e, { valid: true }> => e.valid)
    .map((e) => e.scenario)
    .filter((s: Scenario) => s.lab === 'cluster')
    .map((s) => s.id);
  const speedUp = (row: string) => Number(/\| ([\d.]+)× \|/.exec(row)?.[1] ?? Number.NaN);
  const write = () => {
    const table = [header, '|---|---|---|---|---|---|---|---|', ...all.flatMap((id) => rows.get(id) ?? [])];
    const measured = all.filter((id) => rows.has(id));
    const met = measured.filter((id) => speedUp(rows.get(id) ?? '') >= TARGET);
    const under = measured.filter((id) => !met.includes(id));
    const missing = all.filter((id) => !rows.has(id));
    const doc = [
      '# Verify round: engine vs a plain shell verify script',
      '',
      `Measured by \`node --import tsx bench/verify-round.ts${SETUP ? '' : ' --as-is'}\` (split with \`--only\`; each row gives its day, rounds and the machine's 1-minute load average at its start), ${os.cpus().length} CPUs, lab \`${access.provider.kind}\`, engine and shell script measured alternately in the same run, ${SETUP ? 'each scenario set up (its pods, files and recorder in place) and reset afterwards' : 'on the lab as it was (no scenario set up)'}.`,
      '',
      'The engine batches node reads (one `exec` per node per round) and keeps one API connection; the',
      'shell script runs one process per check (`docker exec …` / `kubectl …`), as Killercoda-style verifiers do.',
      '',
      ...table,
      '',
      `Target: at least ${TARGET}× faster (p50). Met by ${met.length} of ${all.length} cluster scenarios${met.length > 0 ? ` (${met.join(', ')})` : ''}.` +
        (under.length > 0
          ? ` NOT met by ${under.map((id) => `${id} ${speedUp(rows.get(id) ?? '')}×`).join(', ')}.`
          : '') +
        (missing.length > 0 ? ` Not measured: ${missing.join(', ')}.` : ''),
      '',
      ...(earlier ? [earlier, ''] : []),
    ].join('\n');
    fs.writeFileSync(docFile, doc);
  };
  const missed: string[] = [];
  process.stdout.write(
    `verify round, ${ROUNDS} rounds each, lab ${access.provider.kind}/${access.provider.cluster}\n`,
  );
  for (const s of scenarios) {
    const script = [
      '#!/bin/bash',
      ...s.checks.flatMap((c) =>
        shellForCheck(c, nodeExec, kubectl, server, s.dir).map((line) => `${line} >/dev/null 2>&1`),
      ),
    ].join('\n');
    const scriptFile = path.join(ws, `${s.id}.sh`);
    fs.writeFileSync(scriptFile, script);
    const workspace = SETUP ? workspaceDir(s.id, cliEnv) : ws;
    const load = os.loadavg()[0] ?? 0;
    if (SETUP) {
      process.stdout.write(`  setting up ${s.id}… (${new Date().toISOString().slice(11, 19)} UTC)\n`);
      await cli('start', s.id, '--no-tui', ...(s.bound ? ['--seed', String(SEED)] : []));
      if (SOLVED) {
        process.stdout.write(`  solving ${s.id}…\n`);
        await cli('solve', s.id);
      }
    }
    const round = () =>
      runRound(s.checks, {
        workspace,
        scenarioDir: s.dir,
        apiserverLog: s.apiserverHelp,
        cluster: access,
        io: { ...localIo, cluster: clusterIo },
      });
    const engine: number[] = [];
    let verdicts = '';
    const shell: number[] = [];
    try {
      // Warm-up (first TLS handshake, page cache) for both; its verdicts say what the rounds asked about.
      const warm = await round();
      const count = (status: string) => warm.filter((r) => r.status === status).length;
      verdicts = `${count('pass')} pass, ${count('fail')} fail, ${count('error') + count('waiting')} error`;
      await runCommand('bash', [scriptFile], { cwd: workspace, timeoutMs: 300_000 });
      for (let i = 0; i < ROUNDS; i++) {
        let t = performance.now();
        await round();
        engine.push(performance.now() - t);
        t = performance.now();
        await runCommand('bash', [scriptFile], { cwd: workspace, timeoutMs: 300_000 });
        shell.push(performance.now() - t);
      }
    } finally {
      if (SETUP) await cli('reset', s.id);
    }
    const e50 = pct(engine, 50);
    const s50 = pct(shell, 50);
    const row = `| ${s.id} | ${s.checks.length} | ${e50.toFixed(0)} | ${pct(engine, 95).toFixed(0)} | ${s50.toFixed(0)} | ${pct(shell, 95).toFixed(0)} | ${(s50 / e50).toFixed(1)}× | ${new Date().toISOString().slice(0, 10)}, ${ROUNDS}, ${load.toFixed(1)}, ${SETUP ? (SOLVED ? 'solved' : 'set up') : 'as is'} (${verdicts}) |`;
    rows.set(s.id, row);
    if (s50 / e50 < TARGET) missed.push(`${s.id} ${(s50 / e50).toFixed(1)}×`);
    process.stdout.write(`${row}\n`);
    // Written after each scenario, so a run cut short keeps what it measured.
    if (WRITE) write();
  }
  fs.rmSync(ws, { recursive: true, force: true });
  fs.rmSync(progress, { recursive: true, force: true });
  if (recording) await removeRecorder(access.provider, lifecycleIo(), cp);
  process.stdout.write(
    missed.length === 0
      ? `target ≥${TARGET}× (p50): met by every scenario measured\n`
      : `target ≥${TARGET}× (p50): NOT met by ${missed.join(', ')}\n`,
  );
  if (missed.length > 0) process.exitCode = 1;
}

await main();
