import { Box } from 'ink';
import type { Dispatch } from 'react';
import type { Exam, ExamResult, ExamTaskResult } from '../../domain/exam.js';
import { describeError } from '../../engine/errors.js';
import { useCommands } from '../hooks/use-commands.js';
import { useMarkdownLoaded } from '../hooks/use-markdown.js';
import type { Mode } from '../keys.js';
import { renderMarkdown } from '../markdown.js';
import { useServices, useTheme } from '../ServicesContext.js';
import type { Action } from '../state.js';
import { fitLines, formatElapsed, labelled, truncate, windowAround, wrapText } from '../text.js';
import { HelpBar } from './HelpBar.js';
import { Lines } from './Lines.js';
import { Text } from './Text.js';

const SYMBOL = { pass: '✔', fail: '✘', error: '!', waiting: '…' } as const;

/** The headline: the total against the pass mark, time used and how it ended. */
export function resultHead(exam: Exam, result: ExamResult): string {
  return `Exam result: ${result.percent}% · ${result.passed ? 'PASS' : 'FAIL'} (pass mark ${result.passMark}%) · ${formatElapsed(result.usedMs)} of ${exam.minutes} min · ${result.reason === 'time' ? 'time ran out' : 'finished'}`;
}

/** One row of the task table. */
export function taskRow(t: ExamTaskResult, index: number, maxPoints: number, width: number): string {
  const share = maxPoints === 0 ? 0 : Math.round((100 * t.weight) / maxPoints);
  const tail = ` ${`${share}%`.padStart(4)} ${`${t.percent}%`.padStart(4)} ${formatElapsed(t.timeMs).padStart(7)}${t.flagged ? ' ⚑' : '  '}`;
  const title = truncate(`${index + 1}. ${t.title}`, Math.max(10, width - tail.length - 2));
  return `${title.padEnd(Math.max(10, width - tail.length - 2))}${tail}`;
}

/** The detail of one task: each subtask (check), expected and actual when failing, the debrief and solution. */
export function taskDetail(t: ExamTaskResult, width: number, color: boolean): string[] {
  const out: string[] = [];
  if (t.note) out.push(...wrapText(`Note: ${t.note}`, width));
  for (const c of t.checks) {
    out.push(
      truncate(
        `${SYMBOL[c.status]} ${c.title}${c.graded ? ` (weight ${c.weight})` : ' (guard, not graded)'}`,
        width,
      ),
    );
    if (c.status !== 'pass') {
      out.push(...labelled('    expected: ', c.expected, width, 4));
      out.push(...labelled('    actual:   ', c.actual, width, 4));
    }
  }
  out.push('', '── Debrief');
  out.push(...renderMarkdown(t.debrief || '(none)', width, color));
  out.push('', '── Reference solution');
  out.push(
    ...(t.solution || '(none)')
      .replace(/\n+$/, '')
      .split('\n')
      .flatMap((l) => wrapText(l, width)),
  );
  return out;
}

export function ExamResultScreen(props: {
  readonly exam: Exam;
  readonly selected: number;
  readonly scroll: number;
  readonly busy: boolean;
  readonly message: string | null;
  readonly mode: Mode;
  readonly dispatch: Dispatch<Action>;
  readonly width: number;
  readonly height: number;
}) {
  const { exam, width, dispatch } = props;
  const theme = useTheme();
  const services = useServices();
  useMarkdownLoaded();
  const result = exam.result;
  const tasks = result?.tasks ?? [];
  const selected = tasks[props.selected];
  const head = result ? fitLines(resultHead(exam, result), width, 2) : ['No result.'];
  const tableHeight = Math.min(tasks.length, Math.max(3, Math.floor(props.height / 4)));
  const [start, end] = windowAround(props.selected, tasks.length, tableHeight);
  const message = props.message ? fitLines(props.message, width, 2) : [];
  const bodyHeight = Math.max(3, props.height - head.length - 1 - (end - start) - 1 - message.length - 1);
  const detail = selected ? taskDetail(selected, width - 2, theme.color) : [];
  const maxScroll = Math.max(0, detail.length - bodyHeight);
  const scroll = Math.min(props.scroll, maxScroll);

  useCommands(
    props.mode,
    (command) => {
      if (props.busy) return;
      switch (command) {
        case 'up':
          dispatch({ type: 'exam/result-move', delta: -1 });
          return;
        case 'down':
          dispatch({ type: 'exam/result-move', delta: 1 });
          return;
        case 'scroll-up':
          dispatch({ type: 'exam/scroll', delta: -Math.max(1, bodyHeight - 1), max: maxScroll });
          return;
        case 'scroll-down':
          dispatch({ type: 'exam/scroll', delta: Math.max(1, bodyHeight - 1), max: maxScroll });
          return;
        case 'reset-tasks':
          if (!services.exam) return;
          dispatch({ type: 'exam/result-busy', busy: true, message: 'Resetting every task of the exam…' });
          services.exam.resetTasks(exam, { onLine: (line) => dispatch({ type: 'exam/line', line }) }).then(
            () =>
              dispatch({
                type: 'exam/result-busy',
                busy: false,
                message: 'Every task of the exam is reset.',
              }),
            (error: unknown) =>
              dispatch({ type: 'exam/result-busy', busy: false, message: describeError(error).line }),
          );
          return;
        case 'continue':
        case 'back':
          dispatch({ type: 'back' });
          return;
        default:
          return;
      }
    },
    props.mode === 'exam-result',
  );

  const color = result?.passed ? theme.ok : theme.fail;
  return (
    <Box flexDirection="column" width={width}>
      <Lines lines={head} color={color} bold={theme.bold} />
      <Text color={theme.muted} wrap="truncate">
        {truncate(`${'task'.padEnd(Math.max(10, width - 24))}weight score    time`, width)}
      </Text>
      {tasks.slice(start, end).map((t, i) => {
        const index = start + i;
        return (
          <Text key={t.scenario} wrap="truncate" inverse={theme.color && index === props.selected}>
            <Text color={t.percent === 100 ? theme.ok : t.percent === 0 ? theme.fail : theme.warn}>
              {index === props.selected ? '›' : ' '}
            </Text>
            {taskRow(t, index, result?.maxPoints ?? 0, width - 1)}
          </Text>
        );
      })}
      <Text bold={theme.bold} wrap="truncate">
        {truncate(
          `── ${selected ? `${selected.title}: ${selected.percent}%` : ''}${detail.length > bodyHeight ? ` · lines ${scroll + 1}–${Math.min(detail.length, scroll + bodyHeight)} of ${detail.length}` : ''} `.padEnd(
            width,
            '─',
          ),
          width,
        )}
      </Text>
      <Box flexDirection="column" height={bodyHeight} paddingLeft={1}>
        <Lines lines={detail.slice(scroll, scroll + bodyHeight)} />
      </Box>
      <Lines lines={message} color={theme.accent} />
      <HelpBar mode={props.mode} width={width} />
    </Box>
  );
}
