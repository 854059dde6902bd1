import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { uiServicesFrom } from '../../src/cli/compose.js';
import type { Trainer } from '../../src/engine/trainer.js';
import { initialState } from '../../src/ui/state.js';
import type { UiServices } from '../../src/ui/ui-services.js';
import { KEY, press, renderApp, waitFor } from './helpers/render.js';
import { type Fixture, fixtureTrainer, makeFixture, removeFixture } from './helpers/scenario-fixture.js';

let fixture: Fixture;
let trainer: Trainer;

/** A watcher the test fires by hand, so a file change triggers exactly one round, deterministically. */
function manualWatch() {
  const listeners = new Set<() => void>();
  return {
    watch: (_s: unknown, onChange: () => void) => {
      listeners.add(onChange);
      return () => listeners.delete(onChange);
    },
    fire: () => {
      for (const l of listeners) l();
    },
    count: () => listeners.size,
  };
}

function services(extras: Parameters<typeof uiServicesFrom>[2] = {}, notices: string[] = []): UiServices {
  return uiServicesFrom(trainer, notices, { now: () => Date.parse('2030-01-01T00:05:00Z'), ...extras });
}

beforeEach(() => {
  fixture = makeFixture();
  vi.stubEnv('K8S_HARDEN_LAB_HOME', fixture.home);
  ({ trainer } = fixtureTrainer(fixture, () => new Date('2030-01-01T00:00:00Z')));
});

afterEach(() => removeFixture(fixture));

describe('home screen', () => {
  it('groups scenarios by domain, shows invalid ones with their reason, moves and filters', async () => {
    // Given two valid scenarios in two domains and a broken one
    const app = renderApp(services({}, ['Your progress file was damaged']));
    const first = await waitFor(app.lastFrame, (f) => f.includes('Cluster Hardening'));
    expect(first).toContain('Monitoring, Logging and Runtime Security');
    expect(first).toContain('› new   Turn TLS on in app.yaml');
    expect(first).toMatch(/invalid broken-one: .*domain/);
    expect(first).toContain('Note: Your progress file was damaged');
    expect(first).toContain('0/3 done');

    // When the learner moves down, the selection follows and the notice is gone
    const moved = await press(app, KEY.down, '› new   Keep an audit log');
    expect(moved).not.toContain('Note: Your progress file');

    // When they filter with / and type
    await press(app, '/', 'Filter: ▏');
    await press(app, 'a', 'Filter: a▏');
    const filtered = await press(app, 'u', 'Filter: au▏');
    expect(filtered).toContain('Keep an audit log');
    expect(filtered).not.toContain('Turn TLS on');
    // q types into the filter rather than quitting
    await press(app, 'q', 'No scenario matches the filter.');
    await press(app, KEY.backspace, 'Keep an audit log');

    // Esc clears the filter
    const cleared = await press(app, KEY.escape, 'Type / to filter');
    expect(cleared).toContain('Turn TLS on in app.yaml');
  });

  it('says why an invalid scenario does not open', async () => {
    const app = renderApp(services());
    await waitFor(app.lastFrame, (f) => f.includes('Turn TLS on'));
    await press(app, KEY.down, '› new   Keep an audit log');
    await press(app, KEY.down, '› invalid broken-one');
    const frame = await press(app, KEY.enter, '"broken-one" is invalid');
    expect(frame).toContain('k8s-harden-lab');
  });

  it('draws the help overlay from the key table', async () => {
    const app = renderApp(services());
    await waitFor(app.lastFrame, (f) => f.includes('Turn TLS on'));
    const help = await press(app, '?', 'Keys');
    expect(help).toContain('Filter the scenarios: type part of an id');
    const more = await press(app, KEY.pageDown, 'Reveal the next hint for the first failing check');
    expect(more).toContain('esc or ? closes this help');
    await press(app, KEY.escape, 'Type / to filter');
  });
});

describe('scenario screen with the real trainer', () => {
  it('opens, sets up, gives a hint that costs points, and turns a check green when the file is fixed', async () => {
    const watcher = manualWatch();
    const app = renderApp(services({ watch: watcher.watch }));
    await waitFor(app.lastFrame, (f) => f.includes('Turn TLS on'));

    // Open: the brief is rendered from markdown, with workspace and shell line
    await press(app, KEY.enter, 'Not set up yet: press s');
    // Markdown rendered (the emphasis markers are gone) once the renderer has loaded
    const opened = await waitFor(app.lastFrame, (f) =>
      f.includes('The app in your workspace serves plain HTTP.'),
    );
    const workspace = path.join(fixture.home, 'workspaces', 'tls-on');
    expect(opened).toContain(`Workspace  ${workspace}`);
    expect(opened).toMatch(/Shell {6}cd /);

    // Start: setup runs, then the first check round
    const started = await press(app, 's', 'Checks: 0/2 graded passing');
    expect(started).toContain('✘ server.tls is true in app.yaml');
    expect(started).toContain('✔ the workspace has app.yaml (not graded)');
    expect(started).toContain('expected: server.tls in app.yaml is `true`');
    expect(started).toContain('actual:   found `false`');
    expect(started).toContain('⏱ 5m score'); // to the minute: drawn again once a minute, not every second
    expect(fs.existsSync(path.join(workspace, 'app.yaml'))).toBe(true);

    // Hint: level, cost and text, and the score's ceiling drops
    const hinted = await press(app, 'h', 'max 95%');
    expect(hinted).toContain('Hint (nudge, −5%) for "server.tls is true in app.yaml": Look at the server');

    // Fix the file: the watcher triggers a round and the check turns green
    fs.writeFileSync(path.join(workspace, 'app.yaml'), 'server:\n  tls: true\n');
    watcher.fire();
    const green = await waitFor(app.lastFrame, (f) => f.includes('✔ server.tls is true in app.yaml'));
    expect(green).toContain('Checks: 1/2 graded passing');
    expect(green).toContain('score 48% (max 95%)');

    // Select the other check: its expected/actual shows
    const second = await press(app, KEY.down, 'expected: exists of notes.txt');

    // The last file completes the scenario: the result screen with the debrief
    expect(second).toContain('actual:   found `false`');
    fs.writeFileSync(path.join(workspace, 'notes.txt'), 'tls on\n');
    await press(app, 'r', '✔ Completed: Turn TLS on in app.yaml');
    const result = app.lastFrame() ?? '';
    expect(result).toContain('Score 95%');
    expect(result).toContain('Why it matters');
    expect(trainer.progress('tls-on')).toMatchObject({ completed: true, bestScore: 95 });

    // Back home: the status is done with the best score
    const back = await press(app, KEY.enter, '1/3 done');
    expect(back).toMatch(/done {2}Turn TLS on in app.yaml.*best 95%/);
  });

  it('re-checks through the real workspace watcher', async () => {
    const workspace = path.join(fixture.home, 'workspaces', 'tls-on');
    await trainer.setup(trainer.get('tls-on'));
    const app = renderApp(
      services(),
      initialState({ scenario: { id: 'tls-on', setUp: true, attempt: trainer.attempt('tls-on') ?? null } }),
    );
    await waitFor(app.lastFrame, (f) => f.includes('✘ server.tls is true in app.yaml'));
    fs.writeFileSync(path.join(workspace, 'app.yaml'), 'server:\n  tls: true\n');
    await waitFor(app.lastFrame, (f) => f.includes('✔ server.tls is true in app.yaml'), 10_000);
  });

  it('resets after a confirmation and forfeits the score when the solution is revealed', async () => {
    await trainer.setup(trainer.get('tls-on'));
    const app = renderApp(
      services({ watch: () => () => {} }),
      initialState({ scenario: { id: 'tls-on', setUp: true, attempt: trainer.attempt('tls-on') ?? null } }),
    );
    await waitFor(app.lastFrame, (f) => f.includes('Checks: 0/2'));

    // Solution: asks first; n cancels, y shows it and the score is forfeited
    await press(app, 'v', 'This attempt will score 0.  y / n');
    await press(app, 'n', '↑↓ move');
    await press(app, 'v', 'y / n');
    const solution = await press(app, 'y', 'score 0 (forfeited)');
    expect(solution).toContain('Reference solution (score forfeited)');
    expect(solution).toContain('tls: true');
    await press(app, KEY.escape, '── Brief');

    // Reset: asks first, then the workspace is gone
    await press(app, 'x', 'Reset this scenario?');
    await press(app, 'y', 'Not set up yet: press s');
    expect(fs.existsSync(path.join(fixture.home, 'workspaces', 'tls-on'))).toBe(false);
  });

  it('s on a scenario already set up asks before starting over: n keeps the work, y wipes it', async () => {
    const workspace = path.join(fixture.home, 'workspaces', 'tls-on');
    await trainer.setup(trainer.get('tls-on'));
    fs.writeFileSync(path.join(workspace, 'notes.txt'), 'my work\n');
    const app = renderApp(
      services({ watch: () => () => {} }),
      initialState({ scenario: { id: 'tls-on', setUp: true, attempt: trainer.attempt('tls-on') ?? null } }),
    );
    await waitFor(app.lastFrame, (f) => f.includes('Checks: 1/2'));

    // n: nothing is touched
    await press(app, 's', 'Start over? Your workspace is wiped');
    await press(app, 'n', '↑↓ move');
    expect(fs.readFileSync(path.join(workspace, 'notes.txt'), 'utf8')).toBe('my work\n');

    // y: set up again from scratch, and the checks run on the fresh workspace
    await press(app, 's', 'Start over?');
    await press(app, 'y', 'Checks: 0/2');
    expect(fs.existsSync(path.join(workspace, 'notes.txt'))).toBe(false);
  });

  it('says when a completed round could not be saved, and records it on a later round', async () => {
    const made = fixtureTrainer(fixture, () => new Date('2030-01-01T00:00:00Z'));
    trainer = made.trainer;
    vi.spyOn(made.progress, 'record').mockImplementationOnce(() => {
      throw new Error('EACCES: permission denied');
    });
    const workspace = path.join(fixture.home, 'workspaces', 'tls-on');
    await trainer.setup(trainer.get('tls-on'));
    fs.writeFileSync(path.join(workspace, 'app.yaml'), 'server:\n  tls: true\n');
    fs.writeFileSync(path.join(workspace, 'notes.txt'), 'done\n');
    const app = renderApp(
      services({ watch: () => () => {} }),
      initialState({ scenario: { id: 'tls-on', setUp: true, attempt: trainer.attempt('tls-on') ?? null } }),
    );
    const frame = await waitFor(app.lastFrame, (f) => f.includes('progress could not be saved'));
    expect(frame).toContain('✔ server.tls is true in app.yaml');
    expect(trainer.progress('tls-on')).toBeUndefined();
    await press(app, 'r', 'Why it matters');
    expect(trainer.progress('tls-on')).toMatchObject({ completed: true });
  });

  it('shows "no lab" for cluster scenarios and, without node shells, names the command that opens one', async () => {
    const dir = path.join(fixture.scenarios, 'tls-on');
    const yaml = fs
      .readFileSync(path.join(dir, 'scenario.yaml'), 'utf8')
      .replace('lab: none', 'lab: cluster');
    fs.writeFileSync(path.join(dir, 'scenario.yaml'), yaml);
    const app = renderApp(
      services(),
      initialState({ scenario: { id: 'tls-on', setUp: false, attempt: null } }),
    );
    await waitFor(app.lastFrame, (f) => f.includes('no lab'));
    const frame = await press(app, 'n', 'No node shell from this screen');
    expect(frame).toContain('k8s-harden-lab node shell control-plane');
    expect(frame).not.toContain('arrive');
  });

  it('renders the lab line from labStatus and opens a node shell through the service', async () => {
    const dir = path.join(fixture.scenarios, 'tls-on');
    const yaml = fs
      .readFileSync(path.join(dir, 'scenario.yaml'), 'utf8')
      .replace('lab: none', 'lab: cluster');
    fs.writeFileSync(path.join(dir, 'scenario.yaml'), yaml);
    const openNodeShell = vi.fn(async () => {});
    const app = renderApp(
      services({
        labStatus: async () => ({ provider: 'kind', cluster: 'khl', health: 'healthy' }),
        openNodeShell,
      }),
      initialState({ scenario: { id: 'tls-on', setUp: false, attempt: null } }),
    );
    await waitFor(app.lastFrame, (f) => f.includes('lab: kind khl (healthy)'));
    app.stdin.write('n');
    await waitFor(app.lastFrame, () => openNodeShell.mock.calls.length > 0);
    expect(openNodeShell).toHaveBeenCalledWith('control-plane', expect.any(String));
  });

  it('quits from the scenario screen with q', async () => {
    const app = renderApp(
      services({ watch: () => () => {} }),
      initialState({ scenario: { id: 'tls-on', setUp: false, attempt: null } }),
    );
    await waitFor(app.lastFrame, (f) => f.includes('Not set up yet'));
    app.stdin.write('q');
    // After exit Ink stops rendering: further keys change nothing.
    await new Promise((r) => setTimeout(r, 50));
    const frame = app.lastFrame();
    app.stdin.write('?');
    await new Promise((r) => setTimeout(r, 50));
    expect(app.lastFrame()).toBe(frame);
  });
});
