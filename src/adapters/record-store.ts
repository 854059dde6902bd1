import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import {
  type NewRecordEvent,
  RECORD_VERSION,
  type RecordEvent,
  recordEventSchema,
} from '../domain/record.js';
import type { RecordPort } from '../engine/ports.js';
import { envFlag } from './env-flag.js';
import { log, redact } from './log.js';
import { progressDir } from './paths.js';

export const RECORD_FILE_NAME = 'record.jsonl';
const SETTINGS_FILE_NAME = 'settings.json';

const settingsSchema = z.object({ record: z.boolean().default(true) }).partial();

/**
 * Whether the learning record is on: on by default; `k8s-harden-lab record off` (settings.json next
 * to progress) or K8S_HARDEN_LAB_RECORD=0 turns it off.
 */
export function recordingEnabled(dir: string = progressDir(), env: NodeJS.ProcessEnv = process.env): boolean {
  if (!envFlag(env.K8S_HARDEN_LAB_RECORD, true)) return false;
  try {
    const parsed = settingsSchema.safeParse(
      JSON.parse(fs.readFileSync(path.join(dir, SETTINGS_FILE_NAME), 'utf8')),
    );
    return parsed.success ? parsed.data.record !== false : true;
  } catch {
    return true;
  }
}

export function setRecording(on: boolean, dir: string = progressDir()): string {
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, SETTINGS_FILE_NAME);
  let current: Record<string, unknown> = {};
  try {
    current = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch {
    current = {};
  }
  fs.writeFileSync(file, JSON.stringify({ ...current, record: on }, null, 2));
  return file;
}

/**
 * The learning record: one JSON event a line in `<progress>/record.jsonl`, appended (O_APPEND, one
 * write per event, so parallel processes never interleave a line). Commands pass through the debug
 * log's `redact` before they are written: tokens, keys and passwords never reach the file. When the
 * record is off nothing is written; what is there stays readable.
 */
export class RecordStore implements RecordPort {
  readonly enabled: boolean;
  readonly file: string;

  constructor(
    private readonly dir: string = progressDir(),
    env: NodeJS.ProcessEnv = process.env,
  ) {
    this.file = path.join(dir, RECORD_FILE_NAME);
    this.enabled = recordingEnabled(dir, env);
  }

  append(event: NewRecordEvent): void {
    if (!this.enabled) return;
    const safe = event.type === 'command' ? { ...event, command: redact(event.command) } : event;
    try {
      fs.mkdirSync(this.dir, { recursive: true });
      fs.appendFileSync(this.file, `${JSON.stringify({ v: RECORD_VERSION, ...safe })}\n`);
    } catch (error) {
      // The record serves the learner; it never stops the work itself.
      log.warn('learning record not written', { error: (error as Error).message });
    }
  }

  events(): RecordEvent[] {
    let text: string;
    try {
      text = fs.readFileSync(this.file, 'utf8');
    } catch {
      return [];
    }
    const out: RecordEvent[] = [];
    for (const line of text.split('\n')) {
      if (!line.trim()) continue;
      try {
        const parsed = recordEventSchema.safeParse(JSON.parse(line));
        if (parsed.success) out.push(parsed.data);
      } catch {
        // A torn last line (a crash mid-write) is skipped.
      }
    }
    return out;
  }
}
