/**
 * The recorder: a small loop on the control-plane node (a systemd unit, kubectl with
 * /etc/kubernetes/admin.conf, jq) that appends what the cluster looks like to
 * RECORDER_LOG as JSON lines — a snapshot of nodes, pods and PodDisruptionBudgets whenever it
 * changes (checked every second, plus a heartbeat every 30 s), and the kubelet's Node events every
 * 5 s. It runs on the node, so facts hold even when the app was not running during the attempt.
 * cluster-lifecycle installs it before setup of any scenario with an `observed` check and removes
 * it on reset. `recorder.sh mark` appends an `attempt` line: facts count from the last one (else
 * from the recorder's start).
 */
export const RECORDER_DIR = '/var/lib/k8s-harden-lab/recorder';
export const RECORDER_SCRIPT = `${RECORDER_DIR}/recorder.sh`;
export const RECORDER_LOG = '/var/log/k8s-harden-lab/recorder.jsonl';
export const RECORDER_UNIT = 'k8s-harden-lab-recorder';

export const SNAPSHOT_FILTER = `def cond(t): ([.status.conditions[]? | select(.type == t) | .status][0] == "True");
{nodes: [.items[] | select(.kind == "Node") | {name: .metadata.name, unsched: (.spec.unschedulable // false), ready: cond("Ready")}],
 pods: [.items[] | select(.kind == "Pod") | {ns: .metadata.namespace, name: .metadata.name, node: (.spec.nodeName // ""),
   phase: .status.phase, ready: cond("Ready"), owner: (.metadata.ownerReferences[0].kind // ""),
   mirror: (.metadata.annotations["kubernetes.io/config.mirror"] != null), del: (.metadata.deletionTimestamp != null),
   labels: (.metadata.labels // {})}],
 pdbs: [.items[] | select(.kind == "PodDisruptionBudget") | {ns: .metadata.namespace, name: .metadata.name,
   min: .spec.minAvailable, maxUnavailable: .spec.maxUnavailable, sel: (.spec.selector.matchLabels // {}),
   desired: .status.desiredHealthy, healthy: .status.currentHealthy}]}`;

export const EVENT_FILTER = `[.items[] | select(.source.component == "kubelet" and (.reason == "Starting" or .reason == "NodeNotSchedulable" or .reason == "NodeSchedulable" or .reason == "NodeReady" or .reason == "NodeNotReady"))
 | {node: .involvedObject.name, reason: .reason, time: (.lastTimestamp // .eventTime // .firstTimestamp), first: .firstTimestamp, count: (.count // 1)}]`;

export const RECORDER_SH = `#!/bin/bash
# k8s-harden-lab recorder (installed by the app; removed by \`k8s-harden-lab reset\`).
out=${RECORDER_LOG}
mkdir -p "\${out%/*}"
now_ms() { date +%s%3N; }
if [ "\${1:-}" = mark ]; then printf '{"t":%s,"type":"attempt"}\\n' "$(now_ms)" >> "$out"; exit 0; fi
export KUBECONFIG=/etc/kubernetes/admin.conf
read -r -d '' SNAP <<'JQ'
${SNAPSHOT_FILTER}
JQ
read -r -d '' EV <<'JQ'
${EVENT_FILTER}
JQ
printf '{"t":%s,"type":"start"}\\n' "$(now_ms)" >> "$out"
prev=''; prevev=''; last=0; n=0
while :; do
  t=$(now_ms)
  s=$(kubectl get nodes,pods,pdb -A -o json 2>/dev/null | jq -c "$SNAP" 2>/dev/null)
  if [ -n "$s" ] && { [ "$s" != "$prev" ] || [ $((t - last)) -ge 30000 ]; }; then
    printf '{"t":%s,"type":"snapshot","s":%s}\\n' "$t" "$s" >> "$out"; prev=$s; last=$t
  fi
  if [ $((n % 5)) -eq 0 ]; then
    e=$(kubectl get events -A --field-selector involvedObject.kind=Node -o json 2>/dev/null | jq -c "$EV" 2>/dev/null)
    if [ -n "$e" ] && [ "$e" != "$prevev" ]; then printf '{"t":%s,"type":"events","e":%s}\\n' "$t" "$e" >> "$out"; prevev=$e; fi
  fi
  n=$((n + 1)); sleep 1
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
    `mkdir -p ${RECORDER_DIR} ${RECORDER_LOG.slice(0, RECORDER_LOG.lastIndexOf('/'))}`,
    `echo ${b64(RECORDER_SH)} | base64 -d > ${RECORDER_SCRIPT}`,
    `chmod 755 ${RECORDER_SCRIPT}`,
    `: > ${RECORDER_LOG}`,
    'if command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ]; then',
    `  echo ${b64(RECORDER_UNIT_FILE)} | base64 -d > /etc/systemd/system/${RECORDER_UNIT}.service`,
    '  systemctl daemon-reload',
    `  systemctl restart ${RECORDER_UNIT}`,
    'else',
    `  [ -f ${RECORDER_DIR}/pid ] && kill "$(cat ${RECORDER_DIR}/pid)" 2>/dev/null || true`,
    `  setsid nohup /bin/bash ${RECORDER_SCRIPT} >/dev/null 2>&1 < /dev/null & echo $! > ${RECORDER_DIR}/pid`,
    'fi',
  ].join('\n');
}

export function removeRecorderScript(): string {
  return [
    `systemctl disable --now ${RECORDER_UNIT} 2>/dev/null || true`,
    `rm -f /etc/systemd/system/${RECORDER_UNIT}.service`,
    'systemctl daemon-reload 2>/dev/null || true',
    `[ -f ${RECORDER_DIR}/pid ] && kill "$(cat ${RECORDER_DIR}/pid)" 2>/dev/null || true`,
    `rm -rf ${RECORDER_DIR} ${RECORDER_LOG}`,
  ].join('\n');
}
