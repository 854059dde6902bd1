import { Box } from 'ink';
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
import { isBusy, scenarioLayout, waitingLines } from '../scenario-layout.js';
import type { Action, AttemptView, ConfirmAction, Session, WatchView } from '../state.js';
import { formatTimer, truncate } from '../text.js';
import { HelpBar } from './HelpBar.js';
import { Lines } from './Lines.js';
import { Text } from './Text.js';

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
  const busy = isBusy(session);
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

  // ---- what goes where at this width and height: scenario-layout.ts decides, this draws it ----
  const layout = scenarioLayout({
    width,
    height: props.height,
    title: scenario.title,
    // The seed before the lab's words, so a narrow terminal cuts those first.
    meta: `${DOMAINS[scenario.domain]} · ${scenario.difficulty} · ~${scenario.minutes} min · ${
      scenario.paramTemplate && session.attempt?.seed !== undefined ? `seed ${session.attempt.seed} · ` : ''
    }${scenario.lab === 'cluster' ? labText(lab) : 'local workspace, no cluster'}`,
    workspace: services.workspace(scenario),
    shellLine: services.shellLine(scenario),
    session,
    brief: (w) => renderMarkdown(briefText, w, theme.color),
  });
  const { pane } = layout;
  const selected = session.setUp && !busy ? session.results?.[session.selected] : undefined;
  const waiting = session.setUp && !busy ? (session.watch?.waiting ?? null) : null;

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
        dispatch({ type: 'scroll', delta: -pane.page, max: pane.maxScroll });
        return;
      case 'scroll-down':
        dispatch({ type: 'scroll', delta: pane.page, max: pane.maxScroll });
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
          {layout.title}
        </Text>
        <ScoreLine attempt={session.attempt} session={session} tickMs={props.timing.tickMs} />
      </Box>
      <Text color={theme.muted} wrap="truncate">
        {layout.meta}
      </Text>
      <Text wrap="truncate-start">{layout.workspace}</Text>
      <Lines lines={layout.shell} color={theme.accent} />
      <Text bold={theme.bold} color={pane.kind === 'solution' ? theme.warn : undefined} wrap="truncate">
        {pane.title}
      </Text>
      <Box flexDirection="column" height={pane.height} paddingLeft={1}>
        <Lines lines={pane.lines} />
      </Box>
      <Text bold={theme.bold} color={session.allPass ? theme.ok : undefined} wrap="truncate">
        {layout.checksHead}
      </Text>
      <Lines lines={layout.log} color={theme.muted} />
      {waiting ? <WaitingBanner waiting={waiting} width={width} tickMs={props.timing.tickMs} /> : null}
      <Lines lines={layout.offer} color={theme.warn} bold={theme.bold} />
      {layout.checks.map((r) => (
        <Text key={r.checkId} wrap="truncate" inverse={theme.color && r.selected}>
          {r.selected ? '›' : ' '} <Text color={statusColor(theme, r.status)}>{SYMBOL[r.status]}</Text>{' '}
          {r.text}
        </Text>
      ))}
      <Lines lines={layout.detail} color={selected?.status === 'pass' ? theme.ok : theme.muted} />
      <Lines lines={layout.hint} color={theme.warn} />
      <Lines lines={layout.message} color={session.message?.kind === 'error' ? theme.fail : theme.accent} />
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
