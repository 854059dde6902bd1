/**
 * Verify-round benchmark: one check round of each cluster scenario through the engine (batched
 * node reads, one API client), p50/p95 over 20 rounds, against the SAME checks written as a plain
 * shell verify script — one process per check, the way Killercoda-style verifiers do it
 * (`docker exec <node> …`, `kubectl get/auth can-i/exec …`), run in the same process, same lab,
 * same moment. Needs the lab (`k8s-harden-lab up`); writes docs/bench-verify.md.
 *
 *   node --import tsx bench/verify-round.ts [--rounds 20] [--no-write] [--as-is]
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
import type { ProbeSpec } from '../src/domain/probe-spec.js';
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
const CLI = path.join(packageRoot(), 'bin', 'k8s-harden-lab.js');
/** The target: a round at least this many times faster (p50) than the shell script. */
const TARGET = 3;

function pct(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

/** One shell command per check: what a hand-written verify script would run for this probe. */
function shellFor(probe: ProbeSpec, nodeExec: (ref: string) => string, kubectl: string): string {
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
      return `${kubectl} get --raw ${q(probe.path)}`;
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
        `etcdctl get ${probe.key ?? '/registry/secrets'} --print-value-only | head -c 32`,
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
  const scenarios = loadScenarios(scenariosDir())
    .filter((e): e is Extract<typeof e, { valid: true }> => e.valid)
    .map((e) => e.scenario)
    .filter((s: Scenario) => s.lab === 'cluster');
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
  const rows: string[] = [];
  const missed: string[] = [];
  process.stdout.write(
    `verify round, ${ROUNDS} rounds each, lab ${access.provider.kind}/${access.provider.cluster}\n`,
  );
  for (const s of scenarios) {
    const script = [
      '#!/bin/bash',
      ...s.checks.map((c) => `${shellFor(c.probe, nodeExec, kubectl)} >/dev/null 2>&1`),
    ].join('\n');
    const scriptFile = path.join(ws, `${s.id}.sh`);
    fs.writeFileSync(scriptFile, script);
    const workspace = SETUP ? workspaceDir(s.id, cliEnv) : ws;
    if (SETUP) {
      process.stdout.write(`  setting up ${s.id}…\n`);
      await cli('start', s.id, '--no-tui');
    }
    const engine: number[] = [];
    const shell: number[] = [];
    try {
      // Warm-up (first TLS handshake, page cache) for both.
      await runRound(s.checks, { workspace, cluster: access, io: { ...localIo, cluster: clusterIo } });
      await runCommand('bash', [scriptFile], { cwd: workspace, timeoutMs: 300_000 });
      for (let i = 0; i < ROUNDS; i++) {
        let t = performance.now();
        await runRound(s.checks, { workspace, cluster: access, io: { ...localIo, cluster: clusterIo } });
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
    const row = `| ${s.id} | ${s.checks.length} | ${e50.toFixed(0)} | ${pct(engine, 95).toFixed(0)} | ${s50.toFixed(0)} | ${pct(shell, 95).toFixed(0)} | ${(s50 / e50).toFixed(1)}× |`;
    rows.push(row);
    if (s50 / e50 < TARGET) missed.push(`${s.id} ${(s50 / e50).toFixed(1)}×`);
    process.stdout.write(`${row}\n`);
  }
  fs.rmSync(ws, { recursive: true, force: true });
  fs.rmSync(progress, { recursive: true, force: true });
  if (recording) await removeRecorder(access.provider, lifecycleIo(), cp);
  const table = [
    '| scenario | checks | engine p50 ms | engine p95 ms | shell script p50 ms | shell script p95 ms | speed-up (p50) |',
    '|---|---|---|---|---|---|---|',
    ...rows,
  ].join('\n');
  if (WRITE) {
    const doc = [
      '# Verify round: engine vs a plain shell verify script',
      '',
      `Measured by \`node --import tsx bench/verify-round.ts${SETUP ? '' : ' --as-is'}\` on ${new Date().toISOString().slice(0, 10)}, ${os.cpus().length} CPUs, lab \`${access.provider.kind}\`, ${ROUNDS} rounds per scenario, both measured alternately in the same run, ${SETUP ? 'each scenario set up (its pods, files and recorder in place) and reset afterwards' : 'on the lab as it was (no scenario set up)'}.`,
      '',
      'The engine batches node reads (one `exec` per node per round) and keeps one API connection; the',
      'shell script runs one process per check (`docker exec …` / `kubectl …`), as Killercoda-style verifiers do.',
      '',
      table,
      '',
      `Target: at least ${TARGET}× faster (p50) — ${missed.length === 0 ? 'met by every scenario' : `NOT met by ${missed.join(', ')}`}.`,
      '',
    ].join('\n');
    fs.writeFileSync(path.join(packageRoot(), 'docs', 'bench-verify.md'), doc);
  }
  process.stdout.write(
    missed.length === 0
      ? `target ≥${TARGET}× (p50): met by every scenario\n`
      : `target ≥${TARGET}× (p50): NOT met by ${missed.join(', ')}\n`,
  );
  if (missed.length > 0) process.exitCode = 1;
}

await main();
