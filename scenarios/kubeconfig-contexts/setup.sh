#!/usr/bin/env bash
# Creates the workspace files for kubeconfig-contexts. Everything stays inside $WORKSPACE.
set -euo pipefail
cd "$WORKSPACE"
# Drawn from the attempt's seed (scenario.yaml params:): the new user.
user="${KHL_PARAM_USER:?the user is drawn at setup}"

cat > my-kube-config <<'YAML'
apiVersion: v1
kind: Config
clusters:
  - name: kubernetes
    cluster:
      certificate-authority: /etc/kubernetes/pki/ca.crt
      server: https://controlplane:6443
  - name: development
    cluster:
      certificate-authority: /etc/kubernetes/pki/ca.crt
      server: https://dev.example.internal:6443
  - name: production
    cluster:
      certificate-authority: /etc/kubernetes/pki/ca.crt
      server: https://prod.example.internal:6443
  - name: kubernetes-on-aws
    cluster:
      certificate-authority: /etc/kubernetes/pki/ca.crt
      server: https://aws.example.internal:6443
users:
  - name: kubernetes-admin
    user:
      client-certificate: /etc/kubernetes/pki/users/admin/admin.crt
      client-key: /etc/kubernetes/pki/users/admin/admin.key
  - name: dev-user
    user:
      client-certificate: /etc/kubernetes/pki/users/dev-user/dev-user.crt
      client-key: /etc/kubernetes/pki/users/dev-user/dev-user.key
  - name: aws-user
    user:
      client-certificate: /etc/kubernetes/pki/users/aws-user/aws-user.crt
      client-key: /etc/kubernetes/pki/users/aws-user/aws-user.key
  - name: test-user
    user:
      client-certificate: /etc/kubernetes/pki/users/test-user/test-user.crt
      client-key: /etc/kubernetes/pki/users/test-user/test-user.key
contexts:
  - name: kubernetes-admin@kubernetes
    context:
      cluster: kubernetes
      user: kubernetes-admin
  - name: development
    context:
      cluster: development
      user: dev-user
      namespace: dev
  - name: production
    context:
      cluster: production
      user: test-user
  - name: research
    context:
      cluster: kubernetes-on-aws
      user: aws-user
  - name: staging
    context:
      cluster: development
      user: test-user
      namespace: staging
current-context: kubernetes-admin@kubernetes
YAML

# A fresh random token each attempt, so the answer cannot be remembered, only found.
token="$(head -c 32 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 40)"
printf '%s\n' "$token" > "$user.token"
chmod 600 "$user.token" my-kube-config

cat > .bashrc <<'RC'
# ~/.bashrc of the kubeconfig-contexts workspace (HOME is the workspace here).
PS1='[khl kubeconfig-contexts] \w\$ '
alias k=kubectl
RC

mkdir -p .kube
echo "Workspace ready: my-kube-config, $user.token and .bashrc are in $WORKSPACE"
