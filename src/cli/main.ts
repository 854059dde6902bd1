import { type AppServices, createServices, openTui } from './compose.js';
import { type Io, processIo, reportError } from './io.js';

/**
 * Runs the CLI with argv (without node and script) and resolves to the exit code. With no command
 * it opens the terminal UI, as the command line's own action would, without building the command
 * line first: commander and the commands' modules (cli/program.ts) load for a command only, not
 * before the home screen's first frame.
 */
export async function main(argv: readonly string[], io: Io = processIo()): Promise<number> {
  let services: AppServices | undefined;
  // The TUI shows notices itself; plain commands print them once on stderr.
  const getServices = (printNotices = true) => {
    if (!services) {
      services = createServices();
      if (printNotices) for (const notice of services.notices) io.err(`note: ${notice}`);
    }
    return services;
  };
  if (argv.length === 0) {
    try {
      return await openTui(getServices(false), {}, io.env);
    } catch (error) {
      return reportError(io, error);
    }
  }
  return (await import('./program.js')).runProgram(argv, io, getServices);
}
