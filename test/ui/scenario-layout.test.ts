import { describe, expect, it } from 'vitest';
import type { CheckResult } from '../../src/domain/checks.js';
import {
  MIN_PANE_LINES,
  type ScenarioLayout,
  type ScenarioLayoutInput,
  scenarioLayout,
} from '../../src/ui/scenario-layout.js';
import { newSession, type Session } from '../../src/ui/state.js';
import { wrapText } from '../../src/ui/text.js';

/** The screen's area in a terminal of `columns` × `rows`, as App gives it (one row kept free). */
const terminal = (columns: number, rows: number) => ({ width: columns, height: rows - 1 });

const BRIEF = Array.from(
  { length: 40 },
  (_, i) => `Paragraph ${i + 1}: set the kubeconfig's current context and check it with kubectl.`,
).join('\n');

const check = (i: number, over: Partial<CheckResult> = {}): CheckResult => ({
  checkId: `c${i}`,
  title: `Check number ${i} of the scenario, with a title long enough to be cut on a narrow terminal`,
  status: i % 2 === 0 ? 'pass' : 'fail',
  expected: 'current-context of my-kube-config is `research`',
  actual: 'found `kubernetes-admin@kubernetes`',
  graded: true,
  weight: 1,
  ...over,
});

const setUp = (over: Partial<Session> = {}): Session => ({
  ...newSession('kubeconfig-contexts', true, null),
  results: Array.from({ length: 8 }, (_, i) => check(i)),
  ...over,
});

function layout(
  size: { width: number; height: number },
  session: Session,
  over: Partial<ScenarioLayoutInput> = {},
) {
  return scenarioLayout({
    ...size,
    title: 'Kubeconfig contexts: point kubectl at the right cluster',
    meta: 'Cluster setup · easy · ~10 min · local workspace, no cluster',
    workspace: '/home/learner/.local/share/k8s-harden-lab/workspaces/kubeconfig-contexts',
    shellLine: 'cd ~/.local/share/k8s-harden-lab/workspaces/kubeconfig-contexts',
    session,
    brief: (w) => wrapText(BRIEF, w),
    ...over,
  });
}

/** Every line the layout gives, in screen order (the waiting banner's lines counted, not drawn). */
function lines(l: ScenarioLayout): string[] {
  return [
    l.title,
    l.meta,
    l.workspace,
    ...l.shell,
    l.pane.title,
    ...l.pane.lines,
    l.checksHead,
    ...l.log,
    ...l.offer,
    ...l.checks.map((r) => `  ${r.text}`),
    ...l.detail,
    ...l.hint,
    ...l.message,
  ];
}

const SIZES = [terminal(80, 24), terminal(100, 30), terminal(60, 20), terminal(40, 13)];

describe('scenarioLayout', () => {
  it('at 80×24 before setup: the brief takes every line the header and help bar leave', () => {
    const l = layout(terminal(80, 24), newSession('kubeconfig-contexts', false, null));
    // title, meta, workspace, one shell line, pane title, checks head, help bar: 7 lines.
    expect(l.pane.height).toBe(23 - 7);
    expect(l.total).toBe(23);
    expect(l.checks).toEqual([]);
    expect(l.detail).toEqual([]);
    expect(l.checksHead).toBe('Not set up yet: press s to create the workspace and start the timer.');
    expect(l.pane.lines).toEqual(wrapText(BRIEF, 78).slice(0, 16));
    expect(l.pane.title).toMatch(/^── Brief · lines 1–16 of \d+ · PgUp\/PgDn ─+$/);
    expect(l.pane.title).toHaveLength(80);
    expect(l.pane.page).toBe(15);
  });

  it('at 80×24 with eight checks: a window of five around the selected one, and its expected/actual', () => {
    const l = layout(terminal(80, 24), setUp({ selected: 6 }));
    expect(l.checks.map((r) => r.index)).toEqual([3, 4, 5, 6, 7]);
    expect(l.checks.filter((r) => r.selected).map((r) => r.index)).toEqual([6]);
    expect(l.checks[0]?.text).toHaveLength(76);
    expect(l.checks[0]?.text.endsWith('…')).toBe(true);
    expect(l.detail).toEqual([
      '  expected: current-context of my-kube-config is `research`',
      '  actual:   found `kubernetes-admin@kubernetes`',
    ]);
    expect(l.checksHead).toBe('Checks: 4/8 graded passing');
    expect(l.pane.height).toBe(23 - 7 - 5 - 2);
    expect(l.total).toBe(23);
  });

  it('at 100×30: seven check rows and a long hint wrapped to six lines at most', () => {
    const hint = {
      checkTitle: 'Check number 1',
      level: 'nudge' as const,
      cost: 0.1,
      text: 'Look at the contexts your kubeconfig defines. '.repeat(20),
    };
    const l = layout(terminal(100, 30), setUp({ hint }));
    expect(l.checks).toHaveLength(7);
    expect(l.hint).toHaveLength(6);
    expect(l.hint[0]).toMatch(/^Hint \(nudge, −10%\) for "Check number 1": Look at/);
    expect(l.hint[5]?.endsWith('…')).toBe(true);
    expect(l.total).toBe(29);
  });

  it('at 60×20 a hint, a message and eight checks still fit: the hint and the window give way', () => {
    const hint = { checkTitle: 'Check number 1', level: 'nudge' as const, cost: 0.1, text: 'x '.repeat(400) };
    const l = layout(
      terminal(60, 20),
      setUp({ hint, selected: 7, message: { kind: 'error', text: 'The checks could not run: '.repeat(6) } }),
    );
    expect(l.total).toBeLessThanOrEqual(19);
    expect(l.pane.height).toBe(MIN_PANE_LINES);
    expect(l.hint.length).toBeLessThan(6);
    expect(l.hint.length).toBeGreaterThanOrEqual(2);
    expect(l.message).toHaveLength(2);
    // The workspace path keeps its end: the folder that tells scenarios apart.
    expect(l.workspace).toHaveLength(60);
    expect(l.workspace).toMatch(/^….*\/workspaces\/kubeconfig-contexts$/);
    expect(l.checks.some((r) => r.selected && r.index === 7)).toBe(true);
  });

  it('on a terminal too small for everything, the selected row and two pane lines remain', () => {
    const hint = { checkTitle: 'c', level: 'nudge' as const, cost: 0.1, text: 'x '.repeat(400) };
    const l = layout(terminal(40, 13), setUp({ hint, selected: 3, message: { kind: 'info', text: 'm' } }));
    expect(l.pane.height).toBe(MIN_PANE_LINES);
    expect(l.checks.map((r) => r.index)).toEqual([3]);
    expect(l.detail.length).toBe(2);
  });

  it.each(SIZES)('at $width wide and $height high no line is wider than the screen', (size) => {
    const hint = { checkTitle: 'c', level: 'nudge' as const, cost: 0.1, text: 'word '.repeat(80) };
    const l = layout(size, setUp({ hint, message: { kind: 'info', text: 'note '.repeat(40) } }));
    for (const line of lines(l)) expect(line.length).toBeLessThanOrEqual(size.width);
    expect(l.pane.height).toBeGreaterThanOrEqual(MIN_PANE_LINES);
  });

  it('the shell line is wrapped whole, never cut (it is meant to be pasted)', () => {
    const shellLine = `ssh -t learner@node ${'--option '.repeat(20)}end`;
    const l = layout(terminal(60, 20), setUp(), { shellLine });
    expect(l.shell.length).toBeGreaterThan(1);
    expect(l.shell[0]?.startsWith('Shell      ssh')).toBe(true);
    expect(l.shell.at(-1)?.endsWith('end')).toBe(true);
    expect(
      l.shell
        .map((s) => s.slice(11))
        .join(' ')
        .split(/\s+/),
    ).toEqual(shellLine.split(/\s+/));
  });

  it('while setting up: the log lines show and the checks, detail and watch do not', () => {
    const l = layout(
      terminal(80, 24),
      setUp({
        phase: 'setting-up',
        log: ['creating the workspace', 'x'.repeat(100)],
        watch: {
          waiting: { reason: 'apiserver restarting — waiting', sinceMs: 0, apiserver: true },
          rollbackOffered: true,
          notice: 'n',
        },
      }),
    );
    expect(l.checksHead).toBe('Setting up…');
    expect(l.log).toEqual(['  creating the workspace', `  ${'x'.repeat(77)}…`]);
    expect(l.checks).toEqual([]);
    expect(l.detail).toEqual([]);
    expect(l.waitingHeight).toBe(0);
    expect(l.offer).toEqual([]);
  });

  it('the waiting banner keeps its lines and the rollback offer is wrapped', () => {
    const l = layout(
      terminal(80, 24),
      setUp({
        watch: {
          waiting: {
            reason: 'apiserver restarting — waiting\nlog 1\nlog 2\n\nlog 3',
            sinceMs: 0,
            apiserver: true,
          },
          rollbackOffered: true,
          notice: 'The apiserver has not come back for 2 minutes after your edit of its manifest.',
        },
      }),
    );
    expect(l.waitingHeight).toBe(4);
    expect(l.offer.join(' ')).toContain('Press b to restore it.');
    expect(l.total).toBe(23);
  });

  it('scrolling is kept within the brief, and the solution pane has its own title', () => {
    const far = layout(terminal(80, 24), newSession('x', false, null));
    const scrolled = layout(terminal(80, 24), { ...newSession('x', false, null), scroll: 10_000 });
    expect(scrolled.pane.scroll).toBe(far.pane.maxScroll);
    expect(scrolled.pane.lines.at(-1)).toBe(wrapText(BRIEF, 78).at(-1));

    const solution = layout(
      terminal(80, 24),
      setUp({ pane: 'solution', solution: 'kubectl config use-context research\n\n' }),
    );
    expect(solution.pane.kind).toBe('solution');
    expect(
      solution.pane.title.startsWith('── Reference solution (score forfeited) · esc back to the brief ─'),
    ).toBe(true);
    expect(solution.pane.lines).toEqual(['kubectl config use-context research']);
  });
});
