/**
 * The recorder: a small service on the control-plane node (a systemd unit, kubectl with
 * /etc/kubernetes/admin.conf, jq) that keeps, as JSON lines, what the cluster did during an attempt:
 *
 * - RECORDER_LOG: `start`/`attempt` marks, a snapshot of nodes, pods and PodDisruptionBudgets
 *   whenever it changed (polled every 2 s; the state an attempt starts from, and a resync after a
 *   watch broke), the kubelets' Node events every 10 s, and a `beat` line every 10 s.
 * - RECORDER_PODS / RECORDER_NODES: every pod and node change as it happens (`kubectl get --watch`),
 *   stamped to the millisecond on arrival. These give the order of things that a poll would miss:
 *   a drain that finished half a second before the kubelet restarted, a budget broken for one
 *   moment.
 *
 * It runs on the node, so facts hold even when the app was not running during the attempt.
 * cluster-lifecycle installs it before setup of any scenario with an `observed` check and removes it
 * on reset. `recorder.sh mark` starts the attempt: the loop empties the logs, writes an `attempt`
 * line and a snapshot right after it (the starting state); facts count from there.
 */
export const RECORDER_DIR = '/var/lib/k8s-harden-lab/recorder';
export const RECORDER_SCRIPT = `${RECORDER_DIR}/recorder.sh`;
const LOG_DIR = '/var/log/k8s-harden-lab';
export const RECORDER_LOG = `${LOG_DIR}/recorder.jsonl`;
export const RECORDER_PODS = `${LOG_DIR}/recorder-pods.jsonl`;
export const RECORDER_NODES = `${LOG_DIR}/recorder-nodes.jsonl`;
export const RECORDER_UNIT = 'k8s-harden-lab-recorder';

/** jq: one pod / node / PDB reduced to what the facts need (shared by snapshots and watches). */
const JQ_DEFS = `def cond(t): ([.status.conditions[]? | select(.type == t) | .status][0] == "True");
def node: {name: .metadata.name, unsched: (.spec.unschedulable // false), ready: cond("Ready")};
def pod: {ns: .metadata.namespace, name: .metadata.name, node: (.spec.nodeName // ""),
  phase: .status.phase, ready: cond("Ready"), owner: (.metadata.ownerReferences[0].kind // ""),
  mirror: (.metadata.annotations["kubernetes.io/config.mirror"] != null), del: (.metadata.deletionTimestamp != null),
  labels: (.metadata.labels // {})};
def pdb: {ns: .metadata.namespace, name: .metadata.name, min: .spec.minAvailable,
  maxUnavailable: .spec.maxUnavailable, sel: (.spec.selector.matchLabels // {}),
  desired: .status.desiredHealthy, healthy: .status.currentHealthy};`;

export const SNAPSHOT_FILTER = `${JQ_DEFS}
{nodes: [.items[] | select(.kind == "Node") | node],
 pods: [.items[] | select(.kind == "Pod") | pod],
 pdbs: [.items[] | select(.kind == "PodDisruptionBudget") | pdb]}`;

/** A watch event (`kubectl get --watch-only --output-watch-events -o json`) as one line; `$kind` is pod or node. */
export const WATCH_FILTER = `${JQ_DEFS}
{t: (now * 1000 | floor), type: $kind, ev: .type, o: (.object | if $kind == "pod" then pod else node end)}`;

export const EVENT_FILTER = `[.items[] | select(.source.component == "kubelet" and (.reason == "Starting" or .reason == "NodeNotSchedulable" or .reason == "NodeSchedulable" or .reason == "NodeReady" or .reason == "NodeNotReady"))
 | {node: .involvedObject.name, reason: .reason, time: (.lastTimestamp // .eventTime // .firstTimestamp), first: .firstTimestamp, count: (.count // 1)}]`;

export const RECORDER_SH = `#!/bin/bash
# k8s-harden-lab recorder (installed by the app; removed by \`k8s-harden-lab reset\`).
out=${RECORDER_LOG}
pods=${RECORDER_PODS}
nodes=${RECORDER_NODES}
request=${RECORDER_DIR}/mark-request
mkdir -p "\${out%/*}"
now_ms() { date +%s%3N; }
if [ "\${1:-}" = mark ]; then
  # The loop starts the attempt (one writer per log); without a loop, mark the log directly.
  now_ms > "$request"
  for _ in $(seq 50); do [ -e "$request" ] || exit 0; sleep 0.2; done
  rm -f "$request"; printf '{"t":%s,"type":"attempt"}\\n' "$(now_ms)" >> "$out"; exit 0
fi
export KUBECONFIG=/etc/kubernetes/admin.conf
read -r -d '' SNAP <<'JQ'
${SNAPSHOT_FILTER}
JQ
read -r -d '' EV <<'JQ'
${EVENT_FILTER}
JQ
read -r -d '' WATCH <<'JQ'
${WATCH_FILTER}
JQ
watch() { # watch <resource> <kind> <file>
  while :; do
    kubectl get "$1" -A --watch-only --output-watch-events -o json 2>/dev/null |
      jq -c --unbuffered --arg kind "$2" "$WATCH" >> "$3" 2>/dev/null
    sleep 1
  done
}
watch pods pod "$pods" &
watch nodes node "$nodes" &
printf '{"t":%s,"type":"start"}\\n' "$(now_ms)" >> "$out"
prev=''; prevev=''; last=0; n=0
while :; do
  if [ -e "$request" ]; then
    : > "$out"; : > "$pods"; : > "$nodes"
    printf '{"t":%s,"type":"attempt"}\\n' "$(now_ms)" >> "$out"
    prev=''; prevev=''; n=0; rm -f "$request"
  fi
  t=$(now_ms)
  s=$(kubectl get nodes,pods,pdb -A -o json 2>/dev/null | jq -c "$SNAP" 2>/dev/null)
  if [ -n "$s" ] && [ "$s" != "$prev" ]; then
    printf '{"t":%s,"type":"snapshot","s":%s}\\n' "$t" "$s" >> "$out"; prev=$s; last=$t
  fi
  if [ $((n % 5)) -eq 0 ]; then
    e=$(kubectl get events -A --field-selector involvedObject.kind=Node -o json 2>/dev/null | jq -c "$EV" 2>/dev/null)
    if [ -n "$e" ] && [ "$e" != "$prevev" ]; then printf '{"t":%s,"type":"events","e":%s}\\n' "$t" "$e" >> "$out"; prevev=$e; last=$t; fi
  fi
  if [ $((t - last)) -ge 10000 ]; then printf '{"t":%s,"type":"beat"}\\n' "$t" >> "$out"; last=$t; fi
  n=$((n + 1)); sleep 2
done
`;

export const RECORDER_UNIT_FILE = `[Unit]
Description=k8s-harden-lab recorder (what the cluster looked like during an attempt)
After=kubelet.service

[Service]
ExecStart=/bin/bash ${RECORDER_SCRIPT}
Restart=always
RestartSec=2

[Install]
WantedBy=multi-user.target
`;

/** Shell that installs (or restarts with a fresh log) the recorder; systemd, else a detached loop. */
export function installRecorderScript(): string {
  const b64 = (s: string) => Buffer.from(s).toString('base64');
  return [
    'set -e',
    'command -v jq >/dev/null && command -v kubectl >/dev/null || { echo "recorder needs jq and kubectl on the node" >&2; exit 3; }',
    `mkdir -p ${RECORDER_DIR} ${LOG_DIR}`,
    `echo ${b64(RECORDER_SH)} | base64 -d > ${RECORDER_SCRIPT}`,
    `chmod 755 ${RECORDER_SCRIPT}`,
    `rm -f ${RECORDER_DIR}/mark-request; : > ${RECORDER_LOG}; : > ${RECORDER_PODS}; : > ${RECORDER_NODES}`,
    'if command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ]; then',
    `  echo ${b64(RECORDER_UNIT_FILE)} | base64 -d > /etc/systemd/system/${RECORDER_UNIT}.service`,
    '  systemctl daemon-reload',
    `  systemctl restart ${RECORDER_UNIT}`,
    'else',
    `  [ -f ${RECORDER_DIR}/pid ] && kill -- "-$(cat ${RECORDER_DIR}/pid)" 2>/dev/null || true`,
    `  setsid nohup /bin/bash ${RECORDER_SCRIPT} >/dev/null 2>&1 < /dev/null & echo $! > ${RECORDER_DIR}/pid`,
    'fi',
  ].join('\n');
}

export function removeRecorderScript(): string {
  return [
    `systemctl disable --now ${RECORDER_UNIT} 2>/dev/null || true`,
    `rm -f /etc/systemd/system/${RECORDER_UNIT}.service`,
    'systemctl daemon-reload 2>/dev/null || true',
    `[ -f ${RECORDER_DIR}/pid ] && kill -- "-$(cat ${RECORDER_DIR}/pid)" 2>/dev/null || true`,
    `rm -rf ${RECORDER_DIR} ${RECORDER_LOG} ${RECORDER_PODS} ${RECORDER_NODES}`,
  ].join('\n');
}
