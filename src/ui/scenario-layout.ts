import type { CheckResult } from '../domain/checks.js';
import type { Session, WatchView } from './state.js';
import { fitLines, labelled, truncate, truncateStart, windowAround, wrapText } from './text.js';

/**
 * The scenario screen's layout, as data: which sections show, how many lines each gets and how
 * every text is wrapped or cut at a terminal's width and height. Pure, so it is tested at 80×24,
 * 100×30 and 60×20 without Ink; `ScenarioScreen` draws what it returns and nothing else decides.
 *
 * From top to bottom: title and score, meta, workspace, shell line, the pane's title, the pane
 * (brief or reference solution, scrolled), the checks' head line, the setup log, the waiting
 * banner, the rollback offer, a window of check rows, the selected check's expected/actual, the
 * hint, the message, and the help bar (or a confirm question). The pane takes what is left; when
 * the rest does not fit, the hint, then the check window, then the expected/actual lines give way,
 * so the screen never runs past the terminal's height while at least two pane lines can show.
 */

/** Lines of the pane at least (it gives way to nothing but itself). */
export const MIN_PANE_LINES = 2;
/** The hint's lines at most, and at least when the screen is short. */
const HINT_LINES = 6;
const HINT_LINES_SHORT = 2;
/** Log lines of a waiting window shown under its first line (the apiserver's last lines). */
export const WAITING_LOG_LINES = 4;

export type ScenarioLayoutInput = {
  readonly width: number;
  readonly height: number;
  readonly title: string;
  /** Domain, difficulty, minutes and the lab line, already joined. */
  readonly meta: string;
  /** The workspace path. */
  readonly workspace: string;
  /** The line that opens the learner's shell (shown whole: it is meant to be pasted). */
  readonly shellLine: string;
  readonly session: Session;
  /** The brief as lines at a width (markdown rendered by the caller). */
  readonly brief: (width: number) => readonly string[];
};

export type CheckRow = {
  readonly index: number;
  readonly checkId: string;
  readonly status: CheckResult['status'];
  readonly selected: boolean;
  /** The title with its "(not graded)" / "(waiting)" marks, cut to the row's width. */
  readonly text: string;
};

export type ScenarioLayout = {
  readonly title: string;
  readonly meta: string;
  readonly workspace: string;
  readonly shell: readonly string[];
  readonly pane: {
    readonly kind: 'brief' | 'solution';
    /** The rule above the pane, padded with ─ to the width. */
    readonly title: string;
    /** The visible lines (at most `height`). */
    readonly lines: readonly string[];
    readonly height: number;
    readonly scroll: number;
    readonly maxScroll: number;
    /** Lines one PgUp/PgDn moves. */
    readonly page: number;
  };
  readonly checksHead: string;
  readonly log: readonly string[];
  /** Lines kept for the waiting banner (it draws itself, on the clock); 0 without one. */
  readonly waitingHeight: number;
  readonly offer: readonly string[];
  readonly checks: readonly CheckRow[];
  /** The selected check's expected and actual. */
  readonly detail: readonly string[];
  readonly hint: readonly string[];
  readonly message: readonly string[];
  /** Every line the screen draws (the help bar or confirm line included). */
  readonly total: number;
};

/** A setup, reset or restore is running: the checks and the watch are hidden. */
export function isBusy(session: Session): boolean {
  return session.phase === 'setting-up' || session.phase === 'resetting' || session.phase === 'restoring';
}

/**
 * The waiting window as lines: its first line with how long it has lasted ("apiserver restarting —
 * waiting 12 s (…)"), then the last lines of the apiserver's log it carries.
 */
export function waitingLines(
  waiting: NonNullable<WatchView['waiting']>,
  nowMs: number,
  width: number,
): string[] {
  const [first = '', ...rest] = waiting.reason.split('\n');
  const secs = `${Math.max(0, Math.round((nowMs - waiting.sinceMs) / 1000))} s`;
  const head = first.includes('— waiting')
    ? first.replace('— waiting', `— waiting ${secs}`)
    : `${first} (${secs})`;
  const tail = rest.filter((l) => l.trim() !== '').slice(-WAITING_LOG_LINES);
  return [truncate(head, width), ...tail.map((l) => truncate(l.trimEnd(), width))];
}

/** The line above the check rows: the phase, or how many graded checks pass. */
export function checksHead(session: Session): string {
  if (session.phase === 'setting-up') return 'Setting up…';
  if (session.phase === 'resetting') return 'Resetting…';
  if (session.phase === 'restoring') return 'Restoring the last apiserver manifest that worked…';
  if (session.phase === 'suspended') return 'In a shell; checks re-run when it ends.';
  if (!session.setUp) return 'Not set up yet: press s to create the workspace and start the timer.';
  if (!session.results)
    return session.phase === 'checking' ? 'Checking…' : 'The checks could not run (see below); r retries.';
  const graded = session.results.filter((r) => r.graded);
  const passing = graded.filter((r) => r.status === 'pass').length;
  const waiting = session.results.filter((r) => r.status === 'waiting').length;
  return `Checks: ${passing}/${graded.length} graded passing${waiting > 0 ? ` · ${waiting} waiting` : ''}${
    session.allPass ? ' · all pass! d shows the debrief' : ''
  }${session.phase === 'checking' ? ' · checking…' : ''}`;
}

export function scenarioLayout(input: ScenarioLayoutInput): ScenarioLayout {
  const { width, height, session } = input;
  const busy = isBusy(session);
  const shell = labelled('Shell      ', input.shellLine, width, 99);
  const log = busy && session.log.length > 0 ? session.log.map((l) => truncate(`  ${l}`, width)) : [];
  const rows = session.setUp && !busy ? (session.results ?? []) : [];
  const selected = rows[session.selected];
  let detail = selected
    ? [
        ...labelled('  expected: ', selected.expected, width, 2),
        ...labelled('  actual:   ', selected.actual, width, 2),
      ]
    : [];
  const hintText = session.hint
    ? `Hint (${session.hint.level}, −${Math.round(session.hint.cost * 100)}%) for "${session.hint.checkTitle}": ${session.hint.text}`
    : null;
  let hint = hintText ? fitLines(hintText, width, HINT_LINES) : [];
  const message = session.message ? fitLines(session.message.text, width, 2) : [];
  // The cluster watch: a waiting window (never a failed check) and the offer to roll back.
  const watch = session.setUp && !busy ? session.watch : null;
  const waitingHeight = watch?.waiting ? waitingLines(watch.waiting, 0, width).length : 0;
  const offer =
    watch?.rollbackOffered && watch.notice
      ? fitLines(`${watch.notice} Press b to restore it.`, width, 2)
      : [];
  let checkWindow = Math.min(rows.length, Math.max(3, Math.floor(height / 4)));

  // Title, meta, workspace, pane title, checks head and help bar: one line each.
  const fixedOf = () =>
    6 +
    shell.length +
    log.length +
    waitingHeight +
    offer.length +
    checkWindow +
    detail.length +
    hint.length +
    message.length;
  const over = () => fixedOf() + MIN_PANE_LINES - height;
  // Too little room: the hint, then the check window, then expected/actual give way.
  if (over() > 0 && hintText)
    hint = fitLines(hintText, width, Math.max(HINT_LINES_SHORT, hint.length - over()));
  if (over() > 0) checkWindow = Math.max(Math.min(1, rows.length), checkWindow - over());
  if (over() > 0 && selected)
    detail = [
      ...labelled('  expected: ', selected.expected, width, 1),
      ...labelled('  actual:   ', selected.actual, width, 1),
    ];
  const fixed = fixedOf();
  const paneHeight = Math.max(MIN_PANE_LINES, height - fixed);

  const [start, end] = windowAround(session.selected, rows.length, checkWindow);
  const checks = rows.slice(start, end).map(
    (r, i): CheckRow => ({
      index: start + i,
      checkId: r.checkId,
      status: r.status,
      selected: start + i === session.selected,
      text: truncate(
        `${r.title}${r.graded ? '' : ' (not graded)'}${r.status === 'waiting' ? ' (waiting)' : ''}`,
        width - 4,
      ),
    }),
  );

  const solution = session.pane === 'solution' && session.solution !== null ? session.solution : null;
  const all =
    solution !== null
      ? solution
          .replace(/\n+$/, '')
          .split('\n')
          .flatMap((l) => wrapText(l, width - 2))
      : input.brief(width - 2);
  const maxScroll = Math.max(0, all.length - paneHeight);
  const scroll = Math.min(session.scroll, maxScroll);
  const paneTitle =
    session.pane === 'solution'
      ? 'Reference solution (score forfeited) · esc back to the brief'
      : `Brief${
          all.length > paneHeight
            ? ` · lines ${scroll + 1}–${Math.min(all.length, scroll + paneHeight)} of ${all.length} · PgUp/PgDn`
            : ''
        }`;

  return {
    title: truncate(input.title, Math.max(10, width - 34)),
    meta: truncate(input.meta, width),
    workspace: truncateStart(`Workspace  ${input.workspace}`, width),
    shell,
    pane: {
      kind: session.pane,
      title: truncate(`── ${paneTitle} `.padEnd(width, '─'), width),
      lines: all.slice(scroll, scroll + paneHeight),
      height: paneHeight,
      scroll,
      maxScroll,
      page: Math.max(1, paneHeight - 1),
    },
    checksHead: truncate(checksHead(session), width),
    log,
    waitingHeight,
    offer,
    checks,
    detail,
    hint,
    message,
    total: fixed + paneHeight,
  };
}
