#!/usr/bin/env bash
# sa-automount setup: a namespace with two Deployments that both run as the `default` service
# account, which a RoleBinding gives the `edit` role.
#   frontend        never calls the API, yet its template asks for a token explicitly, one of two
#                   ways (the drawn fault): automountServiceAccountToken: true (the pod spec wins
#                   over the account), or a projected serviceAccountToken volume of its own at the
#                   token path (admission adds nothing there, and no automount setting removes it)
#   inventory-sync  reads ConfigMaps through the API and relies on default's rights
# API objects only: reset deletes the namespace.
# shellcheck source=../_lib/lab.sh
source "$SCENARIO_DIR/../_lib/lab.sh"
# Drawn from the attempt's seed (scenario.yaml params:). The account is the learner's to create.
ns="${KHL_PARAM_NAMESPACE:?the namespace is drawn at setup}"
: "${KHL_PARAM_ACCOUNT:?the account is drawn at setup}"
case "${KHL_PARAM_FAULT:?the fault is drawn at setup}" in
  automount-true)
    token_spec='      automountServiceAccountToken: true'
    token_mount=''
    ;;
  token-volume)
    token_spec='      volumes: [{ name: api-token, projected: { sources: [{ serviceAccountToken: { path: token, expirationSeconds: 3600 } }] } }]'
    token_mount='          volumeMounts: [{ name: api-token, mountPath: /var/run/secrets/kubernetes.io/serviceaccount, readOnly: true }]'
    ;;
  *) lab_die "unknown fault: $KHL_PARAM_FAULT" ;;
esac

lab_wait_apiserver 180
IMAGE="$(lab_workload_image)"
if kubectl get namespace "$ns" >/dev/null 2>&1; then
  # Left over from an attempt that was never reset: start from a fresh namespace.
  kubectl delete namespace "$ns" --timeout=180s >/dev/null
fi
lab_log "namespace $ns: default → edit, frontend (token on purpose: $KHL_PARAM_FAULT) and inventory-sync"
kubectl create namespace "$ns" >/dev/null
lab_retry 60 kubectl -n "$ns" get serviceaccount default
kubectl apply -f - >/dev/null <<YAML
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: { name: default-edit, namespace: $ns }
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: edit }
subjects: [{ kind: ServiceAccount, name: default, namespace: $ns }]
---
apiVersion: v1
kind: ConfigMap
metadata: { name: inventory, namespace: $ns }
data: { warehouse: berlin, restock-threshold: "20" }
---
apiVersion: v1
kind: Secret
metadata: { name: payment-gateway, namespace: $ns }
stringData: { api-key: not-a-real-key }
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: frontend, namespace: $ns, labels: { app: frontend } }
spec:
  replicas: 2
  selector: { matchLabels: { app: frontend } }
  template:
    metadata: { labels: { app: frontend } }
    spec:
$token_spec
      terminationGracePeriodSeconds: 1
      tolerations: [{ operator: Exists, effect: NoSchedule }]
      containers:
        - name: web
          image: $IMAGE
          imagePullPolicy: IfNotPresent
          command: ["sh", "-c", "trap 'exit 0' TERM; while true; do sleep 1; done"]
$token_mount
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: inventory-sync, namespace: $ns, labels: { app: inventory-sync } }
spec:
  replicas: 1
  selector: { matchLabels: { app: inventory-sync } }
  template:
    metadata: { labels: { app: inventory-sync } }
    spec:
      terminationGracePeriodSeconds: 1
      tolerations: [{ operator: Exists, effect: NoSchedule }]
      containers:
        - name: sync
          image: $IMAGE
          imagePullPolicy: IfNotPresent
          command: ["sh", "-c", "trap 'exit 0' TERM; while true; do sleep 1; done"]
YAML
kubectl -n "$ns" rollout status deployment/frontend --timeout=240s >/dev/null
kubectl -n "$ns" rollout status deployment/inventory-sync --timeout=240s >/dev/null
