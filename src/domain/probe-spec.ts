import { z } from 'zod';

/**
 * Probe specs: what a check observes. The set of kinds is small and closed, like kube-bench's;
 * each kind is one entry of PROBES with its schema (every field described), whether it needs a
 * lab cluster, what it observes (the fields a check's `field:` can name) and the default words for
 * what a check looks at. docs/scenario-reference.md is generated from this table.
 */

const nodeRef = z
  .string()
  .min(1)
  .describe('a node: `control-plane` or `worker` (the first node of that role), or a full node name');
const filePath = z.string().min(1);

type Fields = Readonly<Record<string, string>>;

type ProbeEntry<S extends z.ZodType> = {
  readonly schema: S;
  /** True: only on a lab. 'node': only when the spec names a `node:`. */
  readonly needsCluster: boolean | 'node';
  /** One line: what the probe observes. */
  readonly observes: string;
  /**
   * The observation's fields, for `field:` (dotted paths below them are allowed). Absent: the
   * observation is one value (or an object whose shape is the cluster's), so any path may be asked.
   */
  readonly fields?: Fields | ((spec: z.infer<S>) => Fields);
  readonly subject: (spec: z.infer<S>, field: string | undefined) => string;
};

function probe<S extends z.ZodType>(entry: ProbeEntry<S>): ProbeEntry<S> {
  return entry;
}

const fieldOf = (field: string | undefined) => (field ? `${field} of ` : '');
const onNode = (node: string | undefined) => (node ? ` on ${node}` : '');

const FILE_FIELDS: Fields = {
  exists: 'the file exists (true/false)',
  mode: 'permission bits in octal, as `ls` shows them without the type: `"600"`',
  owner: 'owner user name (or uid)',
  group: 'owner group name (or gid)',
  size: 'size in bytes',
  content: 'the text (files up to 4 MiB)',
  text: 'the text without leading and trailing white space',
  lines: 'the lines, each trimmed, empty ones dropped (a list)',
  mtime: 'last change, seconds since the epoch (node files only)',
};

const CONTEXT_FIELDS =
  "context.name, context.exists, context.cluster, context.clusterExists, context.user, context.userExists, context.namespace (kubectl's effective one: `default` when unset), context.namespaceSet, context.server, context.credential";

/** What each `observed` fact gives (engine/probes/observed.ts computes them). */
export const OBSERVED_FIELDS: Readonly<Record<'recorder' | 'node-maintenance' | 'pdb', Fields>> = {
  recorder: {
    running: 'a line was written in the last 45 s',
    samples: 'lines recorded in this attempt',
    since: 'when the attempt started (ISO time)',
    lastSampleAgeSeconds: 'seconds since the last line',
  },
  'node-maintenance': {
    node: 'the node name',
    kubeletRestarts: 'kubelet restarts during the attempt (within 3 s = one)',
    restarts: 'each restart: {at, unschedulable, evictable: [ns/name], known}',
    cordonedAtEveryRestart: 'at least one restart, and the node was unschedulable at each',
    emptyAtEveryRestart: 'at least one restart, and no evictable pod was on the node at each',
    drainedBeforeRestart: 'both: cordoned and empty at every restart',
    drainedAtSomePoint: 'at some moment unschedulable with no evictable pods',
    backInServiceAfterLastRestart: 'the kubelet restarted and the node is now schedulable and Ready',
    unschedulableNow: 'cordoned now',
  },
  pdb: {
    minAvailable: "the budget's floor (minAvailable, else status.desiredHealthy)",
    lowestHealthy: 'the fewest ready matching pods, not being deleted, at any moment once the budget was met',
    lowestAt: 'when (ISO time)',
    respected: 'seen, and never below the floor',
    samples: 'moments counted',
    seen: 'the budget existed and was met at some moment',
  },
};

const fileFrom = z
  .enum(['workspace', 'scenario', 'node'])
  .default('workspace')
  .describe(
    "`workspace` (the learner's folder), `scenario` (a fixture of the scenario folder, named under `files:`; the learner never writes it) or `node` (an absolute path on `node`)",
  );

/**
 * Who a request is made as. One shape per way a client can authenticate; the lab admin when
 * omitted. Credentials are read for the request only: never logged, stored or shown.
 */
export const identitySchema = z
  .union([
    z
      .object({ admin: z.literal(true) })
      .strict()
      .describe('the lab admin (the default)'),
    z
      .object({ anonymous: z.literal(true) })
      .strict()
      .describe('no credentials at all'),
    z
      .object({
        token: z
          .object({ file: filePath, from: fileFrom, node: nodeRef.optional() })
          .strict()
          .describe('a bearer token read from a file (as `curl -H "Authorization: Bearer …"` sends it)'),
      })
      .strict(),
    z
      .object({
        cert: z
          .object({ cert: filePath, key: filePath, from: fileFrom, node: nodeRef.optional() })
          .strict()
          .describe('a client certificate and its key (as `curl --cert --key` sends them)'),
      })
      .strict(),
    z
      .object({
        kubeconfig: filePath.describe('a workspace kubeconfig, sent as kubectl would'),
        context: z.string().min(1).optional(),
      })
      .strict(),
    z
      .object({
        serviceAccount: z
          .string()
          .regex(/^[a-z0-9][a-z0-9.-]*\/[a-z0-9][a-z0-9.-]*$/, 'namespace/name')
          .describe('a token the probe requests for `namespace/name` (TokenRequest, 10 minutes)'),
      })
      .strict(),
    z
      .object({
        user: z.string().min(1).describe('impersonated by the lab admin (`kubectl --as`)'),
        groups: z.array(z.string().min(1)).optional().describe('`--as-group`; default: none'),
      })
      .strict(),
  ])
  .describe('who the request is made as; omitted = the lab admin');
export type Identity = z.infer<typeof identitySchema>;

/** Words for an identity in a check's subject. */
export function identityWords(as: Identity | undefined): string {
  if (!as || 'admin' in as) return 'the lab admin';
  if ('anonymous' in as) return 'an anonymous client';
  if ('token' in as) return `the token in ${as.token.file}`;
  if ('cert' in as) return `the certificate ${as.cert.cert}`;
  if ('kubeconfig' in as) return `${as.kubeconfig}${as.context ? ` (context ${as.context})` : ''}`;
  if ('serviceAccount' in as) return `service account ${as.serviceAccount}`;
  return `${as.user}${as.groups?.length ? ` (groups ${as.groups.join(', ')})` : ''}`;
}

const REQUEST_FIELDS: Fields = {
  status: 'the HTTP status (0 when nothing answered)',
  ok: 'a 2xx answer',
  reason: "the Status object's reason on an error: `Forbidden`, `Unauthorized`, `NotFound`, …",
  message: 'the error message, when not 2xx',
  body: 'the answer: parsed JSON, else the text (at most 8 MiB)',
  authenticated: 'the credentials were accepted (false on 401)',
  user: 'who the API saw: SelfSubjectReview with the same credentials, else the name in a 403 message',
  groups: "the user's groups, from the SelfSubjectReview (a list)",
};

export const PROBES = {
  file: probe({
    schema: z
      .object({
        kind: z.literal('file'),
        path: filePath.describe('workspace-relative path, or an absolute path on `node`'),
        node: nodeRef.optional(),
      })
      .strict(),
    needsCluster: 'node',
    observes: 'a file: whether it exists, its mode, owner and text',
    fields: FILE_FIELDS,
    subject: (p, field) => `${field ?? 'file'} of ${p.path}${onNode(p.node)}`,
  }),
  field: probe({
    schema: z
      .object({
        kind: z.literal('field'),
        path: filePath.describe('workspace-relative path, or an absolute path on `node`'),
        node: nodeRef.optional(),
        format: z.enum(['yaml', 'json', 'env']).default('yaml').describe('how the file is parsed'),
        at: z
          .string()
          .min(1)
          .describe(
            'dotted path inside the document, [n] for list items: `authentication.anonymous.enabled`',
          ),
      })
      .strict(),
    needsCluster: 'node',
    observes: 'the value at `at` in a YAML, JSON or env (KEY=value) file; nothing when the path is not there',
    subject: (p) => `${p.at} in ${p.path}${onNode(p.node)}`,
  }),
  kubeconfig: probe({
    schema: z
      .object({
        kind: z.literal('kubeconfig'),
        path: filePath.describe('workspace-relative path of the kubeconfig'),
        context: z
          .string()
          .min(1)
          .optional()
          .describe("a context to describe; omitted = the file's current context"),
        credentialFile: filePath
          .optional()
          .describe(
            'a workspace file holding the token (or client certificate) the context should send, as setup wrote it: right after setup its digest is kept with the attempt, outside the workspace, and `credential.matches` compares with that (the learner rewriting the file later changes nothing), without ever showing it',
          ),
      })
      .strict(),
    needsCluster: false,
    observes: 'a kubeconfig file as kubectl reads it, and one context in detail',
    fields: {
      currentContext: 'the `current-context`',
      contexts: 'context names (a list)',
      clusters: 'cluster names (a list)',
      users: 'user names (a list)',
      context: `the context described: ${CONTEXT_FIELDS}`,
      credential:
        "what kubectl would send for that context (client-go's rules: a readable tokenFile wins over token): credential.sends (in words, never the secret), credential.matches (with `credentialFile`: exactly that token or certificate as setup wrote it)",
    },
    subject: (p, field) => `${fieldOf(field)}${p.context ? `context ${p.context} in ` : ''}${p.path}`,
  }),
  x509: probe({
    schema: z
      .object({
        kind: z.literal('x509'),
        cert: filePath.describe('the certificate (PEM)'),
        key: filePath.optional().describe('a private key that should belong to the certificate'),
        ca: filePath.optional().describe('a CA certificate that should have signed it'),
        node: nodeRef.optional(),
      })
      .strict(),
    needsCluster: 'node',
    observes: 'a certificate read with node:crypto (and optionally its key and the CA that signed it)',
    fields: {
      exists: 'the certificate file exists',
      subject: 'subject fields: `subject.CN`, `subject.O` (a repeated field is a list)',
      subjectText: 'the subject in one line: `CN=john, O=developers`',
      issuer: 'issuer fields, as subject',
      issuerText: 'the issuer in one line',
      sans: 'subject alternative names with their type: `DNS:kubernetes`, `IP Address:10.96.0.1`',
      keyType: 'the public key type: `rsa`, `ec`, `ed25519`',
      keyBits: 'the public key size in bits',
      notBefore: 'start of validity (ISO time)',
      notAfter: 'end of validity (ISO time)',
      validDays: 'notAfter − notBefore in days',
      daysLeft: 'days until notAfter (negative once expired)',
      validNow: 'valid at this moment',
      isCA: 'basicConstraints CA:TRUE',
      selfSigned: 'issuer equals subject and its own key verifies the signature',
      keyFileExists: 'with `key`: the key file exists',
      keyFileType: 'with `key`: the key type',
      keyFileBits: 'with `key`: the key size in bits',
      keyMatches: 'with `key`: the key belongs to the certificate',
      caExists: 'with `ca`: the CA file exists',
      verifiesWithCA: "with `ca`: the CA is named as issuer and its key verifies the certificate's signature",
      extendedKeyUsage:
        'extended key usages by name: `serverAuth`, `clientAuth` (a list; empty when the extension is absent)',
    },
    subject: (p, field) => `${fieldOf(field)}certificate ${p.cert}${onNode(p.node)}`,
  }),
  dockerd: probe({
    schema: z
      .object({
        kind: z.literal('dockerd'),
        root: filePath
          .default('.')
          .describe('the workspace folder that stands for `/` of the Docker host (default: the workspace)'),
      })
      .strict(),
    needsCluster: false,
    observes:
      "what dockerd would be started with, read by the engine from the host's files: the systemd unit and its drop-ins (ExecStart flags), daemon.json, and the TLS files it names",
    fields: {
      execStart: 'the command line systemd would start (the last ExecStart in effect)',
      execStartFrom: 'the unit or drop-in it comes from (a host path)',
      execStartCount: 'how many ExecStart lines are in effect (systemd starts a service with exactly one)',
      unitProblems: 'why systemd would not start the service as configured (a list; empty when it would)',
      configFile: 'the daemon.json in use (`--config-file`, else /etc/docker/daemon.json)',
      flags:
        'the judged settings given as flags: flags.hosts, flags.tls, flags.tlsverify, flags.tlscacert, flags.tlscert, flags.tlskey',
      config: 'the same settings as daemon.json gives them',
      effective:
        'the same settings in effect (a flag, else daemon.json): effective.tlsverify, effective.tlscert, …',
      conflicts: 'settings given both as a flag and in daemon.json (a list: dockerd refuses to start)',
      hosts: 'every listen address (flags first)',
      tcpPorts:
        "ports of the TCP hosts (a host without a port gets dockerd's default: 2376 with TLS, 2375 without)",
      plaintextHosts: 'TCP hosts on the plaintext port 2375, each with where it is set (a list)',
      tlsOn: 'tls or tlsverify is in effect',
      tlsFileProblems: 'tlscacert, tlscert and tlskey that are unset or name no file (a list)',
      tlsPairProblems:
        'what is wrong with the TLS files: the key does not match the certificate, the CA did not sign it, it is not a server certificate, it is not valid now (a list; the file problems when there are any)',
    },
    subject: (p, field) => `${field ?? 'settings'} of dockerd${p.root === '.' ? '' : ` under ${p.root}`}`,
  }),
  shellEnv: probe({
    schema: z
      .object({
        kind: z.literal('shellEnv'),
        variable: z
          .string()
          .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'an environment variable name')
          .describe('the variable to look at: `KUBECONFIG`'),
        login: z
          .boolean()
          .default(false)
          .describe('a login shell (`bash -l -i`, as ssh gives) instead of a new terminal (`bash -i`)'),
        timeoutSeconds: z
          .number()
          .positive()
          .max(60)
          .optional()
          .describe('time limit for the shell to start (default 10 s)'),
      })
      .strict(),
    needsCluster: false,
    observes:
      "what a program started from a NEW shell sees: a fresh bash with HOME = the workspace reads its startup files in its own process; the variable is read from the environment of the program it starts (so only exported variables count, as for kubectl). The learner's startup files run in the very shell that is judged, so they can forge the answer on purpose (a function named `builtin` shadows the command the probe uses); the probe catches mistakes, not a deliberate forgery",
    fields: {
      set: 'the variable reaches a program started from the shell (exported)',
      value: 'its value',
      entries: 'the value split on `:`, empty parts dropped (a list)',
      file: 'the first entry as a path: `~/…` inside HOME (the workspace), else absolute; a relative entry is taken from `/`',
    },
    subject: (p, field) => `${field ?? 'value'} of ${p.variable} in a new shell`,
  }),
  command: probe({
    schema: z
      .object({
        kind: z.literal('command'),
        run: z.string().min(1).describe('a shell line run with `sh -c`'),
        where: z.enum(['workspace', 'node']).default('workspace').describe('where it runs'),
        node: nodeRef.optional(),
        timeoutSeconds: z.number().positive().max(120).optional().describe('time limit (default 20 s)'),
        why: z
          .string()
          .min(1)
          .optional()
          .describe('why no probe kind can say it, in one line; required when the check is graded'),
      })
      .strict(),
    needsCluster: 'node',
    observes:
      'the result of a shell line: for ungraded guards, and (saying why) for what no probe kind can say. It runs in the workspace, so it must never run or trust what the learner wrote',
    fields: {
      exitCode: 'the exit status',
      stdout: 'standard output, trimmed',
      stderr: 'standard error, trimmed',
      output: 'both, trimmed',
    },
    subject: (p, field) => `${field ?? 'result'} of \`${p.run}\``,
  }),
  api: probe({
    schema: z
      .object({
        kind: z.literal('api'),
        apiVersion: z.string().default('v1').describe('`v1`, `apps/v1`, …'),
        resource: z.string().min(1).describe('the plural resource name: `pods`, `deployments`'),
        namespace: z.string().optional(),
        name: z.string().optional().describe('one object; omitted = the list'),
        selector: z.string().optional().describe('label selector when listing'),
        subresource: z
          .string()
          .regex(/^[a-z]+$/, 'a subresource name such as log or status')
          .optional()
          .describe(
            'GET a subresource (`log`, `status`…) of the named object, or of the first one the selector matches (a running pod first)',
          ),
        kubeconfig: filePath
          .optional()
          .describe(
            "ask as this workspace kubeconfig's context instead of the lab admin, in the context's namespace when none is given (what `kubectl get` does)",
          ),
        context: z.string().optional().describe('with `kubeconfig`: the context to use (default: current)'),
      })
      .strict(),
    needsCluster: true,
    observes:
      'an API object as the lab admin sees it; a list as `{items, count}`; with `subresource`: `{object, status, ok, body, message}`; nothing on 404. With `kubeconfig`: the answer as that context, `{status, ok, namespace, items, count, message}` (a refusal is an answer)',
    subject: (p, field) =>
      `${fieldOf(field)}${p.resource}${p.name ? ` ${p.name}` : ''}${p.namespace ? ` in ${p.namespace}` : ''}`,
  }),
  apiRequest: probe({
    schema: z
      .object({
        kind: z.literal('apiRequest'),
        path: z
          .string()
          .regex(/^\/[^\s]*$/, 'an absolute API path: `/api/v1/namespaces/default/pods`')
          .describe('the raw path (a query string is allowed): `/apis/apps/v1/namespaces/apps/deployments`'),
        method: z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']).default('GET'),
        body: z.record(z.string(), z.unknown()).optional().describe('a JSON body (PATCH: a merge patch)'),
        dryRun: z
          .boolean()
          .default(false)
          .describe('send `dryRun=All`: the API decides and admits, and changes nothing'),
        as: identitySchema.optional(),
        node: nodeRef
          .optional()
          .describe('a node whose name replaces `{node}` in `path` (node names differ from lab to lab)'),
      })
      .strict()
      .refine((p) => p.method === 'GET' || p.dryRun, {
        message: 'a write from a check must be a dry run (dryRun: true): a check changes nothing',
        path: ['dryRun'],
      }),
    needsCluster: true,
    observes:
      'an API request made as an identity (anonymous, a token, a client certificate, a kubeconfig, a service account, an impersonated user): the status, who the API saw, and the answer. A refusal is an answer, not an error',
    fields: REQUEST_FIELDS,
    subject: (p, field) => `${field ?? 'answer'} of ${p.method} ${p.path} as ${identityWords(p.as)}`,
  }),
  token: probe({
    schema: z
      .object({
        kind: z.literal('token'),
        file: filePath.describe('the token file: workspace-relative, or an absolute path on `node`'),
        node: nodeRef.optional(),
      })
      .strict(),
    needsCluster: true,
    observes:
      'a bearer token: what the API says of it (a TokenReview by the lab admin) and its JWT claims, decoded without trusting them. The token itself is never shown',
    fields: {
      exists: 'the file exists and is not empty',
      jwt: 'it has the three parts of a JWT',
      authenticated: 'the API accepts it (TokenReview)',
      username: 'who the API says it is',
      groups: 'the groups the API gives it (a list)',
      serviceAccount: '`namespace/name` when it is a service-account token the API accepts',
      claims: 'the decoded JWT payload (`sub`, `exp`, `iat`, `aud`, `kubernetes.io`, …)',
      expires: 'it has an `exp` claim',
      issuedAt: 'the `iat` claim (ISO time)',
      expiresAt: 'the `exp` claim (ISO time)',
      lifetimeSeconds: 'exp − iat (nothing without exp)',
      expiresInSeconds: 'seconds until exp, from now (negative once expired)',
      legacy:
        'a Secret-based service-account token (issuer `kubernetes/serviceaccount`: no expiry, not bound)',
      boundTo: 'what a bound token is tied to: `pod/<name>` or `secret/<name>` (nothing when not bound)',
    },
    subject: (p, field) => `${field ?? 'token'} of the token in ${p.file}${onNode(p.node)}`,
  }),
  admission: probe({
    schema: z
      .object({
        kind: z.literal('admission'),
        verb: z.enum(['create', 'patch', 'delete']),
        apiVersion: z.string().default('v1'),
        resource: z.string().min(1).describe('the plural resource: `pods`, `nodes`'),
        namespace: z.string().optional(),
        name: z.string().optional().describe('patch and delete: the object; create: taken from `object`'),
        object: z
          .record(z.string(), z.unknown())
          .optional()
          .describe('create: the object (without a name the probe asks for `generateName: khl-probe-`)'),
        patch: z.record(z.string(), z.unknown()).optional().describe('patch: a JSON merge patch'),
        as: identitySchema.optional(),
        node: nodeRef.optional().describe('a node whose name replaces `{node}` in `name`'),
      })
      .strict()
      .superRefine((p, ctx) => {
        if (p.verb === 'create' && !p.object)
          ctx.addIssue({ code: 'custom', message: 'create needs object', path: ['object'] });
        if (p.verb === 'patch' && !p.patch)
          ctx.addIssue({ code: 'custom', message: 'patch needs patch', path: ['patch'] });
        if (p.verb !== 'create' && !p.name)
          ctx.addIssue({ code: 'custom', message: `${p.verb} needs name`, path: ['name'] });
      }),
    needsCluster: true,
    observes:
      'what the API would do with a write, by a server-side dry run (authorization and every admission plugin run; nothing is stored): allowed or refused, and the object as admission left it',
    fields: {
      allowed: 'the API accepted the write',
      status: 'the HTTP status',
      reason: 'why it was refused: `Forbidden`, `Invalid`, …',
      message: "the refusal's message",
      object: 'the object as admission returned it (create and patch)',
      mountsToken:
        'for a pod: a service-account token would be mounted in some container (a projected token volume or a token Secret mounted)',
      user: 'who the API saw (as for apiRequest)',
    },
    subject: (p, field) =>
      `${field ?? 'verdict'} of a dry-run ${p.verb} of ${p.resource}${p.name ? ` ${p.name}` : ''}${p.namespace ? ` in ${p.namespace}` : ''} as ${identityWords(p.as)}`,
  }),
  access: probe({
    schema: z
      .object({
        kind: z.literal('access'),
        user: z
          .string()
          .min(1)
          .describe('ask as this user (`system:serviceaccount:ns:name` is recognised as a service account)'),
        groups: z
          .array(z.string())
          .optional()
          .describe('groups to ask with (default: what the apiserver would give)'),
        verb: z.string().min(1),
        resource: z.string().min(1).optional().describe('the plural resource; or `nonResourcePath`'),
        nonResourcePath: z
          .string()
          .regex(/^\//, 'a path such as /metrics')
          .optional()
          .describe('instead of a resource: a non-resource URL (`/metrics`, `/healthz`)'),
        subresource: z.string().optional(),
        namespace: z.string().optional(),
        group: z.string().default('').describe('the API group (`""` = core)'),
        kubeconfig: filePath
          .optional()
          .describe("send the request with this workspace kubeconfig instead of the lab admin's"),
        context: z.string().optional().describe('with `kubeconfig`: the context to use (default: current)'),
      })
      .strict()
      .refine((p) => (p.resource === undefined) !== (p.nonResourcePath === undefined), {
        message: 'give resource or nonResourcePath (one of them)',
        path: ['resource'],
      }),
    needsCluster: true,
    observes:
      'an access review: may this user do this? With `kubeconfig`, asked AS that file (SelfSubjectAccessReview)',
    fields: {
      allowed: 'the apiserver allows it',
      denied: 'an authorizer explicitly denied it',
      reason: "the authorizer's reason",
      user: 'the user asked about',
      authenticated: 'with `kubeconfig`: the credentials were accepted (false on 401)',
      username: 'with `kubeconfig`: who the apiserver says the file authenticates as',
      identifiedBy:
        'with `kubeconfig`: how username was learnt (SelfSubjectReview, TokenReview, client certificate)',
      userMatches: 'with `kubeconfig`: username equals `user`',
    },
    subject: (p) =>
      p.nonResourcePath
        ? `whether ${p.user} may ${p.verb} ${p.nonResourcePath}`
        : `whether ${p.user} may ${p.verb} ${p.resource}${p.subresource ? `/${p.subresource}` : ''}${p.namespace ? ` in ${p.namespace}` : ' cluster-wide'}`,
  }),
  http: probe({
    schema: z
      .object({
        kind: z.literal('http'),
        url: z
          .string()
          .regex(
            /^https?:\/\/(127\.0\.0\.1|localhost|\[::1\])(:\d+)?\//,
            'a URL on this machine: http://127.0.0.1:8090/api',
          )
          .describe('a URL on the machine the learner works on (a `kubectl proxy`, a port-forward)'),
        timeoutSeconds: z.number().positive().max(30).optional().describe('time limit (default 5 s)'),
      })
      .strict(),
    needsCluster: false,
    observes:
      'a GET made from where the learner works (this machine), without credentials: what answers there, and what it says',
    fields: {
      reachable: 'something answered',
      status: 'the HTTP status (0 when nothing answered)',
      json: 'the answer parsed as JSON (nothing when it is not JSON)',
      body: 'the answer as text (at most 1 MiB)',
    },
    subject: (p, field) => `${field ?? 'answer'} of ${p.url}`,
  }),
  nodeHttp: probe({
    schema: z.object({ kind: z.literal('nodeHttp'), node: nodeRef, url: z.string().min(1) }).strict(),
    needsCluster: true,
    observes:
      'the HTTP status of a request made inside the node without credentials (`curl -sk`); a kubelet port while the kubelet is down is a wait, not a fail',
    fields: { status: 'HTTP status, 0 when nothing answered', reachable: 'something answered' },
    subject: (p, field) => `${field ?? 'status'} of ${p.url} requested on ${p.node}`,
  }),
  nodePort: probe({
    schema: z
      .object({
        kind: z.literal('nodePort'),
        node: nodeRef,
        port: z.number().int().min(1).max(65535),
        host: z.string().default('127.0.0.1'),
      })
      .strict(),
    needsCluster: true,
    observes: 'whether a TCP connect from inside the node succeeds',
    fields: { open: 'the port accepted a connection' },
    subject: (p) => `port ${p.port} on ${p.node}`,
  }),
  componentFlag: probe({
    schema: z
      .object({
        kind: z.literal('componentFlag'),
        component: z.enum(['kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'etcd', 'kubelet']),
        flag: z.string().regex(/^--[a-z0-9-]+$/, 'a flag like --authorization-mode'),
        source: z
          .enum(['manifest', 'process'])
          .default('process')
          .describe('`manifest`: what is configured; `process`: what the running process was started with'),
        node: nodeRef.default('control-plane'),
      })
      .strict(),
    needsCluster: true,
    observes: "a component's flag value as a string (a bare `--flag` is `true`); nothing when unset",
    subject: (p) =>
      `${p.flag} of ${p.component} (${p.source === 'process' ? 'in effect' : 'in the manifest'})`,
  }),
  kubeletConfig: probe({
    schema: z
      .object({
        kind: z.literal('kubeletConfig'),
        node: nodeRef,
        field: z
          .string()
          .min(1)
          .describe('config file field; a command-line flag for the same setting wins, as in the kubelet'),
      })
      .strict(),
    needsCluster: true,
    observes:
      "the kubelet setting in effect (flags win over the config file, then the kubelet's default); a change not yet applied is an error",
    subject: (p) => `kubelet setting ${p.field} on ${p.node} (in effect)`,
  }),
  nodeState: probe({
    schema: z.object({ kind: z.literal('nodeState'), node: nodeRef }).strict(),
    needsCluster: true,
    observes: 'a Node as the API sees it',
    fields: {
      name: 'the node name',
      ready: 'the Ready condition is True',
      unschedulable: 'cordoned',
      taints: 'taints as `key:Effect` or `key=value:Effect`',
      kubeletVersion: "the kubelet's version",
    },
    subject: (p, field) => `${field ?? 'state'} of node ${p.node}`,
  }),
  podPlacement: probe({
    schema: z
      .object({
        kind: z.literal('podPlacement'),
        node: nodeRef,
        namespace: z.string().optional(),
        selector: z.string().optional(),
      })
      .strict(),
    needsCluster: true,
    observes: 'the pods on a node (optionally one namespace and label selector)',
    fields: {
      node: 'the node name',
      pods: 'pod names (`ns/name` without a namespace)',
      count: 'how many',
      running: 'how many run (phase Running, not being deleted)',
      notRunning: 'names of the others',
      allRunning: 'at least one pod, and all run',
    },
    subject: (p, field) => `${fieldOf(field)}pods on ${p.node}`,
  }),
  podFile: probe({
    schema: z
      .object({
        kind: z.literal('podFile'),
        namespace: z.string().default('default'),
        selector: z.string().min(1),
        path: filePath,
      })
      .strict(),
    needsCluster: true,
    observes: 'whether a path exists inside every running pod matching the selector',
    fields: {
      exists: 'in at least one pod',
      everywhere: 'in every pod',
      pods: 'pod name → exists',
    },
    subject: (p) => `${p.path} in pods ${p.selector}`,
  }),
  auditEvents: probe({
    schema: z
      .object({
        kind: z.literal('auditEvents'),
        request: z
          .object({
            verb: z.enum(['create', 'get', 'list', 'patch', 'delete']),
            apiVersion: z.string().default('v1'),
            resource: z.string().min(1).optional().describe('the plural resource; or `path`'),
            path: z
              .string()
              .regex(/^\/[^?\s]*$/, 'a path without a query: /readyz')
              .optional()
              .describe('instead of a resource: a GET of a non-resource URL (`/readyz`, `/version`)'),
            namespace: z.string().optional(),
            name: z
              .string()
              .optional()
              .describe(
                'get, patch, delete: the object (omitted: `audit-canary-<nonce>`, which need not exist)',
              ),
            object: z
              .record(z.string(), z.unknown())
              .optional()
              .describe('create: the object; its name becomes `audit-canary-<nonce>`'),
            patch: z.record(z.string(), z.unknown()).optional().describe('patch: a JSON merge patch'),
          })
          .strict()
          .describe(
            'the canary: one request the probe makes, marked with a fresh nonce (writes are dry runs)',
          ),
        as: identitySchema.optional(),
        log: filePath.describe('the audit log on the node: `/var/log/kubernetes/audit/audit.log`'),
        node: nodeRef.default('control-plane'),
      })
      .strict()
      .superRefine((p, ctx) => {
        if ((p.request.resource === undefined) === (p.request.path === undefined))
          ctx.addIssue({ code: 'custom', message: 'give resource or path (one of them)', path: ['request'] });
        if (p.request.path !== undefined && p.request.verb !== 'get')
          ctx.addIssue({
            code: 'custom',
            message: 'a non-resource URL is read with get',
            path: ['request', 'verb'],
          });
        if (p.request.verb === 'create' && !p.request.object)
          ctx.addIssue({ code: 'custom', message: 'create needs object', path: ['request', 'object'] });
        if (p.request.verb === 'patch' && (!p.request.patch || !p.request.name))
          ctx.addIssue({ code: 'custom', message: 'patch needs name and patch', path: ['request', 'patch'] });
      }),
    needsCluster: true,
    observes:
      "the audit events of the probe's OWN request: it makes the canary request with a fresh nonce in its URL, then reads the events that carry that nonce from the log on the node (older events never count)",
    fields: {
      logExists: 'the log file exists on the node',
      found: 'how many events of this request were logged (one per stage)',
      levels: 'the levels they were logged at (a list without repeats)',
      stages: 'the stages logged: `RequestReceived`, `ResponseComplete`, … (a list)',
      hasRequestObject: 'some event holds the request body',
      hasResponseObject: 'some event holds the response body',
      user: 'the user the events name',
      status: "the canary's HTTP status",
    },
    subject: (p, field) =>
      `${field ?? 'events'} in the audit log for a ${p.request.verb} of ${p.request.path ?? p.request.resource}${p.request.namespace ? ` in ${p.request.namespace}` : ''}`,
  }),
  etcdKey: probe({
    schema: z
      .object({
        kind: z.literal('etcdKey'),
        key: z
          .string()
          .regex(/^\/registry\//, 'an etcd key of the apiserver: /registry/secrets/<namespace>/<name>')
          .optional()
          .describe('the key: `/registry/secrets/<namespace>/<name>`; or `canary`'),
        canary: z
          .object({ namespace: z.string().min(1) })
          .strict()
          .optional()
          .describe(
            'instead of a key: the probe writes a Secret of its own (`khl-canary-<nonce>`, random data) in this namespace, reads how it was stored, and deletes it: how NEW writes are stored',
          ),
        node: nodeRef.default('control-plane'),
      })
      .strict()
      .refine((p) => (p.key === undefined) !== (p.canary === undefined), {
        message: 'give key or canary (one of them)',
        path: ['key'],
      }),
    needsCluster: true,
    observes:
      "how the apiserver stored an object in etcd, read raw with etcdctl on the node (only the value's first bytes leave the node: they name the encryption provider, never the data)",
    fields: {
      exists: 'the key is in etcd',
      encrypted: 'the value starts with `k8s:enc:` (written through an encryption provider)',
      provider: 'the provider that wrote it: `aescbc`, `aesgcm`, `secretbox`, `kms`, or `identity` (plain)',
      keyName: "the provider's key name (`key1`), for an encrypted value",
    },
    subject: (p, field) =>
      `${field ?? 'storage'} of ${p.key ?? `a Secret written now in ${p.canary?.namespace}`} in etcd`,
  }),
  podConnect: probe({
    schema: z
      .object({
        kind: z.literal('podConnect'),
        from: z
          .object({ namespace: z.string().min(1), selector: z.string().min(1) })
          .strict()
          .describe('the source: the first running pod (by name) the selector matches'),
        to: z
          .union([
            z
              .object({ namespace: z.string().min(1), selector: z.string().min(1) })
              .strict()
              .describe('every running pod the selector matches, by its pod IP'),
            z
              .object({ host: z.string().min(1) })
              .strict()
              .describe('a name or an IP'),
          ])
          .describe('where to: `{namespace, selector}` (pods, by IP) or `{host}`'),
        port: z.number().int().min(1).max(65535).optional().describe('the TCP port (protocol tcp)'),
        protocol: z
          .enum(['tcp', 'dns'])
          .default('tcp')
          .describe("`tcp`: a connect (`nc -z`); `dns`: a lookup of `to.host` through the pod's resolver"),
        timeoutSeconds: z.number().positive().max(10).default(2).describe('per attempt'),
      })
      .strict()
      .superRefine((p, ctx) => {
        if (p.protocol === 'tcp' && p.port === undefined)
          ctx.addIssue({ code: 'custom', message: 'a tcp connect needs port', path: ['port'] });
        if (p.protocol === 'dns' && !('host' in p.to))
          ctx.addIssue({ code: 'custom', message: 'a dns lookup needs to: {host}', path: ['to'] });
      }),
    needsCluster: true,
    observes:
      'real traffic: a TCP connect (or a DNS lookup) made from inside a running pod, to pods or a host, so a NetworkPolicy is judged by what the enforcer does. The source pod needs `nc` (the lab image has it)',
    fields: {
      connected: 'every target answered (a dns lookup: the name resolved)',
      anyConnected: 'at least one target answered',
      from: 'the source pod',
      targets: 'how many targets were tried',
      results: 'target (`ip:port` or the host) → answered',
    },
    subject: (p, field) => {
      const to = 'host' in p.to ? p.to.host : `pods ${p.to.selector} in ${p.to.namespace}`;
      const what = p.protocol === 'dns' ? `a DNS lookup of ${to}` : `a connect to ${to} port ${p.port}`;
      return `${field && field !== 'connected' ? `${field} of ` : 'whether '}${what} from pods ${p.from.selector} in ${p.from.namespace}${field && field !== 'connected' ? '' : ' succeeds'}`;
    },
  }),
  sshLogin: probe({
    schema: z
      .object({
        kind: z.literal('sshLogin'),
        from: nodeRef.default('control-plane').describe('the node the OpenSSH client runs on'),
        to: nodeRef.default('worker').describe('the node whose sshd is asked (by its node name)'),
        port: z.number().int().min(1).max(65535).default(22),
        user: z.string().min(1).describe('the user to log in as'),
        method: z
          .enum(['publickey', 'password', 'keyboard-interactive'])
          .describe('the one method the client tries (`PreferredAuthentications`)'),
        keyFile: filePath
          .startsWith('/')
          .optional()
          .describe('publickey: the private key, an absolute path on `from` (a missing key is an error)'),
        password: z
          .object({
            file: filePath,
            from: z
              .literal('scenario')
              .default('scenario')
              .describe('a fixture of the scenario folder, named under `files:` (its first line)'),
          })
          .strict()
          .optional()
          .describe(
            'password and keyboard-interactive: `{file}`, a fixture of the scenario folder named under `files:` (its first line; never shown, sent to the client through SSH_ASKPASS)',
          ),
        timeoutSeconds: z.number().positive().max(30).default(8).describe("the client's ConnectTimeout"),
      })
      .strict()
      .superRefine((p, ctx) => {
        if (p.method === 'publickey' && !p.keyFile)
          ctx.addIssue({ code: 'custom', message: 'a publickey login needs keyFile', path: ['keyFile'] });
        if (p.method !== 'publickey' && !p.password)
          ctx.addIssue({ code: 'custom', message: `a ${p.method} login needs password`, path: ['password'] });
      }),
    needsCluster: true,
    observes:
      "a real SSH login attempt with the OpenSSH client on one node to another node's sshd, by exactly one method: what the RUNNING daemon accepts, not what its config says. No server answering (sshd stopped, the port closed) is an error, never a refusal",
    fields: {
      accepted: 'the server let the user in by this method',
      offeredMethods:
        'the methods the server offers this user: `publickey`, `password`, `keyboard-interactive` (a list)',
      methodOffered: 'the method is among them',
      keyAuthorized:
        'publickey: the server said the key may log in as the user, even when a later rule (PermitRootLogin, AuthenticationMethods) then refused the login',
      user: 'who the session ran as (`id -un` after an accepted login)',
      server: "the server's version: `OpenSSH_9.2p1 Debian-2+deb12u10`",
      message: 'what the client said last: `Permission denied (publickey).`',
    },
    subject: (p, field) =>
      `${field && field !== 'accepted' ? `${field} of ` : 'whether '}a ${p.method} login as ${p.user} to ${p.to} from ${p.from}${field && field !== 'accepted' ? '' : ' is accepted'}`,
  }),
  observed: probe({
    schema: z.discriminatedUnion('fact', [
      z
        .object({ kind: z.literal('observed'), fact: z.literal('recorder') })
        .strict()
        .describe('the recorder is installed and writing'),
      z
        .object({
          kind: z.literal('observed'),
          fact: z.literal('node-maintenance'),
          node: nodeRef.default('worker'),
        })
        .strict()
        .describe("a node's maintenance: kubelet restarts, and whether it was drained at each"),
      z
        .object({
          kind: z.literal('observed'),
          fact: z.literal('pdb'),
          namespace: z.string().min(1).default('default'),
          name: z.string().min(1).describe('the PodDisruptionBudget'),
        })
        .strict()
        .describe('the fewest healthy pods a PodDisruptionBudget had at any moment'),
    ]),
    needsCluster: true,
    observes:
      'what happened during the attempt, replayed from a recorder on the control plane (a snapshot at the start, every pod and node change from a watch, stamped to the millisecond); `fact` picks what',
    fields: (p) => OBSERVED_FIELDS[p.fact],
    subject: (p) =>
      p.fact === 'pdb'
        ? `PodDisruptionBudget ${p.namespace}/${p.name} during the attempt`
        : p.fact === 'node-maintenance'
          ? `the maintenance of ${p.node} during the attempt`
          : 'the recorder',
  }),
} as const;

export type ProbeKind = keyof typeof PROBES;
type Entries = typeof PROBES;
export type ProbeSpec = { [K in ProbeKind]: z.infer<Entries[K]['schema']> }[ProbeKind];
export const PROBE_KINDS = Object.keys(PROBES) as [ProbeKind, ...ProbeKind[]];

type AnyEntry = ProbeEntry<z.ZodType>;
const entryOf = (kind: ProbeKind): AnyEntry => PROBES[kind] as unknown as AnyEntry;

export const probeSchema = z.discriminatedUnion(
  'kind',
  PROBE_KINDS.map((k) => PROBES[k].schema) as unknown as [
    Entries['file']['schema'],
    ...Entries[Exclude<ProbeKind, 'file'>]['schema'][],
  ],
);

/** Whether a probe can only run on a lab cluster (a cluster kind, or a local kind with `node:`). */
export function needsCluster(spec: ProbeSpec): boolean {
  const rule = entryOf(spec.kind).needsCluster;
  return rule === 'node' ? 'node' in spec && Boolean(spec.node) : rule;
}

/** Default words for what a check looks at, when the scenario gives no `subject`. */
export function probeSubject(spec: ProbeSpec, field: string | undefined): string {
  return entryOf(spec.kind).subject(spec, field);
}

/** The observation fields a probe declares (undefined: any path may be asked). */
export function observationFields(spec: ProbeSpec): Fields | undefined {
  const fields = entryOf(spec.kind).fields;
  return typeof fields === 'function' ? fields(spec) : fields;
}

/** Every field a kind may declare, for the reference (an `observed` fact's, by fact). */
export function kindFields(kind: ProbeKind): Readonly<Record<string, Fields>> | Fields | undefined {
  const fields = entryOf(kind).fields;
  return typeof fields === 'function' ? OBSERVED_FIELDS : fields;
}

export function probeInfo(kind: ProbeKind): { needsCluster: boolean | 'node'; observes: string } {
  const e = entryOf(kind);
  return { needsCluster: e.needsCluster, observes: e.observes };
}
