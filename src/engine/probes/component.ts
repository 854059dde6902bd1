import { parse as parseYaml } from 'yaml';
import type { Observation } from '../../domain/checks.js';
import { select } from '../../domain/field-path.js';
import type { FileFacts as NodeFile } from '../ports.js';
import { apiWaiting } from './kube.js';
import { kubeletWaiting } from './node.js';
import { nodeBatch } from './node-batch.js';
import type { ProbeExecutor } from './types.js';
import { probeError, value } from './types.js';
import { parseEnvFile } from './workspace.js';

/**
 * Flags as pflag reads them: `--name=value`, `--name value`, or a bare `--name` (a boolean: "true").
 * The last occurrence wins. Keys keep their dashes: `--authorization-mode`.
 */
export function parseFlags(args: readonly string[]): Map<string, string> {
  const flags = new Map<string, string>();
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? '';
    if (!arg.startsWith('--')) continue;
    const eq = arg.indexOf('=');
    if (eq > 0) flags.set(arg.slice(0, eq), arg.slice(eq + 1));
    else {
      const next = args[i + 1];
      if (next !== undefined && !next.startsWith('-')) {
        flags.set(arg, next);
        i++;
      } else flags.set(arg, 'true');
    }
  }
  return flags;
}

/** The arguments of a static pod's first container (command + args, without the program). */
export function manifestArgs(text: string): string[] {
  const doc = parseYaml(text) as {
    spec?: { containers?: Array<{ command?: unknown; args?: unknown }> };
  } | null;
  const c = doc?.spec?.containers?.[0];
  const list = (v: unknown) => (Array.isArray(v) ? v.map(String) : []);
  return [...list(c?.command).slice(1), ...list(c?.args)];
}

/** Splits an environment value the way systemd splits an unquoted `$VAR` in ExecStart. */
export function splitArgs(text: string | undefined): string[] {
  return (text ?? '').split(/\s+/).filter((a) => a !== '');
}

/** Kubelet flags configured in the env files kubeadm's systemd drop-in reads (flags, not process). */
export function kubeletEnvFlags(kubeadmFlags: NodeFile, extra: NodeFile): string[] {
  const a = kubeadmFlags.content ? parseEnvFile(kubeadmFlags.content).KUBELET_KUBEADM_ARGS : undefined;
  const b = extra.content ? parseEnvFile(extra.content).KUBELET_EXTRA_ARGS : undefined;
  return [...splitArgs(a), ...splitArgs(b)];
}

const KUBEADM_FLAGS = '/var/lib/kubelet/kubeadm-flags.env';
const KUBELET_EXTRA = '/etc/default/kubelet';

/**
 * `componentFlag`: the flag's value as a string (`--flag` alone → "true"), undefined when unset.
 * `source: manifest` reads `/etc/kubernetes/manifests/<component>.yaml` (for the kubelet: the env
 * files of its systemd drop-in, kubeadm-flags.env and /etc/default/kubelet); `source: process`
 * reads `/proc/<pid>/cmdline` of the newest running process of that program. A component that is
 * not running → waiting (the apiserver's with the last lines of its log).
 */
export const componentFlagProbe: ProbeExecutor<'componentFlag'> = async (spec, context) => {
  const batch = await nodeBatch(context, spec.node);
  if (spec.source === 'manifest') {
    if (spec.component === 'kubelet') {
      const [a, b] = await Promise.all([batch.file(KUBEADM_FLAGS), batch.file(KUBELET_EXTRA)]);
      return value(parseFlags(kubeletEnvFlags(a, b)).get(spec.flag));
    }
    const path = `/etc/kubernetes/manifests/${spec.component}.yaml`;
    const file = await batch.file(path);
    if (!file.exists || file.content === undefined)
      return probeError(`${path} does not exist on ${batch.node}`);
    try {
      return value(parseFlags(manifestArgs(file.content)).get(spec.flag));
    } catch (error) {
      return probeError(`${path} is not valid YAML: ${(error as Error).message.split('\n')[0]}`);
    }
  }
  const procs = await batch.processes(spec.component);
  const newest = procs.at(-1);
  if (!newest) {
    if (spec.component === 'kubelet') return kubeletWaiting(batch.node);
    if (spec.component === 'kube-apiserver')
      return apiWaiting(context, {
        type: 'unreachable',
        message: `no kube-apiserver process on ${batch.node}`,
      });
    return {
      type: 'waiting',
      message: `${spec.component} is not running on ${batch.node} — waiting for it to start`,
    };
  }
  return value(parseFlags(newest.argv.slice(1)).get(spec.flag));
};

type Kind = 'bool' | 'int' | 'string';
type Setting = {
  readonly flag: string;
  readonly kind: Kind;
  /** KubeletConfiguration v1beta1 default: applies when a config file is used and omits the field. */
  readonly configDefault?: unknown;
  /** The legacy flag default: applies when the kubelet runs without `--config`. */
  readonly flagDefault?: unknown;
};

/**
 * Config field ↔ flag, with both defaults. The v1beta1 defaults are upstream's
 * (`pkg/kubelet/apis/config/v1beta1/defaults.go`; readOnlyPort is not defaulted, so 0 = disabled,
 * as kubernetes PR #64187 notes: "ReadOnlyPort is already 0 by default when you load a config from
 * a file … we maintain the old defaults for flags via applyLegacyDefaults").
 */
export const KUBELET_SETTINGS: Readonly<Record<string, Setting>> = {
  'authentication.anonymous.enabled': {
    flag: '--anonymous-auth',
    kind: 'bool',
    configDefault: false,
    flagDefault: true,
  },
  'authentication.webhook.enabled': {
    flag: '--authentication-token-webhook',
    kind: 'bool',
    configDefault: true,
    flagDefault: false,
  },
  'authentication.x509.clientCAFile': { flag: '--client-ca-file', kind: 'string' },
  'authorization.mode': {
    flag: '--authorization-mode',
    kind: 'string',
    configDefault: 'Webhook',
    flagDefault: 'AlwaysAllow',
  },
  readOnlyPort: { flag: '--read-only-port', kind: 'int', configDefault: 0, flagDefault: 10255 },
  port: { flag: '--port', kind: 'int', configDefault: 10250, flagDefault: 10250 },
  address: { flag: '--address', kind: 'string', configDefault: '0.0.0.0', flagDefault: '0.0.0.0' },
  healthzPort: { flag: '--healthz-port', kind: 'int', configDefault: 10248, flagDefault: 10248 },
  healthzBindAddress: {
    flag: '--healthz-bind-address',
    kind: 'string',
    configDefault: '127.0.0.1',
    flagDefault: '127.0.0.1',
  },
  protectKernelDefaults: {
    flag: '--protect-kernel-defaults',
    kind: 'bool',
    configDefault: false,
    flagDefault: false,
  },
  makeIPTablesUtilChains: {
    flag: '--make-iptables-util-chains',
    kind: 'bool',
    configDefault: true,
    flagDefault: true,
  },
  rotateCertificates: {
    flag: '--rotate-certificates',
    kind: 'bool',
    configDefault: false,
    flagDefault: false,
  },
  serverTLSBootstrap: {
    flag: '--rotate-server-certificates',
    kind: 'bool',
    configDefault: false,
    flagDefault: false,
  },
  tlsCertFile: { flag: '--tls-cert-file', kind: 'string' },
  tlsPrivateKeyFile: { flag: '--tls-private-key-file', kind: 'string' },
  eventRecordQPS: { flag: '--event-qps', kind: 'int' },
  streamingConnectionIdleTimeout: {
    flag: '--streaming-connection-idle-timeout',
    kind: 'string',
    configDefault: '4h0m0s',
    flagDefault: '4h0m0s',
  },
  staticPodPath: { flag: '--pod-manifest-path', kind: 'string' },
  cgroupDriver: {
    flag: '--cgroup-driver',
    kind: 'string',
    configDefault: 'cgroupfs',
    flagDefault: 'cgroupfs',
  },
  failSwapOn: { flag: '--fail-swap-on', kind: 'bool', configDefault: true, flagDefault: true },
};

export function coerce(kind: Kind, raw: unknown): unknown {
  if (raw === undefined || raw === null) return undefined;
  if (kind === 'bool') {
    if (typeof raw === 'boolean') return raw;
    const s = String(raw).toLowerCase();
    return s === 'true' || s === '1' || s === 't'
      ? true
      : s === 'false' || s === '0' || s === 'f'
        ? false
        : String(raw);
  }
  if (kind === 'int') {
    const n = Number(raw);
    return Number.isFinite(n) ? n : String(raw);
  }
  return typeof raw === 'string' ? raw : raw;
}

export type KubeletEffective = {
  readonly value: unknown;
  readonly source: 'flag' | 'config' | 'default';
};

/**
 * The value the kubelet applies: a command-line flag for the same setting wins over the config
 * file (kubeadm-flags.env and KUBELET_EXTRA_ARGS arrive as flags), then the config file field,
 * then the default of whichever mode the kubelet runs in (config file or flags only).
 */
export function effectiveKubeletSetting(
  field: string,
  argv: readonly string[],
  config: Record<string, unknown> | undefined,
): KubeletEffective {
  const setting = KUBELET_SETTINGS[field];
  const flags = parseFlags(argv);
  if (setting && flags.has(setting.flag))
    return { value: coerce(setting.kind, flags.get(setting.flag)), source: 'flag' };
  if (!flags.has('--config')) return { value: setting?.flagDefault, source: 'default' };
  const fromFile = select(config, field);
  if (fromFile !== undefined && fromFile !== null)
    return { value: setting ? coerce(setting.kind, fromFile) : fromFile, source: 'config' };
  return { value: setting?.configDefault, source: 'default' };
}

function changedSince(file: NodeFile, startedAt: number): boolean {
  return file.exists && file.mtime !== undefined && startedAt > 0 && file.mtime > startedAt + 1;
}

/**
 * `kubeletConfig`: the value IN EFFECT (not what a file says): see effectiveKubeletSetting. The
 * observation is the value itself (boolean / number / string, undefined when neither set nor
 * defaulted). Kubelet not running → waiting. A config file or env file changed after the kubelet
 * started → error "… not applied yet: restart the kubelet", because what runs is then unknown.
 */
export const kubeletConfigProbe: ProbeExecutor<'kubeletConfig'> = async (
  spec,
  context,
): Promise<Observation> => {
  const batch = await nodeBatch(context, spec.node);
  const [procs, cfg, flagsEnv, extraEnv] = await Promise.all([
    batch.processes('kubelet'),
    batch.kubeletConfigFile(),
    batch.file(KUBEADM_FLAGS),
    batch.file(KUBELET_EXTRA),
  ]);
  const kubelet = procs.at(-1);
  if (!kubelet) return kubeletWaiting(batch.node);
  const argv = kubelet.argv.slice(1);
  const usesConfig = parseFlags(argv).has('--config');
  const stale = [
    usesConfig ? { path: cfg.path, file: cfg.file } : undefined,
    { path: KUBEADM_FLAGS, file: flagsEnv },
    { path: KUBELET_EXTRA, file: extraEnv },
  ]
    .filter((x): x is { path: string; file: NodeFile } => x !== undefined)
    .filter((x) => changedSince(x.file, kubelet.startedAt))
    .map((x) => x.path);
  if (stale.length > 0)
    return probeError(
      `${stale.join(' and ')} changed after the kubelet on ${batch.node} started, so the change is not in effect yet: restart it (systemctl restart kubelet)`,
    );
  let config: Record<string, unknown> | undefined;
  if (usesConfig) {
    if (!cfg.file.exists || cfg.file.content === undefined)
      return probeError(`${cfg.path} does not exist on ${batch.node}`);
    try {
      config = (parseYaml(cfg.file.content) as Record<string, unknown> | null) ?? {};
    } catch (error) {
      return probeError(`${cfg.path} is not valid YAML: ${(error as Error).message.split('\n')[0]}`);
    }
  }
  return value(effectiveKubeletSetting(spec.field, argv, config).value);
};
