import fs from 'node:fs';
import path from 'node:path';
import { cleanup } from 'ink-testing-library';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { uiServicesFrom } from '../../src/cli/compose.js';
import type { StepEvent } from '../../src/engine/ports.js';
import type { Trainer } from '../../src/engine/trainer.js';
import { initialState } from '../../src/ui/state.js';
import type { LabCreateResult, LabStatus, UiServices } from '../../src/ui/ui-services.js';
import { KEY, press, renderApp, settle, waitFor } from './helpers/render.js';
import { type Fixture, fixtureTrainer, makeFixture, removeFixture } from './helpers/scenario-fixture.js';

let fixture: Fixture;
let trainer: Trainer;
/** The clock the UI reads; tests move it by hand. */
let clock: number;

/** A createLab the test drives: it emits the step events and decides how the run ends. */
function fakeLab() {
  let onStep: ((e: StepEvent) => void) | undefined;
  let signal: AbortSignal | undefined;
  let finish: ((r: LabCreateResult) => void) | undefined;
  const createLab = vi.fn(
    (step: (e: StepEvent) => void, sig: AbortSignal) =>
      new Promise<LabCreateResult>((resolve) => {
        onStep = step;
        signal = sig;
        finish = resolve;
      }),
  );
  return {
    createLab,
    emit: (e: StepEvent) => onStep?.(e),
    finish: (r: LabCreateResult) => finish?.(r),
    signal: () => signal,
  };
}

function services(extras: Parameters<typeof uiServicesFrom>[2]): UiServices {
  return uiServicesFrom(trainer, [], { now: () => clock, watch: () => () => {}, ...extras });
}

function makeClusterScenario() {
  const dir = path.join(fixture.scenarios, 'tls-on');
  const yaml = fs.readFileSync(path.join(dir, 'scenario.yaml'), 'utf8').replace('lab: none', 'lab: cluster');
  fs.writeFileSync(path.join(dir, 'scenario.yaml'), yaml);
}

const OFFER = 'This scenario needs a lab cluster. Create one now? (y/n)';
/** The live timer needs ticks; every other test keeps the frozen clock of TEST_TIMING. */
const TICKING = { pollMs: 0, tickMs: 20 };

beforeEach(() => {
  fixture = makeFixture();
  clock = Date.parse('2030-01-01T00:00:00Z');
  vi.stubEnv('K8S_HARDEN_LAB_HOME', fixture.home);
  ({ trainer } = fixtureTrainer(fixture, () => new Date('2030-01-01T00:00:00Z')));
});

afterEach(() => removeFixture(fixture));

/** No lab yet; from the home screen, `L` starts creating one through a fake service. */
async function creatingLabFromHome() {
  const lab = fakeLab();
  const app = renderApp(services({ labStatus: async () => undefined, createLab: lab.createLab }));
  await waitFor(app.lastFrame, (f) => f.includes('Turn TLS on'));
  await press(app, 'L', 'Create one now?');
  await press(app, 'y', 'Creating the lab cluster');
  return { lab, app };
}

describe('lab offer and lab screen', () => {
  it('offers a lab for a cluster scenario without one; y creates it with live step times; success comes back with a fresh lab line', async () => {
    // Given a cluster scenario and no lab yet
    makeClusterScenario();
    const lab = fakeLab();
    let status: LabStatus | undefined;
    const labStatus = vi.fn(async () => status);
    const app = renderApp(
      services({ labStatus, createLab: lab.createLab }),
      initialState({ scenario: { id: 'tls-on', setUp: false, attempt: null } }),
      TICKING,
    );

    // When it opens, the offer is made; y opens the lab screen and calls the service
    await waitFor(app.lastFrame, (f) => f.includes(OFFER));
    await press(app, 'y', 'Creating the lab cluster');
    expect(lab.createLab).toHaveBeenCalledTimes(1);

    // A running step shows a spinner and a live timer from the clock
    lab.emit({ type: 'start', step: 'install Debian packages' });
    clock += 3_000;
    await waitFor(app.lastFrame, (f) => /install Debian packages +3s…/.test(f));
    // A done step shows its mark and the provider's final time; the next one runs with its last line
    lab.emit({ type: 'done', step: 'install Debian packages', ms: 3_240 });
    lab.emit({ type: 'start', step: 'build Kubernetes binaries' });
    lab.emit({ type: 'progress', step: 'build Kubernetes binaries', line: 'go build ./cmd/kubelet' });
    clock += 65_000;
    const running = await waitFor(app.lastFrame, (f) => /build Kubernetes binaries +1m 05s…/.test(f));
    expect(running).toMatch(/✔ install Debian packages +3\.2s/);
    expect(running).toContain('    go build ./cmd/kubelet');
    expect(running).toContain('⏱ 1m 08s');
    expect(running).toContain('esc cancel');

    // When it succeeds, the learner is back on the scenario and the lab line is read again
    lab.emit({ type: 'done', step: 'build Kubernetes binaries', ms: 65_000 });
    status = { provider: 'kind', cluster: 'khl', health: 'healthy' };
    lab.finish({ ok: true, changed: true, message: 'the kind lab khl is up (1 control plane, 1 worker)' });
    const back = await waitFor(app.lastFrame, (f) => f.includes('lab: kind khl (healthy)'));
    expect(back).toContain('Lab ready: the kind lab khl is up');
    expect(back).not.toContain(OFFER);
    expect(labStatus.mock.calls.length).toBeGreaterThanOrEqual(2);
  });

  it('n declines the offer; s asks again rather than setting up without a lab', async () => {
    makeClusterScenario();
    const lab = fakeLab();
    const app = renderApp(
      services({ labStatus: async () => ({ provider: 'kind', health: 'down' }), createLab: lab.createLab }),
      initialState({ scenario: { id: 'tls-on', setUp: false, attempt: null } }),
    );
    await waitFor(app.lastFrame, (f) => f.includes(OFFER));
    await press(app, 'n', 'No lab yet: setup needs one.');
    await press(app, 's', OFFER);
    expect(lab.createLab).not.toHaveBeenCalled();
    expect(trainer.isSetUp(trainer.get('tls-on'))).toBe(false);
  });

  it('makes no offer for a healthy lab or a cluster-free scenario', async () => {
    makeClusterScenario();
    const lab = fakeLab();
    const app = renderApp(
      services({
        labStatus: async () => ({ provider: 'kind', health: 'healthy' }),
        createLab: lab.createLab,
      }),
      initialState({ scenario: { id: 'tls-on', setUp: false, attempt: null } }),
    );
    await waitFor(app.lastFrame, (f) => f.includes('lab: kind (healthy)'));
    await settle();
    expect(app.lastFrame()).not.toContain(OFFER);
    cleanup();

    const other = renderApp(
      services({ labStatus: async () => undefined, createLab: lab.createLab }),
      initialState({ scenario: { id: 'audit-log', setUp: false, attempt: null } }),
    );
    await waitFor(other.lastFrame, (f) => f.includes('local workspace, no cluster'));
    await settle();
    expect(other.lastFrame()).not.toContain(OFFER);
  });

  it('L on the list says which lab is in use when there is one', async () => {
    const lab = fakeLab();
    const app = renderApp(
      services({
        labStatus: async () => ({
          provider: 'kind',
          cluster: 'khl',
          health: 'degraded',
          detail: 'not Ready: w',
        }),
        createLab: lab.createLab,
      }),
    );
    const home = await waitFor(app.lastFrame, (f) => f.includes('Turn TLS on'));
    expect(home).toContain('L lab');
    await press(app, 'L', 'Lab in use: kind khl (degraded: not Ready: w).');
    expect(lab.createLab).not.toHaveBeenCalled();
  });

  it('a failure names the step, the command, the log file and the next step; enter goes back', async () => {
    const { lab, app } = await creatingLabFromHome();
    lab.emit({ type: 'start', step: 'kubeadm init' });
    lab.emit({
      type: 'fail',
      step: 'kubeadm init',
      ms: 42_000,
      command: 'kubeadm init --config /lab/kubeadm.yaml',
      logFile: '/var/lib/khl/logs/kubeadm-init.log',
    });
    lab.finish({
      ok: false,
      step: 'kubeadm init',
      message: 'the apiserver did not answer',
      logFile: '/var/lib/khl/logs/kubeadm-init.log',
    });
    const failed = await waitFor(app.lastFrame, (f) => f.includes('Creating the lab cluster failed'));
    expect(failed).toMatch(/✘ kubeadm init +42s/);
    expect(failed).toContain('✘ Failed at "kubeadm init": the apiserver did not answer');
    expect(failed).toContain('command: kubeadm init --config /lab/kubeadm.yaml');
    expect(failed).toContain('log:     /var/lib/khl/logs/kubeadm-init.log');
    expect(failed).toContain('k8s-harden-lab down');
    expect(failed).toContain('enter back');
    const home = await press(app, KEY.enter, 'Type / to filter');
    expect(home).toContain('No lab: creating it failed at "kubeadm init".');
  });

  it('esc asks before cancelling; y aborts the signal and the screen says what is left', async () => {
    const { lab, app } = await creatingLabFromHome();
    lab.emit({ type: 'start', step: 'build images' });
    await waitFor(app.lastFrame, (f) => f.includes('build images'));

    // n keeps it running
    await press(app, KEY.escape, 'Stop creating the lab?');
    await press(app, 'n', 'esc cancel');
    expect(lab.signal()?.aborted).toBe(false);

    // y aborts it; the run ends as cancelled once the service returns
    await press(app, KEY.escape, 'Stop creating the lab?');
    await press(app, 'y', 'Stopping the lab creation…');
    expect(lab.signal()?.aborted).toBe(true);
    lab.finish({ ok: false, step: 'build images', message: 'cancelled' });
    const cancelled = await waitFor(app.lastFrame, (f) => f.includes('was cancelled'));
    expect(cancelled).toContain('run `k8s-harden-lab down` before creating it again');
    expect(cancelled).toMatch(/✘ build images/);
    const home = await press(app, KEY.escape, 'Type / to filter');
    expect(home).toContain('Lab creation cancelled.');
  });

  it('a service that throws ends the run as a failure instead of hanging', async () => {
    const app = renderApp(
      services({
        labStatus: async () => undefined,
        createLab: async () => {
          throw new Error('boom');
        },
      }),
    );
    await waitFor(app.lastFrame, (f) => f.includes('Turn TLS on'));
    await press(app, 'L', 'Create one now?');
    const failed = await press(app, 'y', 'Creating the lab cluster failed');
    expect(failed).toContain('Failed at "create the lab": boom');
  });

  it('`L` on the home screen asks before creating a lab; any key but y leaves it (issue 13.7)', async () => {
    const lab = fakeLab();
    const app = renderApp(services({ labStatus: async () => undefined, createLab: lab.createLab }));
    await waitFor(app.lastFrame, (f) => f.includes('Turn TLS on'));
    const asked = await press(app, 'L', 'Create one now?');
    expect(asked).toContain('y/n');
    expect(lab.createLab).not.toHaveBeenCalled();
    await press(app, 'L', 'No lab created.');
    expect(lab.createLab).not.toHaveBeenCalled();
    await press(app, 'L', 'Create one now?');
    await press(app, 'y', 'Creating the lab cluster');
    expect(lab.createLab).toHaveBeenCalledTimes(1);
  });

  it('keeps every line of the lab screen within 80 columns', async () => {
    const lab = fakeLab();
    const app = renderApp(services({ labStatus: async () => undefined, createLab: lab.createLab }));
    await waitFor(app.lastFrame, (f) => f.includes('Turn TLS on'));
    // ink-testing-library draws 100 columns wide: make it an 80-column terminal
    Object.defineProperty(app.stdout, 'columns', { value: 80, configurable: true });
    app.stdout.emit('resize');
    await press(app, 'L', 'Create one now?');
    await press(app, 'y', 'Creating the lab cluster');
    lab.emit({ type: 'start', step: 'a step with a very long name '.repeat(5) });
    lab.emit({ type: 'progress', step: 'x', line: 'output '.repeat(30) });
    lab.emit({
      type: 'fail',
      step: 'x',
      ms: 1,
      command: 'cmd '.repeat(40),
      logFile: `/${'log/'.repeat(30)}`,
    });
    lab.finish({ ok: false, step: 'x', message: 'why '.repeat(50) });
    const frame = await waitFor(app.lastFrame, (f) => f.includes('failed'));
    const lines = frame.split('\n');
    for (const line of lines) expect(line.length, line).toBeLessThanOrEqual(80);
    expect(lines.length).toBeLessThanOrEqual(24);
    expect(frame).toContain('k8s-harden-lab down');
  });
});
