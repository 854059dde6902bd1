#!/usr/bin/env bash
# Reference solution for kubeconfig-contexts.
set -euo pipefail
cd "$WORKSPACE"
kc="$WORKSPACE/my-kube-config"

# 1. research becomes the current context of that file (not of ~/.kube/config).
kubectl config --kubeconfig "$kc" use-context research

# 2. User john with the token from the file (the token's value, not the file's name).
kubectl config --kubeconfig "$kc" set-credentials john --token="$(cat john.token)"

# 3. The context that ties cluster, user and namespace together.
kubectl config --kubeconfig "$kc" set-context john-context --cluster=kubernetes --user=john --namespace=default

# 4. Every new shell uses this file by default.
# shellcheck disable=SC2016 # $HOME is for the new shell to expand.
echo 'export KUBECONFIG="$HOME/my-kube-config"' >> .bashrc
