import type { ScenarioProgress } from '../domain/progress.js';
import { nextUp, solveTimes, sparkline, trendWord } from '../domain/record.js';
import { DOMAINS, type Domain, formatProblem, type ScenarioEntry } from '../domain/scenario.js';
import type { UiServices } from './ui-services.js';

export type ScenarioStatus = 'new' | 'tried' | 'done';

export type HomeItem =
  | {
      readonly kind: 'scenario';
      readonly id: string;
      readonly title: string;
      readonly domain: Domain;
      readonly difficulty: string;
      readonly minutes: number;
      readonly lab: 'local' | 'cluster';
      readonly status: ScenarioStatus;
      readonly best: number | null;
      readonly cis: readonly string[];
    }
  | { readonly kind: 'invalid'; readonly id: string; readonly reason: string; readonly problems: number };

export const INVALID_GROUP = 'Invalid scenarios (run `k8s-harden-lab validate`)';

export function groupOf(item: HomeItem): string {
  return item.kind === 'scenario' ? DOMAINS[item.domain] : INVALID_GROUP;
}

function statusOf(progress: ScenarioProgress | undefined, started: boolean): ScenarioStatus {
  if (progress?.completed) return 'done';
  if (started || (progress && progress.attempts > 0)) return 'tried';
  return 'new';
}

/**
 * The home list: valid scenarios grouped by CKS domain (in the exam's order), then invalid ones
 * with their first problem; filtered by every word of `filter` (id, title, domain, difficulty, lab).
 */
export function homeItems(
  entries: readonly ScenarioEntry[],
  progress: Readonly<Record<string, ScenarioProgress>>,
  started: (id: string) => boolean,
  filter: string,
): HomeItem[] {
  const domainOrder = Object.keys(DOMAINS) as Domain[];
  const items: HomeItem[] = entries.map((e): HomeItem => {
    if (!e.valid) {
      const first = e.problems[0];
      return {
        kind: 'invalid',
        id: e.id,
        reason: first ? formatProblem(first) : 'unknown problem',
        problems: e.problems.length,
      };
    }
    const s = e.scenario;
    const p = progress[s.id];
    return {
      kind: 'scenario',
      id: s.id,
      title: s.title,
      domain: s.domain,
      difficulty: s.difficulty,
      minutes: s.minutes,
      lab: s.lab === 'cluster' ? 'cluster' : 'local',
      status: statusOf(p, started(s.id)),
      best: p?.bestScore ?? null,
      cis: s.cis,
    };
  });
  const words = filter.toLowerCase().split(/\s+/).filter(Boolean);
  const haystack = (i: HomeItem) =>
    (i.kind === 'scenario'
      ? [i.id, i.title, DOMAINS[i.domain], i.difficulty, i.lab, i.status, ...i.cis]
      : [i.id, 'invalid', i.reason]
    )
      .join(' ')
      .toLowerCase();
  const rank = (i: HomeItem) => (i.kind === 'scenario' ? domainOrder.indexOf(i.domain) : domainOrder.length);
  return items
    .filter((i) => words.every((w) => haystack(i).includes(w)))
    .map((item, index) => ({ item, index }))
    .sort((a, b) => rank(a.item) - rank(b.item) || a.index - b.index)
    .map(({ item }) => item);
}

/**
 * What the home screen shows from the learning record: each scenario's solve times as a sparkline
 * with its trend, and the first of the "next up" queue that is due. Empty without a record.
 */
export function homeLearning(services: Pick<UiServices, 'learning' | 'now'>): {
  readonly trend: (id: string) => string;
  readonly nextUp: string | null;
} {
  const learning = services.learning;
  if (!learning) return { trend: () => '', nextUp: null };
  const attempts = learning.attempts();
  const due = nextUp(attempts, learning.scenarios(), services.now()).filter((n) => n.dueNow);
  const first = due[0];
  return {
    trend: (id) => {
      const times = solveTimes(attempts, id);
      if (times.length === 0) return '';
      const word = trendWord(times);
      return `${sparkline(times)} (last ${Math.max(1, Math.round((times[times.length - 1] ?? 0) / 60_000))} min${word ? `, ${word}` : ''})`;
    },
    nextUp: first
      ? `Next up: ${first.title} (${first.reason})${due.length > 1 ? ` and ${due.length - 1} more` : ''}`
      : null,
  };
}
