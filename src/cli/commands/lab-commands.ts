import { spawnSync } from 'node:child_process';
import { backupStore } from '../../adapters/cluster/backup-store.js';
import { envFlag } from '../../adapters/env-flag.js';
import type { LabProvider, StepEvent } from '../../adapters/lab/provider.js';
import { EXIT, UserError } from '../../engine/errors.js';
import { BASELINE_KEY } from '../../engine/lab/node-paths.js';
import type { ClusterAccess } from '../../engine/probes/types.js';
import { formatDuration, type Io } from '../io.js';

/** Prints long-running steps as plain lines with elapsed time (the TUI draws the same events). */
export function stepPrinter(io: Io): (event: StepEvent) => void {
  return (event) => {
    switch (event.type) {
      case 'start':
        io.out(`→ ${event.step}…`);
        break;
      case 'progress':
        if (envFlag(io.env.K8S_HARDEN_LAB_VERBOSE)) io.out(`    ${event.line}`);
        break;
      case 'done':
        io.out(`✓ ${event.step} (${formatDuration(event.ms)})`);
        break;
      case 'fail':
        io.err(
          `✗ ${event.step} failed after ${formatDuration(event.ms)}: ${event.command}${event.logFile ? `\n  log: ${event.logFile}` : ''}`,
        );
        break;
    }
  };
}

export async function upCommand(
  provider: LabProvider,
  io: Io,
  options: { workers?: number; json?: boolean },
): Promise<number> {
  const available = await provider.available();
  if (!available.ok)
    throw new UserError(
      `the ${provider.kind} lab cannot run here: ${available.reason}`,
      available.fix,
      EXIT.lab,
    );
  io.out(`Lab: ${provider.kind} (${available.detail})`);
  const controller = new AbortController();
  const onSigint = () => controller.abort();
  process.once('SIGINT', onSigint);
  try {
    const result = await provider.create({
      workers: options.workers ?? 1,
      onStep: stepPrinter(io),
      signal: controller.signal,
    });
    if (!result.ok)
      throw new UserError(
        `lab creation failed at "${result.step}": ${result.message}`,
        `read ${result.logFile ?? 'the debug log'}, then run \`k8s-harden-lab down\` to clean up and \`k8s-harden-lab up\` again`,
        EXIT.lab,
      );
    // A new lab takes its own baseline of node files at its first setup.
    if (result.changed) backupStore(io.env).remove(provider.cluster, BASELINE_KEY);
    io.out(result.message);
    io.out(
      `Kubeconfig: ${provider.kubeconfigPath()}\nUse it with: export KUBECONFIG=$(k8s-harden-lab kubeconfig)`,
    );
    return EXIT.ok;
  } finally {
    process.removeListener('SIGINT', onSigint);
  }
}

export async function downCommand(provider: LabProvider, io: Io): Promise<number> {
  const result = await provider.delete({ onStep: stepPrinter(io) });
  if (!result.ok)
    throw new UserError(
      `lab removal failed at "${result.step}": ${result.message}`,
      `read ${result.logFile ?? 'the debug log'}; \`down\` can be run again`,
      EXIT.lab,
    );
  backupStore(io.env).remove(provider.cluster, BASELINE_KEY);
  io.out(result.message);
  return EXIT.ok;
}

/**
 * `repair`: brings a lab the learner broke back (engine/lab/repair.ts) and says what it did;
 * `--recreate` deletes the lab and makes a fresh one, the last resort it offers.
 */
export async function repairCommand(
  io: Io,
  options: { readonly recreate?: boolean },
  deps: {
    readonly provider: () => Promise<LabProvider>;
    readonly access: () => Promise<ClusterAccess>;
    readonly repair: (access: ClusterAccess, onLine: (line: string) => void) => Promise<void>;
  },
): Promise<number> {
  if (options.recreate) {
    const provider = await deps.provider();
    io.out(`Recreating the lab ${provider.cluster}: down, then up`);
    await downCommand(provider, io);
    return upCommand(provider, io, {});
  }
  const access = await deps.access();
  io.out(`Repairing the lab ${access.provider.cluster}`);
  await deps.repair(access, (line) => io.out(`  ${line}`));
  io.out('The lab is healthy.');
  return EXIT.ok;
}

export async function statusCommand(
  provider: LabProvider,
  io: Io,
  options: { json?: boolean },
): Promise<number> {
  const status = await provider.status();
  if (options.json) io.out(JSON.stringify(status, null, 2));
  else {
    io.out(
      `provider:   ${status.provider}\ncluster:    ${status.cluster}\nexists:     ${status.exists ? 'yes' : 'no'}`,
    );
    if (status.exists) {
      io.out(
        `apiserver:  ${status.apiserverHealthy ? 'healthy' : 'NOT healthy'}\nkubeconfig: ${status.kubeconfigPath}`,
      );
      for (const n of status.nodes)
        io.out(`  ${n.name.padEnd(34)} ${n.role.padEnd(13)} ${n.ready ? 'Ready' : 'NotReady'}  ${n.version}`);
    } else io.out('next:       run `k8s-harden-lab up` to create the lab');
    if (status.detail) io.out(`note:       ${status.detail}`);
  }
  if (!status.exists) return EXIT.lab;
  return status.apiserverHealthy && status.nodes.every((n) => n.ready) ? EXIT.ok : EXIT.lab;
}

/** Resolves `control-plane`/`worker` (first of that role) or a full node name. */
export async function resolveNode(provider: LabProvider, ref: string): Promise<string> {
  const nodes = await provider.nodes();
  if (nodes.length === 0)
    throw new UserError('the lab has no nodes', 'run `k8s-harden-lab up` first', EXIT.lab);
  const found =
    nodes.find((n) => n.name === ref) ??
    nodes.find((n) => n.role === ref) ??
    nodes.find((n) => n.name === `${provider.cluster}-${ref}`);
  if (!found)
    throw new UserError(
      `no lab node "${ref}"`,
      `use one of: ${nodes.map((n) => n.name).join(', ')}, control-plane, worker`,
      EXIT.usage,
    );
  return found.name;
}

/** `node exec NODE -- cmd…`: stdin is passed through, exit code preserved, for scenario scripts. */
export async function nodeExecCommand(
  provider: LabProvider,
  io: Io,
  ref: string,
  argv: readonly string[],
  stdin?: string,
): Promise<number> {
  if (argv.length === 0)
    throw new UserError(
      'node exec needs a command',
      'example: k8s-harden-lab node exec worker -- systemctl status kubelet',
      EXIT.usage,
    );
  const node = await resolveNode(provider, ref);
  const r = await provider.exec(node, argv, { stdin, timeoutMs: 10 * 60_000 });
  if (r.stdout) process.stdout.write(r.stdout);
  if (r.stderr) process.stderr.write(r.stderr);
  if (r.notFound || r.timedOut || r.cancelled) {
    io.err(r.failure);
    return EXIT.lab;
  }
  return r.exitCode;
}

/** `node shell NODE`: an interactive shell on a node, with the terminal handed over. */
export async function nodeShellCommand(provider: LabProvider, io: Io, ref: string): Promise<number> {
  const node = await resolveNode(provider, ref);
  const { file, args } = provider.shellCommand(node);
  io.out(`Shell on ${node} (exit to come back).`);
  const r = spawnSync(file, [...args], { stdio: 'inherit' });
  return r.status ?? EXIT.lab;
}

export async function nodeCopyCommand(
  provider: LabProvider,
  io: Io,
  from: string,
  to: string,
): Promise<number> {
  // NODE:/path marks the node side, as in `docker cp`.
  const remote = /^([^:/]+):(\/.*)$/;
  const src = remote.exec(from);
  const dst = remote.exec(to);
  if (Boolean(src) === Boolean(dst) || (!src?.[1] && !dst?.[1]))
    throw new UserError(
      'node cp copies between this machine and one node',
      'example: k8s-harden-lab node cp worker:/var/lib/kubelet/config.yaml ./config.yaml',
      EXIT.usage,
    );
  const r =
    src?.[1] && src[2]
      ? await provider.copyFrom(await resolveNode(provider, src[1]), src[2], to)
      : await provider.copyTo(await resolveNode(provider, dst?.[1] ?? ''), from, dst?.[2] ?? '');
  if (r.exitCode !== 0) {
    io.err(r.failure);
    return EXIT.lab;
  }
  return EXIT.ok;
}

/** `lab build-image [--k8s-version v]`: the offline build alone, with its steps printed. */
export async function buildImageCommand(io: Io, version?: string): Promise<number> {
  const { offlineAvailability, offlineVersions, runOfflineBuild } = await import(
    '../../adapters/lab/offline-build.js'
  );
  const { logsDir } = await import('../../adapters/paths.js');
  const available = await offlineAvailability();
  if (!available.ok) throw new UserError(available.reason, available.fix, EXIT.lab);
  const wanted = version ?? offlineVersions().K8S_DEFAULT_VERSION ?? 'v1.34.12';
  const controller = new AbortController();
  const onSigint = () => controller.abort();
  process.once('SIGINT', onSigint);
  try {
    const r = await runOfflineBuild({
      version: wanted.startsWith('v') ? wanted : `v${wanted}`,
      logFile: `${logsDir(io.env)}/offline-build.log`,
      onStep: stepPrinter(io),
      signal: controller.signal,
    });
    if (!r.ok)
      throw new UserError(
        r.message,
        `read ${r.logFile}; run the command again to resume where it stopped`,
        EXIT.lab,
      );
    io.out(`node image: ${r.image}\nkind:       ${r.kind}\nbuilt in ${formatDuration(r.ms)}`);
    return EXIT.ok;
  } finally {
    process.removeListener('SIGINT', onSigint);
  }
}
