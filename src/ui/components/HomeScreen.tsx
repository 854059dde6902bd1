import { Box } from 'ink';
import { DOMAINS } from '../../domain/scenario.js';
import { groupOf, type HomeItem } from '../home-model.js';
import type { Mode } from '../keys.js';
import { useTheme } from '../ServicesContext.js';
import type { HomeState } from '../state.js';
import { fitLines, truncate, windowAround } from '../text.js';
import { HelpBar } from './HelpBar.js';
import { Lines } from './Lines.js';
import { Text } from './Text.js';

type Row =
  | { readonly kind: 'group'; readonly text: string }
  | { readonly kind: 'item'; readonly item: HomeItem; readonly index: number };

const FIXED = 2 + 6 + 1 + 6 + 1 + 5 + 1 + 7 + 1 + 9;

function itemText(item: HomeItem, width: number): string {
  if (item.kind === 'invalid') return truncate(`invalid ${item.id}: ${item.reason}`, width - 2);
  const titleWidth = Math.max(10, width - FIXED - 1);
  const best = item.best === null ? '' : `best ${item.best}%`;
  return [
    item.status.padEnd(5),
    truncate(item.title, titleWidth).padEnd(titleWidth),
    item.difficulty.padEnd(6),
    `~${item.minutes}m`.padStart(5),
    item.lab.padEnd(7),
    best.padStart(9),
  ].join(' ');
}

export function HomeScreen(props: {
  readonly home: HomeState;
  readonly items: readonly HomeItem[];
  readonly total: number;
  readonly done: number;
  readonly notices: readonly string[];
  readonly mode: Mode;
  readonly width: number;
  readonly height: number;
  /** From the learning record: a scenario's solve-time sparkline (and trend), and the next-up line. */
  readonly trend?: (id: string) => string;
  readonly nextUp?: string | null;
}) {
  const theme = useTheme();
  const { home, items, width } = props;
  const selected = items[home.selected];

  const rows: Row[] = [];
  let group = '';
  items.forEach((item, index) => {
    const g = groupOf(item);
    if (g !== group) rows.push({ kind: 'group', text: g });
    group = g;
    rows.push({ kind: 'item', item, index });
  });

  const notices = props.notices.flatMap((n) => fitLines(`Note: ${n}`, width, 4));
  const detail = !selected
    ? []
    : selected.kind === 'invalid'
      ? fitLines(
          `${selected.id}: ${selected.reason}${selected.problems > 1 ? ` (+${selected.problems - 1} more)` : ''}`,
          width,
          2,
        )
      : fitLines(
          `${selected.id} · ${DOMAINS[selected.domain]}${selected.cis.length ? ` · CIS ${selected.cis.join(', ')}` : ''}${
            props.trend?.(selected.id) ? ` · solve times ${props.trend(selected.id)}` : ''
          }`,
          width,
          2,
        );
  const nextUp = props.nextUp ? fitLines(props.nextUp, width, 1) : [];
  const message = home.message ? fitLines(home.message, width, 2) : [];
  const used = 1 + notices.length + 1 + detail.length + nextUp.length + message.length + 1;
  const listHeight = Math.max(3, props.height - used);
  const selectedRow = rows.findIndex((r) => r.kind === 'item' && r.index === home.selected);
  const [start, end] = windowAround(Math.max(0, selectedRow), rows.length, listHeight);

  const filterLine = home.filtering
    ? `Filter: ${home.filter}▏  (enter opens, esc clears)`
    : home.filter
      ? `Filter: ${home.filter}  (/ edits, esc clears)`
      : 'Type / to filter · enter opens a scenario · ? shows every key';
  const title = 'k8s-harden-lab · Kubernetes hardening trainer';
  const count = `${props.done}/${props.total} done`;

  return (
    <Box flexDirection="column" width={width}>
      <Box justifyContent="space-between" width={width}>
        <Text bold={theme.bold} color={theme.accent} wrap="truncate">
          {truncate(title, width - count.length - 1)}
        </Text>
        <Text>{count}</Text>
      </Box>
      <Lines lines={notices} color={theme.warn} />
      <Text color={home.filtering ? theme.accent : theme.muted} wrap="truncate">
        {truncate(filterLine, width)}
      </Text>
      <Box flexDirection="column" height={listHeight}>
        {rows.length === 0 ? (
          <Text>{props.total === 0 ? 'No scenarios found.' : 'No scenario matches the filter.'}</Text>
        ) : (
          rows.slice(start, end).map((row) =>
            row.kind === 'group' ? (
              <Text key={`group:${row.text}`} bold={theme.bold} wrap="truncate">
                {truncate(row.text, width)}
              </Text>
            ) : (
              <Text
                key={`item:${row.item.kind}:${row.item.id}`}
                wrap="truncate"
                inverse={theme.color && row.index === home.selected}
                color={
                  row.item.kind === 'invalid'
                    ? theme.fail
                    : row.item.status === 'done'
                      ? theme.ok
                      : row.item.status === 'tried'
                        ? theme.warn
                        : undefined
                }
              >
                {row.index === home.selected ? '› ' : '  '}
                {itemText(row.item, width)}
              </Text>
            ),
          )
        )}
      </Box>
      <Lines lines={detail} color={theme.muted} />
      <Lines lines={nextUp} color={theme.accent} />
      <Lines lines={message} color={theme.warn} />
      <HelpBar mode={props.mode} width={width} />
    </Box>
  );
}
