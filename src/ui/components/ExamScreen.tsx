import { Box } from 'ink';
import { type Dispatch, useEffect, useRef } from 'react';
import {
  type Exam,
  pauseExam,
  remainingMs,
  resumeExam,
  selectTask,
  timeBand,
  toggleFlag,
} from '../../domain/exam.js';
import { DOMAINS, type Scenario } from '../../domain/scenario.js';
import { describeError } from '../../engine/errors.js';
import { useCommands } from '../hooks/use-commands.js';
import { useMarkdownLoaded } from '../hooks/use-markdown.js';
import { useNow } from '../hooks/use-now.js';
import { shellNode } from '../hooks/use-scenario-session.js';
import type { Command, Mode } from '../keys.js';
import { renderMarkdown } from '../markdown.js';
import { useServices, useTheme } from '../ServicesContext.js';
import type { Action, ExamUi } from '../state.js';
import { fitLines, labelled, truncate, wrapText } from '../text.js';
import { HelpBar } from './HelpBar.js';
import { Lines } from './Lines.js';
import { Text } from './Text.js';

const messageOf = (error: unknown) => describeError(error).line;

/** `1:02:05` / `12:05`: the countdown. */
export function formatClock(ms: number): string {
  const s = Math.max(0, Math.ceil(ms / 1000));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${sec}` : `${m}:${sec}`;
}

/** A task's weight as its share of the exam, in percent. */
export function sharePercent(exam: Pick<Exam, 'tasks'>, weight: number): number {
  const total = exam.tasks.reduce((s, t) => s + t.weight, 0);
  return total === 0 ? 0 : Math.round((100 * weight) / total);
}

/** The task strip: every task with its weight, the current one marked, flags shown; wrapped whole. */
export function taskStrip(exam: Exam, width: number): string[] {
  const items = exam.tasks.map(
    (t, i) =>
      `${i === exam.current ? '›' : ' '}${i + 1}:${sharePercent(exam, t.weight)}%${t.flagged ? '⚑' : ''}`,
  );
  return wrapText(items.join('  '), width);
}

/** The countdown: the only part that re-renders every tick; tells once when the time is up. */
function Countdown(props: { readonly exam: Exam; readonly tickMs: number; readonly onTimeUp: () => void }) {
  const services = useServices();
  const theme = useTheme();
  const now = useNow(services.now, props.exam.runningSince ? props.tickMs : 0);
  const left = remainingMs(props.exam, now);
  const band = timeBand(props.exam, now);
  const { onTimeUp } = props;
  useEffect(() => {
    if (left === 0) onTimeUp();
  }, [left, onTimeUp]);
  const color = band === 'critical' ? theme.fail : band === 'low' ? theme.warn : theme.ok;
  // Without colour the band is said in words, so it is not lost.
  const word = theme.color ? '' : band === 'critical' ? ' (!)' : band === 'low' ? ' (low)' : '';
  return (
    <Text color={color} bold={theme.bold && band !== 'ok'}>
      ⏱ {formatClock(left)} left{word}
    </Text>
  );
}

export function ExamScreen(props: {
  readonly ui: ExamUi;
  readonly entries: readonly Scenario[];
  readonly mode: Mode;
  readonly dispatch: Dispatch<Action>;
  readonly width: number;
  readonly height: number;
  readonly tickMs: number;
}) {
  const { ui, dispatch, width, height } = props;
  const services = useServices();
  const theme = useTheme();
  const examServices = services.exam;
  useMarkdownLoaded();
  const alive = useRef(true);
  useEffect(
    () => () => {
      alive.current = false;
    },
    [],
  );
  const say = (message: string | null) => dispatch({ type: 'exam/message', message });
  const scenarioOf = (id: string) => props.entries.find((s) => s.id === id);

  // ---- side effects: draw, resume, set up, finish, abandon ----
  const finishing = useRef(false);
  const finish = (exam: Exam, reason: 'time' | 'submitted') => {
    if (!examServices || finishing.current) return;
    finishing.current = true;
    dispatch({ type: 'exam/finishing', exam });
    examServices
      .finish(exam, reason, {
        onTask: (index) => alive.current && dispatch({ type: 'exam/checking', index }),
      })
      .then(
        (done) => alive.current && dispatch({ type: 'exam/finished', exam: done }),
        (error: unknown) =>
          alive.current && dispatch({ type: 'exam/failed', message: messageOf(error), exam }),
      )
      .finally(() => {
        finishing.current = false;
      });
  };

  const loadingOptions = ui.phase === 'loading' ? ui.options : null;
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs once per loading phase (its options)
  useEffect(() => {
    if (!loadingOptions) return;
    if (!examServices) {
      dispatch({ type: 'exam/failed', message: 'Exam mode is not available here.' });
      return;
    }
    const running = examServices.current();
    if (running?.status === 'setting-up') {
      dispatch({
        type: 'exam/failed',
        message:
          'Setting up the last exam was interrupted. x abandons it (every task is reset); then draw again.',
        exam: running,
      });
      return;
    }
    if (running) {
      const now = services.now();
      if (remainingMs(running, now) === 0) {
        finish(running, 'time');
        return;
      }
      const resumed = resumeExam(running, now);
      examServices.save(resumed);
      dispatch({
        type: 'exam/running',
        exam: resumed,
        message: `Exam resumed: ${formatClock(remainingMs(resumed, now))} left.`,
      });
      return;
    }
    examServices.plan(loadingOptions).then(
      (planned) => alive.current && dispatch({ type: 'exam/planned', planned }),
      (error: unknown) => alive.current && dispatch({ type: 'exam/failed', message: messageOf(error) }),
    );
  }, [loadingOptions]);

  const start = () => {
    if (ui.phase !== 'plan' || !examServices) return;
    const plan = ui.planned.plan;
    if (plan.tasks.length === 0) return;
    dispatch({ type: 'exam/setup-start', titles: plan.tasks.map((t) => t.title) });
    examServices
      .start(plan, { onEvent: (event) => alive.current && dispatch({ type: 'exam/setup-event', event }) })
      .then(
        (exam) => {
          const resumed = resumeExam(exam, services.now());
          examServices.save(resumed);
          if (alive.current)
            dispatch({ type: 'exam/running', exam: resumed, message: 'The exam has started.' });
        },
        (error: unknown) => alive.current && dispatch({ type: 'exam/failed', message: messageOf(error) }),
      );
  };

  const abandon = (exam: Exam) => {
    if (!examServices) return;
    dispatch({ type: 'exam/abandoning' });
    examServices
      .abandon(exam, { onLine: (line) => alive.current && dispatch({ type: 'exam/line', line }) })
      .then(
        () => alive.current && dispatch({ type: 'back' }),
        (error: unknown) => alive.current && dispatch({ type: 'exam/failed', message: messageOf(error) }),
      );
  };

  const update = (exam: Exam) => {
    examServices?.save(exam);
    dispatch({ type: 'exam/update', exam });
  };

  const shell = (exam: Exam, kind: 'workspace' | 'node') => {
    const task = exam.tasks[exam.current];
    const scenario = task ? scenarioOf(task.scenario) : undefined;
    if (!scenario) return;
    if (kind === 'workspace' && scenario.lab === 'cluster') {
      say('This task works on the lab: n opens a node shell; the shell line works in any terminal.');
      return;
    }
    if (kind === 'node' && scenario.lab !== 'cluster') {
      say('This task needs no lab node: t opens a terminal in its workspace.');
      return;
    }
    const open =
      kind === 'workspace'
        ? services.openWorkspaceShell && (() => services.openWorkspaceShell?.(scenario))
        : services.openNodeShell && (() => services.openNodeShell?.(shellNode(scenario), scenario.id));
    if (!open) {
      say('No shell can be opened from here: use the shell line in another terminal.');
      return;
    }
    // The exam clock keeps running in the shell, as it would in the exam.
    dispatch({ type: 'exam/suspend', on: true });
    open()?.then(
      () => alive.current && dispatch({ type: 'exam/suspend', on: false }),
      (error: unknown) => alive.current && say(messageOf(error)),
    );
  };

  // ---- layout ----
  const lines = (() => {
    switch (ui.phase) {
      case 'loading':
        return { head: 'Exam mode', body: ['Drawing the exam…'] };
      case 'failed':
        return { head: 'Exam mode', body: fitLines(ui.message, width, 6) };
      case 'abandoning':
        return {
          head: 'Abandoning the exam: resetting every task…',
          body: ui.lines.map((l) => truncate(l, width)),
        };
      case 'finishing':
        return {
          head: 'Time is up or the exam was finished: the checks run once, frozen…',
          body: ui.exam.tasks.map((t, i) =>
            truncate(`${i < ui.checking ? '✔' : i === ui.checking ? '…' : ' '} ${i + 1}. ${t.title}`, width),
          ),
        };
      case 'setting-up':
        return {
          head: `Setting up ${ui.rows.length} tasks (${ui.rows.filter((r) => r.status === 'done' || r.status === 'failed').length}/${ui.rows.length})`,
          body: [
            ...ui.rows.map((r, i) =>
              truncate(
                `${{ waiting: ' ', running: '…', done: '✔', failed: '✘' }[r.status]} ${i + 1}. ${r.title}${r.message ? ` — ${r.message}` : ''}`,
                width,
              ),
            ),
            ...(ui.lastLine ? [truncate(`  ${ui.lastLine}`, width)] : []),
          ],
        };
      case 'plan': {
        const { plan, restarts } = ui.planned;
        const total = plan.tasks.reduce((s, t) => s + t.weight, 0);
        return {
          head: `Exam: ${plan.tasks.length} tasks · ${plan.minutes} min · pass mark ${plan.passMark}% · seed ${plan.seed}`,
          body: [
            ...plan.tasks.map((t, i) =>
              truncate(
                `${String(i + 1).padStart(2)}. ${t.title} · ${DOMAINS[t.domain]} · ${t.lab === 'cluster' ? 'cluster' : 'local'} · ${total ? Math.round((100 * t.weight) / total) : 0}%`,
                width,
              ),
            ),
            ...(plan.short ? fitLines(plan.short, width, 2) : []),
            ...plan.leftOut.flatMap((l) => fitLines(`left out: ${l.scenario}: ${l.reason}`, width, 2)),
            ...(restarts.length > 0
              ? fitLines(`Starting wipes the workspace of (already set up): ${restarts.join(', ')}`, width, 2)
              : []),
            ...fitLines(
              'No hints and no solutions until the end. The clock runs while the exam is open (and in its shells); esc or q pause it.',
              width,
              3,
            ),
          ],
        };
      }
      default:
        return null;
    }
  })();

  const running = ui.phase === 'running' ? ui : null;
  const exam = running?.exam ?? null;
  const task = exam ? exam.tasks[exam.current] : undefined;
  const scenario = task ? scenarioOf(task.scenario) : undefined;
  const strip = exam ? taskStrip(exam, width) : [];
  const meta =
    task && scenario
      ? `${DOMAINS[task.domain]} · ${scenario.difficulty} · ~${scenario.minutes} min · ${
          task.lab === 'cluster' ? 'lab cluster (n: node shell)' : 'local workspace (t: terminal)'
        }${task.setupError ? ` · setup failed: ${task.setupError}` : ''}`
      : '';
  const workspace = scenario ? `Workspace  ${services.workspace(scenario)}` : '';
  const shellLine = scenario ? labelled('Shell      ', services.shellLine(scenario), width, 99) : [];
  const message = running?.message ? fitLines(running.message, width, 2) : [];
  const fixed = 1 + strip.length + 1 + 1 + 1 + shellLine.length + 1 + message.length + 1;
  const bodyHeight = Math.max(2, height - fixed);
  const paneLines = scenario
    ? renderMarkdown((services.bound?.(scenario) ?? scenario).briefText, width - 2, theme.color)
    : [];
  const maxScroll = Math.max(0, paneLines.length - bodyHeight);
  const scroll = Math.min(running?.scroll ?? 0, maxScroll);
  const planBody = lines?.body ?? [];
  const planHeight = Math.max(2, height - 3);
  const planMax = Math.max(0, planBody.length - planHeight);
  const planScroll = ui.phase === 'plan' ? Math.min(ui.scroll, planMax) : 0;

  // ---- keys ----
  const onCommand = (command: Command | undefined) => {
    const now = services.now();
    if (props.mode === 'confirm' && running && exam) {
      if (command === 'yes') {
        dispatch({ type: 'exam/confirm', confirm: null });
        if (running.confirm === 'finish') finish(exam, 'submitted');
        if (running.confirm === 'abandon') abandon(exam);
      } else if (command === 'no') dispatch({ type: 'exam/confirm', confirm: null });
      return;
    }
    if (ui.phase === 'plan') {
      if (command === 'exam-start') start();
      else if (command === 'exam-redraw')
        dispatch({ type: 'exam/redraw', seed: Math.floor(Math.random() * 0x7fffffff) });
      else if (command === 'back') dispatch({ type: 'back' });
      else if (command === 'scroll-down') dispatch({ type: 'exam/scroll', delta: 5, max: planMax });
      else if (command === 'scroll-up') dispatch({ type: 'exam/scroll', delta: -5, max: planMax });
      return;
    }
    if (ui.phase === 'failed') {
      if (command === 'reset-tasks' && ui.exam) abandon(ui.exam);
      else if (command === 'back' || command === 'continue') dispatch({ type: 'back' });
      return;
    }
    if (!running || !exam) return;
    if (running.suspended) return;
    switch (command) {
      case 'prev-task':
        update(selectTask(exam, exam.current - 1, now));
        return;
      case 'next-task':
        update(selectTask(exam, exam.current + 1, now));
        return;
      case 'flag':
        update(toggleFlag(exam, exam.current));
        return;
      case 'finish':
        dispatch({ type: 'exam/confirm', confirm: 'finish' });
        return;
      case 'abandon':
        dispatch({ type: 'exam/confirm', confirm: 'abandon' });
        return;
      case 'workspace-shell':
        shell(exam, 'workspace');
        return;
      case 'node-shell':
        shell(exam, 'node');
        return;
      case 'copy':
        if (scenario && services.copy) {
          services.copy(services.shellLine(scenario));
          say('Shell line copied to the clipboard (OSC 52).');
        } else say('This terminal cannot be given the clipboard: select the shell line above.');
        return;
      case 'scroll-up':
        dispatch({ type: 'exam/scroll', delta: -Math.max(1, bodyHeight - 1), max: maxScroll });
        return;
      case 'scroll-down':
        dispatch({ type: 'exam/scroll', delta: Math.max(1, bodyHeight - 1), max: maxScroll });
        return;
      case 'back': {
        const paused = pauseExam(exam, now);
        examServices?.save(paused);
        dispatch({ type: 'back' });
        return;
      }
      default:
        return;
    }
  };
  const owns = props.mode === 'exam' || props.mode === 'exam-plan' || props.mode === 'confirm';
  useCommands(props.mode, onCommand, owns || (props.mode === 'exam-result' && ui.phase === 'failed'));

  if (lines) {
    return (
      <Box flexDirection="column" width={width}>
        <Text bold={theme.bold} color={theme.accent} wrap="truncate">
          {truncate(lines.head, width)}
        </Text>
        <Box flexDirection="column" height={planHeight}>
          <Lines lines={lines.body.slice(planScroll, planScroll + planHeight)} />
        </Box>
        {ui.phase === 'failed' && ui.exam ? (
          <Text color={theme.muted}>x abandons it (resets every task) · esc back</Text>
        ) : (
          <HelpBar mode={props.mode} width={width} />
        )}
      </Box>
    );
  }
  if (!running || !exam || !task) return <Text>The exam has no tasks. esc goes back.</Text>;
  const head = `Exam · task ${exam.current + 1} of ${exam.tasks.length} · weight ${sharePercent(exam, task.weight)}%${task.flagged ? ' · ⚑ flagged' : ''}`;
  return (
    <Box flexDirection="column" width={width}>
      <Box justifyContent="space-between" width={width}>
        <Text bold={theme.bold} wrap="truncate">
          {truncate(head, Math.max(10, width - 22))}
        </Text>
        <Countdown exam={exam} tickMs={props.tickMs} onTimeUp={() => finish(exam, 'time')} />
      </Box>
      <Lines lines={strip} color={theme.muted} />
      <Text bold={theme.bold} wrap="truncate">
        {truncate(task.title, width)}
      </Text>
      <Text color={theme.muted} wrap="truncate">
        {truncate(meta, width)}
      </Text>
      <Text wrap="truncate-start">{workspace}</Text>
      <Lines lines={shellLine} color={theme.accent} />
      <Text bold={theme.bold} wrap="truncate">
        {truncate(
          `── Task${paneLines.length > bodyHeight ? ` · lines ${scroll + 1}–${Math.min(paneLines.length, scroll + bodyHeight)} of ${paneLines.length} · PgUp/PgDn` : ''} `.padEnd(
            width,
            '─',
          ),
          width,
        )}
      </Text>
      <Box flexDirection="column" height={bodyHeight} paddingLeft={1}>
        <Lines lines={paneLines.slice(scroll, scroll + bodyHeight)} />
      </Box>
      <Lines lines={message} color={theme.accent} />
      {running.confirm ? (
        <Text bold={theme.bold} color={theme.warn} wrap="truncate">
          {running.confirm === 'finish'
            ? 'Finish the exam now? The checks run once and are scored.  y / n'
            : 'Abandon the exam? Every task is reset and nothing is scored.  y / n'}
        </Text>
      ) : running.suspended ? (
        <Text color={theme.muted}>In a shell; the exam clock keeps running.</Text>
      ) : (
        <HelpBar mode={props.mode} width={width} hidden={hiddenFor(task.lab)} />
      )}
    </Box>
  );
}

function hiddenFor(lab: 'none' | 'cluster'): ReadonlySet<Command> {
  return new Set<Command>([lab === 'cluster' ? 'workspace-shell' : 'node-shell']);
}
