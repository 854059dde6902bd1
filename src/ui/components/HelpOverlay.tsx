import { Box } from 'ink';
import { bindingsFor, KEY_TABLE, type KeyBinding, type Mode } from '../keys.js';
import { useTheme } from '../ServicesContext.js';
import { truncate } from '../text.js';
import { Text } from './Text.js';

const SECTIONS: readonly { readonly mode: Mode; readonly title: string }[] = [
  { mode: 'home', title: 'Scenario list' },
  { mode: 'filter', title: 'While filtering' },
  { mode: 'scenario', title: 'Scenario' },
  { mode: 'result', title: 'Result and debrief' },
  { mode: 'lab', title: 'Creating the lab' },
  { mode: 'confirm', title: 'Confirmations' },
];

type Line =
  | { readonly kind: 'title'; readonly text: string; readonly id: string }
  | { readonly kind: 'key'; readonly b: KeyBinding; readonly id: string };

/** Every key, by screen, straight from the key table the input handler uses. */
export function helpLines(): Line[] {
  const lines: Line[] = [];
  for (const section of SECTIONS) {
    lines.push({ kind: 'title', text: section.title, id: section.mode });
    for (const b of bindingsFor(section.mode))
      if (b.command !== 'interrupt') lines.push({ kind: 'key', b, id: `${section.mode}:${b.command}` });
  }
  const interrupt = KEY_TABLE.find((b) => b.command === 'interrupt');
  if (interrupt)
    lines.push(
      { kind: 'title', text: 'Anywhere', id: 'anywhere' },
      { kind: 'key', b: interrupt, id: 'any:interrupt' },
    );
  return lines;
}

/** How many lines of the overlay fit, so the scroll can be clamped. */
export function helpBodyHeight(height: number): number {
  return Math.max(3, height - 2);
}

export function HelpOverlay(props: {
  readonly width: number;
  readonly height: number;
  readonly scroll: number;
}) {
  const theme = useTheme();
  const lines = helpLines();
  const body = helpBodyHeight(props.height);
  const start = Math.max(0, Math.min(props.scroll, lines.length - body));
  const end = Math.min(lines.length, start + body);
  return (
    <Box flexDirection="column">
      <Text bold={theme.bold} color={theme.accent}>
        Keys{lines.length > body ? `  (${start + 1}–${end} of ${lines.length}, PgUp/PgDn)` : ''}
      </Text>
      {lines.slice(start, end).map((line) =>
        line.kind === 'title' ? (
          <Text key={line.id} bold={theme.bold} wrap="truncate">
            {line.text}
          </Text>
        ) : (
          <Text key={line.id} wrap="truncate">
            {truncate(`  ${line.b.label.padEnd(10)} ${line.b.description}`, props.width)}
          </Text>
        ),
      )}
      <Text color={theme.muted}>esc or ? closes this help · q quits</Text>
    </Box>
  );
}
