import { z } from 'zod';
import { checkSchema } from './checks.js';
import { parseFieldPath } from './field-path.js';
import { type ParamTemplate, type ParamValues, paramsSchema } from './params.js';
import { needsCluster, observationFields, type ProbeSpec } from './probe-spec.js';
import type { SelfTest } from './selftest.js';

/** The scenario.yaml format this app reads. A file written for another one is refused, never guessed at. */
export const SCENARIO_FORMAT = 1;

/** The CKS exam's domains, used to group scenarios on the home screen. */
export const DOMAINS = {
  'cluster-setup': 'Cluster Setup',
  'cluster-hardening': 'Cluster Hardening',
  'system-hardening': 'System Hardening',
  'microservice-vulnerabilities': 'Minimize Microservice Vulnerabilities',
  'supply-chain': 'Supply Chain Security',
  'monitoring-runtime': 'Monitoring, Logging and Runtime Security',
} as const;
export type Domain = keyof typeof DOMAINS;

export const DIFFICULTIES = ['easy', 'medium', 'hard'] as const;

/** A node file that setup changes: backed up before setup, restored byte for byte on reset. */
const nodeFileSchema = z
  .object({
    node: z.string().min(1).describe('`control-plane`, `worker` or a node name'),
    path: z.string().startsWith('/').describe('absolute path on the node'),
  })
  .strict();

const fileName = z.string().min(1);

export const scenarioSchema = z
  .object({
    format_version: z
      .literal(SCENARIO_FORMAT, {
        error: (issue) =>
          issue.input === undefined
            ? `required: format_version: ${SCENARIO_FORMAT}`
            : `unknown format_version ${JSON.stringify(issue.input)} (this app reads ${SCENARIO_FORMAT})`,
      })
      .describe(`the scenario.yaml format: ${SCENARIO_FORMAT}`),
    id: z
      .string()
      .regex(/^[a-z0-9][a-z0-9-]*$/, 'lower-case letters, digits and dashes')
      .describe('the folder name'),
    title: z.string().min(1).describe('one line, shown in the list'),
    domain: z
      .enum(Object.keys(DOMAINS) as [Domain, ...Domain[]])
      .describe('the CKS domain it trains, which groups it on the home screen'),
    difficulty: z.enum(DIFFICULTIES).describe('shown in the list'),
    minutes: z.number().int().positive().max(240).describe('the time a learner should expect to spend'),
    lab: z
      .enum(['none', 'cluster'])
      .describe('`none`: a workspace folder only; `cluster`: the lab cluster (its probes need it)'),
    cis: z.array(z.string()).default([]).describe('CIS benchmark items it covers'),
    brief: fileName.default('brief.md').describe('the task, in Markdown (shown before setup)'),
    debrief: fileName
      .default('debrief.md')
      .describe('shown after success; needs the headings "Why it matters" and "Common mistakes"'),
    setup: fileName.default('setup.sh').describe('breaks things on purpose (bash, cwd = the workspace)'),
    solution: fileName.default('solution.sh').describe('the reference solution'),
    reset: fileName.optional().describe('undoes setup on the lab; default: reset.sh when the folder has one'),
    files: z
      .array(fileName)
      .default([])
      .describe('other files of the folder the scripts use; the folder may hold nothing else'),
    apiserverHelp: z
      .boolean()
      .default(true)
      .describe(
        'false: the app gives no help with a broken apiserver: no offer to put back the last manifest that worked, and "waiting" messages do not quote its log (for a task that is to find out why it is down)',
      ),
    shell: z
      .string()
      .optional()
      .describe(
        'a line the learner pastes into a shell to work in the scenario ($WORKSPACE, $LAB_KUBECONFIG)',
      ),
    backup: z
      .array(nodeFileSchema)
      .default([])
      .describe(
        'node files setup (or a learner) changes: backed up before setup, restored byte for byte on reset',
      ),
    hintCosts: z
      .object({
        nudge: z.number().min(0).max(1),
        teach: z.number().min(0).max(1),
        command: z.number().min(0).max(1),
      })
      .strict()
      .default({ nudge: 0.05, teach: 0.1, command: 0.25 })
      .describe('the share of the score each hint level costs'),
    params: paramsSchema.optional(),
    checks: z.array(checkSchema).min(1).describe('at least one graded; see A check'),
  })
  .strict()
  .superRefine((s, ctx) => {
    const seen = new Set<string>();
    s.checks.forEach((c, i) => {
      if (seen.has(c.id))
        ctx.addIssue({ code: 'custom', message: `duplicate check id ${c.id}`, path: ['checks', i, 'id'] });
      seen.add(c.id);
      // A mistyped field would be "nothing" at run time, which `absent` or `neq` would pass.
      const fields = observationFields(c.probe);
      const first = c.field === undefined ? undefined : parseFieldPath(c.field)[0];
      if (fields && typeof first === 'string' && !(first in fields))
        ctx.addIssue({
          code: 'custom',
          message: `${c.probe.kind} observes no field "${first}" (it has: ${Object.keys(fields).join(', ')})`,
          path: ['checks', i, 'field'],
        });
      if (c.graded && c.probe.kind === 'command' && !c.probe.why)
        ctx.addIssue({
          code: 'custom',
          message: 'a graded command check says why no probe kind can say it (why: one line)',
          path: ['checks', i, 'probe', 'why'],
        });
      const from = c.expect.valueFrom;
      if (from) {
        const sourceFields = observationFields(from.probe);
        const head = from.field === undefined ? undefined : parseFieldPath(from.field)[0];
        if (sourceFields && typeof head === 'string' && !(head in sourceFields))
          ctx.addIssue({
            code: 'custom',
            message: `${from.probe.kind} observes no field "${head}" (it has: ${Object.keys(sourceFields).join(', ')})`,
            path: ['checks', i, 'expect', 'valueFrom', 'field'],
          });
        if (s.lab === 'none' && needsCluster(from.probe))
          ctx.addIssue({
            code: 'custom',
            message: `probe ${from.probe.kind} needs a cluster, but lab is none`,
            path: ['checks', i, 'expect', 'valueFrom', 'probe'],
          });
      }
      for (const fixture of scenarioFixtures(c.probe))
        if (!s.files.includes(fixture))
          ctx.addIssue({
            code: 'custom',
            message: `${fixture} is read from the scenario folder: list it under files:`,
            path: ['checks', i, 'probe', 'as'],
          });
      if (s.lab === 'none' && needsCluster(c.probe))
        ctx.addIssue({
          code: 'custom',
          message: `probe ${c.probe.kind} needs a cluster, but lab is none`,
          path: ['checks', i, 'probe'],
        });
    });
    if (!s.checks.some((c) => c.graded))
      ctx.addIssue({ code: 'custom', message: 'at least one check must be graded', path: ['checks'] });
  });

export type ScenarioData = z.infer<typeof scenarioSchema>;

/** Files a probe reads from the scenario folder (`as: {token|cert: {from: scenario}}`). */
function scenarioFixtures(probe: ProbeSpec): string[] {
  if (probe.kind !== 'apiRequest' && probe.kind !== 'admission') return [];
  const as = probe.as;
  if (as && 'token' in as && as.token.from === 'scenario') return [as.token.file];
  if (as && 'cert' in as && as.cert.from === 'scenario') return [as.cert.cert, as.cert.key];
  return [];
}

/** A loaded scenario: its data plus the texts and absolute paths the engine needs. */
export type Scenario = ScenarioData & {
  readonly dir: string;
  readonly briefText: string;
  readonly debriefText: string;
  /** The folder's proof (selftest.yaml). */
  readonly selftest: SelfTest;
  /** With `params:`: what the checks and texts are rendered from (params.ts, bindScenario). */
  readonly paramTemplate?: ParamTemplate;
  /** Set once the parameters are drawn: the seed and the values (the scripts' KHL_PARAM_*). */
  readonly bound?: { readonly seed: number; readonly values: ParamValues };
};

/** One problem in a scenario folder, located precisely enough to fix it. */
export type ScenarioProblem = {
  readonly file: string;
  readonly line: number;
  readonly field: string;
  readonly reason: string;
};

/** Either a valid scenario or the reasons it is not: the app still starts and shows it as invalid. */
export type ScenarioEntry =
  | { readonly valid: true; readonly scenario: Scenario }
  | {
      readonly valid: false;
      readonly id: string;
      readonly dir: string;
      readonly problems: readonly ScenarioProblem[];
    };

export function formatProblem(p: ScenarioProblem): string {
  return `${p.file}:${p.line}: ${p.field || '(file)'}: ${p.reason}`;
}
