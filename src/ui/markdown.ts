import { stripVTControlCharacters } from 'node:util';
import { Marked } from 'marked';
import { markedTerminal } from 'marked-terminal';

const cache = new Map<string, readonly string[]>();

/**
 * Markdown to terminal lines, wrapped to `width`. Without colour every escape code is stripped, so
 * NO_COLOR output is plain text. Memoised: the brief is re-rendered every second with the timer.
 */
export function renderMarkdown(text: string, width: number, color: boolean): readonly string[] {
  const key = `${width}\u0000${color}\u0000${text}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const marked = new Marked(
    markedTerminal({
      width: Math.max(20, width),
      reflowText: true,
      tab: 2,
      showSectionPrefix: false,
    }) as never,
  );
  let out: string;
  try {
    out = String(marked.parse(text, { async: false }));
  } catch {
    out = text;
  }
  if (!color) out = stripVTControlCharacters(out);
  const lines = out.replace(/\n+$/, '').split('\n');
  // Collapse runs of blank lines: the screen is small.
  const compact = lines.filter((line, i) => line.trim() !== '' || (lines[i - 1] ?? '').trim() !== '');
  if (cache.size > 50) cache.clear();
  cache.set(key, compact);
  return compact;
}
