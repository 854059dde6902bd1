import { createRequire } from 'node:module';
import { Command, CommanderError, Option } from 'commander';
import { EXIT } from '../engine/errors.js';
import {
  checkCommand,
  hintCommand,
  listCommand,
  progressCommand,
  resetCommand,
  solveCommand,
  startCommand,
  validateCommand,
} from './commands/scenario-commands.js';
import { type Io, processIo, reportError } from './io.js';
import { type AppServices, createServices } from './services.js';

const version = (createRequire(import.meta.url)('../../package.json') as { version: string }).version;

/**
 * Builds the command line. Every action returns an exit code; nothing here calls process.exit,
 * so tests run commands in-process with a captured Io.
 */
export function buildProgram(
  io: Io,
  getServices: () => AppServices,
  setExit: (code: number) => void,
): Command {
  const program = new Command();
  const run = (action: () => Promise<number> | number) => async () => {
    try {
      setExit(await action());
    } catch (error) {
      setExit(reportError(io, error));
    }
  };
  program
    .name('k8s-harden-lab')
    .description(
      'Hands-on Kubernetes hardening trainer (CKS ground) on a real lab cluster.\nWith no command, opens the terminal UI.',
    )
    .version(version, '-v, --version')
    .configureOutput({ writeOut: (s) => io.out(s), writeErr: (s) => io.err(s) })
    .exitOverride()
    .showSuggestionAfterError(true)
    .action(
      run(async () => {
        const { runTui } = await import('../ui/run-tui.js');
        return runTui(getServices(), {});
      }),
    );

  const json = new Option('--json', 'machine-readable output');

  program
    .command('list')
    .description('list the scenarios with status and best score')
    .addOption(json)
    .action((opts: { json?: boolean }) => run(() => listCommand(getServices(), io, opts))());

  program
    .command('start')
    .argument('<id>', 'scenario id (see `list`)')
    .description('set up a scenario, then open it in the UI (plain text without a terminal)')
    .option('--no-tui', 'print the brief and return to the shell')
    .action((id: string, opts: { tui: boolean }) =>
      run(async () => {
        const services = getServices();
        if (opts.tui && io.isTTY) {
          const code = await startCommand(services, { ...io, out: () => {} }, id);
          if (code !== EXIT.ok) return code;
          const { runTui } = await import('../ui/run-tui.js');
          return runTui(services, { scenarioId: id });
        }
        return startCommand(services, io, id);
      })(),
    );

  program
    .command('check')
    .argument('<id>', 'scenario id')
    .description('run every check once; exit 0 only when every graded check passes')
    .addOption(json)
    .action((id: string, opts: { json?: boolean }) => run(() => checkCommand(getServices(), io, id, opts))());

  program
    .command('hint')
    .argument('<id>', 'scenario id')
    .description('reveal the next hint for the first failing check (costs points)')
    .action((id: string) => run(() => hintCommand(getServices(), io, id))());

  program
    .command('reset')
    .argument('<id>', 'scenario id')
    .description('put everything back as it was before setup')
    .action((id: string) => run(() => resetCommand(getServices(), io, id))());

  program
    .command('solve')
    .argument('<id>', 'scenario id')
    .description('run the reference solution (forfeits the score of this attempt)')
    .action((id: string) => run(() => solveCommand(getServices(), io, id))());

  program
    .command('validate')
    .argument('[dir]', 'folder of scenario folders', 'scenarios')
    .description('check scenario files; every problem as file:line: field: reason')
    .addOption(json)
    .action((dir: string, opts: { json?: boolean }) => run(() => validateCommand(io, dir, opts))());

  program
    .command('progress')
    .description('show your progress')
    .addOption(json)
    .action((opts: { json?: boolean }) => run(() => progressCommand(getServices(), io, opts))());

  return program;
}

/** Runs the CLI with argv (without node and script) and resolves to the exit code. */
export async function main(argv: readonly string[], io: Io = processIo()): Promise<number> {
  let exitCode: number = EXIT.ok;
  let services: AppServices | undefined;
  const getServices = () => {
    if (!services) {
      services = createServices();
      for (const notice of services.notices) io.err(`note: ${notice}`);
    }
    return services;
  };
  const program = buildProgram(io, getServices, (code) => {
    exitCode = code;
  });
  const first = argv[0];
  const known = new Set(program.commands.flatMap((c) => [c.name(), ...c.aliases()]).concat('help'));
  if (first !== undefined && !first.startsWith('-') && !known.has(first)) {
    io.err(`error: unknown command '${first}'\nnext: run \`k8s-harden-lab --help\` to see the commands`);
    return EXIT.usage;
  }
  try {
    await program.parseAsync([...argv], { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end here with code 0; bad arguments with commander's message already printed.
      return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    return reportError(io, error);
  }
  return exitCode;
}
