#!/usr/bin/env bash
# enable-audit.sh POLICY_FILE [MOUNT]  — what a learner does by hand, for solution.sh and the
# self-test: put the policy on the control-plane node, turn auditing on in the apiserver manifest
# (flags, the policy mounted read-only, the log folder mounted; MOUNT=file mounts the log as one
# FileOrCreate file instead), then wait until the NEW apiserver serves and writes the log.
# shellcheck source=../_lib/lab.sh
source "$SCENARIO_DIR/../_lib/lab.sh"

policy="$1" mount="${2:-dir}"
manifest=/etc/kubernetes/manifests/kube-apiserver.yaml
old_pid="$(lab_apiserver_pid)"
lab_node_write control-plane /etc/kubernetes/audit/policy.yaml 600 <"$policy"
lab_node_sh control-plane 'mkdir -p /var/log/kubernetes/audit'
lab_node_read control-plane "$manifest" | MOUNT="$mount" lab_yaml_edit '
  const c = doc.spec.containers.find((x) => x.name === "kube-apiserver");
  c.command = c.command.filter((a) => !a.startsWith("--audit-"));
  c.command.push(
    "--audit-policy-file=/etc/kubernetes/audit/policy.yaml",
    "--audit-log-path=/var/log/kubernetes/audit/audit.log",
    "--audit-log-maxage=30", "--audit-log-maxbackup=10", "--audit-log-maxsize=100");
  const file = process.env.MOUNT === "file";
  c.volumeMounts = (c.volumeMounts || []).filter((m) => !m.name.startsWith("audit"));
  c.volumeMounts.push({ name: "audit-policy", mountPath: "/etc/kubernetes/audit/policy.yaml", readOnly: true });
  c.volumeMounts.push(file
    ? { name: "audit-log", mountPath: "/var/log/kubernetes/audit/audit.log" }
    : { name: "audit-log", mountPath: "/var/log/kubernetes/audit" });
  doc.spec.volumes = (doc.spec.volumes || []).filter((v) => !v.name.startsWith("audit"));
  doc.spec.volumes.push({ name: "audit-policy", hostPath: { path: "/etc/kubernetes/audit/policy.yaml", type: "File" } });
  doc.spec.volumes.push(file
    ? { name: "audit-log", hostPath: { path: "/var/log/kubernetes/audit/audit.log", type: "FileOrCreate" } }
    : { name: "audit-log", hostPath: { path: "/var/log/kubernetes/audit", type: "DirectoryOrCreate" } });
' >"$WORKSPACE/kube-apiserver.yaml"
lab_node_write control-plane "$manifest" <"$WORKSPACE/kube-apiserver.yaml"
rm -f "$WORKSPACE/kube-apiserver.yaml"
lab_log "apiserver restarting with auditing…"
lab_wait_new_apiserver "$old_pid" 240
# shellcheck disable=SC2016 # expanded by the inner shell.
lab_retry 180 sh -c 'kubectl get --raw /api/v1/namespaces/default/configmaps/audit-demo >/dev/null &&
  "$KHL_NODE" "$KHL_BIN" node exec control-plane -- grep -q audit-demo /var/log/kubernetes/audit/audit.log'
