import { z } from 'zod';
import { checkSchema, hintSchema } from './checks.js';
import { opReference } from './ops.js';
import { PARAM_KINDS } from './params.js';
import { identitySchema, kindFields, PROBE_KINDS, PROBES, type ProbeKind, probeInfo } from './probe-spec.js';
import { SCENARIO_FORMAT, scenarioSchema } from './scenario.js';
import {
  MIN_NEAR_MISSES,
  MIN_OTHER_SOLUTIONS,
  nearMissSchema,
  otherSolutionSchema,
  selfTestSchema,
} from './selftest.js';

/**
 * docs/scenario-reference.md, generated from the schemas and tables themselves (zod's JSON Schema,
 * the probe table, the op table), so the reference cannot drift from what validate accepts. A test
 * fails when the file is stale; `npm run docs:reference` rewrites it.
 */

type Json = {
  type?: string | string[];
  const?: unknown;
  enum?: unknown[];
  items?: Json;
  anyOf?: Json[];
  oneOf?: Json[];
  properties?: Record<string, Json>;
  required?: string[];
  default?: unknown;
  description?: string;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  minItems?: number;
  pattern?: string;
};

const json = (schema: z.ZodType): Json =>
  z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as unknown as Json;

const code = (v: unknown) => `\`${typeof v === 'string' ? v : JSON.stringify(v)}\``;
const cell = (text: string) => text.replaceAll('|', '\\|').replaceAll('\n', ' ');

function typeOf(s: Json): string {
  if (s.const !== undefined) return code(s.const);
  if (s.enum) return s.enum.map(code).join(' | ');
  const options = s.anyOf ?? s.oneOf;
  if (options) {
    const types = [...new Set(options.map(typeOf))];
    return types.join(' or ');
  }
  if (s.type === 'array') return `list of ${s.items ? typeOf(s.items) : 'values'}`;
  if (Array.isArray(s.type)) return s.type.join(' or ');
  if (s.type === 'object') return 'mapping';
  let t = s.type ?? 'any';
  if (
    t === 'number' &&
    (s.minimum !== undefined || s.maximum !== undefined || s.exclusiveMinimum !== undefined)
  )
    t += ` (${s.exclusiveMinimum !== undefined ? `> ${s.exclusiveMinimum}` : s.minimum !== undefined ? `≥ ${s.minimum}` : ''}${s.maximum !== undefined ? `${s.minimum !== undefined || s.exclusiveMinimum !== undefined ? ', ' : ''}≤ ${s.maximum}` : ''})`;
  return t;
}

/** One row per field: name, type, required or its default, what it is. */
function fieldTable(s: Json, skip: readonly string[] = []): string {
  const rows = Object.entries(s.properties ?? {})
    .filter(([name]) => !skip.includes(name))
    .map(([name, f]) => {
      const need = s.required?.includes(name)
        ? 'required'
        : f.default !== undefined
          ? `default ${code(f.default)}`
          : 'optional';
      return `| \`${name}\` | ${cell(typeOf(f))} | ${need} | ${cell(f.description ?? '')} |`;
    });
  if (rows.length === 0) return 'No other fields.';
  return ['| field | type | | what it is |', '|---|---|---|---|', ...rows].join('\n');
}

function observationTable(fields: Readonly<Record<string, string>>): string {
  return [
    '| `field:` | what it is |',
    '|---|---|',
    ...Object.entries(fields).map(([k, v]) => `| \`${k}\` | ${cell(v)} |`),
  ].join('\n');
}

/** The shapes of `as:` (apiRequest, admission), one row each, from the schema. */
function identityTable(): string {
  const rows = (json(identitySchema).anyOf ?? []).map((shape) => {
    const fields = Object.entries(shape.properties ?? {}).map(([name, f]) => {
      const inner = f.properties
        ? `{${Object.keys(f.properties)
            .map((k) => (f.required?.includes(k) ? k : `${k}?`))
            .join(', ')}}`
        : typeOf(f);
      return `\`${name}\`: ${inner}`;
    });
    const words = shape.description ?? Object.values(shape.properties ?? {})[0]?.description ?? '';
    return `| ${cell(fields.join(', '))} | ${cell(words)} |`;
  });
  return ['| `as:` | who |', '|---|---|', ...rows].join('\n');
}

function probeSection(kind: ProbeKind): string {
  const info = probeInfo(kind);
  const schema = json(PROBES[kind].schema as z.ZodType);
  const lab =
    info.needsCluster === true
      ? 'needs the lab cluster'
      : info.needsCluster === 'node'
        ? 'local; on the lab when it names a `node:`'
        : 'local (no lab needed)';
  const observes = info.observes.charAt(0).toUpperCase() + info.observes.slice(1);
  const out = [`### \`${kind}\``, '', `${observes}. *${lab}.*`, ''];
  const variants = schema.oneOf ?? [schema];
  for (const v of variants) {
    const fact = v.properties?.fact?.const;
    if (fact !== undefined) out.push(`**\`fact: ${String(fact)}\`**: ${v.description ?? ''}`, '');
    out.push(fieldTable(v, fact !== undefined ? ['kind', 'fact'] : ['kind']), '');
    const fields = kindFields(kind);
    if (fields && fact !== undefined) {
      const byFact = (fields as Readonly<Record<string, Readonly<Record<string, string>>>>)[String(fact)];
      if (byFact) out.push('It observes:', '', observationTable(byFact), '');
    }
  }
  const fields = kindFields(kind);
  if (fields && variants.every((v) => v.properties?.fact === undefined))
    out.push(
      'It observes (name these in `field:`; paths below them work too):',
      '',
      observationTable(fields as Readonly<Record<string, string>>),
      '',
    );
  else if (!fields)
    out.push(
      "The observation is the value itself (or the cluster's own object): `field:` may name any path in it, or be left out.",
      '',
    );
  return out.join('\n');
}

/** One row per parameter kind, from the schemas. */
function paramKindsTable(): string {
  const rows = PARAM_KINDS.map((schema) => {
    const j = json(schema);
    const kind = j.properties?.kind?.const;
    const fields = Object.entries(j.properties ?? {})
      .filter(([name]) => name !== 'kind')
      .map(([name, f]) => {
        const need = j.required?.includes(name)
          ? ''
          : f.default !== undefined
            ? ` (default ${code(f.default)})`
            : ' (optional)';
        return `\`${name}\`${need}: ${f.description ?? typeOf(f)}`;
      });
    return `| \`${String(kind)}\` | ${cell(j.description ?? '')} | ${cell(fields.join('; '))} |`;
  });
  return ['| `kind:` | draws | fields |', '|---|---|---|', ...rows].join('\n');
}

function opsTable(): string {
  const needs: Record<string, string> = {
    none: 'no value',
    any: 'a value or a list',
    number: 'a number',
    list: 'a list',
    text: 'text',
    regex: 'a regular expression',
    mode: 'an octal mode such as `"600"`',
  };
  return [
    '| op | value | passes when | shown to the learner as |',
    '|---|---|---|---|',
    ...opReference().map(
      (o) =>
        `| \`${o.op}\` | ${needs[o.value] ?? o.value} | ${cell(o.doc)} | ${cell(`expected ${o.example}`)} |`,
    ),
  ].join('\n');
}

export function scenarioReference(): string {
  const scenario = json(scenarioSchema);
  const check = json(checkSchema);
  const selftest = json(selfTestSchema);
  return `<!-- Generated from src/domain (the schemas, the probe table, the op table) by \`npm run docs:reference\`. Do not edit: a test fails when this file is stale. -->

# Scenario reference

A scenario is one folder under \`scenarios/\`: data and shell, no TypeScript. \`k8s-harden-lab
validate\` checks all of it and names every problem as \`file:line: field: reason\`.

| file | |
|---|---|
| \`scenario.yaml\` | the scenario and its checks (below) |
| \`selftest.yaml\` | its proof: other correct solutions and near misses (below) |
| \`brief.md\`, \`debrief.md\` | the task, and what it taught (the debrief needs the headings "Why it matters" and "Common mistakes") |
| \`setup.sh\`, \`solution.sh\` | break it on purpose; the reference solution (bash, cwd = the workspace) |
| \`reset.sh\` | undo setup on the lab; used whenever it exists |
| anything else | only when \`scenario.yaml\` names it under \`files:\` (a stray file is refused) |

Scripts run with \`bash\`, cwd = the workspace, with \`WORKSPACE\`, \`SCENARIO_DIR\`, \`KHL_BIN\`,
\`KHL_NODE\` (and \`KHL_PARAM_<NAME>\` for each value drawn, see Parameters); cluster scenarios also get \`KUBECONFIG\` = \`LAB_KUBECONFIG\` (the lab's own file),
\`LAB_PROVIDER\`, \`LAB_CLUSTER\`, and reach nodes through \`scenarios/_lib/lab.sh\`
(\`source "$SCENARIO_DIR/../_lib/lab.sh"\`). Cluster-free scripts get \`HOME=$WORKSPACE\`.
A cluster scenario with an \`observed\` check calls \`lab_mark_attempt\` at the end of setup: facts
count from there.

## scenario.yaml

\`format_version: ${SCENARIO_FORMAT}\` comes first; a file with another version is refused, never guessed at.

${fieldTable(scenario)}

A cluster scenario whose \`setup.sh\` writes a node file (\`lab_node_write\`, \`node cp\` onto a
node, a node shell line that edits, copies or removes) must list the files under \`backup:\`.
\`validate\` reads setup.sh for each literal path it writes on a node (written out, held by a simple
\`VAR=/abs/path\`, or handed to a node shell line as \`$1\`…; multi-line lines too) and asks for
that node and path under \`backup:\`. A path built at run time is not seen: list it yourself.

### A check (\`checks:\`)

${fieldTable(check)}

\`hint:\` has all three levels:

${fieldTable(json(hintSchema))}

A check passes when \`expect\` holds for the \`field\` of what its \`probe\` observed. A probe
that cannot observe gives an **error** (never a pass); an apiserver or kubelet that is restarting
gives **waiting**. Ungraded checks are guards: no points, but the scenario is solved only when
every graded check and every guard passes.

\`field:\` paths: \`a.b[0].c\`, \`[-1]\` for the last item, \`["x.y"]\` for a key with a dot, and
\`[*]\` for every item (\`items[*].metadata.name\` is the list of names).

\`expect.valueFrom\` takes the expected value from another probe in the same round, so "your
file matches the live cluster" is one check: \`expect: { op: eq, valueFrom: { probe: {kind: api,
resource: pods, namespace: x}, field: "items[*].metadata.name" } }\`. With \`eq\` a list compares as
a set. A source that cannot be read makes the check an error, never a pass.

## Parameters (\`params:\`)

A scenario can draw parts of its task afresh for every attempt: names of users, contexts and
namespaces, a port, a group, a target value. Each parameter is a name (lower-case letters, digits
and \`_\`) and one of these kinds:

${paramKindsTable()}

\`\`\`yaml
params:
  user: { kind: name, words: [john, maria, priya] }
  namespace: { kind: choice, from: [default, finance, payments] }
  days: { kind: choice, from: [90, 180, 365] }
checks:
  - id: user-cn
    title: "{{param.user}}.crt has CN={{param.user}}"
    probe: { kind: x509, cert: "{{param.user}}.crt" }
    field: subject.CN
    expect: { op: eq, value: "{{param.user}}" }
\`\`\`

Setup draws every value from the attempt's **seed** (\`start <id> --seed N\` gives the same values
again; \`start\` without it draws a fresh seed, kept with the attempt, so \`check\`, \`hint\`,
\`solve\` and \`reset\` use the same values; an exam gives each task a seed of its own, derived
from the exam's). Each parameter draws from a stream of its own, so adding one never changes the
others' values. The values reach:

- **checks**: \`{{param.NAME}}\` in any string of a check (titles, probe fields, \`field\`,
  \`subject\`, \`expect\` values, hints); a string that is exactly one placeholder takes the
  value with its type (\`value: "{{param.days}}"\` is a number for \`lte\`);
- **brief.md** and **debrief.md**: \`{{param.NAME}}\` anywhere (before setup it shows as \`‹NAME›\`);
- **scripts** (setup, solution, reset, and the self-test's scripts): the environment variable
  \`KHL_PARAM_NAME\` (the name in capitals); the reference solution is shown with the values filled in;
- **selftest.yaml**: \`secrets:\` may name a file after a parameter (\`"{{param.user}}.token"\`).

A \`choice\` may also pick which of several faults setup injects (\`fault: { kind: choice, from:
[anonymous-on, read-only-port] }\`, setup branching on \`$KHL_PARAM_FAULT\`), as long as every
check judges the goal the same way whichever fault was drawn.

\`validate\` refuses a reference to a parameter that is not declared (\`{{param.x}}\` or
\`$KHL_PARAM_X\`), a parameter nothing uses, a placeholder where nothing is filled in (outside
\`checks:\`, or in a script),
and checks that some value of a parameter would make invalid (it parses them with every value of
each choice and word and both ends of each int), each as \`file:line: field: reason\`. A scenario
without \`params:\` is read exactly as before. The self-test proves the reference solution with
every seed of \`seeds:\` (default three), each from a fresh setup; the other cases run with the first.

## Ops

${opsTable()}

## Probe kinds

A probe never runs or trusts anything the learner can write: workspace files are read as data,
only inside the workspace (a link out of it is refused) and only up to 4 MiB; a credential plugin
in a learner's kubeconfig is never run. \`command\` is the one exception to use with care (it
runs a shell line); a graded \`command\` check must say \`why:\`.

Probes that ask the API as someone (\`apiRequest\`, \`admission\`) take \`as:\`, one of:

${identityTable()}

A credential file is read for the request only: never logged, stored in progress or shown.
\`from: scenario\` names a fixture of the scenario folder (listed under \`files:\`), which the
learner never writes: the way to test "the same token still works".

${PROBE_KINDS.map(probeSection).join('\n')}
## selftest.yaml

The folder's proof, run by one generic harness per test tier (\`test/scenarios/\` for
cluster-free scenarios, \`test/cluster/scenarios/\` on the lab): after setup every graded check
fails; \`solution.sh\` and every other solution **solve** the scenario (graded checks and guards);
each near miss fails exactly its \`failing\` checks (graded or guards) and every other check
passes. At least ${MIN_OTHER_SOLUTIONS} other solution and ${MIN_NEAR_MISSES} near misses are required.

${fieldTable(selftest)}

An other solution:

${fieldTable(json(otherSolutionSchema))}

A near miss:

${fieldTable(json(nearMissSchema))}
`;
}
