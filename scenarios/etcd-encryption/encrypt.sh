#!/usr/bin/env bash
# encrypt.sh CONFIG_FILE [rewrite|norewrite]  — what a learner does by hand, for solution.sh and
# the self-test: put the EncryptionConfiguration on the control-plane node (mode 600), point the
# apiserver at it (flag and a read-only hostPath mount of its folder), wait for the NEW apiserver,
# then (unless norewrite) write every existing Secret again so it is stored through the provider.
# shellcheck source=../_lib/lab.sh
source "$SCENARIO_DIR/../_lib/lab.sh"

config="$1" rewrite="${2:-rewrite}"
manifest=/etc/kubernetes/manifests/kube-apiserver.yaml
old_pid="$(lab_apiserver_pid)"
lab_node_write control-plane /etc/kubernetes/enc/enc.yaml 600 <"$config"
lab_node_read control-plane "$manifest" | lab_yaml_edit '
  const c = doc.spec.containers.find((x) => x.name === "kube-apiserver");
  c.command = c.command.filter((a) => !a.startsWith("--encryption-provider-config"));
  c.command.push("--encryption-provider-config=/etc/kubernetes/enc/enc.yaml");
  c.volumeMounts = (c.volumeMounts || []).filter((m) => m.name !== "enc");
  c.volumeMounts.push({ name: "enc", mountPath: "/etc/kubernetes/enc", readOnly: true });
  doc.spec.volumes = (doc.spec.volumes || []).filter((v) => v.name !== "enc");
  doc.spec.volumes.push({ name: "enc", hostPath: { path: "/etc/kubernetes/enc", type: "DirectoryOrCreate" } });
' >"$WORKSPACE/kube-apiserver.yaml"
lab_node_write control-plane "$manifest" <"$WORKSPACE/kube-apiserver.yaml"
rm -f "$WORKSPACE/kube-apiserver.yaml"
lab_log "apiserver restarting with the encryption config…"
# The old process can answer for a few seconds: wait for a new one, then for it to serve.
lab_wait_new_apiserver "$old_pid" 240
if [ "$rewrite" = rewrite ]; then
  lab_log "writing every Secret again"
  kubectl get secrets -A -o json | kubectl replace -f - >/dev/null
fi
