import { z } from 'zod';
import { type Check, checkSchema } from './checks.js';
import { streamFor } from './random.js';
import type { Scenario } from './scenario.js';

/**
 * Randomised parameters, pure. A scenario declares them under `params:` (each one of a closed set
 * of kinds); setup draws every value from the attempt's seed, so the same seed gives the same
 * values. The checks (every string in them), the brief, the debrief and the hints name a value as
 * `{{param.NAME}}`; the scripts read it from `$KHL_PARAM_NAME` (the name in capitals).
 */

export const PARAM_NAME = /^[a-z][a-z0-9_]*$/;

/** Words a `name` is built from: usable as a Kubernetes name, a user, a context or a file name. */
const word = z
  .string()
  .regex(/^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/, 'lower-case letters, digits and dashes (a Kubernetes name)')
  .max(40);

const choiceSchema = z
  .object({
    kind: z.literal('choice'),
    from: z
      .array(z.union([z.string().min(1), z.number()]))
      .min(2, 'at least two values (one value is no draw)')
      .describe('the values: one of them is drawn'),
  })
  .strict()
  .describe('one value of a list: `{ kind: choice, from: [research, production] }`');

const intSchema = z
  .object({
    kind: z.literal('int'),
    min: z.number().int().describe('the smallest value'),
    max: z.number().int().describe('the largest value'),
  })
  .strict()
  .describe('a whole number from min to max, both included: `{ kind: int, min: 30000, max: 32767 }`');

const nameSchema = z
  .object({
    kind: z.literal('name'),
    words: z.array(word).min(1).describe('the words a name starts with'),
    digits: z
      .number()
      .int()
      .min(0)
      .max(6)
      .default(0)
      .describe('a suffix of this many digits after a dash (`maria-042`); 0: the word alone'),
  })
  .strict()
  .describe(
    'a name: one of the words, with a suffix of digits: `{ kind: name, words: [john, maria], digits: 2 }`',
  );

export const paramSpecSchema = z.discriminatedUnion('kind', [choiceSchema, intSchema, nameSchema]);
export type ParamSpec = z.infer<typeof paramSpecSchema>;

/** The kinds, for the reference. */
export const PARAM_KINDS = [choiceSchema, intSchema, nameSchema] as const;

export const paramsSchema = z
  .record(
    z.string().regex(PARAM_NAME, 'a parameter name: lower-case letters, digits and _, a letter first'),
    paramSpecSchema,
  )
  .superRefine((specs, ctx) => {
    for (const [name, spec] of Object.entries(specs)) {
      if (spec.kind === 'int' && spec.min > spec.max)
        ctx.addIssue({
          code: 'custom',
          message: `min ${spec.min} is above max ${spec.max}`,
          path: [name, 'min'],
        });
      if (spec.kind === 'choice' && new Set(spec.from.map(String)).size !== spec.from.length)
        ctx.addIssue({ code: 'custom', message: 'a value is listed twice', path: [name, 'from'] });
      if (spec.kind === 'name' && new Set(spec.words).size !== spec.words.length)
        ctx.addIssue({ code: 'custom', message: 'a word is listed twice', path: [name, 'words'] });
    }
  })
  .describe(
    "randomised parameters, drawn from the attempt's seed at setup: `{{param.NAME}}` in checks, hints, brief and debrief, `$KHL_PARAM_NAME` in scripts; see Parameters",
  );
export type ParamSpecs = z.infer<typeof paramsSchema>;

export type ParamValue = string | number;
export type ParamValues = Readonly<Record<string, ParamValue>>;

// --- the draw ----------------------------------------------------------------------------------

function drawOne(spec: ParamSpec, random: () => number): ParamValue {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  switch (spec.kind) {
    case 'choice':
      return pick(spec.from);
    case 'int':
      return spec.min + Math.floor(random() * (spec.max - spec.min + 1));
    case 'name': {
      const w = pick(spec.words);
      if (spec.digits === 0) return w;
      return `${w}-${String(Math.floor(random() * 10 ** spec.digits)).padStart(spec.digits, '0')}`;
    }
  }
}

/**
 * Every parameter's value for a seed. Each parameter draws from a stream of its own (the seed mixed
 * with its name), so adding a parameter to a scenario never changes the values of the others.
 */
export function drawParams(specs: ParamSpecs, seed: number): ParamValues {
  const out: Record<string, ParamValue> = {};
  for (const name of Object.keys(specs).sort()) {
    const spec = specs[name];
    if (spec) out[name] = drawOne(spec, streamFor(seed, name));
  }
  return out;
}

/**
 * Value sets that together take every value of a choice and every word of a name at least once,
 * and both ends of an int: what `validate` renders the checks with, so no draw can make them invalid.
 */
export function sampleParams(specs: ParamSpecs): ParamValues[] {
  const entries = Object.entries(specs);
  const count = Math.min(
    16,
    Math.max(
      2,
      ...entries.map(([, s]) =>
        s.kind === 'choice' ? s.from.length : s.kind === 'name' ? s.words.length : 2,
      ),
    ),
  );
  return Array.from({ length: count }, (_, i) =>
    Object.fromEntries(
      entries.map(([name, s]): [string, ParamValue] => {
        if (s.kind === 'choice') return [name, s.from[i % s.from.length] as ParamValue];
        if (s.kind === 'int') return [name, i % 2 === 0 ? s.min : s.max];
        const w = s.words[i % s.words.length] as string;
        return [name, s.digits === 0 ? w : `${w}-${'9'.repeat(s.digits)}`];
      }),
    ),
  );
}

// --- placeholders ------------------------------------------------------------------------------

/** `{{param.NAME}}` (spaces inside the braces allowed). Go templates (`{{.data}}`) never match. */
const PLACEHOLDER = /\{\{\s*params?\.([^}\s]*)\s*\}\}/g;
const EXACT = /^\{\{\s*params?\.([^}\s]*)\s*\}\}$/;

/** The text `{{param.NAME}}` for a name, as authors write it. */
export const placeholder = (name: string) => `{{param.${name}}}`;

/** The environment variable a script reads a parameter from. */
export const paramEnvName = (name: string) => `KHL_PARAM_${name.toUpperCase()}`;

/** `$KHL_PARAM_X` and `${KHL_PARAM_X…}` in a script. */
const ENV_REF = /\$\{?KHL_PARAM_([A-Za-z0-9_]+)/g;

export type PlaceholderRef = {
  /** The parameter named, as written. */
  readonly name: string;
  /** What is wrong with the reference itself (`{{params.x}}`, a bad name), if anything. */
  readonly malformed?: string;
};

function refsIn(text: string, re: RegExp, spell: (m: RegExpMatchArray) => PlaceholderRef): PlaceholderRef[] {
  return [...text.matchAll(re)].map(spell);
}

/** The placeholders in a text. */
export function placeholdersIn(text: string): PlaceholderRef[] {
  return refsIn(text, PLACEHOLDER, (m) => {
    const name = m[1] ?? '';
    if (!m[0].replace(/\s/g, '').startsWith('{{param.'))
      return { name, malformed: `write {{param.${name}}} (param, not params)` };
    if (!PARAM_NAME.test(name)) return { name, malformed: `"${name}" is not a parameter name` };
    return { name };
  });
}

/** The parameters a script reads (`$KHL_PARAM_NAME`), as parameter names (lower case). */
export function envRefsIn(text: string): PlaceholderRef[] {
  return refsIn(text, ENV_REF, (m) => {
    const raw = m[1] ?? '';
    return raw === raw.toUpperCase()
      ? { name: raw.toLowerCase() }
      : { name: raw.toLowerCase(), malformed: `KHL_PARAM_${raw}: the name is in capitals` };
  });
}

/** Each line of a text with a placeholder, with its references (1-based lines). */
export function placeholderLines(
  text: string,
  find: (line: string) => PlaceholderRef[] = placeholdersIn,
): Array<{ line: number; ref: PlaceholderRef }> {
  return text.split('\n').flatMap((l, i) => find(l).map((ref) => ({ line: i + 1, ref })));
}

/** Every placeholder in a YAML document's data, with the path of the string that holds it. */
export function placeholdersInData(
  data: unknown,
  path: readonly PropertyKey[] = [],
): Array<{ path: readonly PropertyKey[]; ref: PlaceholderRef }> {
  if (typeof data === 'string') return placeholdersIn(data).map((ref) => ({ path, ref }));
  if (Array.isArray(data)) return data.flatMap((v, i) => placeholdersInData(v, [...path, i]));
  if (data && typeof data === 'object')
    return Object.entries(data).flatMap(([k, v]) => placeholdersInData(v, [...path, k]));
  return [];
}

type Lookup = (name: string, exact: boolean) => ParamValue | undefined;

/** A text with every placeholder filled in; one of an unknown parameter stays as it is. */
export function renderText(text: string, values: ParamValues | Lookup): string {
  const lookup: Lookup = typeof values === 'function' ? values : (name) => values[name];
  return text.replace(PLACEHOLDER, (whole, name: string) => {
    const v = lookup(name, false);
    return v === undefined ? whole : String(v);
  });
}

/**
 * A YAML document's data with every placeholder filled in. A string that is exactly one
 * placeholder takes the value with its type, so `value: "{{param.port}}"` is a number for `gte`.
 */
export function renderData(data: unknown, values: ParamValues | Lookup): unknown {
  const lookup: Lookup = typeof values === 'function' ? values : (name) => values[name];
  if (typeof data === 'string') {
    const exact = EXACT.exec(data);
    if (exact) {
      const v = lookup(exact[1] ?? '', true);
      if (v !== undefined) return v;
    }
    return renderText(data, lookup);
  }
  if (Array.isArray(data)) return data.map((v) => renderData(v, lookup));
  if (data && typeof data === 'object')
    return Object.fromEntries(Object.entries(data).map(([k, v]) => [k, renderData(v, lookup)]));
  return data;
}

/**
 * What a parameter shows before setup has drawn it: `‹user›` in text (titles, hints, the brief);
 * a string that is exactly one placeholder (a value: a path, an expected value) takes the first
 * sample, so the checks stay valid whatever the value must look like (a number, a mode, a regex).
 */
export function displayParams(specs: ParamSpecs): Lookup {
  const first = sampleParams(specs)[0] ?? {};
  return (name, exact) => {
    if (!(name in specs)) return undefined;
    return exact ? first[name] : `‹${name}›`;
  };
}

/** The scripts' environment: `KHL_PARAM_NAME=value` for every parameter. */
export function paramEnv(values: ParamValues): Record<string, string> {
  return Object.fromEntries(Object.entries(values).map(([k, v]) => [paramEnvName(k), String(v)]));
}

// --- a scenario bound to its values ------------------------------------------------------------

/** What a parameterised scenario is rendered from: its checks as written, its texts as read. */
export type ParamTemplate = {
  readonly specs: ParamSpecs;
  /** `checks:` of scenario.yaml as plain data, placeholders in place. */
  readonly checks: unknown;
  readonly briefText: string;
  readonly debriefText: string;
};

const checksSchema = z.array(checkSchema);

/** The checks rendered with these values (validate has parsed them with every sample). */
export function renderChecks(template: ParamTemplate, values: ParamValues | Lookup): Check[] {
  const parsed = checksSchema.safeParse(renderData(template.checks, values));
  if (!parsed.success)
    throw new Error(
      `the checks are not valid with these parameter values: ${parsed.error.issues[0]?.message ?? 'unknown problem'}`,
    );
  return parsed.data;
}

/**
 * The scenario with its parameters drawn from `seed`: checks, hints, brief and debrief filled in,
 * the values kept in `bound` (the scripts' environment). A scenario without parameters is itself.
 */
export function bindScenario(scenario: Scenario, seed: number): Scenario {
  const template = scenario.paramTemplate;
  if (!template) return scenario;
  if (scenario.bound?.seed === seed) return scenario;
  const values = drawParams(template.specs, seed);
  return {
    ...scenario,
    checks: renderChecks(template, values),
    briefText: renderText(template.briefText, values),
    debriefText: renderText(template.debriefText, values),
    bound: { seed, values },
  };
}

/** The scenario as shown before setup: every parameter as `‹name›`. */
export function unboundScenario(scenario: Scenario): Scenario {
  const template = scenario.paramTemplate;
  if (!template || !scenario.bound) return scenario;
  const display = displayParams(template.specs);
  const { bound: _, ...rest } = scenario;
  return {
    ...rest,
    checks: renderChecks(template, display),
    briefText: renderText(template.briefText, display),
    debriefText: renderText(template.debriefText, display),
  };
}

/** Why a reference to a parameter cannot be filled in, or undefined when it can. */
export function referenceProblem(ref: PlaceholderRef, specs: ParamSpecs | undefined): string | undefined {
  if (ref.malformed) return ref.malformed;
  if (specs && ref.name in specs) return undefined;
  const declared = specs ? Object.keys(specs) : [];
  return `no parameter "${ref.name}" is declared under params: (${declared.length > 0 ? `declared: ${declared.join(', ')}` : 'none is'})`;
}

/**
 * A script as a learner reads it: `$KHL_PARAM_NAME` and `${KHL_PARAM_NAME}` replaced by the drawn
 * values (the reference solution shown after the attempt, the same commands the learner can type).
 */
export function renderScript(text: string, values: ParamValues): string {
  return text.replace(
    /\$\{KHL_PARAM_([A-Z0-9_]+)\}|\$KHL_PARAM_([A-Z0-9_]+)\b/g,
    (whole, a?: string, b?: string) => {
      const v = values[(a ?? b ?? '').toLowerCase()];
      return v === undefined ? whole : String(v);
    },
  );
}
