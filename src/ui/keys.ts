/**
 * The one key table. The input handler resolves keys through it, and the help bar and the help
 * overlay are drawn from it, so what the screen says is what the keys do.
 */

/** Where a key is live: the screens, plus the modes that take over input (filtering, a confirmation). */
export type Mode = 'home' | 'filter' | 'scenario' | 'result' | 'lab' | 'help' | 'confirm';

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

const ALL: readonly Mode[] = ['home', 'filter', 'scenario', 'result', 'lab', 'help', 'confirm'];

export const KEY_TABLE: readonly KeyBinding[] = [
  {
    command: 'up',
    keys: ['up'],
    label: '↑',
    description: 'Move the selection up (a scenario, or a check)',
    modes: ['home', 'filter', 'scenario'],
  },
  {
    command: 'down',
    keys: ['down'],
    label: '↓',
    description: 'Move the selection down',
    short: 'move',
    modes: ['home', 'filter', 'scenario'],
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
    modes: ['scenario'],
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
    modes: ['scenario', 'result', 'help'],
  },
  {
    command: 'scroll-down',
    keys: ['pagedown', ']'],
    label: 'PgDn/]',
    description: 'Scroll the brief, solution or debrief down',
    modes: ['scenario', 'result', 'help'],
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
    description: 'Go back (to the scenario list; closes the help)',
    short: 'back',
    modes: ['scenario', 'result', 'help'],
  },
  {
    command: 'continue',
    keys: ['enter'],
    label: 'enter',
    description: 'Back to the scenario list',
    short: 'list',
    modes: ['result'],
  },
  {
    command: 'help',
    keys: ['?'],
    label: '?',
    description: 'Show or close this help',
    short: 'help',
    modes: ['home', 'scenario', 'result', 'lab', 'help'],
  },
  {
    command: 'quit',
    keys: ['q'],
    label: 'q',
    description: 'Quit',
    short: 'quit',
    modes: ['home', 'scenario', 'result', 'help'],
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
