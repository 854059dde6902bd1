import { stripEscapes, wrapText } from './text.js';

/**
 * Markdown to terminal lines, wrapped to `width`. marked + marked-terminal (with its syntax
 * highlighter) take about as long to import as Ink itself, so they load after the first frame
 * (`loadMarkdown`); until then a brief shows as wrapped plain text. Without colour every escape
 * code is stripped, so NO_COLOR output is plain text.
 */
type Render = (text: string, width: number) => string;

let render: Render | undefined;
let loading: Promise<void> | undefined;

export function loadMarkdown(): Promise<void> {
  loading ??= Promise.all([import('marked'), import('marked-terminal')]).then(
    ([{ Marked }, { markedTerminal }]) => {
      render = (text, width) =>
        String(
          new Marked(
            markedTerminal({ width, reflowText: true, tab: 2, showSectionPrefix: false }) as never,
          ).parse(text, { async: false }),
        );
    },
  );
  return loading;
}

export function markdownLoaded(): boolean {
  return render !== undefined;
}

const cache = new Map<string, readonly string[]>();

export function renderMarkdown(text: string, width: number, color: boolean): readonly string[] {
  const w = Math.max(20, width);
  if (!render)
    return text
      .replace(/\n+$/, '')
      .split('\n')
      .flatMap((line) => wrapText(line, w));
  const key = `${w}\u0000${color}\u0000${text}`;
  const hit = cache.get(key);
  if (hit) return hit;
  let out: string;
  try {
    out = render(text, w);
  } catch {
    out = text;
  }
  if (!color) out = stripEscapes(out);
  const lines = out.replace(/\n+$/, '').split('\n');
  // Collapse runs of blank lines: the screen is small.
  const compact = lines.filter((line, i) => line.trim() !== '' || (lines[i - 1] ?? '').trim() !== '');
  if (cache.size > 50) cache.clear();
  cache.set(key, compact);
  return compact;
}
