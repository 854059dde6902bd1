#!/usr/bin/env bash
# abac-policy reference solution.
# shellcheck source=../_lib/lab.sh
source "$SCENARIO_DIR/../_lib/lab.sh"
export KUBECONFIG="$WORKSPACE/kubeconfig"
CP=control-plane
MANIFEST=/etc/kubernetes/manifests/kube-apiserver.yaml

# 1. The policy: one JSON object per line; john may read pods in default, nothing else.
lab_node_write "$CP" /etc/kubernetes/abac/policy.jsonl 600 <<'JSONL'
{"apiVersion":"abac.authorization.kubernetes.io/v1beta1","kind":"Policy","spec":{"user":"system:serviceaccount:default:john","namespace":"default","resource":"pods","readonly":true}}
JSONL

# 2. The apiserver: ABAC after Node and RBAC, the policy file, and the folder mounted into the pod.
lab_node_read "$CP" "$MANIFEST" | lab_yaml_edit '
  const c = doc.spec.containers.find((x) => x.name === "kube-apiserver");
  c.command = c.command.map((a) => a.startsWith("--authorization-mode=") ? "--authorization-mode=Node,RBAC,ABAC" : a);
  if (!c.command.some((a) => a.startsWith("--authorization-policy-file=")))
    c.command.push("--authorization-policy-file=/etc/kubernetes/abac/policy.jsonl");
  c.volumeMounts = (c.volumeMounts || []).filter((m) => m.name !== "abac");
  c.volumeMounts.push({ name: "abac", mountPath: "/etc/kubernetes/abac", readOnly: true });
  doc.spec.volumes = (doc.spec.volumes || []).filter((v) => v.name !== "abac");
  doc.spec.volumes.push({ name: "abac", hostPath: { path: "/etc/kubernetes/abac", type: "DirectoryOrCreate" } });
' >"$WORKSPACE/kube-apiserver.yaml"
lab_node_write "$CP" "$MANIFEST" <"$WORKSPACE/kube-apiserver.yaml"
rm -f "$WORKSPACE/kube-apiserver.yaml"
lab_log "apiserver restarting with ABAC…"
sleep 5
lab_wait_apiserver 240
lab_retry 180 sh -c 'kubectl --context admin auth can-i list pods -n default --as=system:serviceaccount:default:john | grep -qx yes'

# 3. A token for john (`kubectl create token` on 1.24+; a token Secret on older clusters).
TOKEN="$(lab_sa_token default john)"

# 4. john's user and context in the workspace kubeconfig, made current.
kubectl config set-credentials john --token="$TOKEN" >/dev/null
kubectl config set-context john-context --cluster=lab --user=john --namespace=default >/dev/null
kubectl config use-context john-context >/dev/null
kubectl get pods >/dev/null
lab_log "john-context works: $(kubectl auth can-i list pods) / create pods: $(kubectl auth can-i create pods || true)"
