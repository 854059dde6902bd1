#!/usr/bin/env bash
# sa-automount reference solution: the pod spec decides, the default account is disarmed, and
# inventory-sync gets an account of its own that may only read ConfigMaps.
# shellcheck source=../_lib/lab.sh
source "$SCENARIO_DIR/../_lib/lab.sh"

# 1. frontend: the pod spec's own field wins over the account's, so that is where it goes.
kubectl -n shop patch deployment frontend -p '{"spec":{"template":{"spec":{"automountServiceAccountToken":false}}}}'

# 2. default: no token for pods that name no account, and no rights.
kubectl -n shop patch serviceaccount default -p '{"automountServiceAccountToken":false}'
kubectl -n shop delete rolebinding default-edit

# 3. inventory-sync: its own account, allowed to read ConfigMaps and nothing else.
kubectl -n shop create serviceaccount inventory
kubectl -n shop create role configmap-reader --verb=get,list,watch --resource=configmaps
kubectl -n shop create rolebinding inventory-configmap-reader --role=configmap-reader --serviceaccount=shop:inventory
kubectl -n shop set serviceaccount deployment inventory-sync inventory

# Wait until only the new pods run (the checks look inside every running pod).
for d in frontend inventory-sync; do
  kubectl -n shop rollout status "deployment/$d" --timeout=240s
  want="$(kubectl -n shop get deployment "$d" -o jsonpath='{.spec.replicas}')"
  lab_retry 180 sh -c "[ \"\$(kubectl -n shop get pods -l app=$d --no-headers | wc -l)\" -eq $want ]"
done
