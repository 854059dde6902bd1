import { Box, Text } from 'ink';
import { type Dispatch, useCallback, useEffect, useMemo } from 'react';
import type { CheckResult } from '../../domain/checks.js';
import { DOMAINS, type Scenario } from '../../domain/scenario.js';
import { useCommands } from '../hooks/use-commands.js';
import { type LabLine, useLabStatus } from '../hooks/use-lab-status.js';
import { useMarkdownLoaded } from '../hooks/use-markdown.js';
import { useClockText, useNow } from '../hooks/use-now.js';
import { type SessionTiming, useScenarioSession } from '../hooks/use-scenario-session.js';
import type { Command, Mode } from '../keys.js';
import { renderMarkdown } from '../markdown.js';
import { type Theme, useServices, useTheme } from '../ServicesContext.js';
import type { Action, AttemptView, ConfirmAction, Session, WatchView } from '../state.js';
import { fitLines, formatTimer, labelled, truncate, windowAround, wrapText } from '../text.js';
import { HelpBar } from './HelpBar.js';
import { Lines } from './Lines.js';

const SYMBOL: Record<CheckResult['status'], string> = { pass: '✔', fail: '✘', error: '!', waiting: '…' };

const CONFIRM: Record<ConfirmAction, string> = {
  reset: 'Reset this scenario? The workspace and this attempt are removed.  y / n',
  solution: 'Show the reference solution? This attempt will score 0.  y / n',
  'create-lab': 'This scenario needs a lab cluster. Create one now? (y/n)',
  restart: 'Start over? Your workspace is wiped and set up again (hints taken still count).  y / n',
};

function statusColor(theme: Theme, status: CheckResult['status']) {
  return status === 'pass' ? theme.ok : status === 'fail' ? theme.fail : theme.warn;
}

function labText(lab: LabLine): string {
  switch (lab.type) {
    case 'none':
      return 'no lab';
    case 'loading':
      return 'lab: checking…';
    case 'error':
      return `lab: ${lab.message}`;
    case 'status':
      return `lab: ${lab.status.provider}${lab.status.cluster ? ` ${lab.status.cluster}` : ''} (${lab.status.health}${lab.status.detail ? `: ${lab.status.detail}` : ''})`;
  }
}

/** Log lines of a waiting window shown under its first line (the apiserver's last lines). */
const WAITING_LOG_LINES = 4;

/**
 * The waiting window as lines: its first line with how long it has lasted ("apiserver restarting —
 * waiting 12 s (…)"), then the last lines of the apiserver's log it carries.
 */
export function waitingLines(
  waiting: NonNullable<WatchView['waiting']>,
  nowMs: number,
  width: number,
): string[] {
  const [first = '', ...rest] = waiting.reason.split('\n');
  const secs = `${Math.max(0, Math.round((nowMs - waiting.sinceMs) / 1000))} s`;
  const head = first.includes('— waiting')
    ? first.replace('— waiting', `— waiting ${secs}`)
    : `${first} (${secs})`;
  const tail = rest.filter((l) => l.trim() !== '').slice(-WAITING_LOG_LINES);
  return [truncate(head, width), ...tail.map((l) => truncate(l.trimEnd(), width))];
}

/** The waiting banner: re-renders on the clock while the window lasts. */
function WaitingBanner(props: {
  readonly waiting: NonNullable<WatchView['waiting']>;
  readonly width: number;
  readonly tickMs: number;
}) {
  const services = useServices();
  const theme = useTheme();
  const now = useNow(services.now, props.tickMs);
  const [head, ...log] = waitingLines(props.waiting, now, props.width);
  return (
    <>
      <Text bold={theme.bold} color={theme.warn} wrap="truncate">
        {head}
      </Text>
      <Lines lines={log} color={theme.muted} />
    </>
  );
}

/** Timer and running score: the only part that re-renders on the clock (once a minute). */
function ScoreLine(props: {
  readonly attempt: AttemptView | null;
  readonly session: Session;
  readonly tickMs: number;
}) {
  const services = useServices();
  const theme = useTheme();
  const a = props.attempt;
  const startedAt = a?.startedAt;
  const finishedAt = a?.finishedAt;
  const elapsed = useCallback(
    () =>
      startedAt === undefined
        ? '–'
        : formatTimer((finishedAt ? Date.parse(finishedAt) : services.now()) - Date.parse(startedAt)),
    [services, startedAt, finishedAt],
  );
  const timer = `⏱ ${useClockText(elapsed, a && !a.finishedAt ? props.tickMs : 0)}`;
  const s = props.session.score;
  const score = s
    ? s.forfeited
      ? 'score 0 (forfeited)'
      : `score ${s.percent}%${s.hintFactor < 1 ? ` (max ${Math.round(100 * s.hintFactor)}%)` : ''}`
    : 'score –';
  return (
    <Text color={s?.forfeited ? theme.fail : theme.accent}>
      {timer} {score}
    </Text>
  );
}

export function ScenarioScreen(props: {
  readonly scenario: Scenario;
  readonly session: Session;
  readonly confirm: ConfirmAction | null;
  readonly mode: Mode;
  readonly dispatch: Dispatch<Action>;
  readonly width: number;
  readonly height: number;
  readonly timing: SessionTiming & { readonly tickMs: number };
  /** The lab was already offered for this scenario (on open it is offered once). */
  readonly offered?: boolean;
  /** Opens the lab screen; false when this app cannot create a lab. */
  readonly onCreateLab?: () => boolean;
}) {
  const { scenario, session, dispatch, width } = props;
  const services = useServices();
  const theme = useTheme();
  const intents = useScenarioSession(scenario, session, dispatch, props.timing);
  // With params: the brief of this attempt's values (read again when an attempt starts).
  // biome-ignore lint/correctness/useExhaustiveDependencies: a new attempt (startedAt) may have drawn new values
  const briefText = useMemo(
    () => (services.bound?.(scenario) ?? scenario).briefText,
    [services, scenario, session.attempt?.startedAt, session.setUp],
  );
  const lab = useLabStatus(scenario.lab === 'cluster');
  useMarkdownLoaded();
  const busy =
    session.phase === 'setting-up' || session.phase === 'resetting' || session.phase === 'restoring';
  // The lab is known to be missing (not merely unknown) and the app can create one.
  const noLab =
    scenario.lab === 'cluster' &&
    services.labStatus !== undefined &&
    services.createLab !== undefined &&
    (lab.type === 'none' || (lab.type === 'status' && lab.status.health === 'down'));
  const offerNow = noLab && !props.offered && props.mode === 'scenario' && !busy;
  useEffect(() => {
    if (offerNow) dispatch({ type: 'lab/offer', id: scenario.id });
  }, [offerNow, dispatch, scenario.id]);

  // ---- lay out every section as lines, so the screen fits the terminal height ----
  const budget = props.height;
  const meta = `${DOMAINS[scenario.domain]} · ${scenario.difficulty} · ~${scenario.minutes} min · ${
    scenario.lab === 'cluster' ? labText(lab) : 'local workspace, no cluster'
  }`;
  const workspace = `Workspace  ${services.workspace(scenario)}`;
  // Whole, wrapped, never cut: it is meant to be pasted (c copies it).
  const shell = labelled('Shell      ', services.shellLine(scenario), width, 99);

  const results = session.results ?? [];
  const graded = results.filter((r) => r.graded);
  const passing = graded.filter((r) => r.status === 'pass').length;
  const waitingCount = results.filter((r) => r.status === 'waiting').length;
  let checksHead: string;
  if (session.phase === 'setting-up') checksHead = 'Setting up…';
  else if (session.phase === 'resetting') checksHead = 'Resetting…';
  else if (session.phase === 'restoring') checksHead = 'Restoring the last apiserver manifest that worked…';
  else if (session.phase === 'suspended') checksHead = 'In a shell; checks re-run when it ends.';
  else if (!session.setUp)
    checksHead = 'Not set up yet: press s to create the workspace and start the timer.';
  else if (!session.results)
    checksHead =
      session.phase === 'checking' ? 'Checking…' : 'The checks could not run (see below); r retries.';
  else
    checksHead = `Checks: ${passing}/${graded.length} graded passing${
      waitingCount > 0 ? ` · ${waitingCount} waiting` : ''
    }${session.allPass ? ' · all pass! d shows the debrief' : ''}${
      session.phase === 'checking' ? ' · checking…' : ''
    }`;

  const showLog = busy && session.log.length > 0;
  const logLines = showLog ? session.log.map((l) => truncate(`  ${l}`, width)) : [];
  const checkRows = session.setUp && !busy ? results : [];
  const checkWindow = Math.min(checkRows.length, Math.max(3, Math.floor(budget / 4)));
  const [cStart, cEnd] = windowAround(session.selected, checkRows.length, checkWindow);
  const selected = checkRows[session.selected];
  const detail = selected
    ? [
        ...labelled('  expected: ', selected.expected, width, 2),
        ...labelled('  actual:   ', selected.actual, width, 2),
      ]
    : [];
  const hint = session.hint
    ? fitLines(
        `Hint (${session.hint.level}, −${Math.round(session.hint.cost * 100)}%) for "${session.hint.checkTitle}": ${session.hint.text}`,
        width,
        6,
      )
    : [];
  const message = session.message ? fitLines(session.message.text, width, 2) : [];
  // The cluster watch: a waiting window (never a failed check) and the offer to roll back.
  const watch = session.setUp && !busy ? session.watch : null;
  const waiting = watch?.waiting ?? null;
  const waitingHeight = waiting ? waitingLines(waiting, 0, width).length : 0;
  const offer =
    watch?.rollbackOffered && watch.notice
      ? fitLines(`${watch.notice} Press b to restore it.`, width, 2)
      : [];
  const fixed =
    2 +
    1 +
    shell.length +
    1 +
    1 +
    logLines.length +
    waitingHeight +
    offer.length +
    (cEnd - cStart) +
    detail.length +
    hint.length +
    message.length +
    1;
  const bodyHeight = Math.max(2, budget - fixed);

  const paneLines =
    session.pane === 'solution' && session.solution !== null
      ? session.solution
          .replace(/\n+$/, '')
          .split('\n')
          .flatMap((l) => wrapText(l, width - 2))
      : renderMarkdown(briefText, width - 2, theme.color);
  const maxScroll = Math.max(0, paneLines.length - bodyHeight);
  const scroll = Math.min(session.scroll, maxScroll);
  const paneTitle =
    session.pane === 'solution'
      ? 'Reference solution (score forfeited) · esc back to the brief'
      : `Brief${paneLines.length > bodyHeight ? ` · lines ${scroll + 1}–${Math.min(paneLines.length, scroll + bodyHeight)} of ${paneLines.length} · PgUp/PgDn` : ''}`;

  // ---- keys ----
  const hidden = new Set<Command>();
  if (session.setUp) hidden.add('setup');
  hidden.add(scenario.lab === 'cluster' ? 'workspace-shell' : 'node-shell');
  const canRestore = Boolean(session.watch?.rollbackOffered) && !busy;
  if (!canRestore) hidden.add('restore');
  const onCommand = (command: Command | undefined) => {
    if (props.mode === 'confirm') {
      if (command === 'yes') {
        dispatch({ type: 'overlay/close' });
        if (props.confirm === 'reset') intents.reset();
        if (props.confirm === 'solution') intents.solution();
        if (props.confirm === 'restart') intents.restart();
        if (props.confirm === 'create-lab' && !props.onCreateLab?.())
          dispatch({
            type: 'message',
            id: scenario.id,
            message: { kind: 'error', text: 'This app cannot create a lab here: run `k8s-harden-lab up`.' },
          });
      } else if (command === 'no') {
        dispatch({ type: 'overlay/close' });
        if (props.confirm === 'create-lab')
          dispatch({
            type: 'message',
            id: scenario.id,
            message: {
              kind: 'info',
              text: 'No lab yet: setup needs one. Press s to be asked again, or run `k8s-harden-lab up`.',
            },
          });
      }
      return;
    }
    switch (command) {
      case 'up':
        dispatch({ type: 'select/move', delta: -1 });
        return;
      case 'down':
        dispatch({ type: 'select/move', delta: 1 });
        return;
      case 'scroll-up':
        dispatch({ type: 'scroll', delta: -Math.max(1, bodyHeight - 1), max: maxScroll });
        return;
      case 'scroll-down':
        dispatch({ type: 'scroll', delta: Math.max(1, bodyHeight - 1), max: maxScroll });
        return;
      case 'setup':
        if (noLab && !session.setUp && !busy) dispatch({ type: 'lab/offer', id: scenario.id });
        else intents.setup();
        return;
      case 'check':
        if (session.setUp) intents.check();
        else
          dispatch({ type: 'message', id: scenario.id, message: { kind: 'info', text: 'Press s first.' } });
        return;
      case 'hint':
        intents.hint();
        return;
      case 'reset':
        if (!busy) dispatch({ type: 'confirm/ask', action: 'reset' });
        return;
      case 'solution':
        if (session.pane === 'solution') dispatch({ type: 'pane/brief' });
        else if (session.solution !== null) intents.solution();
        else dispatch({ type: 'confirm/ask', action: 'solution' });
        return;
      case 'node-shell':
        intents.nodeShell();
        return;
      case 'workspace-shell':
        intents.workspaceShell();
        return;
      case 'copy':
        if (services.copy) {
          services.copy(services.shellLine(scenario));
          dispatch({
            type: 'message',
            id: scenario.id,
            message: { kind: 'info', text: 'Shell line copied to the clipboard (OSC 52).' },
          });
        } else
          dispatch({
            type: 'message',
            id: scenario.id,
            message: {
              kind: 'info',
              text: 'This terminal cannot be given the clipboard: select the line above.',
            },
          });
        return;
      case 'restore':
        intents.restore();
        return;
      case 'debrief':
        intents.debrief();
        return;
      case 'back':
        if (session.pane === 'solution') dispatch({ type: 'pane/brief' });
        else if (busy)
          dispatch({
            type: 'message',
            id: scenario.id,
            message: { kind: 'info', text: 'Wait for it to finish (ctrl+c quits).' },
          });
        else dispatch({ type: 'back' });
        return;
      default:
        return;
    }
  };
  useCommands(props.mode, onCommand, props.mode === 'scenario' || props.mode === 'confirm');

  return (
    <Box flexDirection="column" width={width}>
      <Box justifyContent="space-between" width={width}>
        <Text bold={theme.bold} wrap="truncate">
          {truncate(scenario.title, Math.max(10, width - 34))}
        </Text>
        <ScoreLine attempt={session.attempt} session={session} tickMs={props.timing.tickMs} />
      </Box>
      <Text color={theme.muted} wrap="truncate">
        {truncate(meta, width)}
      </Text>
      <Text wrap="truncate-start">{workspace}</Text>
      <Lines lines={shell} color={theme.accent} />
      <Text bold={theme.bold} color={session.pane === 'solution' ? theme.warn : undefined} wrap="truncate">
        {truncate(`── ${paneTitle} `.padEnd(width, '─'), width)}
      </Text>
      <Box flexDirection="column" height={bodyHeight} paddingLeft={1}>
        <Lines lines={paneLines.slice(scroll, scroll + bodyHeight)} />
      </Box>
      <Text bold={theme.bold} color={session.allPass ? theme.ok : undefined} wrap="truncate">
        {truncate(checksHead, width)}
      </Text>
      <Lines lines={logLines} color={theme.muted} />
      {waiting ? <WaitingBanner waiting={waiting} width={width} tickMs={props.timing.tickMs} /> : null}
      <Lines lines={offer} color={theme.warn} bold={theme.bold} />
      {checkRows.slice(cStart, cEnd).map((r, i) => {
        const index = cStart + i;
        const mark = index === session.selected ? '›' : ' ';
        return (
          <Text key={r.checkId} wrap="truncate" inverse={theme.color && index === session.selected}>
            {mark} <Text color={statusColor(theme, r.status)}>{SYMBOL[r.status]}</Text>{' '}
            {truncate(
              `${r.title}${r.graded ? '' : ' (not graded)'}${r.status === 'waiting' ? ' (waiting)' : ''}`,
              width - 4,
            )}
          </Text>
        );
      })}
      <Lines lines={detail} color={selected?.status === 'pass' ? theme.ok : theme.muted} />
      <Lines lines={hint} color={theme.warn} />
      <Lines lines={message} color={session.message?.kind === 'error' ? theme.fail : theme.accent} />
      {props.confirm ? (
        <Text bold={theme.bold} color={theme.warn} wrap="truncate">
          {truncate(CONFIRM[props.confirm], width)}
        </Text>
      ) : (
        <HelpBar mode={props.mode} width={width} hidden={hidden} />
      )}
    </Box>
  );
}
