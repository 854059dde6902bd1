import { render } from 'ink-testing-library';
import { App, type Timing } from '../../../src/ui/App.js';
import { type AppState, initialState } from '../../../src/ui/state.js';
import type { UiServices } from '../../../src/ui/ui-services.js';

export const KEY = {
  up: '\u001B[A',
  down: '\u001B[B',
  enter: '\r',
  escape: '\u001B',
  backspace: '\u007F',
  ctrlC: '\u0003',
  pageDown: '\u001B[6~',
} as const;

/** Tests drive checks by hand (file changes, `r`) unless they ask for a poll; the clock does not tick. */
export const TEST_TIMING: Timing = { pollMs: 0, tickMs: 0 };

export function renderApp(services: UiServices, initial?: AppState, timing: Timing = TEST_TIMING) {
  return render(
    <App
      services={services}
      initial={initial ?? initialState({ notices: services.notices })}
      color={false}
      timing={timing}
    />,
  );
}

/**
 * Waits until the last frame satisfies `predicate`. Input written to stdin lands on a later tick
 * (React 19 batches), so every keystroke in a test is followed by one of these.
 */
export async function waitFor(
  lastFrame: () => string | undefined,
  predicate: (frame: string) => boolean,
  timeoutMs = 5000,
): Promise<string> {
  const started = Date.now();
  for (;;) {
    const frame = lastFrame() ?? '';
    if (predicate(frame)) return frame;
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting; last frame:\n${frame}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/**
 * Ink attaches input handlers in effects, which run just after a frame is drawn: a key written the
 * moment a frame appears can reach the previous screen's handler. Real typing is never that fast.
 */
export const settle = () => new Promise((resolve) => setTimeout(resolve, 30));

/** Writes a key (once the screen's handlers are attached) and waits until the frame shows `until`. */
export async function press(
  app: { stdin: { write(data: string): void }; lastFrame: () => string | undefined },
  key: string,
  until: string | ((frame: string) => boolean),
  timeoutMs?: number,
): Promise<string> {
  await settle();
  app.stdin.write(key);
  return waitFor(app.lastFrame, typeof until === 'string' ? (f) => f.includes(until) : until, timeoutMs);
}
