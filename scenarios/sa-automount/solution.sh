#!/usr/bin/env bash
# sa-automount reference solution: the pod spec decides, the default account is disarmed, and
# inventory-sync gets an account of its own that may only read ConfigMaps. The drawn values come
# in as KHL_PARAM_* (scenario.yaml params:).
# shellcheck source=../_lib/lab.sh
source "$SCENARIO_DIR/../_lib/lab.sh"

# 1. frontend: the pod spec's own field wins over the account's, so that is where it goes.
kubectl -n "$KHL_PARAM_NAMESPACE" patch deployment frontend -p '{"spec":{"template":{"spec":{"automountServiceAccountToken":false}}}}'
#    A token volume the template mounts itself is not automounted, so no automount setting
#    removes it: the volume and its mount go as well.
if [ "$KHL_PARAM_FAULT" = token-volume ]; then
  kubectl -n "$KHL_PARAM_NAMESPACE" patch deployment frontend --type=json -p '[
    {"op":"remove","path":"/spec/template/spec/containers/0/volumeMounts"},
    {"op":"remove","path":"/spec/template/spec/volumes"}]'
fi

# 2. default: no token for pods that name no account, and no rights.
kubectl -n "$KHL_PARAM_NAMESPACE" patch serviceaccount default -p '{"automountServiceAccountToken":false}'
kubectl -n "$KHL_PARAM_NAMESPACE" delete rolebinding default-edit

# 3. inventory-sync: its own account, allowed to read ConfigMaps and nothing else.
kubectl -n "$KHL_PARAM_NAMESPACE" create serviceaccount "$KHL_PARAM_ACCOUNT"
kubectl -n "$KHL_PARAM_NAMESPACE" create role configmap-reader --verb=get,list,watch --resource=configmaps
kubectl -n "$KHL_PARAM_NAMESPACE" create rolebinding "$KHL_PARAM_ACCOUNT-configmap-reader" --role=configmap-reader \
  --serviceaccount="$KHL_PARAM_NAMESPACE:$KHL_PARAM_ACCOUNT"
kubectl -n "$KHL_PARAM_NAMESPACE" set serviceaccount deployment inventory-sync "$KHL_PARAM_ACCOUNT"

# Wait until only the new pods run (the checks look inside every running pod).
for d in frontend inventory-sync; do
  kubectl -n "$KHL_PARAM_NAMESPACE" rollout status "deployment/$d" --timeout=240s
  want="$(kubectl -n "$KHL_PARAM_NAMESPACE" get deployment "$d" -o jsonpath='{.spec.replicas}')"
  lab_retry 180 sh -c "[ \"\$(kubectl -n $KHL_PARAM_NAMESPACE get pods -l app=$d --no-headers | wc -l)\" -eq $want ]"
done
