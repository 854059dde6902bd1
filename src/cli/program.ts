import { createRequire } from 'node:module';
import { Command, CommanderError, Option } from 'commander';
import { scenariosDir } from '../adapters/paths.js';
import { EXIT, printable } from '../engine/errors.js';
import {
  checkCommand,
  hintCommand,
  listCommand,
  parseSeed,
  progressCommand,
  resetCommand,
  solveCommand,
  startCommand,
  validateCommand,
} from './commands/scenario-commands.js';
import { type AppServices, lazyLifecycle, openTui } from './compose.js';
import { type Io, reportError } from './io.js';

// The lab commands and the providers behind them (kind, container engines, the offline build,
// http/https) load when a lab command runs, not before the home screen's first frame.
const labCommands = () => import('./commands/lab-commands.js');
const providerForCommand = async (...args: Parameters<typeof import('./lab-wiring.js').providerForCommand>) =>
  (await import('./lab-wiring.js')).providerForCommand(...args);

const version = (createRequire(import.meta.url)('../../package.json') as { version: string }).version;

/**
 * Builds the command line. Every action returns an exit code; nothing here calls process.exit,
 * so tests run commands in-process with a captured Io.
 */
export function buildProgram(
  io: Io,
  getServices: (printNotices?: boolean) => AppServices,
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
        return openTui(getServices(false), {}, io.env);
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
    .option('--force', 'start over when already set up: wipes the workspace (hints taken still count)')
    .option('--seed <n>', 'draw the scenario’s parameters from this seed: the same seed gives the same task')
    .action((id: string, opts: { tui: boolean; force?: boolean; seed?: string }) =>
      run(async () => {
        const seed = parseSeed(opts.seed);
        const services = getServices();
        const force = Boolean(opts.force);
        if (opts.tui && io.isTTY) {
          // Setup progress is printed as plain lines; the brief then appears in the UI.
          const code = await startCommand(services, io, id, { printBrief: false, force, seed });
          if (code !== EXIT.ok) return code;
          return openTui(services, { scenarioId: id }, io.env);
        }
        return startCommand(services, io, id, { force, seed });
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
    .argument('[dir]', "folder of scenario folders (default: the app's, or K8S_HARDEN_LAB_SCENARIOS)")
    .description('check scenario files; every problem as file:line: field: reason')
    .addOption(json)
    .action((dir: string | undefined, opts: { json?: boolean }) =>
      run(() => validateCommand(io, dir ?? scenariosDir(io.env), opts))(),
    );

  program
    .command('progress')
    .description('show your progress (--json: everything, the learning record included)')
    .addOption(json)
    .action((opts: { json?: boolean }) => run(() => progressCommand(getServices(), io, opts))())
    .command('report')
    .description('write a summary: trends, weak areas, next up, exams, your commands (Markdown, or --html)')
    .option('--html', 'HTML instead of Markdown')
    .option('--out <file>', 'write to a file instead of printing')
    .action((opts: { html?: boolean; out?: string }) =>
      run(async () =>
        (await import('./commands/progress-report.js')).progressReportCommand(getServices(), io, opts),
      )(),
    );

  program
    .command('exam')
    .description(
      'a timed exam: weighted tasks across the CKS domains, scored at the end against the pass mark',
    )
    .option('--minutes <n>', 'time limit (default from scenarios/exam.yaml: 120)')
    .option('--tasks <n>', 'how many tasks to draw (default from scenarios/exam.yaml)')
    .option('--seed <n>', 'the draw’s seed: the same seed gives the same exam')
    .option('--no-tui', 'set up and return to the shell; the clock runs until --pause or --finish')
    .option('--pause', 'stop the clock of the running exam (its time is kept)')
    .option('--finish', 'end the running exam now and score it')
    .option('--abandon', 'drop the running exam: every task is reset')
    .addOption(json)
    .action((opts: import('./commands/exam-command.js').ExamCommandOptions) =>
      run(async () => {
        const { examCommand } = await import('./commands/exam-command.js');
        const services = getServices();
        return examCommand(services, io, opts, (exam) => openTui(services, { exam }, io.env));
      })(),
    );

  program
    .command('record')
    .argument('[state]', 'on or off')
    .description('the learning record (on by default): show whether it is on, or turn it on or off')
    .action((state: string | undefined) =>
      run(async () => {
        const [{ recordCommand }, { setRecording }] = await Promise.all([
          import('./commands/progress-report.js'),
          import('../adapters/record-store.js'),
        ]);
        return recordCommand(getServices(), io, state, (on) => setRecording(on));
      })(),
    );

  const provider = new Option('--provider <kind>', 'which lab (kind is the only one; kept for scripts)');
  const offline = new Option(
    '--offline',
    "kind on a node image built here from Go modules, on the project's own engine (no registry; Linux, root)",
  );

  program
    .command('up')
    .description('create the lab cluster (kind; with --offline, on a node image built here)')
    .addOption(provider)
    .addOption(offline)
    .option('--workers <n>', 'worker nodes', (v) => Number.parseInt(v, 10), 1)
    .action((opts: { provider?: string; offline?: boolean; workers: number }) =>
      run(async () =>
        (await labCommands()).upCommand(await providerForCommand(opts, io.env), io, {
          workers: opts.workers,
        }),
      )(),
    );

  program
    .command('down')
    .description('remove the lab cluster and everything it made (build caches are kept)')
    .addOption(provider)
    .action((opts: { provider?: string }) =>
      run(async () => (await labCommands()).downCommand(await providerForCommand(opts, io.env), io))(),
    );

  program
    .command('repair')
    .description(
      'bring a broken lab back: its node files as they were, kubelets restarted, nodes uncordoned, stuck pods cleared (--recreate: a fresh lab)',
    )
    .option('--recreate', 'delete the lab and make a fresh one (progress is kept)')
    .action((opts: { recreate?: boolean }) =>
      run(async () => {
        const lifecycle = lazyLifecycle(io.env);
        const { resolveLab } = await import('./lab-access.js');
        return (await labCommands()).repairCommand(io, opts, {
          provider: () => providerForCommand({}, io.env),
          access: () => resolveLab({ env: io.env }),
          repair: async (access, onLine) => (await lifecycle()).repair(access, onLine),
        });
      })(),
    );

  program
    .command('status')
    .description('the lab: engine, nodes, apiserver health, kubeconfig path')
    .addOption(provider)
    .addOption(json)
    .action((opts: { provider?: string; json?: boolean }) =>
      run(async () =>
        (await labCommands()).statusCommand(await providerForCommand(opts, io.env), io, opts),
      )(),
    );

  const lab = program.command('lab').description('the offline lab build (no registry needed; Linux, root)');
  lab
    .command('build-image')
    .description(
      'build kind, Kubernetes and every component from Go modules and assemble the node image (cached; resumes where an interrupted build stopped)',
    )
    .option('--k8s-version <v>', 'Kubernetes version (default: labs/kind/offline/versions.env)')
    .action((opts: { k8sVersion?: string }) =>
      run(async () => {
        const { buildImageCommand } = await import('./commands/lab-commands.js');
        return buildImageCommand(io, opts.k8sVersion);
      })(),
    );

  program
    .command('kubeconfig')
    .description(
      "print the path of the lab's own kubeconfig (export KUBECONFIG=$(k8s-harden-lab kubeconfig))",
    )
    .action(() =>
      run(async () => {
        io.out((await import('./lab-wiring.js')).kubeconfigFor(io.env));
        return EXIT.ok;
      })(),
    );

  program
    .command('doctor')
    .description('check this machine can run a lab; each failing line says how to fix it')
    .addOption(offline)
    .addOption(json)
    .action((opts: { offline?: boolean; json?: boolean }) =>
      run(async () => {
        const { doctorCommand } = await import('./commands/doctor-command.js');
        return doctorCommand(io, { offline: Boolean(opts.offline), json: Boolean(opts.json) });
      })(),
    );

  const node = program
    .command('node')
    .description('reach a lab node (names/roles: control-plane, worker, or a full node name)');
  node
    .command('exec')
    .argument('<node>', 'control-plane, worker or a node name')
    .argument('<command...>', 'the command (put it after --)')
    .description('run a command on a node; stdin is passed through, the exit code kept')
    .action((ref: string, argv: string[]) =>
      run(async () => {
        const stdin = process.stdin.isTTY ? undefined : await readStdin();
        return (await labCommands()).nodeExecCommand(
          await providerForCommand({}, io.env),
          io,
          ref,
          argv,
          stdin,
        );
      })(),
    );
  node
    .command('shell')
    .argument('<node>', 'control-plane, worker or a node name')
    .description('open an interactive shell on a node')
    .action((ref: string) =>
      run(async () =>
        (await labCommands()).nodeShellCommand(await providerForCommand({}, io.env), io, ref),
      )(),
    );
  node
    .command('cp')
    .argument('<from>', 'a local path or NODE:/path')
    .argument('<to>', 'a local path or NODE:/path')
    .description('copy a file between this machine and a node')
    .action((from: string, to: string) =>
      run(async () =>
        (await labCommands()).nodeCopyCommand(await providerForCommand({}, io.env), io, from, to),
      )(),
    );

  return program;
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Runs a command (argv without node and script) and resolves to its exit code. */
export async function runProgram(
  argv: readonly string[],
  io: Io,
  getServices: (printNotices?: boolean) => AppServices,
): Promise<number> {
  let exitCode: number = EXIT.ok;
  const program = buildProgram(io, getServices, (code) => {
    exitCode = code;
  });
  // `help [command]` is `[command] --help` (the root's own action would take `help` as an argument).
  const args = argv[0] === 'help' ? [...argv.slice(1), '--help'] : [...argv];
  const first = args[0];
  const known = new Set(program.commands.flatMap((c) => [c.name(), ...c.aliases()]).concat('help'));
  if (first !== undefined && !first.startsWith('-') && !known.has(first)) {
    io.err(
      `error: unknown command '${printable(first)}'\nnext: run \`k8s-harden-lab --help\` to see the commands`,
    );
    return EXIT.usage;
  }
  try {
    await program.parseAsync(args, { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end here with code 0; bad arguments with commander's message already printed.
      return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    return reportError(io, error);
  }
  return exitCode;
}
