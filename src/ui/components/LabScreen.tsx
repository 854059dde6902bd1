import { Box } from 'ink';
import { useNow } from '../hooks/use-now.js';
import type { Command, Mode } from '../keys.js';
import { useServices, useTheme } from '../ServicesContext.js';
import type { LabRun, LabStepView } from '../state.js';
import { fitLines, formatElapsed, labelled, truncate } from '../text.js';
import { HelpBar } from './HelpBar.js';
import { Lines } from './Lines.js';
import { Text } from './Text.js';

const SPINNER = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
const SPIN_MS = 125;

export const NEXT_AFTER_FAILURE =
  'Next: run `k8s-harden-lab down`, then create the lab again (L on the list, or `k8s-harden-lab up`).';

/** `4.2s` under ten seconds (steps are often that short), else `3m 05s`. */
export function formatStepMs(ms: number): string {
  return ms < 10_000 ? `${(Math.max(0, ms) / 1000).toFixed(1)}s` : formatElapsed(ms);
}

function stepTime(step: LabStepView, now: number): string {
  return step.ms === null ? `${formatElapsed(now - step.startedAt)}…` : formatStepMs(step.ms);
}

/** The lab being created: each step with its mark and time, the last output line, and how it ended. */
export function LabScreen(props: {
  readonly lab: LabRun;
  readonly mode: Mode;
  readonly width: number;
  readonly height: number;
  readonly tickMs: number;
}) {
  const { lab, width } = props;
  const services = useServices();
  const theme = useTheme();
  const live = lab.phase === 'running' || lab.phase === 'cancelling';
  const now = useNow(services.now, live && props.tickMs > 0 ? Math.min(props.tickMs, SPIN_MS) : 0);
  const spinner = SPINNER[Math.floor(now / SPIN_MS) % SPINNER.length] ?? '…';

  const title =
    lab.phase === 'failed'
      ? 'Creating the lab cluster failed'
      : lab.phase === 'cancelled'
        ? 'Creating the lab cluster was cancelled'
        : lab.phase === 'cancelling'
          ? 'Stopping the lab creation…'
          : 'Creating the lab cluster';
  const total = `⏱ ${formatElapsed(now - lab.startedAt)}`;

  const failedStep = [...lab.steps].reverse().find((s) => s.status === 'failed');
  const ending: { lines: string[]; error: boolean } = { lines: [], error: false };
  if (lab.phase === 'failed' && lab.failure) {
    const logFile = failedStep?.logFile ?? lab.failure.logFile;
    ending.error = true;
    ending.lines = [
      ...fitLines(`✘ Failed at "${lab.failure.step}": ${lab.failure.message}`, width, 3),
      ...(failedStep?.command ? labelled('  command: ', failedStep.command, width, 2) : []),
      ...(logFile ? labelled('  log:     ', logFile, width, 2) : []),
      ...fitLines(NEXT_AFTER_FAILURE, width, 2),
    ];
  } else if (lab.phase === 'cancelled')
    ending.lines = fitLines(
      'Cancelled. The lab may be half made: run `k8s-harden-lab down` before creating it again.',
      width,
      2,
    );
  else if (lab.phase === 'cancelling')
    ending.lines = ['Stopping the running step (processes are cancelled, files are left for `down`)…'];
  else if (lab.steps.length === 0) ending.lines = ['Choosing a lab and checking this machine…'];

  const lastLine = live && lab.lastLine ? truncate(`    ${lab.lastLine}`, width) : null;
  // The steps take the room left, so the ending and the keys stay on the bottom lines.
  const room = Math.max(2, props.height - (1 + ending.lines.length + 1));
  const shown = lab.steps.slice(-Math.max(1, room - (lastLine ? 1 : 0)));
  const timeWidth = 9;

  const hidden = new Set<Command>([live ? 'lab-close' : 'lab-cancel']);
  return (
    <Box flexDirection="column" width={width}>
      <Box justifyContent="space-between" width={width}>
        <Text bold={theme.bold} color={lab.phase === 'failed' ? theme.fail : theme.accent} wrap="truncate">
          {truncate(title, width - total.length - 1)}
        </Text>
        <Text>{total}</Text>
      </Box>
      <Box flexDirection="column" height={room}>
        {shown.map((s, i) => {
          const mark = s.status === 'done' ? '✔' : s.status === 'failed' ? '✘' : spinner;
          const color = s.status === 'done' ? theme.ok : s.status === 'failed' ? theme.fail : theme.accent;
          const time = stepTime(s, now).padStart(timeWidth);
          return (
            // Steps may repeat (one per node): the position keeps keys unique and stable.
            // biome-ignore lint/suspicious/noArrayIndexKey: rows only ever append
            <Text key={i} wrap="truncate">
              <Text color={color}>{mark}</Text>{' '}
              {truncate(s.step, width - timeWidth - 3).padEnd(width - timeWidth - 3)}
              <Text color={theme.muted}>{time}</Text>
            </Text>
          );
        })}
        {lastLine !== null && <Text color={theme.muted}>{lastLine}</Text>}
      </Box>
      <Lines lines={ending.lines} color={ending.error ? theme.fail : theme.warn} />
      {lab.confirmCancel ? (
        <Text bold={theme.bold} color={theme.warn} wrap="truncate">
          {truncate('Stop creating the lab? It may be left half made.  y / n', width)}
        </Text>
      ) : (
        <HelpBar mode={props.mode} width={width} hidden={hidden} />
      )}
    </Box>
  );
}
