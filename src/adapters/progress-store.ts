import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
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
 * Progress in one JSON file, written whole and atomically: a temp file of this process's own in the
 * same folder, flushed to disk, then renamed over the file (the file `conf` wrote before, in the
 * same format, so an existing progress.json reads on). Tokens, keys and command output never go in
 * here: only counts, scores and times. (Not `conf`: its import, with ajv, cost the home screen's
 * first frame about 100 ms, for a read and an atomic write.)
 *
 * An atomic write keeps the file whole, not the update: two processes that read, change and write
 * the file at once lose one change. So every write (and an open that has to set a bad file aside or
 * write the defaults) holds `progress.json.lock` and reads the file afresh under it. Reads need no
 * lock: a write replaces the file by rename, so a reader sees one version or the next.
 */
export class ProgressStore implements ProgressPort {
  readonly path: string;
  private readonly lockFile: string;
  readonly notice: OpenNotice;

  constructor(dir: string = progressDir()) {
    fs.mkdirSync(dir, { recursive: true });
    this.path = path.resolve(dir, PROGRESS_FILE_NAME);
    this.lockFile = `${this.path}.lock`;
    // A good file needs nothing set aside or written: read without the lock, as every read is.
    if (ProgressStore.isGood(this.path)) {
      this.notice = undefined;
      return;
    }
    this.notice = withFileLock(this.lockFile, () => {
      const notice = ProgressStore.setAsideIfBad(this.path);
      // The defaults are written at open, as conf did: the file exists from the first run on.
      const stored = this.read();
      if (stored.version === undefined || stored.scenarios === undefined)
        this.write({ version: PROGRESS_VERSION, scenarios: {}, ...stored });
      return notice;
    });
  }

  /** The file is there, valid and complete (the open then has nothing to do). */
  private static isGood(file: string): boolean {
    try {
      return progressFileSchema.safeParse(JSON.parse(fs.readFileSync(file, 'utf8'))).success;
    } catch {
      return false;
    }
  }

  /** Checks the file before it is read, so a bad one is kept (renamed) rather than silently cleared. */
  private static setAsideIfBad(file: string): OpenNotice {
    if (!fs.existsSync(file)) return undefined;
    let reason: string | undefined;
    try {
      const parsed = progressFileSchema.safeParse(JSON.parse(fs.readFileSync(file, 'utf8')));
      if (!parsed.success) {
        const version = (JSON.parse(fs.readFileSync(file, 'utf8')) as { version?: unknown })?.version;
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

  all(): Readonly<Record<string, ScenarioProgress>> {
    return this.read().scenarios ?? {};
  }

  get(id: string): ScenarioProgress | undefined {
    return this.all()[id];
  }

  /** Folds the outcome into the file as it is now on disk, under the lock: no other process's record is lost. */
  record(id: string, outcome: AttemptOutcome): ScenarioProgress {
    return withFileLock(this.lockFile, () => {
      const stored = this.read();
      const scenarios = stored.scenarios ?? {};
      const next = recordAttempt(scenarios[id], outcome);
      this.write({ ...stored, scenarios: { ...scenarios, [id]: next } });
      return next;
    });
  }

  /** The file as it is on disk: nothing yet, or not JSON (changed by hand since the open), reads as empty. */
  private read(): Partial<ProgressFile> {
    let text: string;
    try {
      text = fs.readFileSync(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
      throw error;
    }
    try {
      const data: unknown = JSON.parse(text);
      return data !== null && typeof data === 'object' && !Array.isArray(data)
        ? (data as Partial<ProgressFile>)
        : {};
    } catch {
      return {};
    }
  }

  /** Written whole: temp file, fsync, rename (through a symlinked progress.json to its target). */
  private write(data: Partial<ProgressFile>): void {
    let target = this.path;
    try {
      target = fs.realpathSync(this.path);
    } catch {
      // Not there yet: written where it belongs.
    }
    fs.mkdirSync(path.dirname(target), { recursive: true });
    const tmp = `${target}.${process.pid}-${randomBytes(6).toString('hex')}.tmp`;
    try {
      const fd = fs.openSync(tmp, 'w', 0o666);
      try {
        fs.writeFileSync(fd, JSON.stringify(data, undefined, '\t'));
        fs.fsyncSync(fd);
      } finally {
        fs.closeSync(fd);
      }
      fs.renameSync(tmp, target);
    } catch (error) {
      fs.rmSync(tmp, { force: true });
      throw error;
    }
  }
}
