import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type Conf from 'conf';
import type { AttemptOutcome, ProgressFile, ScenarioProgress } from '../domain/progress.js';
import { PROGRESS_VERSION, progressFileSchema, recordAttempt } from '../domain/progress.js';
import type { ProgressPort } from '../engine/ports.js';
import { withFileLock } from './file-lock.js';
import { log } from './log.js';
import { progressDir } from './paths.js';

export const PROGRESS_FILE_NAME = 'progress.json';

/** What the store had to do at open: a damaged file is never fatal, it is kept aside and reported. */
export type OpenNotice = { readonly movedAside: string; readonly reason: string } | undefined;

/**
 * conf, loaded by the first write: it and what it imports (ajv, ajv-formats, dot-prop, semver,
 * atomically, …) cost the home screen's first frame about 70 ms of CPU, and reading the file needs
 * none of it. A synchronous `require` of an ES module works from Node 20.19 (the stores are
 * synchronous); an older Node loads conf here, with this module, as before.
 */
const confAtLoad = process.features.require_module ? undefined : (await import('conf')).default;
const loadConf = (): typeof Conf =>
  confAtLoad ?? (createRequire(import.meta.url)('conf') as typeof import('conf')).default;

/** The file as it is on disk, checked as at open: missing, good, or damaged (and why). */
type OnDisk =
  | { readonly state: 'missing' }
  | { readonly state: 'good'; readonly data: ProgressFile }
  | { readonly state: 'bad'; readonly reason: string };

function inspect(file: string): OnDisk {
  let data: unknown;
  try {
    data = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { state: 'missing' };
    return { state: 'bad', reason: `not valid JSON (${(error as Error).message})` };
  }
  const parsed = progressFileSchema.safeParse(data);
  if (parsed.success) return { state: 'good', data: parsed.data };
  const version = (data as { version?: unknown } | null)?.version;
  return {
    state: 'bad',
    reason:
      version !== PROGRESS_VERSION
        ? `unknown format version ${JSON.stringify(version)}`
        : `unexpected content (${parsed.error.issues[0]?.message ?? 'invalid'})`,
  };
}

/** Keeps a damaged file (renamed), rather than letting it be cleared. Under the lock. */
function setAside(file: string, reason: string): OpenNotice {
  const aside = `${file}.corrupt-${new Date().toISOString().replace(/[:.]/g, '-')}`;
  fs.renameSync(file, aside);
  log.warn('progress file set aside', { file, aside, reason });
  return { movedAside: aside, reason };
}

/**
 * Progress persisted with `conf` (atomic writes). The only module that imports conf. Tokens, keys
 * and command output never go in here: only counts, scores and times.
 *
 * conf's atomic write keeps the file whole, not the update: two processes that read, change and
 * write the file at once lose one change. So every write holds `progress.json.lock` and reads the
 * file afresh under it, and so does an open that finds a damaged file to set aside. Reads need no
 * lock: a write replaces the file by rename, so a reader sees one version or the next. Reads parse
 * the file and check it with the schema (conf's own reads are a JSON parse of the same file);
 * conf is loaded and opened by the first write, which is all it is needed for.
 */
export class ProgressStore implements ProgressPort {
  private conf: Conf<ProgressFile> | undefined;
  private readonly dir: string;
  private readonly file: string;
  private readonly lockFile: string;
  readonly notice: OpenNotice;

  constructor(dir: string = progressDir()) {
    fs.mkdirSync(dir, { recursive: true });
    this.dir = dir;
    this.file = path.join(dir, PROGRESS_FILE_NAME);
    this.lockFile = `${this.file}.lock`;
    // A good file, or none yet, needs nothing at open (the first write creates it): no lock, as
    // for every read. A damaged one is set aside under the lock, checked again there.
    if (inspect(this.file).state !== 'bad') {
      this.notice = undefined;
      return;
    }
    this.notice = withFileLock(this.lockFile, () => {
      const now = inspect(this.file);
      return now.state === 'bad' ? setAside(this.file, now.reason) : undefined;
    });
  }

  /** conf over the file, made by the first write (under the lock, with any damaged file set aside). */
  private writer(): Conf<ProgressFile> {
    this.conf ??= new (loadConf())<ProgressFile>({
      cwd: this.dir,
      configName: 'progress',
      projectName: 'k8s-harden-lab',
      defaults: { version: PROGRESS_VERSION, scenarios: {} },
      clearInvalidConfig: true,
      accessPropertiesByDotNotation: false,
    });
    return this.conf;
  }

  private scenarios(): Readonly<Record<string, ScenarioProgress>> {
    const onDisk = inspect(this.file);
    return onDisk.state === 'good' ? onDisk.data.scenarios : {};
  }

  get path(): string {
    return this.file;
  }

  all(): Readonly<Record<string, ScenarioProgress>> {
    return this.scenarios();
  }

  get(id: string): ScenarioProgress | undefined {
    return this.scenarios()[id];
  }

  /** Folds the outcome into the file as it is now on disk, under the lock: no other process's record is lost. */
  record(id: string, outcome: AttemptOutcome): ScenarioProgress {
    return withFileLock(this.lockFile, () => {
      const onDisk = inspect(this.file);
      // Damaged since the open (by hand): kept aside, as at open, rather than cleared by conf.
      if (onDisk.state === 'bad') setAside(this.file, onDisk.reason);
      const scenarios = onDisk.state === 'good' ? onDisk.data.scenarios : {};
      const next = recordAttempt(scenarios[id], outcome);
      this.writer().store = { version: PROGRESS_VERSION, scenarios: { ...scenarios, [id]: next } };
      return next;
    });
  }
}
