#!/usr/bin/env bash
# node-maintenance setup: a 2-replica Deployment protected by a PodDisruptionBudget, both replicas
# on the worker, and a DaemonSet on the worker. The worker gets a label so checks can find it.
# shellcheck source=../_lib/lab.sh
source "$SCENARIO_DIR/../_lib/lab.sh"

lab_wait_apiserver 180
WORKER="$(lab_node_name worker)"
CP="$(lab_node_name control-plane)"
IMAGE="$(lab_workload_image)"
PDB_API="$(lab_pdb_api_version)"
lab_log "worker $WORKER, control plane $CP, PodDisruptionBudget API $PDB_API"

kubectl uncordon "$WORKER" >/dev/null
kubectl label node "$WORKER" k8s-harden-lab/maintenance=target --overwrite >/dev/null
kubectl create namespace maintenance --dry-run=client -o yaml | kubectl apply -f - >/dev/null

# While the pods are placed, keep them off the control plane (they tolerate its usual taint so that
# evicted replicas have somewhere to go: this lab has one worker).
kubectl taint node "$CP" k8s-harden-lab/placing=true:NoSchedule --overwrite >/dev/null
trap 'kubectl taint node "$CP" k8s-harden-lab/placing- >/dev/null 2>&1 || true' EXIT

# A SIGTERM handler (busybox sh as PID 1 ignores SIGTERM otherwise) and a short grace period.
CMD='["sh", "-c", "trap \"exit 0\" TERM; while true; do sleep 1; done"]'
kubectl -n maintenance apply -f - >/dev/null <<YAML
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 2
  selector: { matchLabels: { app: web } }
  template:
    metadata:
      labels: { app: web }
    spec:
      terminationGracePeriodSeconds: 5
      tolerations:
        - { key: node-role.kubernetes.io/master, operator: Exists, effect: NoSchedule }
        - { key: node-role.kubernetes.io/control-plane, operator: Exists, effect: NoSchedule }
      containers:
        - name: web
          image: $IMAGE
          imagePullPolicy: IfNotPresent
          command: $CMD
          readinessProbe:
            exec: { command: ["true"] }
            initialDelaySeconds: 5
            periodSeconds: 2
---
apiVersion: $PDB_API
kind: PodDisruptionBudget
metadata:
  name: web
spec:
  minAvailable: 1
  selector: { matchLabels: { app: web } }
---
apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: node-agent
spec:
  selector: { matchLabels: { app: node-agent } }
  template:
    metadata:
      labels: { app: node-agent }
    spec:
      nodeSelector: { k8s-harden-lab/maintenance: target }
      terminationGracePeriodSeconds: 5
      containers:
        - name: agent
          image: $IMAGE
          imagePullPolicy: IfNotPresent
          command: $CMD
YAML
kubectl -n maintenance rollout status deployment/web --timeout=180s >/dev/null
kubectl -n maintenance rollout status daemonset/node-agent --timeout=180s >/dev/null
lab_retry 60 sh -c "[ \"\$(kubectl -n maintenance get pdb web -o jsonpath='{.status.currentHealthy}')\" = 2 ]"
lab_log "pods on $WORKER: $(kubectl -n maintenance get pods --field-selector spec.nodeName="$WORKER" -o name | tr '\n' ' ')"
# From here on the recorder's observations count (the rollout above is not part of the attempt).
sleep 2
lab_mark_attempt
