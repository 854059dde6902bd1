import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { packageRoot } from '../adapters/paths.js';
import type { Scenario } from '../domain/scenario.js';
import type { LabProvider, RecordPort } from '../engine/ports.js';
import { shQuote } from '../engine/shell-quote.js';
import type { Trainer } from '../engine/trainer.js';

/**
 * The shells the app opens, with the terminal handed over: the workspace shell of a cluster-free
 * scenario and node shells. Both start bash with shell/record/rc.sh, which reads ~/.bashrc as a
 * new shell would, sets the prompt and, when the learning record is on, writes each command to a
 * file the app reads back afterwards (redacted by the record store) and removes.
 */

export const RC_FILE = () => path.join(packageRoot(), 'shell', 'record', 'rc.sh');

const RECORD_NOTE =
  'commands you run here go to your learning record, tokens redacted; `k8s-harden-lab record off` stops it';

/** "<epoch seconds>\t<command>" lines, as rc.sh writes them. */
export function parseRecorded(text: string): { at: string; command: string }[] {
  const out: { at: string; command: string }[] = [];
  for (const line of text.split('\n')) {
    const tab = line.indexOf('\t');
    if (tab <= 0) continue;
    const secs = Number(line.slice(0, tab));
    const command = line.slice(tab + 1).trim();
    if (!Number.isFinite(secs) || !command) continue;
    out.push({ at: new Date(secs * 1000).toISOString(), command });
  }
  return out;
}

function keep(
  record: RecordPort,
  scenario: string,
  attempt: string | null,
  shell: string,
  text: string,
): number {
  const commands = parseRecorded(text);
  for (const c of commands)
    record.append({ type: 'command', at: c.at, scenario, attempt, shell, command: c.command });
  return commands.length;
}

/** The environment of a scenario's workspace shell: HOME and KUBECONFIG inside the workspace, its prompt. */
export function workspaceShellEnv(
  workspace: string,
  scenarioId: string,
  base: NodeJS.ProcessEnv = process.env,
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(base)) if (v !== undefined && !k.startsWith('KHL_')) env[k] = v;
  return {
    ...env,
    HOME: workspace,
    KUBECONFIG: path.join(workspace, '.kube', 'config'),
    WORKSPACE: workspace,
    KHL_PROMPT: scenarioId,
  };
}

/**
 * The workspace shell: bash in the workspace with the scenario's HOME, KUBECONFIG and prompt (as
 * its scripts and checks see them). Resolves once the learner leaves it.
 */
export async function openWorkspaceShell(
  trainer: Pick<Trainer, 'workspace'>,
  scenario: Scenario,
  record: RecordPort,
  attempt: string | null,
  spawn: typeof spawnSync = spawnSync,
): Promise<void> {
  const workspace = trainer.workspace(scenario);
  fs.mkdirSync(workspace, { recursive: true });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'khl-shell-'));
  const file = path.join(dir, 'commands');
  try {
    const env = {
      ...workspaceShellEnv(workspace, scenario.id),
      KHL_BANNER: `Workspace shell for ${scenario.id} (HOME and KUBECONFIG are the scenario's). Type exit to go back; checks run again.${
        record.enabled ? `\nNote: ${RECORD_NOTE}.` : ''
      }`,
      ...(record.enabled ? { KHL_RECORD_FILE: file } : {}),
    };
    spawn('bash', ['--rcfile', RC_FILE(), '-i'], { stdio: 'inherit', cwd: workspace, env });
    if (record.enabled && fs.existsSync(file))
      keep(record, scenario.id, attempt, 'workspace', fs.readFileSync(file, 'utf8'));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * A node shell (`docker exec -it <node> bash`) with the same rc file, copied onto the node first;
 * the commands come back from the node's copy of the record file, which is then removed.
 */
export async function openNodeShell(
  provider: LabProvider,
  node: string,
  ref: string,
  record: RecordPort | undefined,
  owner: { readonly scenario: string; readonly attempt: string | null } | undefined,
  spawn: typeof spawnSync = spawnSync,
): Promise<void> {
  const { file, args } = provider.shellCommand(node);
  const tag = randomBytes(6).toString('hex');
  const rc = `/tmp/khl-rc-${tag}.sh`;
  const rec = `/tmp/khl-record-${tag}`;
  const recording = Boolean(record?.enabled && owner);
  const header = [
    `KHL_PROMPT=${shQuote(ref)}`,
    ...(recording ? [`KHL_RECORD_FILE=${rec}`, `KHL_BANNER=${shQuote(`Note: ${RECORD_NOTE}.`)}`] : []),
  ].join('\n');
  const copied = await provider.exec(node, ['sh', '-c', `umask 077; cat > ${rc}`], {
    stdin: `${header}\n${fs.readFileSync(RC_FILE(), 'utf8')}`,
    timeoutMs: 15_000,
  });
  process.stdout.write(`Shell on ${ref} — type exit to come back to k8s-harden-lab.\n`);
  // Without the rc file on the node (an old image, no sh) the plain shell still opens, unrecorded.
  spawn(file, copied.exitCode === 0 ? [...args, '--rcfile', rc, '-i'] : [...args], { stdio: 'inherit' });
  if (copied.exitCode !== 0) return;
  try {
    if (recording && record && owner) {
      const r = await provider.exec(node, ['cat', rec], { timeoutMs: 15_000 });
      if (r.exitCode === 0) keep(record, owner.scenario, owner.attempt, ref, r.stdout);
    }
  } finally {
    await provider.exec(node, ['rm', '-f', rc, rec], { timeoutMs: 15_000 });
  }
}
