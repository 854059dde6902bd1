import { Text as InkText, type TextProps } from 'ink';

/** Ink's Text props, each of which may also be `undefined`: a theme colour is unset under NO_COLOR. */
export type StyledTextProps = { readonly [K in keyof TextProps]?: TextProps[K] | undefined };

/**
 * Ink's Text for our screens. With exactOptionalPropertyTypes Ink's own props do not take
 * `undefined`, which is how a style that is not set arrives (a colour under NO_COLOR, `bold` not
 * asked for); those are left out, so Ink applies its defaults, as before.
 */
export function Text(props: StyledTextProps) {
  const set = Object.fromEntries(Object.entries(props).filter(([, v]) => v !== undefined)) as TextProps;
  return <InkText {...set} />;
}
