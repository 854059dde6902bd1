import { z } from 'zod';
import { select } from './field-path.js';
import { compare, describeActual, describeExpected, expectFields, expectProblem } from './ops.js';
import { probeSchema, probeSubject } from './probe-spec.js';

/**
 * Checks are data: one probe (what to observe, probe-spec.ts), an optional field of what it saw
 * (field-path.ts), and one comparison (ops.ts), so every result can say what was expected and what
 * was found in plain words.
 */

export const hintSchema = z
  .object({
    nudge: z.string().min(1).describe('a question that points at the problem'),
    teach: z.string().min(1).describe('the concept, with a link to the docs'),
    command: z.string().min(1).describe('the exact command or edit'),
  })
  .strict();
export type Hint = z.infer<typeof hintSchema>;
export const HINT_LEVELS = ['nudge', 'teach', 'command'] as const;
export type HintLevel = (typeof HINT_LEVELS)[number];

/**
 * `valueFrom`: the expected value is what another probe sees now ("your file matches the live
 * cluster"), read in the same round. A list compares as a set with `eq`.
 */
export const valueFromSchema = z
  .object({
    probe: probeSchema.describe('what to observe for the expected value (any probe kind)'),
    field: z.string().optional().describe('a field of what it saw, as for the check'),
    subject: z.string().optional().describe('the words for where the value comes from'),
  })
  .strict();
export type ValueFrom = z.infer<typeof valueFromSchema>;

export const expectationSchema = z
  .object({
    ...expectFields,
    valueFrom: valueFromSchema
      .optional()
      .describe('instead of `value`: the value another probe sees in the same round'),
  })
  .strict()
  .superRefine((e, ctx) => {
    if (e.valueFrom) {
      if (e.value !== undefined)
        ctx.addIssue({ code: 'custom', message: 'give value or valueFrom, not both', path: ['valueFrom'] });
      if (e.op === 'exists' || e.op === 'absent')
        ctx.addIssue({ code: 'custom', message: `op ${e.op} takes no value`, path: ['valueFrom'] });
      return;
    }
    const problem = expectProblem(e.op, e.value);
    if (problem) ctx.addIssue({ code: 'custom', message: problem, path: ['value'] });
  });
export type CheckExpectation = z.infer<typeof expectationSchema>;

export const checkSchema = z
  .object({
    id: z
      .string()
      .regex(/^[a-z0-9][a-z0-9-]*$/, 'lower-case letters, digits and dashes')
      .describe('unique in the scenario; near misses name it'),
    title: z.string().min(1).describe('what holds when the check passes, in one line'),
    weight: z.number().positive().default(1).describe('share of the score'),
    graded: z
      .boolean()
      .default(true)
      .describe(
        'false: a guard ("the node is still Ready"): no points, may pass at setup, must hold to solve',
      ),
    probe: probeSchema.describe('what to observe: one of the probe kinds (below), by `kind:`'),
    field: z
      .string()
      .optional()
      .describe('a field of what the probe saw: `exists`, `subject.CN`, `context.namespace`, `items[0].x`'),
    expect: expectationSchema.describe('the comparison: `op` (see Ops) and its `value` (or `valueFrom`)'),
    subject: z.string().optional().describe('the words for what is checked, used in "expected … / found …"'),
    hint: hintSchema.describe('three levels, each costing more of the score'),
    cis: z.string().optional().describe('the CIS benchmark item, if any'),
  })
  .strict();
export type Check = z.infer<typeof checkSchema>;

export type CheckStatus = 'pass' | 'fail' | 'error' | 'waiting';

/** What a probe saw. `waiting` is a known transient window (apiserver restarting), never a fail. */
export type Observation =
  | { readonly type: 'value'; readonly value: unknown }
  | { readonly type: 'error'; readonly message: string }
  | { readonly type: 'waiting'; readonly message: string };

export type CheckResult = {
  readonly checkId: string;
  readonly title: string;
  readonly status: CheckStatus;
  /** In words: "current-context of my-kube-config is `research`". */
  readonly expected: string;
  /** In words: "found `kubernetes-admin@kubernetes`". */
  readonly actual: string;
  readonly graded: boolean;
  readonly weight: number;
};

/** Where a `valueFrom` value comes from, in words. */
export function valueFromSubject(from: ValueFrom): string {
  return from.subject ?? probeSubject(from.probe, from.field);
}

/**
 * Evaluates one check against what its probe saw, and, for `valueFrom`, against what the other
 * probe saw in the same round. Pure.
 */
export function evaluate(
  check: Check,
  observation: Observation,
  subject: string,
  source?: Observation,
): CheckResult {
  const base = { checkId: check.id, title: check.title, graded: check.graded, weight: check.weight };
  const from = check.expect.valueFrom;
  let expectedValue: unknown = check.expect.value;
  let expected: string;
  if (from) {
    const where = valueFromSubject(from);
    if (source?.type !== 'value') {
      expected = `${subject} is what ${where} is`;
      if (!source || source.type === 'error')
        return {
          ...base,
          status: 'error',
          expected,
          actual: `the expected value could not be read: ${source?.message ?? 'no observation'}`,
        };
      return { ...base, status: 'waiting', expected, actual: source.message };
    }
    expectedValue = select(source.value, from.field);
    expected = `${describeExpected(subject, { op: check.expect.op, value: expectedValue as never })}, as ${where} is now`;
    if (expectedValue === undefined)
      return { ...base, status: 'error', expected, actual: `${where} is not there, so nothing can match it` };
  } else expected = describeExpected(subject, check.expect);
  if (observation.type === 'error')
    return { ...base, status: 'error', expected, actual: observation.message };
  if (observation.type === 'waiting')
    return { ...base, status: 'waiting', expected, actual: observation.message };
  const actual = select(observation.value, check.field);
  const pass = compare(check.expect.op, actual, expectedValue);
  return { ...base, status: pass ? 'pass' : 'fail', expected, actual: describeActual(actual) };
}

/** Default words for what a check looks at, when the scenario gives no `subject`. */
export function defaultSubject(check: Check): string {
  return probeSubject(check.probe, check.field);
}
