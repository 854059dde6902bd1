import fs from 'node:fs';
import path from 'node:path';
import {
  type AttemptRecord,
  attemptsOf,
  nextUp,
  type ScenarioFacts,
  solveTimes,
  sparkline,
  trendWord,
  weakAreas,
} from '../../domain/record.js';
import { DOMAINS } from '../../domain/scenario.js';
import { EXIT, UserError } from '../../engine/errors.js';
import type { AppServices } from '../compose.js';
import { formatDuration, type Io } from '../io.js';

function facts(services: AppServices): ScenarioFacts[] {
  return services.trainer.list().flatMap((e) =>
    e.valid
      ? [
          {
            id: e.scenario.id,
            title: e.scenario.title,
            domain: e.scenario.domain,
            minutes: e.scenario.minutes,
            cis: e.scenario.cis,
            checks: e.scenario.checks.map((c) => ({ id: c.id, cis: c.cis })),
          },
        ]
      : [],
  );
}

/** Everything the record says, for `progress --json` (and the report). */
export function learningData(services: AppServices, now = Date.now()) {
  const scenarios = facts(services);
  const attempts = attemptsOf(services.record.events());
  return {
    recording: services.record.enabled,
    recordFile: services.record.file,
    attempts,
    trends: Object.fromEntries(
      scenarios.map((s) => {
        const times = solveTimes(attempts, s.id);
        return [s.id, { solveTimesMs: times, trend: trendWord(times) }];
      }),
    ),
    weakAreas: weakAreas(attempts, scenarios),
    nextUp: nextUp(attempts, scenarios, now),
    exams: services.exams.list().map((e) => ({
      id: e.id,
      status: e.status,
      seed: e.seed,
      createdAt: e.createdAt,
      minutes: e.minutes,
      tasks: e.tasks.map((t) => ({ scenario: t.scenario, weight: t.weight, seed: t.seed, timeMs: t.timeMs })),
      result: e.result,
    })),
  };
}

const cell = (s: string) => s.replaceAll('|', '\\|').replaceAll('\n', ' ');
const pct = (x: number) => `${Math.round(100 * x)}%`;

function lastAttempt(attempts: readonly AttemptRecord[], id: string): AttemptRecord | undefined {
  return attempts.filter((a) => a.scenario === id).pop();
}

/** The progress report in Markdown: scenarios with trends, weak areas, next up, exams, commands. */
export function progressMarkdown(services: AppServices, now = Date.now()): string {
  const data = learningData(services, now);
  const progress = services.trainer.allProgress();
  const scenarios = facts(services);
  const out: string[] = [
    '# k8s-harden-lab: progress report',
    '',
    `Written ${new Date(now).toISOString()}. Learning record: ${data.recording ? 'on' : 'off'} (\`k8s-harden-lab record on|off\`).`,
    '',
    '## Scenarios',
    '',
    '| scenario | domain | solved | best | attempts | hints | solve times (oldest → newest) |',
    '|---|---|---|---:|---:|---:|---|',
  ];
  for (const s of scenarios) {
    const p = progress[s.id];
    const t = data.trends[s.id];
    const times = t?.solveTimesMs ?? [];
    out.push(
      `| ${s.id} | ${DOMAINS[s.domain]} | ${p?.completed ? 'yes' : p?.attempts ? 'not yet' : '–'} | ${p?.bestScore ?? '–'}${p?.bestScore == null ? '' : '%'} | ${p?.attempts ?? 0} | ${p?.hintsUsed ?? 0} | ${times.length ? `${sparkline(times)} ${times.map(formatDuration).join(', ')}${t?.trend ? ` (${t.trend})` : ''}` : '–'} |`,
    );
  }
  out.push(
    '',
    '## Weak areas',
    '',
    '| area | attempts | not solved | with hints | time failing | weakness |',
    '|---|---:|---:|---:|---:|---:|',
  );
  for (const row of [...data.weakAreas.domains, ...data.weakAreas.cis])
    out.push(
      `| ${cell(row.label)} | ${row.attempts} | ${row.unsolved} | ${row.hinted} | ${formatDuration(row.failingMs)} | ${pct(row.weakness)} |`,
    );
  if (data.weakAreas.domains.length === 0) out.push('| (no finished attempt yet) | | | | | |');
  out.push('', '## Next up', '');
  if (data.nextUp.length === 0)
    out.push('Nothing yet: solve a scenario and it comes back here, spaced over days.');
  for (const n of data.nextUp)
    out.push(
      `- ${n.dueNow ? '**due now**' : `due ${n.due.slice(0, 10)}`}: ${n.scenario} (${n.title}): ${n.reason}`,
    );
  out.push('', '## Exams', '');
  const exams = data.exams.filter((e) => e.result);
  if (exams.length === 0) out.push('No exam finished yet (`k8s-harden-lab exam`).');
  else {
    out.push('| date | score | result | tasks | time used | seed |', '|---|---:|---|---:|---:|---:|');
    for (const e of exams)
      out.push(
        `| ${e.createdAt.slice(0, 16).replace('T', ' ')} | ${e.result?.percent}% | ${e.result?.passed ? 'pass' : 'fail'} (mark ${e.result?.passMark}%) | ${e.tasks.length} | ${formatDuration(e.result?.usedMs ?? 0)} | ${e.seed} |`,
      );
  }
  out.push('', '## Your commands (the last attempt of each scenario)', '');
  let any = false;
  for (const s of scenarios) {
    const a = lastAttempt(data.attempts, s.id);
    if (!a || a.commands.length === 0) continue;
    any = true;
    out.push(
      `### ${s.id}`,
      '',
      '```sh',
      ...a.commands.map((c) => `# ${c.at.slice(11, 19)} ${c.shell}\n${c.command}`),
      '```',
      '',
    );
  }
  if (!any)
    out.push(
      'None recorded yet: commands run in the shells the app opens (t, n) are kept here, tokens redacted.',
    );
  return `${out.join('\n')}\n`;
}

/** `progress report [--html] [--out FILE]`. */
export async function progressReportCommand(
  services: AppServices,
  io: Io,
  options: { readonly html?: boolean; readonly out?: string },
): Promise<number> {
  const md = progressMarkdown(services);
  let text = md;
  if (options.html) {
    const { marked } = await import('marked');
    const body = await marked.parse(md);
    text = `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>k8s-harden-lab progress</title>\n<style>body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.2rem .5rem}pre{background:#f4f4f4;padding:.5rem}</style></head>\n<body>\n${body}</body></html>\n`;
  }
  if (!options.out) {
    io.out(text);
    return EXIT.ok;
  }
  const target = path.resolve(options.out);
  try {
    fs.writeFileSync(target, text);
  } catch (error) {
    throw new UserError(
      `cannot write ${target}: ${(error as Error).message}`,
      'give a file in a folder you can write',
      EXIT.usage,
    );
  }
  io.out(`Wrote ${target}`);
  return EXIT.ok;
}

/** `record [on|off]`: the learning record's switch (on by default). */
export function recordCommand(
  services: AppServices,
  io: Io,
  state: string | undefined,
  set: (on: boolean) => string,
): number {
  if (state === undefined) {
    io.out(
      `The learning record is ${services.record.enabled ? 'on' : 'off'}: attempts, failing checks, hints and the commands you run in the shells the app opens (tokens and keys redacted) go to ${services.record.file}.`,
    );
    return EXIT.ok;
  }
  if (state !== 'on' && state !== 'off')
    throw new UserError(
      `unknown state "${state}"`,
      'use `k8s-harden-lab record on` or `record off`',
      EXIT.usage,
    );
  const file = set(state === 'on');
  io.out(`The learning record is ${state} (kept in ${file}).`);
  return EXIT.ok;
}
