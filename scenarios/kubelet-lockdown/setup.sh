#!/usr/bin/env bash
# kubelet-lockdown setup: a workload on the worker, then the worker's kubelet opened up:
# anonymous auth on, AlwaysAllow, read-only port 10255 (in its config file), and restarted.
# shellcheck source=../_lib/lab.sh
source "$SCENARIO_DIR/../_lib/lab.sh"
NODE=worker
CONFIG=/var/lib/kubelet/config.yaml

lab_wait_apiserver 180
WORKER="$(lab_node_name "$NODE")"
lab_log "a workload on $WORKER"
kubectl create namespace kubelet-lockdown --dry-run=client -o yaml | kubectl apply -f - >/dev/null
kubectl -n kubelet-lockdown apply -f - >/dev/null <<YAML
apiVersion: apps/v1
kind: Deployment
metadata:
  name: probe-target
spec:
  replicas: 1
  selector: { matchLabels: { app: probe-target } }
  template:
    metadata:
      labels: { app: probe-target }
    spec:
      nodeSelector: { kubernetes.io/hostname: $WORKER }
      terminationGracePeriodSeconds: 2
      containers:
        - name: main
          image: $(lab_workload_image)
          imagePullPolicy: IfNotPresent
          command: ["sh", "-c", "trap 'exit 0' TERM; while true; do echo \"tick \$(date)\"; sleep 5; done"]
YAML
kubectl -n kubelet-lockdown rollout status deployment/probe-target --timeout=180s >/dev/null

lab_log "opening the kubelet API on $WORKER (anonymous, AlwaysAllow, read-only port 10255)"
lab_node_read "$NODE" "$CONFIG" | lab_yaml_edit '
  doc.authentication = doc.authentication || {};
  doc.authentication.anonymous = { ...(doc.authentication.anonymous || {}), enabled: true };
  doc.authorization = { ...(doc.authorization || {}), mode: "AlwaysAllow" };
  doc.readOnlyPort = 10255;
' >"$WORKSPACE/.config.yaml"
lab_node_write "$NODE" "$CONFIG" 644 <"$WORKSPACE/.config.yaml"
rm -f "$WORKSPACE/.config.yaml"
lab_restart_kubelet "$NODE"
# shellcheck disable=SC2016 # the command substitution runs on the node.
lab_retry 60 lab_node_sh "$NODE" '[ "$(curl -sk -o /dev/null -w "%{http_code}" https://127.0.0.1:10250/pods)" = 200 ]'
lab_log "the kubelet on $WORKER now serves /pods to anyone"
