import { defineClusterSelfTest } from './cluster-harness.js';

const KC = 'export KUBECONFIG="$WORKSPACE/kubeconfig"\n';

defineClusterSelfTest('kubeconfig-contexts-cluster', {
  otherSolutions: [
    {
      name: 'a new context of their own (dev-user, namespace dev)',
      script: `${KC}kubectl config set-context mine --cluster=lab --user=dev-user --namespace=dev
kubectl config use-context mine
kubectl get pods`,
    },
    {
      name: 'the right user in the wrong namespace, then the namespace fixed in place',
      script: `${KC}kubectl config use-context team-a
kubectl config set-context --current --namespace=dev
kubectl get pods`,
    },
  ],
  nearMisses: [
    {
      name: 'team-a: dev-user, but namespace staging',
      failing: ['namespace-is-dev', 'get-pods-works'],
      script: `${KC}kubectl config use-context team-a`,
    },
    {
      name: 'team-b: namespace dev, but the ops-bot token',
      failing: ['acts-as-dev-user', 'can-list-pods-in-dev', 'get-pods-works'],
      script: `${KC}kubectl config use-context team-b`,
    },
  ],
});
