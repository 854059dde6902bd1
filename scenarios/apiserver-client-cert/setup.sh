#!/usr/bin/env bash
# apiserver-client-cert setup: namespace ci (with a Secret a reader must not see), nothing bound to
# ci-reader or the group ci; in the workspace the cluster CA's certificate for curl --cacert and
# the CI job's credentials as they are today (a copy of the lab admin's client certificate); on the
# control-plane node a /root/whoami.json asked with admin.conf. The node files are backed up first
# (absent, so reset removes them).
# shellcheck source=../_lib/lab.sh
source "$SCENARIO_DIR/../_lib/lab.sh"

lab_wait_apiserver 180
lab_log "namespace ci (a Secret in it), no rights for ci-reader or the group ci"
kubectl delete certificatesigningrequest ci-reader --ignore-not-found >/dev/null
for kind in rolebindings clusterrolebindings; do
  # A binding left from other practice would give the new certificate rights before the learner does.
  kubectl get "$kind" -A -o json |
    jq -r '.items[] | select(any(.subjects[]?; (.kind == "User" and .name == "ci-reader") or (.kind == "Group" and .name == "ci"))) | "\(.metadata.namespace // "") \(.metadata.name)"' |
    while read -r ns name; do
      [ -z "$name" ] && { name="$ns"; ns=''; }
      kubectl delete "$kind" ${ns:+-n "$ns"} "$name" >/dev/null
    done
done
kubectl apply -f - >/dev/null <<'YAML'
apiVersion: v1
kind: Namespace
metadata: { name: ci, labels: { k8s-harden-lab/scenario: apiserver-client-cert } }
---
apiVersion: v1
kind: Secret
metadata: { name: ci-deploy-key, namespace: ci }
stringData: { key: not-for-a-reader }
YAML
kubectl config view --raw --minify -o jsonpath='{.clusters[0].cluster.certificate-authority-data}' | base64 -d >"$WORKSPACE/ca.crt"
lab_log "the CI job's credentials today: a copy of the admin's client certificate ($WORKSPACE/ci-reader.crt, .key)"
(
  umask 077
  kubectl config view --raw --minify -o jsonpath='{.users[0].user.client-certificate-data}' | base64 -d >"$WORKSPACE/ci-reader.crt"
  kubectl config view --raw --minify -o jsonpath='{.users[0].user.client-key-data}' | base64 -d >"$WORKSPACE/ci-reader.key"
)
lab_log "/root/whoami.json on the control-plane node: a colleague's answer, asked with admin.conf"
lab_node_sh control-plane 'kubectl --kubeconfig /etc/kubernetes/admin.conf auth whoami -o json > /root/whoami.json'
kubectl config view --minify -o jsonpath='{.clusters[0].cluster.server}' >"$WORKSPACE/server.txt"
lab_log "the cluster CA's certificate: $WORKSPACE/ca.crt; the API from this machine: $(cat "$WORKSPACE/server.txt")"
