/** Single-quotes a word for sh/bash: the one quoting helper for every script the app builds. */
export function shQuote(s: string): string {
  return `'${s.replaceAll("'", `'\\''`)}'`;
}
