#!/usr/bin/env bash
# sa-automount setup: namespace shop with two Deployments that both run as the `default` service
# account, which a RoleBinding gives the `edit` role.
#   frontend        never calls the API, yet its template asks for a token explicitly
#                   (automountServiceAccountToken: true, the pod spec wins over the account)
#   inventory-sync  reads ConfigMaps through the API and relies on default's rights
# API objects only: reset deletes the namespace.
# shellcheck source=../_lib/lab.sh
source "$SCENARIO_DIR/../_lib/lab.sh"

lab_wait_apiserver 180
IMAGE="$(lab_workload_image)"
if kubectl get namespace shop >/dev/null 2>&1; then
  # Left over from an attempt that was never reset: start from a fresh namespace.
  kubectl delete namespace shop --timeout=180s >/dev/null
fi
lab_log "namespace shop: default → edit, frontend (token on purpose) and inventory-sync"
kubectl create namespace shop >/dev/null
lab_retry 60 kubectl -n shop get serviceaccount default
kubectl apply -f - >/dev/null <<YAML
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: { name: default-edit, namespace: shop }
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: edit }
subjects: [{ kind: ServiceAccount, name: default, namespace: shop }]
---
apiVersion: v1
kind: ConfigMap
metadata: { name: inventory, namespace: shop }
data: { warehouse: berlin, restock-threshold: "20" }
---
apiVersion: v1
kind: Secret
metadata: { name: payment-gateway, namespace: shop }
stringData: { api-key: not-a-real-key }
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: frontend, namespace: shop, labels: { app: frontend } }
spec:
  replicas: 2
  selector: { matchLabels: { app: frontend } }
  template:
    metadata: { labels: { app: frontend } }
    spec:
      automountServiceAccountToken: true
      terminationGracePeriodSeconds: 1
      tolerations: [{ operator: Exists, effect: NoSchedule }]
      containers:
        - name: web
          image: $IMAGE
          imagePullPolicy: IfNotPresent
          command: ["sh", "-c", "trap 'exit 0' TERM; while true; do sleep 1; done"]
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: inventory-sync, namespace: shop, labels: { app: inventory-sync } }
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
kubectl -n shop rollout status deployment/frontend --timeout=240s >/dev/null
kubectl -n shop rollout status deployment/inventory-sync --timeout=240s >/dev/null
