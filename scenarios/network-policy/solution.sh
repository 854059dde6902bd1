#!/usr/bin/env bash
# network-policy reference: deny everything in the namespace, then allow frontend -> backend:PORT
# (egress at the frontend AND ingress at the backend) and DNS to kube-dns for every pod of it. The
# namespace and the port are drawn at setup: KHL_PARAM_NAMESPACE, KHL_PARAM_PORT.
# shellcheck source=../_lib/lab.sh
source "$SCENARIO_DIR/../_lib/lab.sh"

kubectl apply -f - <<YAML
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: default-deny, namespace: $KHL_PARAM_NAMESPACE }
spec:
  podSelector: {}
  policyTypes: [Ingress, Egress]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: allow-dns, namespace: $KHL_PARAM_NAMESPACE }
spec:
  podSelector: {}
  policyTypes: [Egress]
  egress:
    - to:
        - namespaceSelector: { matchLabels: { kubernetes.io/metadata.name: kube-system } }
          podSelector: { matchLabels: { k8s-app: kube-dns } }
      ports:
        - { protocol: UDP, port: 53 }
        - { protocol: TCP, port: 53 }
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: frontend-to-backend, namespace: $KHL_PARAM_NAMESPACE }
spec:
  podSelector: { matchLabels: { app: frontend } }
  policyTypes: [Egress]
  egress:
    - to: [{ podSelector: { matchLabels: { app: backend } } }]
      ports: [{ protocol: TCP, port: $KHL_PARAM_PORT }]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: backend-from-frontend, namespace: $KHL_PARAM_NAMESPACE }
spec:
  podSelector: { matchLabels: { app: backend } }
  policyTypes: [Ingress]
  ingress:
    - from: [{ podSelector: { matchLabels: { app: frontend } } }]
      ports: [{ protocol: TCP, port: $KHL_PARAM_PORT }]
YAML
"$SCENARIO_DIR/wait-enforced.sh"
