import { type Command, helpBarItems, type Mode } from '../keys.js';
import { useTheme } from '../ServicesContext.js';
import { Text } from './Text.js';

/** One line of the most useful keys for the mode, from the key table; `?` lists them all. */
export function HelpBar(props: {
  readonly mode: Mode;
  readonly width: number;
  readonly hidden?: ReadonlySet<Command>;
}) {
  const theme = useTheme();
  const items = helpBarItems(props.mode, props.width, props.hidden);
  return (
    <Text color={theme.muted} wrap="truncate">
      {items.join('  ')}
    </Text>
  );
}
