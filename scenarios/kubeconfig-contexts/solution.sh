#!/usr/bin/env bash
# Reference solution for kubeconfig-contexts (the drawn values come in as KHL_PARAM_*).
set -euo pipefail
cd "$WORKSPACE"
kc="$WORKSPACE/my-kube-config"

# 1. The context asked for becomes the current context of that file (not of ~/.kube/config).
kubectl config --kubeconfig "$kc" use-context "$KHL_PARAM_CONTEXT"

# 2. The new user with the token from the file (the token's value, not the file's name).
kubectl config --kubeconfig "$kc" set-credentials "$KHL_PARAM_USER" --token="$(cat "$KHL_PARAM_USER.token")"

# 3. The context that ties cluster, user and namespace together.
kubectl config --kubeconfig "$kc" set-context "$KHL_PARAM_USER-context" --cluster=kubernetes \
  --user="$KHL_PARAM_USER" --namespace="$KHL_PARAM_NAMESPACE"

# 4. Every new shell uses this file by default.
# shellcheck disable=SC2016 # $HOME is for the new shell to expand.
echo 'export KUBECONFIG="$HOME/my-kube-config"' >> .bashrc
