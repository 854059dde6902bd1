import type { Check, CheckResult, HintLevel } from './checks.js';
import { HINT_LEVELS } from './checks.js';
import type { ScenarioData } from './scenario.js';

export type RevealedHint = { readonly checkId: string; readonly level: HintLevel };

export type Score = {
  /** 0–100, rounded. */
  readonly percent: number;
  readonly passedWeight: number;
  readonly totalWeight: number;
  /** The factor hints left (1 = no hint used). */
  readonly hintFactor: number;
  readonly forfeited: boolean;
};

/** Score = weighted share of graded checks passed × what the hints left; a forfeited attempt scores 0. */
export function score(
  scenario: Pick<ScenarioData, 'hintCosts'>,
  results: readonly CheckResult[],
  revealed: readonly RevealedHint[],
  forfeited: boolean,
): Score {
  const graded = results.filter((r) => r.graded);
  const totalWeight = graded.reduce((sum, r) => sum + r.weight, 0);
  const passedWeight = graded.filter((r) => r.status === 'pass').reduce((sum, r) => sum + r.weight, 0);
  const cost = revealed.reduce((sum, h) => sum + scenario.hintCosts[h.level], 0);
  const hintFactor = Math.max(0, 1 - cost);
  const share = totalWeight === 0 ? 0 : passedWeight / totalWeight;
  const percent = forfeited ? 0 : Math.round(100 * share * hintFactor);
  return { percent, passedWeight, totalWeight, hintFactor, forfeited };
}

/**
 * Solved: every graded check passes and every guard (an ungraded check, such as "the node is still
 * Ready") holds. Guards earn no points and may pass at setup, but a fix that breaks one is no fix.
 */
export function isSolved(results: readonly CheckResult[]): boolean {
  const graded = results.filter((r) => r.graded);
  return graded.length > 0 && results.every((r) => r.status === 'pass');
}

export type NextHint =
  | {
      readonly type: 'hint';
      readonly check: Check;
      readonly level: HintLevel;
      readonly text: string;
      readonly cost: number;
    }
  | { readonly type: 'exhausted'; readonly check: Check }
  | { readonly type: 'none' };

/**
 * Hints follow the first graded check that is not passing (in the scenario's order) and escalate
 * nudge → teach → command for that check. With no results yet, the first graded check leads.
 */
export function nextHint(
  scenario: Pick<ScenarioData, 'checks' | 'hintCosts'>,
  results: readonly CheckResult[],
  revealed: readonly RevealedHint[],
): NextHint {
  const status = new Map(results.map((r) => [r.checkId, r.status]));
  // A broken guard (say, the node went NotReady) only leads once every graded check passes.
  const target =
    scenario.checks.find((c) => c.graded && status.get(c.id) !== 'pass') ??
    scenario.checks.find((c) => !c.graded && status.has(c.id) && status.get(c.id) !== 'pass');
  if (!target) return { type: 'none' };
  const shown = new Set(revealed.filter((h) => h.checkId === target.id).map((h) => h.level));
  const level = HINT_LEVELS.find((l) => !shown.has(l));
  if (!level) return { type: 'exhausted', check: target };
  return { type: 'hint', check: target, level, text: target.hint[level], cost: scenario.hintCosts[level] };
}

/** Hints already shown, for display, in the order they were revealed. */
export function hintText(checks: readonly Check[], h: RevealedHint): string {
  return checks.find((c) => c.id === h.checkId)?.hint[h.level] ?? '';
}
