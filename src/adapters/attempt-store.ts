import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { HINT_LEVELS } from '../domain/checks.js';
import type { Attempt, AttemptPort } from '../engine/ports.js';
import { dataDir } from './paths.js';

/** The attempt in progress for a scenario, kept between CLI calls (`start`, `hint`, `check`). */
const attemptSchema = z.object({
  startedAt: z.string(),
  hints: z.array(z.object({ checkId: z.string(), level: z.enum(HINT_LEVELS) })),
  forfeited: z.boolean(),
  finishedAt: z.string().nullable(),
  stoppedAt: z.string().optional(),
  seed: z.number().optional(),
  credentials: z
    .record(z.string(), z.object({ token: z.string(), certificate: z.string().optional() }))
    .optional(),
});

export type { Attempt };

export class AttemptStore implements AttemptPort {
  constructor(private readonly dir: string = path.join(dataDir(), 'attempts')) {}

  private file(id: string): string {
    return path.join(this.dir, `${id}.json`);
  }

  /** A damaged attempt file is treated as no attempt: it only holds a start time and hints. */
  get(id: string): Attempt | undefined {
    try {
      const parsed = attemptSchema.safeParse(JSON.parse(fs.readFileSync(this.file(id), 'utf8')));
      return parsed.success ? parsed.data : undefined;
    } catch {
      return undefined;
    }
  }

  /** Written whole by rename, through a temp name of this process's own, so concurrent saves never share one. */
  save(id: string, attempt: Attempt): void {
    fs.mkdirSync(this.dir, { recursive: true });
    const tmp = `${this.file(id)}.${process.pid}-${randomBytes(6).toString('hex')}.tmp`;
    try {
      fs.writeFileSync(tmp, JSON.stringify(attempt, null, 2));
      fs.renameSync(tmp, this.file(id));
    } catch (error) {
      fs.rmSync(tmp, { force: true });
      throw error;
    }
  }

  start(id: string, now: Date): Attempt {
    const attempt: Attempt = { startedAt: now.toISOString(), hints: [], forfeited: false, finishedAt: null };
    this.save(id, attempt);
    return attempt;
  }

  clear(id: string): void {
    fs.rmSync(this.file(id), { force: true });
  }
}
