import type { Exam } from '../../domain/exam.js';
import type { ExamSetupEvent, PlannedExam } from '../../engine/exam-runner.js';
import { assertNever, clamp } from './assert.js';

/** What the learner asked for (`exam --minutes --tasks --seed`, or the home screen's defaults). */
export type ExamOptions = {
  readonly minutes?: number | undefined;
  readonly tasks?: number | undefined;
  readonly seed?: number | undefined;
};

export type SetupRow = {
  readonly title: string;
  readonly status: 'waiting' | 'running' | 'done' | 'failed';
  readonly message: string | null;
};

export type ExamConfirm = 'finish' | 'abandon';

/** The exam screen, phase by phase: drawing, setting up, running, scoring, the result. */
export type ExamUi =
  | { readonly phase: 'loading'; readonly options: ExamOptions }
  | {
      readonly phase: 'plan';
      readonly options: ExamOptions;
      readonly planned: PlannedExam;
      readonly scroll: number;
    }
  | { readonly phase: 'setting-up'; readonly rows: readonly SetupRow[]; readonly lastLine: string | null }
  | {
      readonly phase: 'running';
      readonly exam: Exam;
      readonly scroll: number;
      readonly confirm: ExamConfirm | null;
      readonly message: string | null;
      /** In a shell (the TUI is handed over). */
      readonly suspended: boolean;
    }
  | { readonly phase: 'finishing'; readonly exam: Exam; readonly checking: number }
  | { readonly phase: 'abandoning'; readonly lines: readonly string[] }
  | {
      readonly phase: 'result';
      readonly exam: Exam;
      readonly selected: number;
      readonly scroll: number;
      readonly busy: boolean;
      readonly message: string | null;
    }
  | { readonly phase: 'failed'; readonly message: string; readonly exam: Exam | null };

export type ExamAction =
  | { readonly type: 'exam/planned'; readonly planned: PlannedExam }
  | { readonly type: 'exam/redraw'; readonly seed: number }
  | { readonly type: 'exam/failed'; readonly message: string; readonly exam?: Exam | null }
  | { readonly type: 'exam/setup-start'; readonly titles: readonly string[] }
  | { readonly type: 'exam/setup-event'; readonly event: ExamSetupEvent }
  | { readonly type: 'exam/running'; readonly exam: Exam; readonly message?: string | null }
  | { readonly type: 'exam/update'; readonly exam: Exam }
  | { readonly type: 'exam/scroll'; readonly delta: number; readonly max: number }
  | { readonly type: 'exam/confirm'; readonly confirm: ExamConfirm | null }
  | { readonly type: 'exam/message'; readonly message: string | null }
  | { readonly type: 'exam/suspend'; readonly on: boolean }
  | { readonly type: 'exam/finishing'; readonly exam: Exam }
  | { readonly type: 'exam/checking'; readonly index: number }
  | { readonly type: 'exam/finished'; readonly exam: Exam }
  | { readonly type: 'exam/abandoning' }
  | { readonly type: 'exam/line'; readonly line: string }
  | { readonly type: 'exam/result-move'; readonly delta: number }
  | { readonly type: 'exam/result-busy'; readonly busy: boolean; readonly message: string | null };

const LINES = 4;

export function examReducer(ui: ExamUi, action: ExamAction): ExamUi {
  switch (action.type) {
    case 'exam/planned':
      return ui.phase === 'loading'
        ? { phase: 'plan', options: ui.options, planned: action.planned, scroll: 0 }
        : ui;
    case 'exam/redraw':
      return ui.phase === 'plan' ? { phase: 'loading', options: { ...ui.options, seed: action.seed } } : ui;
    case 'exam/failed':
      return { phase: 'failed', message: action.message, exam: action.exam ?? null };
    case 'exam/setup-start':
      return {
        phase: 'setting-up',
        rows: action.titles.map((title) => ({ title, status: 'waiting', message: null })),
        lastLine: null,
      };
    case 'exam/setup-event': {
      if (ui.phase !== 'setting-up') return ui;
      const e = action.event;
      if (e.type === 'line') return { ...ui, lastLine: e.line };
      const status = e.type === 'task-start' ? 'running' : e.type === 'task-done' ? 'done' : 'failed';
      const message = e.type === 'task-failed' ? e.message : null;
      return {
        ...ui,
        lastLine: e.type === 'task-start' ? null : ui.lastLine,
        rows: ui.rows.map((r, i) => (i === e.index ? { ...r, status, message } : r)),
      };
    }
    case 'exam/running':
      return {
        phase: 'running',
        exam: action.exam,
        scroll: 0,
        confirm: null,
        message: action.message ?? null,
        suspended: false,
      };
    case 'exam/update':
      if (ui.phase === 'running') {
        const moved = ui.exam.current !== action.exam.current;
        return { ...ui, exam: action.exam, ...(moved ? { scroll: 0, message: null } : {}) };
      }
      return ui.phase === 'result' ? { ...ui, exam: action.exam } : ui;
    case 'exam/scroll':
      if (ui.phase === 'running' || ui.phase === 'result' || ui.phase === 'plan')
        return { ...ui, scroll: clamp(ui.scroll + action.delta, 0, Math.max(0, action.max)) };
      return ui;
    case 'exam/confirm':
      return ui.phase === 'running' ? { ...ui, confirm: action.confirm } : ui;
    case 'exam/message':
      if (ui.phase === 'running' || ui.phase === 'result') return { ...ui, message: action.message };
      return ui;
    case 'exam/suspend':
      return ui.phase === 'running' ? { ...ui, suspended: action.on } : ui;
    case 'exam/finishing':
      return { phase: 'finishing', exam: action.exam, checking: 0 };
    case 'exam/checking':
      return ui.phase === 'finishing' ? { ...ui, checking: action.index } : ui;
    case 'exam/finished':
      return { phase: 'result', exam: action.exam, selected: 0, scroll: 0, busy: false, message: null };
    case 'exam/abandoning':
      return { phase: 'abandoning', lines: [] };
    case 'exam/line':
      if (ui.phase === 'abandoning') return { ...ui, lines: [...ui.lines, action.line].slice(-LINES) };
      if (ui.phase === 'result') return { ...ui, message: action.line };
      return ui;
    case 'exam/result-move':
      if (ui.phase !== 'result') return ui;
      return {
        ...ui,
        selected: clamp(ui.selected + action.delta, 0, Math.max(0, (ui.exam.result?.tasks.length ?? 1) - 1)),
        scroll: 0,
      };
    case 'exam/result-busy':
      return ui.phase === 'result' ? { ...ui, busy: action.busy, message: action.message } : ui;
    default:
      return assertNever(action);
  }
}
