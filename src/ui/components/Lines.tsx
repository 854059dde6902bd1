import { Text } from './Text.js';

/** Lines a screen already wrapped to its width, one Text each (cut, never re-wrapped). */
export function Lines(props: {
  readonly lines: readonly string[];
  readonly color?: string | undefined;
  readonly bold?: boolean;
}) {
  return (
    <>
      {props.lines.map((line, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: a wrapped line has no identity but its position
        <Text key={i} color={props.color} bold={props.bold} wrap="truncate">
          {line === '' ? ' ' : line}
        </Text>
      ))}
    </>
  );
}
