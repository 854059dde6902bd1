import path from 'node:path';
import type { ProbeSpec } from '../../domain/probe-spec.js';
import type { ProbeContext, ProbeExecutor } from './types.js';
import { probeError, value } from './types.js';
import { listWorkspaceDir, readFileFacts } from './workspace.js';
import { CertificateFileError, describeCertificate } from './x509.js';

/**
 * `dockerd`: what dockerd would be started with, read by the engine from a Docker host's files
 * (a workspace folder standing for `/`): the systemd unit and its drop-ins give the command line,
 * daemon.json the configuration file, and the TLS files are checked with node:crypto. Nothing the
 * learner can write is run; no daemon is contacted.
 */

/** The settings dockerd refuses to take both from a flag and from daemon.json (the ones judged here). */
const SETTINGS = ['hosts', 'tls', 'tlsverify', 'tlscacert', 'tlscert', 'tlskey'] as const;
type Setting = (typeof SETTINGS)[number];
type Settings = { hosts?: string[]; tls?: boolean; tlsverify?: boolean } & {
  tlscacert?: string;
  tlscert?: string;
  tlskey?: string;
};

/** systemd's unit search path, highest priority first (a unit in /etc replaces the packaged one). */
const UNIT_DIRS = [
  '/etc/systemd/system',
  '/run/systemd/system',
  '/lib/systemd/system',
  '/usr/lib/systemd/system',
];
const UNIT = 'docker.service';

export type UnitFile = { readonly path: string; readonly text: string };

export type ExecStart = {
  /** The ExecStart lines in effect, in order (systemd allows one for a service that is not oneshot). */
  readonly lines: readonly string[];
  /** The file of the last line in effect. */
  readonly from: string | undefined;
};

/**
 * ExecStart as systemd assembles it: the unit, then its drop-ins in order; every `ExecStart=`
 * line adds a command and an empty `ExecStart=` clears the list. Continuation lines (`\`) are
 * joined, comments skipped, only the [Service] section counts.
 */
export function execStart(files: readonly UnitFile[]): ExecStart {
  let lines: string[] = [];
  let from: string | undefined;
  for (const file of files) {
    const text = file.text.replace(/\\\r?\n/g, ' ');
    let section = '';
    for (const raw of text.split(/\r?\n/)) {
      const line = raw.trim();
      if (!line || line.startsWith('#') || line.startsWith(';')) continue;
      const header = /^\[(.+)\]$/.exec(line);
      if (header) {
        section = header[1] ?? '';
        continue;
      }
      const m = /^ExecStart\s*=\s*(.*)$/.exec(line);
      if (section !== 'Service' || !m) continue;
      const command = (m[1] ?? '').trim();
      if (command === '') {
        lines = [];
        from = undefined;
      } else {
        lines.push(command);
        from = file.path;
      }
    }
  }
  return { lines, from };
}

/** Splits a command line into words, honouring double and single quotes. */
export function words(command: string): string[] {
  const out: string[] = [];
  for (const m of command.matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)) out.push(m[1] ?? m[2] ?? m[3] ?? '');
  // systemd's prefixes on the program (`-`, `@`, `:`, `+`, `!`) are not part of it.
  if (out[0]) out[0] = out[0].replace(/^[-@:+!]+/, '');
  return out;
}

const FLAG_NAMES: Readonly<Record<string, Setting | 'config-file'>> = {
  H: 'hosts',
  host: 'hosts',
  tls: 'tls',
  tlsverify: 'tlsverify',
  tlscacert: 'tlscacert',
  tlscert: 'tlscert',
  tlskey: 'tlskey',
  'config-file': 'config-file',
};
const BOOL_FLAGS = new Set(['tls', 'tlsverify']);

/** The dockerd flags judged here, from its command line (after the program). */
export function dockerdFlags(argv: readonly string[]): Settings & { configFile?: string } {
  const out: Settings & { configFile?: string } = {};
  const hosts: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const m = /^--?([A-Za-z-]+)(?:=(.*))?$/.exec(argv[i] ?? '');
    const name = m ? FLAG_NAMES[m[1] ?? ''] : undefined;
    if (!m || !name) continue;
    let v = m[2];
    if (BOOL_FLAGS.has(name)) {
      out[name as 'tls' | 'tlsverify'] = v === undefined ? true : v !== 'false';
      continue;
    }
    if (v === undefined) v = argv[++i];
    if (v === undefined) continue;
    if (name === 'hosts') hosts.push(v);
    else if (name === 'config-file') out.configFile = v;
    else out[name as 'tlscacert' | 'tlscert' | 'tlskey'] = v;
  }
  if (hosts.length > 0) out.hosts = hosts;
  return out;
}

/** daemon.json's settings judged here (wrong types are kept as written, so a conflict still shows). */
export function daemonSettings(doc: Record<string, unknown>): Settings {
  const out: Record<string, unknown> = {};
  for (const k of SETTINGS) if (doc[k] !== undefined) out[k] = doc[k];
  return out as Settings;
}

/** dockerd's default TCP port is 2376 with TLS and 2375 without. */
export function tcpPort(host: string, tlsOn: boolean): number | undefined {
  if (!/^tcp:\/\//.test(host)) return undefined;
  const port = /^tcp:\/\/[^/]*?:(\d+)\/?$/.exec(host)?.[1];
  return port ? Number(port) : tlsOn ? 2376 : 2375;
}

export type TlsFile = { readonly name: 'tlscacert' | 'tlscert' | 'tlskey'; readonly pem: string | undefined };

/** What the daemon's TLS files say: the server pair matches, the CA signed it, it is a server certificate. */
export function tlsPairProblems(
  files: { readonly ca: string; readonly cert: string; readonly key: string },
  paths: { readonly ca: string; readonly cert: string; readonly key: string },
  now = new Date(),
): string[] {
  let facts: ReturnType<typeof describeCertificate>;
  try {
    facts = describeCertificate({
      cert: { name: `tlscert ${paths.cert}`, pem: files.cert },
      key: { name: `tlskey ${paths.key}`, pem: files.key },
      ca: { name: `tlscacert ${paths.ca}`, pem: files.ca },
      now,
    });
  } catch (error) {
    if (error instanceof CertificateFileError) return [error.message];
    throw error;
  }
  const out: string[] = [];
  if (!facts.keyMatches) out.push('tlskey does not belong to tlscert');
  if (!facts.verifiesWithCA) out.push('tlscert is not signed by tlscacert');
  const eku = facts.extendedKeyUsage ?? [];
  if (eku.length > 0 && !eku.includes('serverAuth'))
    out.push('tlscert is not a server certificate (no serverAuth usage)');
  if (!facts.validNow) out.push('tlscert is not valid now');
  return out;
}

export type DockerdFacts = {
  /** The command line systemd would start (the last ExecStart in effect). */
  readonly execStart: string | undefined;
  /** The unit file or drop-in it comes from, relative to the root. */
  readonly execStartFrom: string | undefined;
  readonly execStartCount: number;
  /** Why systemd would not start the service as configured (more than one ExecStart). */
  readonly unitProblems: readonly string[];
  readonly configFile: string;
  readonly flags: Settings;
  readonly config: Settings;
  readonly effective: Settings;
  /** Settings given both as a flag and in daemon.json: dockerd refuses to start. */
  readonly conflicts: readonly string[];
  /** Every listen address, flags first. */
  readonly hosts: readonly string[];
  /** Ports of the TCP hosts (a host without a port gets dockerd's default). */
  readonly tcpPorts: readonly number[];
  /** TCP hosts on the plaintext port 2375, with where each is set. */
  readonly plaintextHosts: readonly string[];
  readonly tlsOn: boolean;
  readonly tlsFileProblems: readonly string[];
  readonly tlsPairProblems: readonly string[];
};

export type DockerHostFiles = {
  readonly units: readonly UnitFile[];
  readonly configFile: string;
  /** daemon.json's text; undefined when there is none. */
  readonly config: string | undefined;
  /** Reads a host path (for the TLS files); undefined when it does not exist. */
  readonly read: (hostPath: string) => Promise<string | undefined>;
  readonly now?: Date;
};

/** Thrown when dockerd would not start for a reason no check is about (daemon.json not JSON). */
export class DockerdConfigError extends Error {}

/** Facts from the files; pure apart from the TLS file reads it is given. */
export async function describeDockerd(host: DockerHostFiles): Promise<DockerdFacts> {
  const unit = execStart(host.units);
  const command = unit.lines.at(-1);
  const cli = command ? dockerdFlags(words(command).slice(1)) : {};
  const { configFile: flagConfigFile, ...flags } = cli as Settings & { configFile?: string };
  const configFile = flagConfigFile ?? host.configFile;
  let config: Settings = {};
  if (host.config !== undefined) {
    let doc: unknown;
    try {
      doc = JSON.parse(host.config);
    } catch (error) {
      throw new DockerdConfigError(
        `${configFile} is not valid JSON (${(error as Error).message}); dockerd would not start`,
      );
    }
    if (typeof doc !== 'object' || doc === null || Array.isArray(doc))
      throw new DockerdConfigError(`${configFile} is not a JSON object; dockerd would not start`);
    config = daemonSettings(doc as Record<string, unknown>);
  }
  const conflicts = SETTINGS.filter((k) => flags[k] !== undefined && config[k] !== undefined).map((k) =>
    k === 'hosts' ? 'hosts (-H)' : k,
  );
  const effective: Record<string, unknown> = {};
  for (const k of SETTINGS) effective[k] = flags[k] ?? config[k];
  const tlsOn = effective.tlsverify === true || effective.tls === true;
  const fileHosts = Array.isArray(config.hosts) ? config.hosts.map(String) : [];
  const flagHosts = flags.hosts ?? [];
  const hosts = [...flagHosts, ...fileHosts];
  const plain = (h: string) => tcpPort(h, tlsOn) === 2375;
  const plaintextHosts = [
    ...fileHosts.filter(plain).map((h) => `${h} in ${configFile}`),
    ...flagHosts.filter(plain).map((h) => `${h} in ExecStart (${unit.from})`),
  ];
  const tcpPorts = hosts.map((h) => tcpPort(h, tlsOn)).filter((p): p is number => p !== undefined);

  const tlsFileProblems: string[] = [];
  const pems: Record<string, string> = {};
  for (const k of ['tlscacert', 'tlscert', 'tlskey'] as const) {
    const v = effective[k];
    if (typeof v !== 'string' || v === '') {
      tlsFileProblems.push(`${k} is not set`);
      continue;
    }
    const pem = await host.read(v);
    if (pem === undefined) tlsFileProblems.push(`${k} ${v} does not exist`);
    else pems[k] = pem;
  }
  const pairProblems =
    tlsFileProblems.length > 0
      ? tlsFileProblems
      : tlsPairProblems(
          { ca: pems.tlscacert ?? '', cert: pems.tlscert ?? '', key: pems.tlskey ?? '' },
          {
            ca: String(effective.tlscacert),
            cert: String(effective.tlscert),
            key: String(effective.tlskey),
          },
          host.now,
        );
  return {
    execStart: command,
    execStartFrom: unit.from,
    execStartCount: unit.lines.length,
    unitProblems:
      unit.lines.length > 1
        ? [
            `${unit.lines.length} ExecStart lines in effect (a drop-in must first clear the packaged one with an empty \`ExecStart=\`): systemd refuses to start docker`,
          ]
        : unit.lines.length === 0
          ? ['no ExecStart in effect: systemd has nothing to start']
          : [],
    configFile,
    flags,
    config,
    effective: effective as Settings,
    conflicts,
    hosts,
    tcpPorts,
    plaintextHosts,
    tlsOn,
    tlsFileProblems,
    tlsPairProblems: pairProblems,
  };
}

type DockerdSpec = Extract<ProbeSpec, { kind: 'dockerd' }>;

/** The unit and its drop-ins, in the order systemd applies them (drop-ins of one name: the highest-priority folder's). */
async function unitFiles(context: ProbeContext, inRoot: (p: string) => string): Promise<UnitFile[]> {
  const files: UnitFile[] = [];
  for (const dir of UNIT_DIRS) {
    const unit = await readFileFacts(context, inRoot(`${dir}/${UNIT}`), undefined);
    if (unit.exists && unit.content !== undefined) {
      files.push({ path: `${dir}/${UNIT}`, text: unit.content });
      break;
    }
  }
  const dropins = new Map<string, string>();
  for (const dir of [...UNIT_DIRS].reverse()) {
    const names = await listWorkspaceDir(context, inRoot(`${dir}/${UNIT}.d`));
    for (const name of names ?? []) if (name.endsWith('.conf')) dropins.set(name, `${dir}/${UNIT}.d/${name}`);
  }
  for (const name of [...dropins.keys()].sort()) {
    const hostPath = dropins.get(name) ?? '';
    const facts = await readFileFacts(context, inRoot(hostPath), undefined);
    if (facts.content !== undefined) files.push({ path: hostPath, text: facts.content });
  }
  return files;
}

export const dockerdProbe: ProbeExecutor<'dockerd'> = async (spec: DockerdSpec, context) => {
  // A host path inside the folder that stands for `/`.
  const inRoot = (hostPath: string) => path.join(spec.root, path.posix.resolve('/', hostPath));
  try {
    const units = await unitFiles(context, inRoot);
    const command = execStart(units).lines.at(-1);
    const configFile =
      (command ? dockerdFlags(words(command).slice(1)).configFile : undefined) ?? '/etc/docker/daemon.json';
    const config = await readFileFacts(context, inRoot(configFile), undefined);
    if (config.exists && config.content === undefined)
      return probeError(`${configFile} cannot be read (not a regular file, or too large)`);
    return value(
      await describeDockerd({
        units,
        configFile,
        config: config.content,
        read: async (hostPath) => {
          const f = await readFileFacts(context, inRoot(hostPath), undefined);
          return f.exists ? (f.content ?? '') : undefined;
        },
      }),
    );
  } catch (error) {
    return probeError((error as Error).message);
  }
};
