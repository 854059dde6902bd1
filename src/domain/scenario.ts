import { z } from 'zod';
import { checkSchema } from './checks.js';
import { needsCluster } from './probe-spec.js';

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
const nodeFileSchema = z.object({ node: z.string().min(1), path: z.string().startsWith('/') }).strict();

export const scenarioSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'lower-case letters, digits and dashes'),
    title: z.string().min(1),
    domain: z.enum(Object.keys(DOMAINS) as [Domain, ...Domain[]]),
    difficulty: z.enum(DIFFICULTIES),
    minutes: z.number().int().positive().max(240),
    /** `none`: a workspace folder only; `cluster`: a lab cluster (host or kind). */
    lab: z.enum(['none', 'cluster']),
    cis: z.array(z.string()).default([]),
    /** Markdown files and scripts, relative to the scenario folder. */
    brief: z.string().default('brief.md'),
    debrief: z.string().default('debrief.md'),
    setup: z.string().default('setup.sh'),
    solution: z.string().default('solution.sh'),
    reset: z.string().optional(),
    /** A line the learner pastes into a shell to work in the scenario (shown in the TUI and by `start`). */
    shell: z.string().optional(),
    backup: z.array(nodeFileSchema).default([]),
    hintCosts: z
      .object({
        nudge: z.number().min(0).max(1),
        teach: z.number().min(0).max(1),
        command: z.number().min(0).max(1),
      })
      .strict()
      .default({ nudge: 0.05, teach: 0.1, command: 0.25 }),
    checks: z.array(checkSchema).min(1),
  })
  .strict()
  .superRefine((s, ctx) => {
    const seen = new Set<string>();
    s.checks.forEach((c, i) => {
      if (seen.has(c.id))
        ctx.addIssue({ code: 'custom', message: `duplicate check id ${c.id}`, path: ['checks', i, 'id'] });
      seen.add(c.id);
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

/** A loaded scenario: its data plus the texts and absolute paths the engine needs. */
export type Scenario = ScenarioData & {
  readonly dir: string;
  readonly briefText: string;
  readonly debriefText: string;
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
