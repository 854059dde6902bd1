#!/usr/bin/env bash
# static-token-file setup: namespace apps with Roles for the groups `deployers` and `ci`, a static
# token file on the control-plane node whose two lines put deploy-bot and a leftover old-admin in
# system:masters, and the apiserver started with --token-auth-file. The tokens are this folder's
# fixtures (bot.token, old-admin.token): the checks send those, so the learner must keep the bot's.
# The apiserver manifest and the token file are backed up before this runs.
# shellcheck source=../_lib/lab.sh
source "$SCENARIO_DIR/../_lib/lab.sh"
CP=control-plane
MANIFEST=/etc/kubernetes/manifests/kube-apiserver.yaml
CSV=/etc/kubernetes/auth/tokens.csv

lab_wait_apiserver 180
lab_log "namespace apps: a Deployment, a ConfigMap, a Secret; Roles for the groups deployers and ci"
for kind in rolebindings clusterrolebindings; do
  # A binding for deploy-bot left from other practice would change what the bot may do.
  kubectl get "$kind" -A -o json |
    jq -r '.items[] | select(any(.subjects[]?; .kind == "User" and (.name == "deploy-bot" or .name == "old-admin"))) | "\(.metadata.namespace // "") \(.metadata.name)"' |
    while read -r ns name; do
      [ -z "$name" ] && { name="$ns"; ns=''; }
      kubectl delete "$kind" ${ns:+-n "$ns"} "$name" >/dev/null
    done
done
kubectl apply -f - >/dev/null <<YAML
apiVersion: v1
kind: Namespace
metadata: { name: apps, labels: { k8s-harden-lab/scenario: static-token-file } }
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: { name: deployer, namespace: apps }
rules:
  - apiGroups: [apps]
    resources: [deployments, deployments/scale]
    verbs: [get, list, watch, create, update, patch, delete]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: { name: deployers, namespace: apps }
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: Role, name: deployer }
subjects: [{ apiGroup: rbac.authorization.k8s.io, kind: Group, name: deployers }]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: { name: config-reader, namespace: apps }
rules:
  - apiGroups: [""]
    resources: [configmaps]
    verbs: [get, list, watch]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: { name: ci, namespace: apps }
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: Role, name: config-reader }
subjects: [{ apiGroup: rbac.authorization.k8s.io, kind: Group, name: ci }]
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: web, namespace: apps }
spec:
  replicas: 0
  selector: { matchLabels: { app: web } }
  template:
    metadata: { labels: { app: web } }
    spec:
      containers: [{ name: web, image: $(lab_workload_image) }]
---
apiVersion: v1
kind: ConfigMap
metadata: { name: web-config, namespace: apps }
data: { LOG_LEVEL: info }
---
apiVersion: v1
kind: Secret
metadata: { name: db-password, namespace: apps }
stringData: { password: not-for-the-bot }
YAML

lab_log "static token file $CSV on the control-plane node (deploy-bot and old-admin in system:masters)"
{
  printf '%s,deploy-bot,1001,system:masters\n' "$(tr -d '[:space:]' <"$SCENARIO_DIR/bot.token")"
  printf '%s,old-admin,1000,system:masters\n' "$(tr -d '[:space:]' <"$SCENARIO_DIR/old-admin.token")"
} | lab_node_write "$CP" "$CSV" 600

lab_log "kube-apiserver: --token-auth-file and the folder mounted read-only"
lab_node_read "$CP" "$MANIFEST" | lab_yaml_edit '
  const c = doc.spec.containers.find((x) => x.name === "kube-apiserver");
  c.command = c.command.filter((a) => !a.startsWith("--token-auth-file="));
  c.command.push("--token-auth-file=/etc/kubernetes/auth/tokens.csv");
  c.volumeMounts = (c.volumeMounts || []).filter((m) => m.name !== "static-tokens");
  c.volumeMounts.push({ name: "static-tokens", mountPath: "/etc/kubernetes/auth", readOnly: true });
  doc.spec.volumes = (doc.spec.volumes || []).filter((v) => v.name !== "static-tokens");
  doc.spec.volumes.push({ name: "static-tokens", hostPath: { path: "/etc/kubernetes/auth", type: "DirectoryOrCreate" } });
' >"$WORKSPACE/.kube-apiserver.yaml"
lab_node_write "$CP" "$MANIFEST" <"$WORKSPACE/.kube-apiserver.yaml"
rm -f "$WORKSPACE/.kube-apiserver.yaml"
lab_log "waiting for the apiserver to come back with the token file…"
sleep 5
lab_wait_apiserver 240
# The new process is the one that knows the token: until then the bot gets 401.
bot_is_master() { [ "$(lab_token_status "$SCENARIO_DIR/bot.token" /api/v1/secrets)" = 200 ]; }
lab_retry 240 bot_is_master

install -m 600 "$SCENARIO_DIR/bot.token" "$WORKSPACE/bot.token"
kubectl config view --raw --minify -o jsonpath='{.clusters[0].cluster.certificate-authority-data}' | base64 -d >"$WORKSPACE/ca.crt"
lab_log "the bot's token: $WORKSPACE/bot.token (the cluster CA: $WORKSPACE/ca.crt)"
