import { Box, Text } from 'ink';
import type { Dispatch } from 'react';
import type { Scenario } from '../../domain/scenario.js';
import { useCommands } from '../hooks/use-commands.js';
import { useMarkdownLoaded } from '../hooks/use-markdown.js';
import type { Mode } from '../keys.js';
import { renderMarkdown } from '../markdown.js';
import { useTheme } from '../ServicesContext.js';
import type { Action, ResultView } from '../state.js';
import { fitLines, formatElapsed, truncate } from '../text.js';
import { HelpBar } from './HelpBar.js';
import { Lines } from './Lines.js';

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
  const lines = renderMarkdown(scenario.debriefText, width - 2, theme.color);
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
