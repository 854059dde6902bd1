#!/usr/bin/env bash
# apiserver-client-cert setup: namespace NS (with a Secret a reader must not see), nothing bound to
# the CI job's USER or its GROUP; in the workspace the cluster CA's certificate for curl --cacert and
# the CI job's credentials as they are today (a copy of the lab admin's client certificate); on the
# control-plane node a /root/whoami.json asked with admin.conf. The node files are backed up first
# (absent, so reset removes them). USER, GROUP and NS are drawn at setup (scenario.yaml params:).
# shellcheck source=../_lib/lab.sh
source "$SCENARIO_DIR/../_lib/lab.sh"
job_user="${KHL_PARAM_USER:?the user of the CI job is drawn at setup}"
job_group="${KHL_PARAM_GROUP:?its group is drawn at setup}"
job_ns="${KHL_PARAM_NAMESPACE:?its namespace is drawn at setup}"

lab_wait_apiserver 180
lab_log "namespace $job_ns (a Secret in it), no rights for $job_user or the group $job_group"
kubectl delete certificatesigningrequest "$job_user" --ignore-not-found >/dev/null
for kind in rolebindings clusterrolebindings; do
  # A binding left from other practice would give the new certificate rights before the learner does.
  kubectl get "$kind" -A -o json |
    jq -r --arg u "$job_user" --arg g "$job_group" \
      '.items[] | select(any(.subjects[]?; (.kind == "User" and .name == $u) or (.kind == "Group" and .name == $g))) | "\(.metadata.namespace // "") \(.metadata.name)"' |
    while read -r ns name; do
      [ -z "$name" ] && { name="$ns"; ns=''; }
      kubectl delete "$kind" ${ns:+-n "$ns"} "$name" >/dev/null
    done
done
kubectl apply -f - >/dev/null <<YAML
apiVersion: v1
kind: Namespace
metadata: { name: $job_ns, labels: { k8s-harden-lab/scenario: apiserver-client-cert } }
---
apiVersion: v1
kind: Secret
metadata: { name: ci-deploy-key, namespace: $job_ns }
stringData: { key: not-for-a-reader }
YAML
kubectl config view --raw --minify -o jsonpath='{.clusters[0].cluster.certificate-authority-data}' | base64 -d >"$WORKSPACE/ca.crt"
lab_log "the CI job's credentials today: a copy of the admin's client certificate ($WORKSPACE/$job_user.crt, .key)"
(
  umask 077
  kubectl config view --raw --minify -o jsonpath='{.users[0].user.client-certificate-data}' | base64 -d >"$WORKSPACE/$job_user.crt"
  kubectl config view --raw --minify -o jsonpath='{.users[0].user.client-key-data}' | base64 -d >"$WORKSPACE/$job_user.key"
)
lab_log "/root/whoami.json on the control-plane node: a colleague's answer, asked with admin.conf"
lab_node_sh control-plane 'kubectl --kubeconfig /etc/kubernetes/admin.conf auth whoami -o json > /root/whoami.json'
kubectl config view --minify -o jsonpath='{.clusters[0].cluster.server}' >"$WORKSPACE/server.txt"
lab_log "the cluster CA's certificate: $WORKSPACE/ca.crt; the API from this machine: $(cat "$WORKSPACE/server.txt")"
