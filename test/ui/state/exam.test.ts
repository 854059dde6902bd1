import { describe, expect, it } from 'vitest';
import { drawExam, examConfigSchema, newExam } from '../../../src/domain/exam.js';
import { type ExamUi, examReducer } from '../../../src/ui/state/exam.js';

const config = examConfigSchema.parse({
  format_version: 1,
  domains: { 'cluster-setup': 1 },
  taskWeights: { easy: 1, medium: 2, hard: 3 },
});
const plan = drawExam(
  [
    { id: 'a', title: 'A', domain: 'cluster-setup', difficulty: 'easy', lab: 'none', minutes: 5, backup: [] },
    { id: 'b', title: 'B', domain: 'cluster-setup', difficulty: 'hard', lab: 'none', minutes: 5, backup: [] },
  ],
  config,
  { seed: 1 },
);
const exam = { ...newExam(plan, new Date(0)), status: 'running' as const };

describe('exam screen reducer', () => {
  it('goes loading → plan → setting up (rows follow the events) → running', () => {
    let ui: ExamUi = { phase: 'loading', options: { tasks: 2 } };
    ui = examReducer(ui, { type: 'exam/planned', planned: { plan, restarts: [] } });
    expect(ui.phase).toBe('plan');
    ui = examReducer(ui, { type: 'exam/redraw', seed: 9 });
    expect(ui).toEqual({ phase: 'loading', options: { tasks: 2, seed: 9 } });
    ui = examReducer(ui, { type: 'exam/setup-start', titles: ['A', 'B'] });
    ui = examReducer(ui, {
      type: 'exam/setup-event',
      event: { type: 'task-start', index: 0, total: 2, title: 'A' },
    });
    ui = examReducer(ui, { type: 'exam/setup-event', event: { type: 'line', index: 0, line: 'writing' } });
    ui = examReducer(ui, {
      type: 'exam/setup-event',
      event: { type: 'task-failed', index: 1, message: 'boom' },
    });
    expect(ui).toMatchObject({
      phase: 'setting-up',
      lastLine: 'writing',
      rows: [
        { title: 'A', status: 'running' },
        { title: 'B', status: 'failed', message: 'boom' },
      ],
    });
    ui = examReducer(ui, { type: 'exam/running', exam });
    expect(ui).toMatchObject({ phase: 'running', confirm: null, suspended: false });
  });

  it('running: confirm, scroll within bounds, a move resets the scroll, suspend', () => {
    let ui: ExamUi = examReducer({ phase: 'loading', options: {} }, { type: 'exam/running', exam });
    ui = examReducer(ui, { type: 'exam/scroll', delta: 10, max: 4 });
    expect(ui).toMatchObject({ scroll: 4 });
    ui = examReducer(ui, { type: 'exam/update', exam: { ...exam, current: 1 } });
    expect(ui).toMatchObject({ scroll: 0 });
    ui = examReducer(ui, { type: 'exam/confirm', confirm: 'finish' });
    expect(ui).toMatchObject({ confirm: 'finish' });
    ui = examReducer(ui, { type: 'exam/suspend', on: true });
    expect(ui).toMatchObject({ suspended: true });
    // Actions of other phases change nothing here
    expect(examReducer(ui, { type: 'exam/checking', index: 1 })).toBe(ui);
  });

  it('finishing → result: moves between tasks within bounds; busy while resetting', () => {
    let ui: ExamUi = examReducer({ phase: 'loading', options: {} }, { type: 'exam/finishing', exam });
    ui = examReducer(ui, { type: 'exam/checking', index: 1 });
    expect(ui).toMatchObject({ phase: 'finishing', checking: 1 });
    const result = {
      percent: 0,
      passed: false,
      passMark: 67,
      points: 0,
      maxPoints: 4,
      usedMs: 0,
      finishedAt: '',
      reason: 'time' as const,
      tasks: [],
    };
    ui = examReducer(ui, { type: 'exam/finished', exam: { ...exam, status: 'finished', result } });
    ui = examReducer(ui, { type: 'exam/result-move', delta: 5 });
    expect(ui).toMatchObject({ phase: 'result', selected: 0 });
    ui = examReducer(ui, { type: 'exam/result-busy', busy: true, message: 'Resetting…' });
    expect(ui).toMatchObject({ busy: true, message: 'Resetting…' });
  });
});
