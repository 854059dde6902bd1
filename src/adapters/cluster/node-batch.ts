import { randomBytes } from 'node:crypto';
import type { FileFacts, LabProvider, NodeProcess, NodeReads } from '../../engine/ports.js';
import { shQuote } from '../../engine/shell-quote.js';
import { log } from '../log.js';
import { nodeScript } from './node-scripts.js';

/**
 * Node reads, batched (the NodeReads port): every probe of a round that needs something from a node enqueues a request
 * on that node's batch; the batch flushes on the next macrotask as ONE `provider.exec` running a
 * bash script on stdin, and each request gets its own delimited section of the output back.
 * However many checks read a node, a round costs one round trip per node (requests that arrive
 * after a flush started go into a second batch; the probes here enqueue before their first await
 * on anything but the per-round node list, so that does not happen in practice).
 */

export type NodeFile = FileFacts;

type Pending = { readonly snippet: string; readonly waiters: Array<(r: SectionResult) => void> };
type SectionResult =
  | { readonly ok: true; readonly lines: string[] }
  | { readonly ok: false; readonly error: string };

function b64(text: string | undefined): string {
  return text ? Buffer.from(text, 'base64').toString('utf8') : '';
}

function parseFileSection(lines: readonly string[]): NodeFile {
  const stat = lines.find((l) => l.startsWith('S '));
  if (!stat) return { exists: false };
  const [mode, owner, group, size, mtime] = stat.slice(2).split(' ');
  const content = lines.find((l) => l.startsWith('C '));
  return {
    exists: true,
    mode: mode?.padStart(3, '0'),
    owner,
    group,
    size: size === undefined ? undefined : Number(size),
    mtime: mtime === undefined ? undefined : Number(mtime),
    content: content === undefined ? undefined : b64(content.slice(2)),
  };
}

export class NodeBatch implements NodeReads {
  private readonly token = randomBytes(6).toString('hex');
  private queue = new Map<string, Pending>();
  private readonly results = new Map<string, Promise<SectionResult>>();
  private scheduled = false;
  /** Exec round trips made (tests and the debug log). */
  flushes = 0;

  constructor(
    private readonly provider: LabProvider,
    readonly node: string,
    private readonly signal: AbortSignal,
  ) {}

  /** Queues a snippet (deduplicated by key for the whole round) and resolves with its output lines. */
  private request(key: string, snippet: string): Promise<string[]> {
    let result = this.results.get(key);
    if (!result) {
      result = new Promise<SectionResult>((resolve) => {
        const pending = this.queue.get(key);
        if (pending) pending.waiters.push(resolve);
        else this.queue.set(key, { snippet, waiters: [resolve] });
      });
      this.results.set(key, result);
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => void this.flush());
      }
    }
    return result.then((r) => {
      if (!r.ok) throw new Error(r.error);
      return r.lines;
    });
  }

  private async flush(): Promise<void> {
    const batch = this.queue;
    this.queue = new Map();
    this.scheduled = false;
    if (batch.size === 0) return;
    this.flushes++;
    const entries = [...batch.entries()];
    const mark = `@@KHL:${this.token}`;
    // Sections run concurrently (curl, port probes and file reads do not wait for each other),
    // each into its own file, then are printed in order between markers.
    const script = [
      nodeScript('probe.sh'),
      'KHL_T=$(mktemp -d)',
      ...entries.map(([, p], i) => `{ ${p.snippet}\n} > "$KHL_T/${i}" 2>/dev/null &`),
      'wait',
      ...entries.map(([, _p], i) => `echo '${mark}:${i}:begin'\ncat "$KHL_T/${i}"\necho '${mark}:${i}:end'`),
      'rm -rf "$KHL_T"',
    ].join('\n');
    const started = Date.now();
    const r = await this.provider.exec(
      this.node,
      ['sh', '-c', 'if command -v bash >/dev/null 2>&1; then exec bash -s; else exec sh -s; fi'],
      { stdin: script, timeoutMs: 20_000, signal: this.signal },
    );
    log.debug('node batch', { node: this.node, requests: entries.length, ms: Date.now() - started });
    const sections = new Map<number, string[]>();
    let current: string[] | undefined;
    for (const line of r.stdout.split('\n')) {
      if (line.startsWith(`${mark}:`)) {
        const [, , index, what] = line.split(':');
        if (what === 'begin') {
          current = [];
          sections.set(Number(index), current);
        } else current = undefined;
      } else current?.push(line);
    }
    entries.forEach(([, p], i) => {
      const lines = sections.get(i);
      const result: SectionResult = lines
        ? { ok: true, lines }
        : {
            ok: false,
            error: `node ${this.node} did not answer: ${r.failure || r.stderr.trim() || 'no answer'}`,
          };
      for (const w of p.waiters) w(result);
    });
  }

  async file(path: string): Promise<NodeFile> {
    return parseFileSection(await this.request(`file:${path}`, `khl_file ${shQuote(path)}`));
  }

  /** HTTP(S) status of a request made inside the node without credentials; 0 when nothing answered. */
  async httpStatus(url: string): Promise<number> {
    const lines = await this.request(`http:${url}`, `khl_http ${shQuote(url)}`);
    const code = Number(
      lines
        .find((l) => l.startsWith('H '))
        ?.slice(2)
        .trim() ?? '0',
    );
    return Number.isFinite(code) ? code : 0;
  }

  async portOpen(host: string, port: number): Promise<boolean> {
    const lines = await this.request(`port:${host}:${port}`, `khl_port ${shQuote(host)} ${port}`);
    return lines.includes('O 1');
  }

  /** Processes whose program (argv[0] base name) is `program`, oldest first. */
  async processes(program: string): Promise<NodeProcess[]> {
    const lines = await this.request(`procs:${program}`, `khl_procs ${shQuote(program)}`);
    const out: NodeProcess[] = [];
    for (const line of lines) {
      if (!line.startsWith('P ')) continue;
      const [pid, startedAt, cmd] = line.slice(2).split(' ');
      const argv = b64(cmd).split('\0');
      if (argv.at(-1) === '') argv.pop();
      out.push({ pid: Number(pid), startedAt: Number(startedAt), argv });
    }
    return out.sort((a, b) => a.startedAt - b.startedAt || a.pid - b.pid);
  }

  /** The config file the running kubelet was started with (`--config`, else kubeadm's default). */
  async kubeletConfigFile(): Promise<{ path: string; file: NodeFile }> {
    const lines = await this.request('kubelet-config', 'khl_kubelet_config');
    const path = lines.find((l) => l.startsWith('K '))?.slice(2) ?? '/var/lib/kubelet/config.yaml';
    return { path, file: parseFileSection(lines) };
  }

  /** The last `count` lines of the newest file matching a glob; undefined when none matches. */
  async tail(glob: string, count: number): Promise<{ file: string; lines: string[] } | undefined> {
    const lines = await this.request(`tail:${glob}:${count}`, `khl_tail ${shQuote(glob)} ${count}`);
    const t = lines.find((l) => l.startsWith('T '));
    if (!t) return undefined;
    const rest = t.slice(2);
    const space = rest.lastIndexOf(' ');
    return {
      file: rest.slice(0, space),
      lines: b64(rest.slice(space + 1))
        .split('\n')
        .filter((l) => l !== ''),
    };
  }

  /** The last `max` lines of a file that contain `text` (a fixed string); undefined when no such file. */
  async grep(file: string, text: string, max: number): Promise<string[] | undefined> {
    const lines = await this.request(
      `grep:${file}:${text}:${max}`,
      `khl_grep ${shQuote(file)} ${shQuote(text)} ${max}`,
    );
    if (!lines.includes('X 1')) return undefined;
    return lines.filter((l) => l.startsWith('E ')).map((l) => b64(l.slice(2)));
  }

  /** The first 32 bytes of a key's raw value in etcd (unprintable bytes as dots); undefined when absent. */
  async etcdPrefix(key: string): Promise<string | undefined> {
    const lines = await this.request(`etcd:${key}`, `khl_etcd_prefix ${shQuote(key)}`);
    return lines.find((l) => l.startsWith('V '))?.slice(2);
  }
}
