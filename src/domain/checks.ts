import { z } from 'zod';

/**
 * Checks are data: one probe (what to observe), an optional field of what it saw, and one
 * comparison. The set of probe kinds and ops is small and closed, like kube-bench's, so every
 * result can say what was expected and what was found in plain words.
 */

/** A node picked by role (`control-plane`, `worker`: the first of that role) or by full name. */
const nodeRef = z.string().min(1);

const filePath = z.string().min(1);

export const probeSchema = z.discriminatedUnion('kind', [
  z
    .object({
      kind: z.literal('file'),
      path: filePath,
      node: nodeRef.optional(),
    })
    .strict()
    .describe('file: exists, mode, owner, content'),
  z
    .object({
      kind: z.literal('field'),
      path: filePath,
      node: nodeRef.optional(),
      format: z.enum(['yaml', 'json', 'env']).default('yaml'),
      /** Dotted path, with [n] for list items: `authentication.anonymous.enabled`, `hosts[0]`. */
      at: z.string().min(1),
    })
    .strict(),
  z
    .object({
      kind: z.literal('kubeconfig'),
      path: filePath,
      /** A context to describe; omitted = the file's current context. */
      context: z.string().min(1).optional(),
    })
    .strict(),
  z
    .object({
      kind: z.literal('x509'),
      cert: filePath,
      key: filePath.optional(),
      ca: filePath.optional(),
      node: nodeRef.optional(),
    })
    .strict(),
  z
    .object({
      kind: z.literal('command'),
      /** A shell line run with `sh -c`. */
      run: z.string().min(1),
      where: z.enum(['workspace', 'node']).default('workspace'),
      node: nodeRef.optional(),
      timeoutSeconds: z.number().positive().max(120).optional(),
    })
    .strict(),
  // Cluster probes (need a lab).
  z
    .object({
      kind: z.literal('api'),
      apiVersion: z.string().default('v1'),
      resource: z.string().min(1),
      namespace: z.string().optional(),
      name: z.string().optional(),
      /** Label selector when listing. */
      selector: z.string().optional(),
      /**
       * GET a subresource (`log`, `status`…) of the named object, or of the first object the
       * selector matches (a running pod first): `{object, status, ok, body, message}`.
       */
      subresource: z
        .string()
        .regex(/^[a-z]+$/, 'a subresource name such as log or status')
        .optional(),
    })
    .strict(),
  z
    .object({
      kind: z.literal('access'),
      /** Ask as this user (`system:serviceaccount:ns:name` is recognised as a service account). */
      user: z.string().min(1),
      groups: z.array(z.string()).optional(),
      verb: z.string().min(1),
      resource: z.string().min(1),
      subresource: z.string().optional(),
      namespace: z.string().optional(),
      group: z.string().default(''),
      /** Send the request with this kubeconfig (workspace file) instead of the lab admin's. */
      kubeconfig: filePath.optional(),
      context: z.string().optional(),
    })
    .strict(),
  z
    .object({
      kind: z.literal('nodeHttp'),
      node: nodeRef,
      url: z.string().min(1),
    })
    .strict(),
  z
    .object({
      kind: z.literal('nodePort'),
      node: nodeRef,
      port: z.number().int().min(1).max(65535),
      host: z.string().default('127.0.0.1'),
    })
    .strict(),
  z
    .object({
      kind: z.literal('componentFlag'),
      component: z.enum(['kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'etcd', 'kubelet']),
      flag: z.string().regex(/^--[a-z0-9-]+$/, 'a flag like --authorization-mode'),
      /** `manifest`: what is configured; `process`: what the running process was started with. */
      source: z.enum(['manifest', 'process']).default('process'),
      node: nodeRef.default('control-plane'),
    })
    .strict(),
  z
    .object({
      kind: z.literal('kubeletConfig'),
      node: nodeRef,
      /** Config file field; a command-line flag for the same setting wins, as in the kubelet. */
      field: z.string().min(1),
    })
    .strict(),
  z
    .object({
      kind: z.literal('nodeState'),
      node: nodeRef,
    })
    .strict(),
  z
    .object({
      kind: z.literal('podPlacement'),
      node: nodeRef,
      namespace: z.string().optional(),
      selector: z.string().optional(),
    })
    .strict(),
  z
    .object({
      kind: z.literal('podFile'),
      namespace: z.string().default('default'),
      selector: z.string().min(1),
      path: filePath,
    })
    .strict(),
  z
    .object({
      kind: z.literal('observed'),
      /** A fact the engine records while the attempt runs (see engine/observer). */
      fact: z.string().min(1),
    })
    .strict(),
]);

export type ProbeSpec = z.infer<typeof probeSchema>;
export type ProbeKind = ProbeSpec['kind'];

export const OPS = [
  'eq',
  'neq',
  'gt',
  'gte',
  'lt',
  'lte',
  'has',
  'nothave',
  'matches',
  'notmatches',
  'exists',
  'absent',
  'in',
  'bitmask',
] as const;
export type Op = (typeof OPS)[number];

const scalar = z.union([z.string(), z.number(), z.boolean()]);

export const expectSchema = z
  .object({
    op: z.enum(OPS),
    value: z.union([scalar, z.array(scalar)]).optional(),
  })
  .strict()
  .superRefine((e, ctx) => {
    const needsValue = e.op !== 'exists' && e.op !== 'absent';
    if (needsValue && e.value === undefined)
      ctx.addIssue({ code: 'custom', message: `op ${e.op} needs a value`, path: ['value'] });
    if (e.op === 'in' && !Array.isArray(e.value))
      ctx.addIssue({ code: 'custom', message: 'op in needs a list', path: ['value'] });
    if ((e.op === 'matches' || e.op === 'notmatches') && typeof e.value === 'string') {
      try {
        new RegExp(e.value);
      } catch (error) {
        ctx.addIssue({
          code: 'custom',
          message: `not a valid regular expression: ${(error as Error).message}`,
          path: ['value'],
        });
      }
    }
    if (e.op === 'bitmask' && !(typeof e.value === 'string' && /^[0-7]{3,4}$/.test(e.value)))
      ctx.addIssue({ code: 'custom', message: 'bitmask needs an octal mode like "600"', path: ['value'] });
  });
export type Expectation = z.infer<typeof expectSchema>;

export const hintSchema = z
  .object({
    nudge: z.string().min(1),
    teach: z.string().min(1),
    command: z.string().min(1),
  })
  .strict();
export type Hint = z.infer<typeof hintSchema>;
export const HINT_LEVELS = ['nudge', 'teach', 'command'] as const;
export type HintLevel = (typeof HINT_LEVELS)[number];

export const checkSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'lower-case letters, digits and dashes'),
    title: z.string().min(1),
    weight: z.number().positive().default(1),
    /** Ungraded checks are guards ("the node is still Ready"): no points, may pass at setup, must hold to solve. */
    graded: z.boolean().default(true),
    probe: probeSchema,
    /** A field of what the probe saw: `exists`, `subject.CN`, `context.namespace`, `items[0].x`. */
    field: z.string().optional(),
    expect: expectSchema,
    /** The words for what is checked, used in "expected … / found …". */
    subject: z.string().optional(),
    hint: hintSchema,
    cis: z.string().optional(),
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

/** Reads `a.b[0].c` (and `a["x.y"]`) out of a value; undefined when any step is missing. */
export function select(value: unknown, field: string | undefined): unknown {
  if (!field) return value;
  let current: unknown = value;
  for (const step of parseFieldPath(field)) {
    if (current === null || current === undefined) return undefined;
    if (typeof step === 'number') {
      if (!Array.isArray(current)) return undefined;
      current = current[step < 0 ? current.length + step : step];
    } else {
      if (typeof current !== 'object') return undefined;
      current = (current as Record<string, unknown>)[step];
    }
  }
  return current;
}

export function parseFieldPath(field: string): Array<string | number> {
  const steps: Array<string | number> = [];
  const re = /([^.[\]]+)|\[(-?\d+)\]|\["([^"]+)"\]/g;
  for (const m of field.matchAll(re)) {
    if (m[1] !== undefined) steps.push(m[1]);
    else if (m[2] !== undefined) steps.push(Number(m[2]));
    else if (m[3] !== undefined) steps.push(m[3]);
  }
  return steps;
}

function show(value: unknown): string {
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

function looseEqual(actual: unknown, expected: unknown): boolean {
  if (actual === expected) return true;
  if (actual === undefined || actual === null) return false;
  const an = asNumber(actual);
  const en = asNumber(expected);
  if (an !== undefined && en !== undefined) return an === en;
  return String(actual) === String(expected);
}

/** The comparison itself. Pure; `actual` undefined means "not set / not there". */
export function compare(op: Op, actual: unknown, expected: unknown): boolean {
  switch (op) {
    case 'eq':
      return looseEqual(actual, expected);
    case 'neq':
      return !looseEqual(actual, expected);
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte': {
      const a = asNumber(actual);
      const e = asNumber(expected);
      if (a === undefined || e === undefined) return false;
      return op === 'gt' ? a > e : op === 'gte' ? a >= e : op === 'lt' ? a < e : a <= e;
    }
    case 'has':
    case 'nothave': {
      let found = false;
      if (Array.isArray(actual)) found = actual.some((item) => looseEqual(item, expected));
      else if (typeof actual === 'string')
        found =
          actual.split(',').some((part) => part.trim() === String(expected)) ||
          actual.includes(String(expected));
      return op === 'has' ? found : !found;
    }
    case 'matches':
    case 'notmatches': {
      const re = new RegExp(String(expected), 'm');
      const values = Array.isArray(actual) ? actual : actual === undefined ? [] : [actual];
      const found = values.some((v) => re.test(typeof v === 'string' ? v : JSON.stringify(v)));
      return op === 'matches' ? found : !found;
    }
    case 'exists':
      return actual !== undefined && actual !== null && actual !== false && actual !== '';
    case 'absent':
      return actual === undefined || actual === null || actual === false || actual === '';
    case 'in':
      return Array.isArray(expected) && expected.some((e) => looseEqual(actual, e));
    case 'bitmask': {
      // Passes when the file mode grants nothing beyond the allowed mode (600 allows 600, 400, 0).
      const mode =
        typeof actual === 'string'
          ? Number.parseInt(actual, 8)
          : typeof actual === 'number'
            ? actual
            : Number.NaN;
      const allowed = Number.parseInt(String(expected), 8);
      return !Number.isNaN(mode) && (mode & ~allowed) === 0;
    }
  }
}

/** "expected …" in words a learner understands. */
export function describeExpected(subject: string, expect: Expectation): string {
  const v = expect.value;
  switch (expect.op) {
    case 'eq':
      return `${subject} is ${show(v)}`;
    case 'neq':
      return `${subject} is not ${show(v)}`;
    case 'gt':
      return `${subject} is more than ${String(v)}`;
    case 'gte':
      return `${subject} is at least ${String(v)}`;
    case 'lt':
      return `${subject} is less than ${String(v)}`;
    case 'lte':
      return `${subject} is at most ${String(v)}`;
    case 'has':
      return `${subject} includes ${show(v)}`;
    case 'nothave':
      return `${subject} does not include ${show(v)}`;
    case 'matches':
      return `${subject} matches /${String(v)}/`;
    case 'notmatches':
      return `${subject} does not match /${String(v)}/`;
    case 'exists':
      return `${subject} is set`;
    case 'absent':
      return `${subject} is not set`;
    case 'in':
      return `${subject} is one of ${show(v)}`;
    case 'bitmask':
      return `${subject} has mode ${String(v)} or stricter`;
  }
}

export function describeActual(actual: unknown): string {
  if (actual === undefined || actual === null) return 'found nothing (not set)';
  if (typeof actual === 'number' && !Number.isInteger(actual)) return `found ${actual.toFixed(2)}`;
  return `found ${show(actual)}`;
}

/** Evaluates one check against what its probe saw. Pure. */
export function evaluate(check: Check, observation: Observation, subject: string): CheckResult {
  const base = { checkId: check.id, title: check.title, graded: check.graded, weight: check.weight };
  const expected = describeExpected(subject, check.expect);
  if (observation.type === 'error')
    return { ...base, status: 'error', expected, actual: observation.message };
  if (observation.type === 'waiting')
    return { ...base, status: 'waiting', expected, actual: observation.message };
  const actual = select(observation.value, check.field);
  const pass = compare(check.expect.op, actual, check.expect.value);
  return { ...base, status: pass ? 'pass' : 'fail', expected, actual: describeActual(actual) };
}

/** Default words for what a check looks at, when the scenario gives no `subject`. */
export function defaultSubject(check: Check): string {
  const p = check.probe;
  const field = check.field ? `${check.field} of ` : '';
  const on = 'node' in p && p.node ? ` on ${p.node}` : '';
  switch (p.kind) {
    case 'file':
      return `${check.field ?? 'file'} of ${p.path}${on}`;
    case 'field':
      return `${p.at} in ${p.path}${on}`;
    case 'kubeconfig':
      return `${field}${p.context ? `context ${p.context} in ` : ''}${p.path}`;
    case 'x509':
      return `${field}certificate ${p.cert}${on}`;
    case 'command':
      return `${check.field ?? 'result'} of \`${p.run}\``;
    case 'api':
      return `${field}${p.resource}${p.name ? ` ${p.name}` : ''}${p.namespace ? ` in ${p.namespace}` : ''}`;
    case 'access':
      return `whether ${p.user} may ${p.verb} ${p.resource}${p.namespace ? ` in ${p.namespace}` : ' cluster-wide'}`;
    case 'nodeHttp':
      return `${check.field ?? 'status'} of ${p.url} requested on ${p.node}`;
    case 'nodePort':
      return `port ${p.port} on ${p.node}`;
    case 'componentFlag':
      return `${p.flag} of ${p.component} (${p.source === 'process' ? 'in effect' : 'in the manifest'})`;
    case 'kubeletConfig':
      return `kubelet setting ${p.field} on ${p.node} (in effect)`;
    case 'nodeState':
      return `${check.field ?? 'state'} of node ${p.node}`;
    case 'podPlacement':
      return `${field}pods on ${p.node}`;
    case 'podFile':
      return `${p.path} in pods ${p.selector}`;
    case 'observed':
      return `${p.fact}`;
  }
}
