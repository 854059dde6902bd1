import { render } from 'ink';
import type { Scenario } from '../domain/scenario.js';
import { describeError, EXIT, errorMessage } from '../engine/errors.js';
import { App, DEFAULT_TIMING, type Timing } from './App.js';
import { colorEnabled } from './ServicesContext.js';
import { type AppState, initialState, resumeState } from './state.js';
import type { UiServices } from './ui-services.js';

export type RunTuiOptions = {
  readonly scenarioId?: string;
  /** Open on the exam (`k8s-harden-lab exam` in a terminal): a running one resumes, else these draw one. */
  readonly exam?: {
    readonly minutes?: number | undefined;
    readonly tasks?: number | undefined;
    readonly seed?: number | undefined;
  };
};

/** What the terminal UI needs from outside besides its services; all optional, for tests. */
export type RunTuiDeps = {
  readonly stdin?: NodeJS.ReadStream;
  readonly stdout?: NodeJS.WriteStream;
  readonly stderr?: NodeJS.WriteStream;
  readonly env?: NodeJS.ProcessEnv;
  readonly timing?: Timing;
  /**
   * Runs an interactive shell on a lab node with the terminal handed over (inherited stdio). The TUI
   * is unmounted while it runs and comes back on the same screen with a fresh check round.
   */
  readonly nodeShell?: (node: string, scenarioId?: string) => Promise<unknown>;
  /** The same for a cluster-free scenario's workspace shell. */
  readonly workspaceShell?: (scenario: Scenario) => Promise<unknown>;
};

/** OSC 52: the terminal puts the text on its clipboard (tmux needs `set-clipboard on`). */
export function osc52(text: string): string {
  return `\u001B]52;c;${Buffer.from(text, 'utf8').toString('base64')}\u0007`;
}

/** Set by the startup benchmark: draw the first frame, then quit. */
export const EXIT_AFTER_FIRST_FRAME = 'K8S_HARDEN_LAB_EXIT_AFTER_FIRST_FRAME';

const NO_TTY =
  'The terminal UI needs an interactive terminal (stdin and stdout must be a TTY).\n' +
  'next: in scripts use `k8s-harden-lab list`, `start <id> --no-tui`, `check <id>` and `hint <id>`.\n';

/** Opens the terminal UI; resolves to the exit code when the learner quits. */
export async function runTui(
  services: UiServices,
  options: RunTuiOptions,
  deps: RunTuiDeps = {},
): Promise<number> {
  const stdin = deps.stdin ?? process.stdin;
  const stdout = deps.stdout ?? process.stdout;
  const stderr = deps.stderr ?? process.stderr;
  const env = deps.env ?? process.env;
  if (!stdin.isTTY || !stdout.isTTY) {
    stderr.write(NO_TTY);
    return EXIT.usage;
  }

  // The node shell runs between two mounts of the app: quit Ink, hand over the terminal, come back.
  const handover: { run?: (() => Promise<unknown>) | undefined } = {};
  let current: { unmount(): void; clear(): void } | undefined;
  const nodeShell = deps.nodeShell;
  const workspaceShell = deps.workspaceShell;
  const log = services.log;
  /** Runs `shell` between two mounts of the app: quit Ink, hand over the terminal, come back. */
  const handOver = (shell: () => Promise<unknown>) =>
    new Promise<void>((resolve, reject) => {
      handover.run = () => shell().then(() => resolve(), reject);
      current?.clear();
      current?.unmount();
    });
  const ui: UiServices = {
    ...services,
    copy: (text: string) => void stdout.write(osc52(text)),
    ...(nodeShell
      ? { openNodeShell: (node: string, scenarioId?: string) => handOver(() => nodeShell(node, scenarioId)) }
      : {}),
    ...(workspaceShell ? { openWorkspaceShell: (s: Scenario) => handOver(() => workspaceShell(s)) } : {}),
  };

  let state: AppState;
  if (options.scenarioId) {
    const scenario = services.get(options.scenarioId);
    state = initialState({
      scenario: {
        id: scenario.id,
        setUp: services.isSetUp(scenario),
        attempt: services.attempt(scenario.id) ?? null,
      },
      notices: services.notices,
    });
  } else if (options.exam) state = initialState({ notices: services.notices, exam: options.exam });
  else state = initialState({ notices: services.notices });

  const exitAfterFirstFrame = Boolean(env[EXIT_AFTER_FIRST_FRAME]);
  const color = colorEnabled(env);
  try {
    for (;;) {
      let framed = false;
      const instance = render(
        <App
          services={ui}
          initial={state}
          color={color}
          timing={deps.timing ?? DEFAULT_TIMING}
          onState={(s) => {
            state = s;
          }}
        />,
        {
          stdin,
          stdout,
          stderr,
          exitOnCtrlC: false,
          patchConsole: false,
          ...(exitAfterFirstFrame && {
            onRender: () => {
              if (framed) return;
              framed = true;
              setImmediate(() => instance.unmount());
            },
          }),
        },
      );
      current = instance;
      await instance.waitUntilExit();
      current = undefined;
      const run = handover.run;
      handover.run = undefined;
      if (!run) return EXIT.ok;
      stdin.pause();
      try {
        await run();
      } catch (error) {
        log.warn('shell failed', { error: errorMessage(error) });
        stderr.write(`The shell failed: ${describeError(error, log.path()).line}\n`);
      }
      state = resumeState(state);
    }
  } catch (error) {
    log.error('terminal UI crashed', { error: error instanceof Error ? error.stack : String(error) });
    const d = describeError(error, log.path());
    stderr.write(`error: the terminal UI stopped: ${d.message}\nnext: ${d.next}\n`);
    return d.exitCode;
  }
}
