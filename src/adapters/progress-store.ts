import fs from 'node:fs';
import path from 'node:path';
import Conf from 'conf';
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
 * Progress persisted with `conf` (atomic writes). The only module that imports conf. Tokens, keys
 * and command output never go in here: only counts, scores and times.
 *
 * conf's atomic write keeps the file whole, not the update: two processes that read, change and
 * write the file at once lose one change. So every write (and the open, which may set a bad file
 * aside or write the defaults) holds `progress.json.lock` and reads the file afresh under it.
 * Reads need no lock: a write replaces the file by rename, so a reader sees one version or the next.
 */
export class ProgressStore implements ProgressPort {
  private readonly conf: Conf<ProgressFile>;
  private readonly lockFile: string;
  readonly notice: OpenNotice;

  constructor(dir: string = progressDir()) {
    fs.mkdirSync(dir, { recursive: true });
    const file = path.join(dir, PROGRESS_FILE_NAME);
    this.lockFile = `${file}.lock`;
    const open = () =>
      new Conf<ProgressFile>({
        cwd: dir,
        configName: 'progress',
        projectName: 'k8s-harden-lab',
        defaults: { version: PROGRESS_VERSION, scenarios: {} },
        clearInvalidConfig: true,
        accessPropertiesByDotNotation: false,
      });
    // A good, complete file is only read by conf (it writes only when the defaults add something):
    // no lock needed, as for every read. Otherwise the open may set a bad file aside or write the
    // defaults, so it holds the lock.
    if (ProgressStore.isGood(file)) {
      this.notice = undefined;
      this.conf = open();
      return;
    }
    const opened = withFileLock(this.lockFile, () => ({
      notice: ProgressStore.setAsideIfBad(file),
      conf: open(),
    }));
    this.notice = opened.notice;
    this.conf = opened.conf;
  }

  /** The file is there, valid and complete (the open then has nothing to do but read it). */
  private static isGood(file: string): boolean {
    try {
      return progressFileSchema.safeParse(JSON.parse(fs.readFileSync(file, 'utf8'))).success;
    } catch {
      return false;
    }
  }

  /** Checks the file before conf reads it, so a bad one is kept (renamed) rather than silently cleared. */
  private static setAsideIfBad(file: string): OpenNotice {
    if (!fs.existsSync(file)) return undefined;
    let reason: string | undefined;
    try {
      const data: unknown = JSON.parse(fs.readFileSync(file, 'utf8'));
      const parsed = progressFileSchema.safeParse(data);
      if (!parsed.success) {
        const version = (data as { version?: unknown } | null)?.version;
        reason =
          version !== PROGRESS_VERSION
            ? `unknown format version ${JSON.stringify(version)}`
            : `unexpected content (${parsed.error.issues[0]?.message ?? 'invalid'})`;
      }
    } catch (error) {
      reason = `not valid JSON (${(error as Error).message})`;
    }
    if (!reason) return undefined;
    const aside = `${file}.corrupt-${new Date().toISOString().replace(/[:.]/g, '-')}`;
    fs.renameSync(file, aside);
    log.warn('progress file set aside', { file, aside, reason });
    return { movedAside: aside, reason };
  }

  get path(): string {
    return this.conf.path;
  }

  all(): Readonly<Record<string, ScenarioProgress>> {
    return this.conf.get('scenarios');
  }

  get(id: string): ScenarioProgress | undefined {
    return this.conf.get('scenarios')[id];
  }

  /** Folds the outcome into the file as it is now on disk, under the lock: no other process's record is lost. */
  record(id: string, outcome: AttemptOutcome): ScenarioProgress {
    return withFileLock(this.lockFile, () => {
      const scenarios = this.conf.get('scenarios');
      const next = recordAttempt(scenarios[id], outcome);
      this.conf.set('scenarios', { ...scenarios, [id]: next });
      return next;
    });
  }
}
