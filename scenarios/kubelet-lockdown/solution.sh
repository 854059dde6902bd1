#!/usr/bin/env bash
# kubelet-lockdown reference solution: fix the config file, restart the kubelet, verify.
# shellcheck source=../_lib/lab.sh
source "$SCENARIO_DIR/../_lib/lab.sh"
NODE=worker
CONFIG=/var/lib/kubelet/config.yaml

lab_node_read "$NODE" "$CONFIG" | lab_yaml_edit '
  doc.authentication.anonymous.enabled = false;
  doc.authorization.mode = "Webhook";
  doc.readOnlyPort = 0;
' >"$WORKSPACE/.config.yaml"
lab_node_write "$NODE" "$CONFIG" <"$WORKSPACE/.config.yaml"
rm -f "$WORKSPACE/.config.yaml"
lab_restart_kubelet "$NODE"
# shellcheck disable=SC2016 # the command substitution runs on the node.
lab_retry 60 lab_node_sh "$NODE" '[ "$(curl -sk -o /dev/null -w "%{http_code}" https://127.0.0.1:10250/pods)" = 401 ]'
lab_log "anonymous /pods: $(lab_node_sh "$NODE" 'curl -sk -o /dev/null -w "%{http_code}" https://127.0.0.1:10250/pods')"
kubectl -n kubelet-lockdown logs deployment/probe-target --tail=1
