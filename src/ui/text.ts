/**
 * Plain-text layout helpers. Screens lay out text as arrays of lines they wrapped themselves, so
 * they know their height before Ink draws them and the whole screen fits the terminal.
 */

/** Word-wraps one paragraph (no ANSI) to `width`; words longer than a line are cut. */
export function wrapText(text: string, width: number): string[] {
  const w = Math.max(1, width);
  const out: string[] = [];
  for (const paragraph of text.split('\n')) {
    let line = '';
    for (const word of paragraph.split(/\s+/).filter(Boolean)) {
      let rest = word;
      while (rest.length > w) {
        if (line) {
          out.push(line);
          line = '';
        }
        out.push(rest.slice(0, w));
        rest = rest.slice(w);
      }
      if (!line) line = rest;
      else if (line.length + 1 + rest.length <= w) line = `${line} ${rest}`;
      else {
        out.push(line);
        line = rest;
      }
    }
    out.push(line);
  }
  return out;
}

/** At most `max` wrapped lines; the last one ends in `…` when text was cut. */
export function fitLines(text: string, width: number, max: number): string[] {
  const lines = wrapText(text, width);
  if (lines.length <= max) return lines;
  const kept = lines.slice(0, Math.max(0, max));
  const last = kept.length - 1;
  if (last >= 0) kept[last] = `${(kept[last] ?? '').slice(0, Math.max(0, width - 1))}…`;
  return kept;
}

/** Cuts one line to `width` with an ellipsis. */
export function truncate(text: string, width: number): string {
  if (text.length <= width) return text;
  return width <= 1 ? text.slice(0, width) : `${text.slice(0, width - 1)}…`;
}

/** Cuts one line to `width` from the start, with an ellipsis (a path keeps its last folders). */
export function truncateStart(text: string, width: number): string {
  if (text.length <= width) return text;
  return width <= 1 ? text.slice(text.length - width) : `…${text.slice(text.length - width + 1)}`;
}

/** `3m 05s`, `42s`, `1h 02m`. */
export function formatElapsed(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  if (h > 0) return `${h}h ${String(m).padStart(2, '0')}m`;
  if (m > 0) return `${m}m ${String(s % 60).padStart(2, '0')}s`;
  return `${s}s`;
}

/**
 * The running timer of a scenario, to the minute: `<1m`, `3m`, `1h 02m`. An open scenario left
 * alone is then drawn again once a minute, not every second (each frame redraws the whole screen).
 */
export function formatTimer(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return '<1m';
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return h > 0 ? `${h}h ${String(m).padStart(2, '0')}m` : `${m}m`;
}

/** The window of `count` rows of height `size` that keeps `index` visible, as [start, end). */
export function windowAround(index: number, count: number, size: number): [number, number] {
  if (count <= size) return [0, count];
  const start = Math.max(0, Math.min(index - Math.floor(size / 2), count - size));
  return [start, start + size];
}

/** `label` then `text` wrapped beside it; continuation lines are indented under the text. */
export function labelled(label: string, text: string, width: number, max: number): string[] {
  const pad = ' '.repeat(label.length);
  return fitLines(text, Math.max(10, width - label.length), max).map((line, i) =>
    i === 0 ? `${label}${line}` : `${pad}${line}`,
  );
}

/**
 * Removes terminal escape sequences: CSI (colours, cursor moves), OSC (titles, hyperlinks) and
 * two-character escapes. The UI's own copy, so it needs nothing from node:*.
 */
const ESCAPES = new RegExp(
  [
    '\u001B\\[[0-?]*[ -/]*[@-~]',
    '\u009B[0-?]*[ -/]*[@-~]',
    '\u001B\\][^\u0007\u001B]*(?:\u0007|\u001B\\\\)',
    '\u001B[0-~]',
  ].join('|'),
  'g',
);
export function stripEscapes(text: string): string {
  return text.replace(ESCAPES, '');
}
