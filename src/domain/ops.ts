import { z } from 'zod';
import { regexFind, regexProblem } from './regex.js';

/**
 * The comparison ops of a check. Each op's verdict and its words live in one entry, the way
 * kube-bench's `compareOp` sets the result and the "expected …" sentence in the same `case`: a new
 * op is one entry here, and the reference docs are generated from the same table.
 */

const scalar = z.union([z.string(), z.number(), z.boolean()]);
export const expectValueSchema = z.union([scalar, z.array(scalar)]);
export type ExpectValue = z.infer<typeof expectValueSchema>;

/** What an op needs as its `value`; checked by the schema, so `validate` reports a wrong one. */
type ValueRule = 'none' | 'any' | 'number' | 'list' | 'text' | 'regex' | 'mode';

type OpEntry = {
  /** One line for the reference: what passes. */
  readonly doc: string;
  readonly value: ValueRule;
  /** The verdict. Pure; `actual` undefined means "not set / not there". */
  readonly test: (actual: unknown, expected: unknown) => boolean;
  /** "expected …" in words a learner understands. */
  readonly words: (subject: string, expected: unknown) => string;
};

/** A value in backticks, lists as `a`, `b`; long text cut short. */
export function show(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (Array.isArray(value))
    return value.length === 0 ? 'an empty list' : value.map((v) => `\`${String(v)}\``).join(', ');
  if (typeof value === 'object' && value !== null) return `\`${JSON.stringify(value)}\``;
  const text = String(value);
  return `\`${text.length > 120 ? `${text.slice(0, 117)}…` : text}\``;
}

function asNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && value.trim() !== '' && !Number.isNaN(Number(value))) return Number(value);
  return undefined;
}

/** Scalars only: a list or an object is never equal to a scalar (no `String(["a","b"])` = "a,b"). */
function scalarEqual(actual: unknown, expected: unknown): boolean {
  if (actual === expected) return true;
  if (actual === undefined || actual === null || typeof actual === 'object') return false;
  if (typeof expected === 'object' && expected !== null) return false;
  const an = asNumber(actual);
  const en = asNumber(expected);
  if (an !== undefined && en !== undefined) return an === en;
  return String(actual) === String(expected);
}

/**
 * The elements of what a probe saw, for the list ops: a list is its items; a string is a comma
 * list (`Node,RBAC` → `Node`, `RBAC`; kube-bench's valid_elements), so `has` never tests a
 * substring; nothing is no elements; any other value is one element.
 */
export function elementsOf(actual: unknown): unknown[] {
  if (Array.isArray(actual)) return actual;
  if (actual === undefined || actual === null) return [];
  if (typeof actual === 'string')
    return actual
      .split(',')
      .map((part) => part.trim())
      .filter((part) => part !== '');
  return [actual];
}

const listOf = (expected: unknown): unknown[] => (Array.isArray(expected) ? expected : [expected]);
const among = (items: readonly unknown[], value: unknown) => items.some((item) => scalarEqual(item, value));

/** A list value: the same elements in any order (a comma string counts as its elements). */
function equal(actual: unknown, expected: unknown): boolean {
  if (!Array.isArray(expected)) return scalarEqual(actual, expected);
  if (!Array.isArray(actual) && typeof actual !== 'string') return false;
  const items = elementsOf(actual);
  if (items.length !== expected.length) return false;
  const left = [...items];
  for (const e of expected) {
    const i = left.findIndex((item) => scalarEqual(item, e));
    if (i < 0) return false;
    left.splice(i, 1);
  }
  return true;
}

/** `has`: every value given is an element (a list value: all of them). */
function includesAll(actual: unknown, expected: unknown): boolean {
  const items = elementsOf(actual);
  const wanted = listOf(expected);
  return wanted.length > 0 && wanted.every((w) => among(items, w));
}

/** `nothave`: no value given is an element. */
function includesNone(actual: unknown, expected: unknown): boolean {
  const items = elementsOf(actual);
  return listOf(expected).every((w) => !among(items, w));
}

/** `contains`: a substring of the text (a list: of any item). The one op that looks inside a string. */
function containsText(actual: unknown, expected: unknown): boolean {
  const texts = Array.isArray(actual) ? actual : actual === undefined || actual === null ? [] : [actual];
  return texts.some((t) => typeof t !== 'object' && String(t).includes(String(expected)));
}

/** `in`: the value is one of the list; a list value: it has items and every one is. */
function oneOf(actual: unknown, expected: unknown): boolean {
  if (!Array.isArray(expected)) return false;
  if (!Array.isArray(actual)) return among(expected, actual);
  return actual.length > 0 && actual.every((a) => among(expected, a));
}

/** RE2 (linear time; domain/regex.ts): the pattern is the author's, the text the learner's. */
function regexTest(actual: unknown, pattern: unknown): boolean {
  const values = Array.isArray(actual) ? actual : actual === undefined ? [] : [actual];
  return values.some((v) => regexFind(String(pattern), typeof v === 'string' ? v : JSON.stringify(v)));
}

const isSet = (actual: unknown): boolean =>
  actual !== undefined && actual !== null && actual !== false && actual !== '';

function numeric(test: (a: number, e: number) => boolean) {
  return (actual: unknown, expected: unknown): boolean => {
    const a = asNumber(actual);
    const e = asNumber(expected);
    return a !== undefined && e !== undefined && test(a, e);
  };
}

export const OPS = {
  eq: {
    doc: 'equal (numbers compare as numbers: `2048` equals `"2048"`); with a list value: the same elements in any order',
    value: 'any',
    test: equal,
    words: (s, v) => `${s} is ${show(v)}`,
  },
  neq: {
    doc: 'not equal',
    value: 'any',
    test: (a, e) => !equal(a, e),
    words: (s, v) => `${s} is not ${show(v)}`,
  },
  gt: {
    doc: 'a number greater than the value',
    value: 'number',
    test: numeric((a, e) => a > e),
    words: (s, v) => `${s} is more than ${String(v)}`,
  },
  gte: {
    doc: 'a number at least the value',
    value: 'number',
    test: numeric((a, e) => a >= e),
    words: (s, v) => `${s} is at least ${String(v)}`,
  },
  lt: {
    doc: 'a number less than the value',
    value: 'number',
    test: numeric((a, e) => a < e),
    words: (s, v) => `${s} is less than ${String(v)}`,
  },
  lte: {
    doc: 'a number at most the value',
    value: 'number',
    test: numeric((a, e) => a <= e),
    words: (s, v) => `${s} is at most ${String(v)}`,
  },
  has: {
    doc: 'the value is an element (a list value: each of them is); a string is read as a comma list, so `has: Node` does not pass `NodeRestriction`',
    value: 'any',
    test: includesAll,
    words: (s, v) => (Array.isArray(v) ? `${s} includes each of ${show(v)}` : `${s} includes ${show(v)}`),
  },
  nothave: {
    doc: 'the value is not an element (a list value: none of them is); elements as for `has`',
    value: 'any',
    test: includesNone,
    words: (s, v) =>
      Array.isArray(v) ? `${s} includes none of ${show(v)}` : `${s} does not include ${show(v)}`,
  },
  contains: {
    doc: 'the text contains the value as a substring (a list: some item does)',
    value: 'text',
    test: containsText,
    words: (s, v) => `${s} contains the text ${show(v)}`,
  },
  matches: {
    doc: 'matches the regular expression, RE2 syntax: linear time, no lookaround or backreferences (a list: any item does)',
    value: 'regex',
    test: regexTest,
    words: (s, v) => `${s} matches /${String(v)}/`,
  },
  notmatches: {
    doc: 'does not match the regular expression, RE2 syntax (a list: no item does)',
    value: 'regex',
    test: (a, e) => !regexTest(a, e),
    words: (s, v) => `${s} does not match /${String(v)}/`,
  },
  exists: {
    doc: 'set: not nothing, not `false`, not the empty string',
    value: 'none',
    test: isSet,
    words: (s) => `${s} is set`,
  },
  absent: {
    doc: 'not set: nothing, `false` or the empty string',
    value: 'none',
    test: (a) => !isSet(a),
    words: (s) => `${s} is not set`,
  },
  in: {
    doc: 'one of the values in the list (a list: it has items and every one is)',
    value: 'list',
    test: oneOf,
    words: (s, v) => `${s} is one of ${show(v)}`,
  },
  bitmask: {
    doc: 'a file mode that grants nothing beyond the octal value (`600` allows 600, 400 and 0)',
    value: 'mode',
    test: (actual, expected) => {
      const mode =
        typeof actual === 'string'
          ? Number.parseInt(actual, 8)
          : typeof actual === 'number'
            ? actual
            : Number.NaN;
      const allowed = Number.parseInt(String(expected), 8);
      return !Number.isNaN(mode) && (mode & ~allowed) === 0;
    },
    words: (s, v) => `${s} has mode ${String(v)} or stricter`,
  },
} as const satisfies Record<string, OpEntry>;

export type Op = keyof typeof OPS;
export const OP_NAMES = Object.keys(OPS) as [Op, ...Op[]];

/** The comparison itself. Pure; `actual` undefined means "not set / not there". */
export function compare(op: Op, actual: unknown, expected: unknown): boolean {
  return (OPS[op] as OpEntry).test(actual, expected);
}

/** "expected …" in words a learner understands. */
export function describeExpected(subject: string, expect: Expectation): string {
  return (OPS[expect.op] as OpEntry).words(subject, expect.value);
}

export function describeActual(actual: unknown): string {
  if (actual === undefined || actual === null) return 'found nothing (not set)';
  if (typeof actual === 'number' && !Number.isInteger(actual)) return `found ${actual.toFixed(2)}`;
  return `found ${show(actual)}`;
}

/** Why a value does not suit its op, or undefined when it does. */
function valueProblem(rule: ValueRule, op: Op, value: ExpectValue | undefined): string | undefined {
  if (rule === 'none') return undefined;
  if (value === undefined) return `op ${op} needs a value`;
  switch (rule) {
    case 'any':
      return undefined;
    case 'number':
      return asNumber(value) === undefined ? `op ${op} needs a number` : undefined;
    case 'list':
      return Array.isArray(value) ? undefined : `op ${op} needs a list`;
    case 'text':
      return Array.isArray(value) || value === '' ? `op ${op} needs a piece of text` : undefined;
    case 'regex':
      if (typeof value !== 'string') return `op ${op} needs a regular expression as a string`;
      return regexProblem(value);
    case 'mode':
      return typeof value === 'string' && /^[0-7]{3,4}$/.test(value)
        ? undefined
        : 'bitmask needs an octal mode like "600"';
  }
}

/** The fields of an expectation; checks.ts adds `valueFrom` (a probe) and the refinement below. */
export const expectFields = {
  op: z.enum(OP_NAMES).describe('how what the probe saw is compared (see the ops table)'),
  value: expectValueSchema
    .optional()
    .describe('what it is compared with; every op but exists and absent needs one (or `valueFrom`)'),
};

/** Why an op's `value` does not suit it (undefined: it does). A value taken from a probe is checked when it is seen. */
export function expectProblem(op: Op, value: ExpectValue | undefined): string | undefined {
  return valueProblem((OPS[op] as OpEntry).value, op, value);
}

export type Expectation = { readonly op: Op; readonly value?: ExpectValue | undefined };

/** For the generated reference: each op with what passes and what its value must be. */
export function opReference(): ReadonlyArray<{ op: Op; doc: string; value: ValueRule; example: string }> {
  return OP_NAMES.map((op) => {
    const entry = OPS[op] as OpEntry;
    const sample: ExpectValue | undefined =
      entry.value === 'none'
        ? undefined
        : entry.value === 'list'
          ? ['a', 'b']
          : entry.value === 'number'
            ? 2048
            : entry.value === 'mode'
              ? '600'
              : entry.value === 'regex'
                ? '^tcp://'
                : 'x';
    return { op, doc: entry.doc, value: entry.value, example: entry.words('X', sample) };
  });
}
