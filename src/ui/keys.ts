/**
 * The one key table. The input handler resolves keys through it, and the help bar and the help
 * overlay are drawn from it, so what the screen says is what the keys do.
 */

/** Where a key is live: the screens, plus the modes that take over input (filtering, a confirmation). */
export type Mode =
  | 'home'
  | 'filter'
  | 'scenario'
  | 'result'
  | 'lab'
  | 'help'
  | 'confirm'
  | 'exam-plan'
  | 'exam'
  | 'exam-busy'
  | 'exam-result';

export type Command =
  | 'up'
  | 'down'
  | 'open'
  | 'filter'
  | 'filter-erase'
  | 'filter-clear'
  | 'continue'
  | 'scroll-up'
  | 'scroll-down'
  | 'setup'
  | 'check'
  | 'hint'
  | 'reset'
  | 'solution'
  | 'node-shell'
  | 'workspace-shell'
  | 'copy'
  | 'exam'
  | 'exam-start'
  | 'exam-redraw'
  | 'prev-task'
  | 'next-task'
  | 'flag'
  | 'finish'
  | 'abandon'
  | 'reset-tasks'
  | 'restore'
  | 'debrief'
  | 'lab'
  | 'lab-cancel'
  | 'lab-close'
  | 'yes'
  | 'no'
  | 'back'
  | 'help'
  | 'quit'
  | 'interrupt';

/** A key as Ink reports it: a printable character, or a named key (`up`, `enter`, `ctrl+c`, …). */
export type KeySpec = string;

export type KeyBinding = {
  readonly command: Command;
  readonly keys: readonly KeySpec[];
  /** How the key is written in the help bar and overlay. */
  readonly label: string;
  readonly description: string;
  /** A short word for the help bar; rows without one show only in the overlay. */
  readonly short?: string;
  readonly modes: readonly Mode[];
};

const ALL: readonly Mode[] = [
  'home',
  'filter',
  'scenario',
  'result',
  'lab',
  'help',
  'confirm',
  'exam-plan',
  'exam',
  'exam-busy',
  'exam-result',
];

export const KEY_TABLE: readonly KeyBinding[] = [
  {
    command: 'up',
    keys: ['up'],
    label: '↑',
    description: 'Move the selection up (a scenario, a check, or a task of the exam result)',
    modes: ['home', 'filter', 'scenario', 'exam-result'],
  },
  {
    command: 'down',
    keys: ['down'],
    label: '↓',
    description: 'Move the selection down',
    short: 'move',
    modes: ['home', 'filter', 'scenario', 'exam-result'],
  },
  {
    command: 'open',
    keys: ['enter'],
    label: 'enter',
    description: 'Open the selected scenario',
    short: 'open',
    modes: ['home', 'filter'],
  },
  {
    command: 'filter',
    keys: ['/'],
    label: '/',
    description: 'Filter the scenarios: type part of an id, title, domain or difficulty',
    short: 'filter',
    modes: ['home'],
  },
  {
    command: 'filter-erase',
    keys: ['backspace'],
    label: 'backspace',
    description: 'Erase the last filter character (any other key types into the filter)',
    modes: ['filter'],
  },
  {
    command: 'filter-clear',
    keys: ['escape'],
    label: 'esc',
    description: 'Clear the filter',
    short: 'clear',
    modes: ['filter'],
  },
  {
    command: 'setup',
    keys: ['s'],
    label: 's',
    description:
      'Set up (start) the scenario: create the workspace and a new attempt; once set up, start over (asks first)',
    short: 'setup',
    modes: ['scenario'],
  },
  {
    command: 'check',
    keys: ['r'],
    label: 'r',
    description: 'Re-check now (checks also re-run when workspace files change)',
    short: 'check',
    modes: ['scenario'],
  },
  {
    command: 'hint',
    keys: ['h'],
    label: 'h',
    description: 'Reveal the next hint for the first failing check (costs points)',
    short: 'hint',
    modes: ['scenario'],
  },
  {
    command: 'reset',
    keys: ['x'],
    label: 'x',
    description: 'Reset the scenario: remove the workspace; hints taken still count (asks first)',
    short: 'reset',
    modes: ['scenario'],
  },
  {
    command: 'solution',
    keys: ['v'],
    label: 'v',
    description: 'View the reference solution (forfeits the score; asks first)',
    short: 'solution',
    modes: ['scenario'],
  },
  {
    command: 'node-shell',
    keys: ['n'],
    label: 'n',
    description: 'Open a shell on a lab node (cluster scenarios); checks re-run after it',
    modes: ['scenario', 'exam'],
  },
  {
    command: 'workspace-shell',
    keys: ['t'],
    label: 't',
    description:
      "Open a terminal in the workspace (cluster-free scenarios): bash with the scenario's HOME, KUBECONFIG and prompt; checks re-run after it",
    short: 'terminal',
    modes: ['scenario', 'exam'],
  },
  {
    command: 'copy',
    keys: ['c'],
    label: 'c',
    description: 'Copy the shell line to the clipboard (OSC 52; in tmux: set -g set-clipboard on)',
    modes: ['scenario', 'exam'],
  },
  {
    command: 'prev-task',
    keys: ['left', ','],
    label: '←/,',
    description: 'The previous task of the exam',
    modes: ['exam'],
  },
  {
    command: 'next-task',
    keys: ['right', '.'],
    label: '→/.',
    description: 'The next task of the exam',
    short: 'task',
    modes: ['exam'],
  },
  {
    command: 'flag',
    keys: ['f'],
    label: 'f',
    description: 'Flag the task for review (again to unflag)',
    short: 'flag',
    modes: ['exam'],
  },
  {
    command: 'finish',
    keys: ['F'],
    label: 'F',
    description: 'Finish the exam now: the checks run once, frozen, and are scored (asks first)',
    short: 'finish',
    modes: ['exam'],
  },
  {
    command: 'abandon',
    keys: ['X'],
    label: 'X',
    description: 'Abandon the exam: every task is reset and nothing is scored (asks first)',
    modes: ['exam'],
  },
  {
    command: 'exam-start',
    keys: ['enter'],
    label: 'enter',
    description: 'Start the exam: set up every task drawn, then the countdown starts',
    short: 'start',
    modes: ['exam-plan'],
  },
  {
    command: 'exam-redraw',
    keys: ['s'],
    label: 's',
    description: 'Draw another exam (a new seed)',
    short: 'redraw',
    modes: ['exam-plan'],
  },
  {
    command: 'reset-tasks',
    keys: ['x'],
    label: 'x',
    description: 'Reset every task of the exam (as `reset` does): the lab and workspaces as before',
    short: 'reset all',
    modes: ['exam-result'],
  },
  {
    command: 'restore',
    keys: ['b'],
    label: 'b',
    description: 'Restore the last working apiserver manifest (offered when the apiserver stays away)',
    short: 'restore',
    modes: ['scenario'],
  },
  {
    command: 'debrief',
    keys: ['d'],
    label: 'd',
    description: 'Show the debrief once every graded check passes',
    modes: ['scenario'],
  },
  {
    command: 'lab',
    keys: ['L'],
    label: 'L',
    description: 'Lab cluster: show the one in use and its health, or create one',
    short: 'lab',
    modes: ['home'],
  },
  {
    command: 'exam',
    keys: ['E'],
    label: 'E',
    description: 'Exam mode: a timed, weighted set of tasks across the CKS domains (resumes a running exam)',
    short: 'exam',
    modes: ['home'],
  },
  {
    command: 'lab-cancel',
    keys: ['escape'],
    label: 'esc',
    description: 'Stop creating the lab (asks first); once it has ended, go back',
    short: 'cancel',
    modes: ['lab'],
  },
  {
    command: 'lab-close',
    keys: ['enter'],
    label: 'enter',
    description: 'Go back to where you were once the lab has failed or been cancelled',
    short: 'back',
    modes: ['lab'],
  },
  {
    command: 'scroll-up',
    keys: ['pageup', '['],
    label: 'PgUp/[',
    description: 'Scroll the brief, solution or debrief up',
    modes: ['scenario', 'result', 'help', 'exam', 'exam-plan', 'exam-result'],
  },
  {
    command: 'scroll-down',
    keys: ['pagedown', ']'],
    label: 'PgDn/]',
    description: 'Scroll the brief, solution or debrief down',
    modes: ['scenario', 'result', 'help', 'exam', 'exam-plan', 'exam-result'],
  },
  {
    command: 'yes',
    keys: ['y'],
    label: 'y',
    description: 'Confirm',
    short: 'yes',
    modes: ['confirm'],
  },
  {
    command: 'no',
    keys: ['n', 'escape'],
    label: 'n/esc',
    description: 'Cancel',
    short: 'no',
    modes: ['confirm'],
  },
  {
    command: 'back',
    keys: ['escape'],
    label: 'esc',
    description: 'Go back (to the scenario list; closes the help; an exam pauses with its time kept)',
    short: 'back',
    modes: ['scenario', 'result', 'help', 'exam', 'exam-plan', 'exam-result'],
  },
  {
    command: 'continue',
    keys: ['enter'],
    label: 'enter',
    description: 'Back to the scenario list',
    short: 'list',
    modes: ['result', 'exam-result'],
  },
  {
    command: 'help',
    keys: ['?'],
    label: '?',
    description: 'Show or close this help',
    short: 'help',
    modes: ['home', 'scenario', 'result', 'lab', 'help', 'exam', 'exam-plan', 'exam-result'],
  },
  {
    command: 'quit',
    keys: ['q'],
    label: 'q',
    description: 'Quit (a running exam pauses, its time kept)',
    short: 'quit',
    modes: ['home', 'scenario', 'result', 'help', 'exam', 'exam-plan', 'exam-result'],
  },
  {
    command: 'interrupt',
    keys: ['ctrl+c'],
    label: 'ctrl+c',
    description: 'Quit from anywhere (also while filtering or confirming)',
    modes: ALL,
  },
];

/** What Ink's useInput hands us, reduced to the flags the table uses. */
export type KeyEvent = {
  readonly upArrow?: boolean;
  readonly downArrow?: boolean;
  readonly leftArrow?: boolean;
  readonly rightArrow?: boolean;
  readonly return?: boolean;
  readonly escape?: boolean;
  readonly pageUp?: boolean;
  readonly pageDown?: boolean;
  readonly backspace?: boolean;
  readonly delete?: boolean;
  readonly ctrl?: boolean;
  readonly meta?: boolean;
};

/** The KeySpec an input event is, or undefined for keys the table never names. */
export function keySpecOf(input: string, key: KeyEvent): KeySpec | undefined {
  if (key.ctrl && input === 'c') return 'ctrl+c';
  if (key.upArrow) return 'up';
  if (key.downArrow) return 'down';
  if (key.leftArrow) return 'left';
  if (key.rightArrow) return 'right';
  if (key.return) return 'enter';
  if (key.escape) return 'escape';
  if (key.pageUp) return 'pageup';
  if (key.pageDown) return 'pagedown';
  if (key.backspace || key.delete) return 'backspace';
  if (key.ctrl || key.meta) return undefined;
  return input.length === 1 ? input : undefined;
}

/** The command a key means in a mode, if any. */
export function commandFor(mode: Mode, input: string, key: KeyEvent): Command | undefined {
  const spec = keySpecOf(input, key);
  if (spec === undefined) return undefined;
  return KEY_TABLE.find((b) => b.modes.includes(mode) && b.keys.includes(spec))?.command;
}

/** Rows live in a mode, in table order. */
export function bindingsFor(mode: Mode): readonly KeyBinding[] {
  return KEY_TABLE.filter((b) => b.modes.includes(mode));
}

/** Help bar items for a mode that fit in `width` columns; `? help` is kept whenever it is live. */
export function helpBarItems(
  mode: Mode,
  width: number,
  hidden: ReadonlySet<Command> = new Set(),
): readonly string[] {
  const rows = bindingsFor(mode).filter((b) => b.short && !hidden.has(b.command));
  const label = (b: KeyBinding) => (b.command === 'down' ? '↑↓' : b.label);
  const items = rows.map((b) => ({ command: b.command, text: `${label(b)} ${b.short}` }));
  const help = items.find((i) => i.command === 'help');
  const quit = items.find((i) => i.command === 'quit');
  const reserved = [help, quit].filter((i) => i !== undefined);
  const sep = 2;
  let used = reserved.reduce((n, i) => n + i.text.length + sep, 0);
  const out: string[] = [];
  for (const item of items) {
    if (item === help || item === quit) continue;
    if (used + item.text.length + sep > width) continue;
    used += item.text.length + sep;
    out.push(item.text);
  }
  return [...out, ...reserved.map((i) => i.text)];
}
