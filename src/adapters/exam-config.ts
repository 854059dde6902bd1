import fs from 'node:fs';
import path from 'node:path';
import { type ExamConfig, examConfigSchema } from '../domain/exam.js';
import { parse } from './yaml.js';

export const EXAM_FILE = 'exam.yaml';

export type ExamConfigRead =
  | { readonly ok: true; readonly config: ExamConfig; readonly file: string }
  | { readonly ok: false; readonly file: string; readonly problems: readonly string[] };

/** The exam's weights and pass mark: `exam.yaml` beside the scenario folders. */
export function readExamConfig(scenariosRoot: string): ExamConfigRead {
  const file = path.join(scenariosRoot, EXAM_FILE);
  let data: unknown;
  try {
    data = parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return {
      ok: false,
      file,
      problems: [
        code === 'ENOENT' ? 'the file does not exist' : `YAML: ${(error as Error).message.split('\n')[0]}`,
      ],
    };
  }
  const parsed = examConfigSchema.safeParse(data);
  if (parsed.success) return { ok: true, config: parsed.data, file };
  return {
    ok: false,
    file,
    problems: parsed.error.issues.map((i) => `${i.path.join('.') || '(file)'}: ${i.message}`),
  };
}
