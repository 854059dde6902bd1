import { Box, Text, useApp } from 'ink';
import { useEffect, useMemo, useReducer, useRef } from 'react';
import { pauseExam } from '../domain/exam.js';
import { ExamResultScreen } from './components/ExamResultScreen.js';
import { ExamScreen } from './components/ExamScreen.js';
import { HelpOverlay, helpBodyHeight, helpLines } from './components/HelpOverlay.js';
import { HomeScreen } from './components/HomeScreen.js';
import { LabScreen } from './components/LabScreen.js';
import { ResultScreen } from './components/ResultScreen.js';
import { ScenarioScreen } from './components/ScenarioScreen.js';
import { homeItems, homeLearning } from './home-model.js';
import { useCommands } from './hooks/use-commands.js';
import { useLabRun } from './hooks/use-lab-run.js';
import { useTerminalSize } from './hooks/use-terminal-size.js';
import { loadMarkdown } from './markdown.js';
import { ServicesProvider, useServices } from './ServicesContext.js';
import { type AppState, modeOf, reducer } from './state.js';
import type { UiServices } from './ui-services.js';

export type Timing = {
  /**
   * Re-check interval while a scenario is set up and its workspace cannot be watched (0 = only on
   * file changes and `r`, no poll at all).
   */
  readonly pollMs: number;
  /** The re-check interval while the workspace is watched (a change starts a round at once). */
  readonly slowPollMs?: number;
  /** Timer refresh (0 = frozen; tests). */
  readonly tickMs: number;
};

export const DEFAULT_TIMING: Timing = { pollMs: 4000, slowPollMs: 30_000, tickMs: 1000 };

export type AppProps = {
  readonly services: UiServices;
  readonly initial: AppState;
  readonly color: boolean;
  readonly timing?: Timing;
  /** Told every state change, so a suspended TUI comes back where it was. */
  readonly onState?: (state: AppState) => void;
};

export function App(props: AppProps) {
  return (
    <ServicesProvider services={props.services} color={props.color}>
      <Root initial={props.initial} timing={props.timing ?? DEFAULT_TIMING} onState={props.onState} />
    </ServicesProvider>
  );
}

function Root(props: {
  readonly initial: AppState;
  readonly timing: Timing;
  readonly onState: ((state: AppState) => void) | undefined;
}) {
  const services = useServices();
  const { exit } = useApp();
  const [state, dispatch] = useReducer(reducer, props.initial);
  const { columns, rows } = useTerminalSize();
  const width = Math.max(40, columns);
  // One line short of the terminal: a frame as tall as the screen makes terminals scroll.
  const height = Math.max(12, rows - 1);
  const mode = modeOf(state);
  const { onState } = props;

  useEffect(() => onState?.(state), [state, onState]);
  // The markdown renderer is heavy: load it once the list is on screen, before a brief is opened.
  useEffect(() => {
    const timer = setTimeout(() => void loadMarkdown(), 200);
    return () => clearTimeout(timer);
  }, []);

  const entries = useMemo(() => services.list(), [services]);
  const valid = useMemo(() => entries.flatMap((e) => (e.valid ? [e.scenario] : [])), [entries]);
  const onHome = state.screen.name === 'home';
  // Progress and attempts are re-read each time the list comes back into view.
  // biome-ignore lint/correctness/useExhaustiveDependencies: onHome is the refresh trigger
  const known = useMemo(
    () => ({ progress: services.allProgress(), started: (id: string) => services.attempt(id) !== undefined }),
    [services, onHome],
  );
  const items = useMemo(
    () => homeItems(entries, known.progress, known.started, state.home.filter),
    [entries, known, state.home.filter],
  );
  const done = entries.filter((e) => e.valid && known.progress[e.scenario.id]?.completed).length;
  // biome-ignore lint/correctness/useExhaustiveDependencies: onHome is the refresh trigger
  const learned = useMemo(() => homeLearning(services), [services, onHome]);
  const lab = useLabRun(dispatch);

  const labAsked = useRef(false);
  /** The answer to "Create one now?": `y` creates the lab, any other key leaves it. */
  const answerLabAsk = (input: string) => {
    labAsked.current = false;
    if (input === 'y') {
      if (!lab.start())
        dispatch({
          type: 'home/message',
          text: 'This app cannot create a lab here: run `k8s-harden-lab up` (or `k8s-harden-lab doctor`).',
        });
    } else dispatch({ type: 'home/message', text: 'No lab created.' });
  };
  /** `L` on the list: say which lab is in use and how it is, or offer to create one when there is none. */
  const labKey = () => {
    const labStatus = services.labStatus?.bind(services);
    // Creating a lab installs and starts things: ask first, `y` (the next key) creates it.
    const createOrSay = () => {
      labAsked.current = true;
      dispatch({
        type: 'home/message',
        text: 'No lab yet. Create one now? (kind nodes; as root without Docker: packages, a build, an engine) y/n',
      });
    };
    if (!labStatus) {
      createOrSay();
      return;
    }
    dispatch({ type: 'home/message', text: 'Checking the lab…' });
    labStatus().then(
      (status) => {
        if (!status || status.health === 'down') createOrSay();
        else
          dispatch({
            type: 'home/message',
            text: `Lab in use: ${status.provider}${status.cluster ? ` ${status.cluster}` : ''} (${status.health}${status.detail ? `: ${status.detail}` : ''}).`,
          });
      },
      (error: unknown) =>
        dispatch({
          type: 'home/message',
          text: `The lab status is unknown: ${(error as Error)?.message ?? error}`,
        }),
    );
  };

  // Global keys and the scenario list; the scenario and result screens take their own keys.
  useCommands(mode, (command, input) => {
    if (state.notices.length > 0) dispatch({ type: 'notices/dismiss' });
    if (command === 'interrupt' || command === 'quit') {
      // A running exam pauses: its remaining time is kept for the next time it is opened.
      const screen = state.screen;
      if (screen.name === 'exam' && screen.exam.phase === 'running')
        services.exam?.save(pauseExam(screen.exam.exam, services.now()));
      exit();
      return;
    }
    if (command === 'help') {
      dispatch({ type: 'help/toggle' });
      return;
    }
    if (mode === 'help') {
      const max = Math.max(0, helpLines().length - helpBodyHeight(height));
      if (command === 'back') dispatch({ type: 'back' });
      else if (command === 'scroll-up') dispatch({ type: 'scroll', delta: -5, max });
      else if (command === 'scroll-down') dispatch({ type: 'scroll', delta: 5, max });
      return;
    }
    if (state.screen.name === 'lab') {
      const run = state.screen.lab;
      const over = run.phase === 'failed' || run.phase === 'cancelled';
      if (mode === 'confirm') {
        if (command === 'yes') lab.cancel();
        else if (command === 'no') dispatch({ type: 'lab/cancel-keep' });
      } else if (command === 'lab-close' || (command === 'lab-cancel' && over))
        dispatch({ type: 'lab/close' });
      else if (command === 'lab-cancel' && run.phase === 'running') dispatch({ type: 'lab/cancel-ask' });
      return;
    }
    if (mode !== 'home' && mode !== 'filter') return;
    if (labAsked.current) {
      answerLabAsk(input);
      return;
    }
    switch (command) {
      case 'lab':
        labKey();
        return;
      case 'exam':
        if (services.exam) dispatch({ type: 'exam/open', options: {} });
        else dispatch({ type: 'home/message', text: 'Exam mode is not available here.' });
        return;
      case 'up':
        dispatch({ type: 'home/move', delta: -1, count: items.length });
        return;
      case 'down':
        dispatch({ type: 'home/move', delta: 1, count: items.length });
        return;
      case 'filter':
        dispatch({ type: 'home/filter-start' });
        return;
      case 'filter-erase':
        dispatch({ type: 'home/filter-erase' });
        return;
      case 'filter-clear':
        dispatch({ type: 'home/filter-clear' });
        return;
      case 'open': {
        const item = items[state.home.selected];
        if (!item) return;
        if (item.kind === 'invalid') {
          dispatch({ type: 'home/message', text: `"${item.id}" is invalid: ${item.reason}` });
          return;
        }
        const entry = entries.find((e) => e.valid && e.scenario.id === item.id);
        if (!entry?.valid) return;
        dispatch({
          type: 'open',
          id: item.id,
          setUp: services.isSetUp(entry.scenario),
          attempt: services.attempt(item.id) ?? null,
        });
        return;
      }
      case undefined:
        if (mode === 'filter' && input.length === 1 && input >= ' ')
          dispatch({ type: 'home/filter-type', text: input });
        return;
      default:
        return;
    }
  });

  // The help overlay hides the screen without unmounting it: a setup or check keeps running.
  const help = state.overlay?.kind === 'help' ? state.overlay : null;
  return (
    <>
      {help && <HelpOverlay width={width} height={height} scroll={help.scroll} />}
      <Box display={help ? 'none' : 'flex'} flexDirection="column">
        {renderScreen()}
      </Box>
    </>
  );

  function renderScreen() {
    const screen = state.screen;
    switch (screen.name) {
      case 'home':
        return (
          <HomeScreen
            home={state.home}
            items={items}
            total={entries.length}
            done={done}
            notices={state.notices}
            mode={mode}
            width={width}
            height={height}
            trend={learned.trend}
            nextUp={learned.nextUp}
          />
        );
      case 'scenario':
      case 'result': {
        const id = screen.name === 'scenario' ? screen.session.id : screen.id;
        const entry = entries.find((e) => e.valid && e.scenario.id === id);
        if (!entry?.valid) return <Text>Scenario "{id}" is not available. q quits.</Text>;
        return screen.name === 'scenario' ? (
          <ScenarioScreen
            key={id}
            scenario={entry.scenario}
            session={screen.session}
            confirm={state.overlay?.kind === 'confirm' ? state.overlay.action : null}
            mode={mode}
            dispatch={dispatch}
            width={width}
            height={height}
            timing={props.timing}
            offered={state.labOffered.includes(id)}
            onCreateLab={lab.start}
          />
        ) : (
          <ResultScreen
            scenario={entry.scenario}
            result={screen.result}
            scroll={screen.scroll}
            mode={mode}
            dispatch={dispatch}
            width={width}
            height={height}
          />
        );
      }
      case 'exam':
        return screen.exam.phase === 'result' ? (
          <ExamResultScreen
            exam={screen.exam.exam}
            selected={screen.exam.selected}
            scroll={screen.exam.scroll}
            busy={screen.exam.busy}
            message={screen.exam.message}
            mode={mode}
            dispatch={dispatch}
            width={width}
            height={height}
          />
        ) : (
          <ExamScreen
            ui={screen.exam}
            entries={valid}
            mode={mode}
            dispatch={dispatch}
            width={width}
            height={height}
            tickMs={props.timing.tickMs}
          />
        );
      case 'lab':
        return (
          <LabScreen
            lab={screen.lab}
            mode={mode}
            width={width}
            height={height}
            tickMs={props.timing.tickMs}
          />
        );
    }
  }
}
