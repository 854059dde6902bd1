import { Box } from 'ink';
import type { Dispatch } from 'react';
import type { Scenario } from '../../domain/scenario.js';
import { useCommands } from '../hooks/use-commands.js';
import { useMarkdownLoaded } from '../hooks/use-markdown.js';
import type { Mode } from '../keys.js';
import { renderMarkdown } from '../markdown.js';
import { useServices, useTheme } from '../ServicesContext.js';
import type { Action, ResultView } from '../state.js';
import { fitLines, formatElapsed, truncate, wrapText } from '../text.js';
import type { UiServices } from '../ui-services.js';
import { HelpBar } from './HelpBar.js';
import { Lines } from './Lines.js';
import { Text } from './Text.js';

/** After success: the score, the time, what the record says now, and the debrief. */
export function ResultScreen(props: {
  readonly scenario: Scenario;
  readonly result: ResultView;
  readonly scroll: number;
  readonly mode: Mode;
  readonly dispatch: Dispatch<Action>;
  readonly width: number;
  readonly height: number;
}) {
  const { scenario, result, width, dispatch } = props;
  const theme = useTheme();
  useMarkdownLoaded();
  const p = result.progress;
  const head = result.forfeited
    ? `Done: ${scenario.title} (solution revealed, score 0)`
    : `✔ Completed: ${scenario.title}`;
  const stats = fitLines(
    [
      `Score ${result.percent}%`,
      `time ${formatElapsed(result.elapsedMs)}`,
      `hints ${result.hintsUsed}`,
      p?.bestScore != null ? `best ${p.bestScore}%` : null,
      p?.bestTimeMs != null ? `best time ${formatElapsed(p.bestTimeMs)}` : null,
      p ? `attempts ${p.attempts}` : null,
    ]
      .filter(Boolean)
      .join(' · '),
    width,
    2,
  );
  const services = useServices();
  const lines = [
    ...renderMarkdown((services.bound?.(scenario) ?? scenario).debriefText, width - 2, theme.color),
    ...commandsBesideReference(services, scenario, width - 2),
  ];
  const bodyHeight = Math.max(3, props.height - 2 - stats.length - 1);
  const maxScroll = Math.max(0, lines.length - bodyHeight);
  const scroll = Math.min(props.scroll, maxScroll);
  const title = `── Debrief${lines.length > bodyHeight ? ` · lines ${scroll + 1}–${Math.min(lines.length, scroll + bodyHeight)} of ${lines.length} · PgUp/PgDn` : ''} `;

  useCommands(
    props.mode,
    (command) => {
      if (command === 'continue' || command === 'back') dispatch({ type: 'back' });
      else if (command === 'scroll-up')
        dispatch({ type: 'scroll', delta: -Math.max(1, bodyHeight - 1), max: maxScroll });
      else if (command === 'scroll-down')
        dispatch({ type: 'scroll', delta: Math.max(1, bodyHeight - 1), max: maxScroll });
    },
    props.mode === 'result',
  );

  return (
    <Box flexDirection="column" width={width}>
      <Text bold={theme.bold} color={result.forfeited ? theme.warn : theme.ok} wrap="truncate">
        {truncate(head, width)}
      </Text>
      <Lines lines={stats} />
      <Text bold={theme.bold} wrap="truncate">
        {truncate(title.padEnd(width, '─'), width)}
      </Text>
      <Box flexDirection="column" height={bodyHeight} paddingLeft={1}>
        <Lines lines={lines.slice(scroll, scroll + bodyHeight)} />
      </Box>
      <HelpBar mode={props.mode} width={width} />
    </Box>
  );
}

/**
 * The learner's own commands of the attempt just solved (from the shells the app opened) beside
 * the reference solution: side by side when the screen is wide enough, else one after the other.
 */
export function commandsBesideReference(
  services: Pick<UiServices, 'learning'>,
  scenario: Scenario,
  width: number,
): string[] {
  const learning = services.learning;
  if (!learning) return [];
  const last = learning
    .attempts()
    .filter((a) => a.scenario === scenario.id)
    .pop();
  const own = last?.commands.map((c) => `$ ${c.command}`) ?? [];
  const reference = learning
    .reference(scenario)
    .replace(/\n+$/, '')
    .split('\n')
    .filter((l) => l.trim() !== '' && !l.startsWith('#!'));
  const ownTitle = `Your commands (${own.length})`;
  const mine =
    own.length > 0
      ? own
      : [learning.enabled ? '(none recorded: t opens a terminal here)' : '(recording is off)'];
  if (width >= 100) {
    const col = Math.floor((width - 3) / 2);
    const left = [ownTitle, ...mine.flatMap((l) => wrapText(l, col))];
    const right = ['Reference solution', ...reference.flatMap((l) => wrapText(l, col))];
    const rows = Math.max(left.length, right.length);
    return [
      '',
      ...Array.from({ length: rows }, (_, i) => `${(left[i] ?? '').padEnd(col)} │ ${right[i] ?? ''}`),
    ];
  }
  return [
    '',
    ownTitle,
    ...mine.flatMap((l) => wrapText(l, width)),
    '',
    'Reference solution',
    ...reference.flatMap((l) => wrapText(l, width)),
  ];
}
