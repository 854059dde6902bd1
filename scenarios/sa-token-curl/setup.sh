#!/usr/bin/env bash
# sa-token-curl setup: the drawn namespace with the drawn service account (may read pods there)
# and two pods to list. The workspace holds what the report job's last run left: a day-long token
# of the namespace's `default` account (the wrong one), an empty claims file, and the 403 answer
# curl got with that token. API objects only: reset deletes the namespace.
# shellcheck source=../_lib/lab.sh
source "$SCENARIO_DIR/../_lib/lab.sh"
# Drawn from the attempt's seed (scenario.yaml params:).
ns="${KHL_PARAM_NAMESPACE:?the namespace is drawn at setup}"
sa="${KHL_PARAM_ACCOUNT:?the account is drawn at setup}"

lab_wait_apiserver 180
IMAGE="$(lab_workload_image)"
if kubectl get namespace "$ns" >/dev/null 2>&1; then
  # Left over from an attempt that was never reset: start from a fresh namespace.
  kubectl delete namespace "$ns" --timeout=180s >/dev/null
fi
lab_log "namespace $ns: service account $sa (reads pods) and two pods"
kubectl create namespace "$ns" >/dev/null
lab_retry 60 kubectl -n "$ns" get serviceaccount default
kubectl apply -f - >/dev/null <<YAML
apiVersion: v1
kind: ServiceAccount
metadata: { name: $sa, namespace: $ns }
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: { name: pod-reader, namespace: $ns }
rules:
  - { apiGroups: [""], resources: [pods], verbs: [get, list, watch] }
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: { name: $sa-pod-reader, namespace: $ns }
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: Role, name: pod-reader }
subjects: [{ kind: ServiceAccount, name: $sa, namespace: $ns }]
YAML
for pod in metrics-collector-0 metrics-collector-1; do
  kubectl apply -f - >/dev/null <<YAML
apiVersion: v1
kind: Pod
metadata: { name: $pod, namespace: $ns, labels: { app: metrics-collector } }
spec:
  automountServiceAccountToken: false
  terminationGracePeriodSeconds: 1
  tolerations: [{ operator: Exists, effect: NoSchedule }]
  containers:
    - name: main
      image: $IMAGE
      imagePullPolicy: IfNotPresent
      command: ["sh", "-c", "trap 'exit 0' TERM; while true; do sleep 1; done"]
YAML
done
kubectl -n "$ns" wait --for=condition=Ready pod --all --timeout=180s >/dev/null

lab_log "workspace: the last run's reporter.token, reporter-claims.json and pods.json"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
kubectl config view --raw --minify -o 'jsonpath={.clusters[0].cluster.certificate-authority-data}' |
  base64 -d >"$tmp/ca.crt"
SERVER="$(kubectl config view --minify -o 'jsonpath={.clusters[0].cluster.server}')"
(umask 077 && kubectl -n "$ns" create token default --duration=24h >"$WORKSPACE/reporter.token")
echo '{}' >"$WORKSPACE/reporter-claims.json"
# What curl got with that token: a 403 Status, not a PodList.
curl -s --cacert "$tmp/ca.crt" -H "Authorization: Bearer $(cat "$WORKSPACE/reporter.token")" \
  "$SERVER/api/v1/namespaces/$ns/pods" -o "$WORKSPACE/pods.json"
