#!/usr/bin/env bash
# etcd-encryption reset: before the engine restores the apiserver manifest (which drops the
# provider config), every Secret must be stored plainly again, or the restored apiserver could
# not read them. So: the learner's config with identity put first, the apiserver restarted on it,
# every Secret written again; then the namespace goes. The engine then restores the manifest and
# removes /etc/kubernetes/enc/enc.yaml (both backed up before setup).
# shellcheck source=../_lib/lab.sh
source "$SCENARIO_DIR/../_lib/lab.sh"

manifest=/etc/kubernetes/manifests/kube-apiserver.yaml
flag="$(lab_node_read control-plane "$manifest" | grep -o -- '--encryption-provider-config=[^" ]*' | head -n 1 || true)"
# shellcheck disable=SC2016 # the node's shell expands these.
encrypted="$(lab_node_sh control-plane 'etcdctl --endpoints=https://127.0.0.1:2379 --cacert=/etc/kubernetes/pki/etcd/ca.crt \
  --cert=/etc/kubernetes/pki/apiserver-etcd-client.crt --key=/etc/kubernetes/pki/apiserver-etcd-client.key \
  get /registry/secrets --prefix --print-value-only 2>/dev/null | grep -a -c "^k8s:enc:" || true')"
if [ -n "$flag" ] && [ "${encrypted:-0}" != 0 ]; then
  config="${flag#--encryption-provider-config=}"
  lab_log "storing every Secret plainly again before the provider config goes"
  old_pid="$(lab_apiserver_pid)"
  lab_node_read control-plane "$config" | lab_yaml_edit '
    for (const r of doc.resources || [])
      r.providers = [{ identity: {} }, ...(r.providers || []).filter((p) => !("identity" in p))];
  ' >"$WORKSPACE/decrypt.yaml"
  lab_node_write control-plane "$config" <"$WORKSPACE/decrypt.yaml"
  rm -f "$WORKSPACE/decrypt.yaml"
  # A change of the config file alone does not restart the static pod: touch the manifest.
  # shellcheck disable=SC2016 # $1 belongs to the node's shell.
  lab_node_sh control-plane 'sed -i "s/^  annotations:$/  annotations:\n    k8s-harden-lab\/decrypt: \"'"$(date +%s)"'\"/" "$1"' "$manifest"
  lab_wait_new_apiserver "$old_pid" 240
  kubectl get secrets -A -o json | kubectl replace -f - >/dev/null || lab_log "some Secrets could not be written again"
fi
kubectl delete namespace vault --ignore-not-found --timeout=180s >/dev/null || true
