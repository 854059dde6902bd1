import path from 'node:path';
import { log } from '../../adapters/log.js';
import { loadScenarios } from '../../adapters/scenario-loader.js';
import type { CheckResult } from '../../domain/checks.js';
import { seedSchema } from '../../domain/random.js';
import { DOMAINS, formatProblem } from '../../domain/scenario.js';
import { describeError, EXIT, UserError } from '../../engine/errors.js';
import type { AppServices } from '../compose.js';
import { formatDuration, type Io } from '../io.js';
import { learningData } from './progress-report.js';

const MARK: Record<CheckResult['status'], string> = {
  pass: 'PASS',
  fail: 'FAIL',
  error: 'ERROR',
  waiting: 'WAIT',
};

export function listCommand(services: AppServices, io: Io, options: { json?: boolean }): number {
  const entries = services.trainer.list();
  const progress = services.trainer.allProgress();
  if (options.json) {
    io.out(
      JSON.stringify(
        entries.map((e) =>
          e.valid
            ? {
                id: e.scenario.id,
                title: e.scenario.title,
                domain: e.scenario.domain,
                difficulty: e.scenario.difficulty,
                minutes: e.scenario.minutes,
                lab: e.scenario.lab,
                valid: true,
                progress: progress[e.scenario.id] ?? null,
              }
            : { id: e.id, valid: false, problems: e.problems.map(formatProblem) },
        ),
        null,
        2,
      ),
    );
    return EXIT.ok;
  }
  for (const e of entries) {
    if (!e.valid) {
      io.out(`  ! ${e.id.padEnd(26)} invalid: ${e.problems[0] ? formatProblem(e.problems[0]) : ''}`);
      continue;
    }
    const s = e.scenario;
    const p = progress[s.id];
    const status = p?.completed ? `done ${p.bestScore ?? 0}%` : p?.attempts ? 'tried' : 'new';
    io.out(
      `  ${p?.completed ? '✓' : ' '} ${s.id.padEnd(26)} ${DOMAINS[s.domain].padEnd(20).slice(0, 20)} ${s.difficulty.padEnd(6)} ${String(s.minutes).padStart(3)}m  ${s.lab === 'cluster' ? 'cluster' : 'local  '}  ${status}`,
    );
  }
  return EXIT.ok;
}

/** `--seed N`: a whole number from 0 to 2147483647, else a usage error. */
export function parseSeed(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const seed = Number(text);
  if (text.trim() === '' || !seedSchema.safeParse(seed).success)
    throw new UserError(
      '--seed must be a whole number from 0 to 2147483647',
      'for example --seed 42',
      EXIT.usage,
    );
  return seed;
}

export async function startCommand(
  services: AppServices,
  io: Io,
  id: string,
  options: { printBrief?: boolean; force?: boolean; seed?: number | undefined } = {},
): Promise<number> {
  const { trainer } = services;
  const scenario = trainer.get(id);
  const force = options.force ?? false;
  // Refused before anything is printed or touched: a scenario set up holds the learner's work.
  trainer.assertSetupAllowed(scenario, force);
  io.out(`Setting up ${scenario.title}…`);
  await trainer.setup(scenario, {
    force,
    onLine: (line) => io.out(`  ${line}`),
    ...(options.seed === undefined ? {} : { seed: options.seed }),
  });
  // With params: the values this setup drew, and how to draw them again.
  const bound = trainer.bound(scenario);
  if (bound.bound)
    io.out(
      `Parameters (seed ${bound.bound.seed}; \`k8s-harden-lab start ${id} --seed ${bound.bound.seed}\` draws them again): ${Object.entries(
        bound.bound.values,
      )
        .map(([k, v]) => `${k}=${v}`)
        .join(', ')}`,
    );
  if (options.printBrief === false) return EXIT.ok;
  io.out(`\n${bound.briefText.trim()}\n`);
  io.out(`Workspace: ${trainer.workspace(scenario)}`);
  io.out(`In your shell: ${trainer.shellLine(scenario)}`);
  io.out(`Check your work with: k8s-harden-lab check ${id}`);
  return EXIT.ok;
}

export function printResults(io: Io, results: readonly CheckResult[]): void {
  for (const r of results) {
    io.out(`${MARK[r.status].padEnd(5)} ${r.title}${r.graded ? '' : ' (not graded)'}`);
    if (r.status !== 'pass') io.out(`      expected ${r.expected}\n      ${r.actual}`);
  }
}

export async function checkCommand(
  services: AppServices,
  io: Io,
  id: string,
  options: { json?: boolean },
): Promise<number> {
  const { trainer } = services;
  const scenario = trainer.get(id);
  const outcome = await trainer.check(scenario);
  const drawn = trainer.bound(scenario);
  if (options.json) {
    io.out(
      JSON.stringify(
        {
          scenario: id,
          setUp: trainer.isSetUp(scenario),
          // With params: the attempt's seed and the values drawn from it.
          ...(drawn.bound ? { seed: drawn.bound.seed, params: drawn.bound.values } : {}),
          ...(trainer.isSetUp(scenario)
            ? {}
            : { note: `not set up yet: run \`k8s-harden-lab start ${id}\` first` }),
          allPass: outcome.allPass,
          score: outcome.score.percent,
          elapsedMs: outcome.elapsedMs,
          results: outcome.results,
          ...(outcome.saveError === undefined
            ? {}
            : { saved: false, saveError: describeError(outcome.saveError).message }),
        },
        null,
        2,
      ),
    );
  } else {
    if (!trainer.isSetUp(scenario)) io.out(`(not set up yet: run \`k8s-harden-lab start ${id}\` first)`);
    printResults(io, outcome.results);
    const passed = outcome.results.filter((r) => r.graded && r.status === 'pass').length;
    const graded = outcome.results.filter((r) => r.graded).length;
    io.out(
      `\n${passed}/${graded} graded checks pass · score ${outcome.score.percent}% · time ${formatDuration(outcome.elapsedMs)}`,
    );
    if (outcome.completed)
      io.out(
        `\n${outcome.score.forfeited ? 'Every check passes, with the solution shown: the attempt is kept, not counted as solved.' : 'Solved!'}\n\n${drawn.debriefText.trim()}`,
      );
  }
  if (outcome.saveError !== undefined) return saveFailed(services, io, id, outcome.saveError);
  return outcome.allPass ? EXIT.ok : EXIT.checksFailing;
}

/**
 * After the results: the completion could not be recorded. The attempt stays open, so the next
 * all-green check records it. The exit code is the one the same error gets anywhere else.
 */
function saveFailed(services: AppServices, io: Io, id: string, error: unknown): number {
  const d = describeError(error, log.path());
  if (d.bug)
    log.error('saving progress failed', { error: error instanceof Error ? error.stack : String(error) });
  const fix = d.bug ? `check that ${services.progress.path} and its folder can be written` : d.next;
  io.err(
    `warning: every graded check passes, but your progress could not be saved: ${d.message}\nnext: ${fix}, then run \`k8s-harden-lab check ${id}\` again: this attempt is kept and will be recorded`,
  );
  return d.exitCode;
}

export async function hintCommand(services: AppServices, io: Io, id: string): Promise<number> {
  const { trainer } = services;
  const scenario = trainer.get(id);
  const { results } = await trainer.check(scenario);
  const next = trainer.revealHint(scenario, results);
  if (next.type === 'none') io.out('Every graded check passes: no hint needed.');
  else if (next.type === 'exhausted')
    io.out(
      `No more hints for "${next.check.title}". \`k8s-harden-lab solve ${id}\` runs the reference solution (forfeits the score).`,
    );
  else
    io.out(
      `Hint (${next.level}, costs ${Math.round(next.cost * 100)}%) for "${next.check.title}":\n${next.text}`,
    );
  return EXIT.ok;
}

export async function resetCommand(services: AppServices, io: Io, id: string): Promise<number> {
  const scenario = services.trainer.get(id);
  await services.trainer.reset(scenario, { onLine: (line) => io.out(`  ${line}`) });
  io.out(
    `Reset ${id}: back to the start (workspace removed${scenario.lab === 'cluster' ? ', lab files restored' : ''}).`,
  );
  return EXIT.ok;
}

export async function solveCommand(services: AppServices, io: Io, id: string): Promise<number> {
  const scenario = services.trainer.get(id);
  await services.trainer.solve(scenario, { onLine: (line) => io.out(`  ${line}`) });
  io.out(`Ran the reference solution of ${id}; this attempt is forfeited (score 0).`);
  return EXIT.ok;
}

export function validateCommand(io: Io, dir: string, options: { json?: boolean }): number {
  const entries = loadScenarios(path.resolve(dir));
  const problems = entries.flatMap((e) => (e.valid ? [] : e.problems));
  // Nothing found is never "all valid": a wrong folder would otherwise pass.
  const none = entries.length === 0 ? `no scenario folders found in ${dir}` : undefined;
  if (options.json)
    io.out(
      JSON.stringify({ scenarios: entries.length, problems, ...(none ? { error: none } : {}) }, null, 2),
    );
  else if (none) io.err(`error: ${none}\nnext: give the folder that holds the scenario folders`);
  else {
    for (const p of problems) io.err(formatProblem(p));
    io.out(
      `${entries.length} scenario(s) in ${dir}: ${problems.length === 0 ? 'all valid' : `${problems.length} problem(s)`}`,
    );
  }
  if (none) return EXIT.invalid;
  return problems.length === 0 ? EXIT.ok : EXIT.invalid;
}

export function progressCommand(services: AppServices, io: Io, options: { json?: boolean }): number {
  const all = services.trainer.allProgress();
  if (options.json) {
    io.out(
      JSON.stringify({ file: services.progress.path, scenarios: all, ...learningData(services) }, null, 2),
    );
    return EXIT.ok;
  }
  const ids = Object.keys(all).sort();
  if (ids.length === 0) io.out('No attempts yet.');
  for (const id of ids) {
    const p = all[id];
    if (!p) continue;
    io.out(
      `${p.completed ? '✓' : ' '} ${id.padEnd(26)} best ${p.bestScore ?? '-'}%  attempts ${p.attempts}  best time ${p.bestTimeMs === null ? '-' : formatDuration(p.bestTimeMs)}  hints ${p.hintsUsed}`,
    );
  }
  io.out(`(progress file: ${services.progress.path})`);
  return EXIT.ok;
}
