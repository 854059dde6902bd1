import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { type Exam, examSchema } from '../domain/exam.js';
import type { ExamPort } from '../engine/ports.js';
import { log } from './log.js';
import { progressDir } from './paths.js';

/**
 * Exams, one JSON file each under `<progress>/exams/` (kept with progress: a finished exam's result
 * is part of the learner's record). Written whole by rename; a damaged file is skipped and logged.
 */
export class ExamStore implements ExamPort {
  constructor(private readonly dir: string = path.join(progressDir(), 'exams')) {}

  private file(id: string): string {
    return path.join(this.dir, `${id}.json`);
  }

  list(): Exam[] {
    let names: string[];
    try {
      names = fs.readdirSync(this.dir).filter((n) => n.endsWith('.json'));
    } catch {
      return [];
    }
    const exams: Exam[] = [];
    for (const name of names.sort()) {
      try {
        const parsed = examSchema.safeParse(JSON.parse(fs.readFileSync(path.join(this.dir, name), 'utf8')));
        if (parsed.success) exams.push(parsed.data);
        else log.warn('exam file skipped', { file: name, reason: parsed.error.issues[0]?.message });
      } catch (error) {
        log.warn('exam file skipped', { file: name, reason: (error as Error).message });
      }
    }
    return exams.sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  }

  current(): Exam | undefined {
    return this.list()
      .filter((e) => e.status === 'running' || e.status === 'setting-up')
      .pop();
  }

  save(exam: Exam): void {
    fs.mkdirSync(this.dir, { recursive: true });
    const target = this.file(exam.id);
    const tmp = `${target}.${process.pid}-${randomBytes(6).toString('hex')}.tmp`;
    try {
      fs.writeFileSync(tmp, JSON.stringify(exam, null, 2));
      fs.renameSync(tmp, target);
    } catch (error) {
      fs.rmSync(tmp, { force: true });
      throw error;
    }
  }
}
