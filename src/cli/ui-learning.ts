import fs from 'node:fs';
import path from 'node:path';
import { attemptsOf } from '../domain/record.js';
import type { ExamRunner } from '../engine/exam-runner.js';
import type { RecordPort } from '../engine/ports.js';
import type { Trainer } from '../engine/trainer.js';
import type { ExamServices, LearningServices } from '../ui/ui-services.js';

/** Binds the exam runner (class methods need their `this`) into the UI's exam services. */
export function examServices(runner: ExamRunner): ExamServices {
  return {
    plan: (o) => runner.plan(o),
    start: (plan, o) => runner.start(plan, o),
    current: () => runner.current(),
    save: (exam) => runner.save(exam),
    finish: (exam, reason, o) => runner.finish(exam, reason, o),
    abandon: (exam, o) => runner.abandon(exam, o),
    resetTasks: (exam, o) => runner.resetTasks(exam, o),
  };
}

/** The learning record as the UI reads it: the attempts folded from the log, read when asked. */
export function learningServices(
  trainer: Pick<Trainer, 'list'> & Partial<Pick<Trainer, 'solutionText'>>,
  record: RecordPort,
): LearningServices {
  return {
    enabled: record.enabled,
    reference: (scenario) => {
      try {
        // With params: the values of the attempt ($KHL_PARAM_* filled in).
        return trainer.solutionText
          ? trainer.solutionText(scenario)
          : fs.readFileSync(path.join(scenario.dir, scenario.solution), 'utf8');
      } catch {
        return '';
      }
    },
    attempts: () => attemptsOf(record.events()),
    scenarios: () =>
      trainer.list().flatMap((e) =>
        e.valid
          ? [
              {
                id: e.scenario.id,
                title: e.scenario.title,
                domain: e.scenario.domain,
                minutes: e.scenario.minutes,
                cis: e.scenario.cis,
                checks: e.scenario.checks.map((c) => ({ id: c.id, cis: c.cis })),
              },
            ]
          : [],
      ),
  };
}
