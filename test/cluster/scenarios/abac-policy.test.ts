import { defineClusterSelfTest, LIB } from './cluster-harness.js';

const JOHN = 'system:serviceaccount:default:john';

/** A learner's ABAC work: policy line(s), the authorization mode, john's token and context. */
function abac(options: { policy: string; mode?: string; enable?: boolean; tokenSecret?: string }): string {
  const enable = options.enable ?? true;
  return `${LIB}
export KUBECONFIG="$WORKSPACE/kubeconfig"
lab_node_write control-plane /etc/kubernetes/abac/policy.jsonl 600 <<'JSONL'
${options.policy}
JSONL
${
  enable
    ? `lab_node_read control-plane /etc/kubernetes/manifests/kube-apiserver.yaml | lab_yaml_edit '
  const c = doc.spec.containers[0];
  c.command = c.command.map((a) => a.startsWith("--authorization-mode=") ? "--authorization-mode=${options.mode ?? 'Node,RBAC,ABAC'}" : a);
  c.command.push("--authorization-policy-file=/etc/kubernetes/abac/policy.jsonl");
  c.volumeMounts.push({ name: "abac-policy", mountPath: "/etc/kubernetes/abac", readOnly: true });
  doc.spec.volumes.push({ name: "abac-policy", hostPath: { path: "/etc/kubernetes/abac", type: "DirectoryOrCreate" } });
' > "$WORKSPACE/m.yaml"
lab_node_write control-plane /etc/kubernetes/manifests/kube-apiserver.yaml < "$WORKSPACE/m.yaml"
sleep 5
lab_wait_apiserver 240
lab_retry 180 sh -c 'kubectl auth can-i get pods -n default --as=${JOHN} | grep -qx yes'`
    : ''
}
TOKEN="$(lab_sa_token default ${options.tokenSecret ?? 'john'})"
kubectl config set-credentials john --token="$TOKEN"
kubectl config set-context john-context --cluster=lab --user=john --namespace=default
kubectl config use-context john-context
`;
}

const line = (spec: string) =>
  `{"apiVersion":"abac.authorization.kubernetes.io/v1beta1","kind":"Policy","spec":{${spec}}}`;

defineClusterSelfTest('abac-policy', {
  otherSolutions: [
    {
      name: 'ABAC first in the chain, a commented policy with an explicit core apiGroup, another token Secret',
      script: abac({
        mode: 'ABAC,Node,RBAC',
        policy: `# john: read-only on pods in default\n${line(`"user":"${JOHN}","namespace":"default","resource":"pods","apiGroup":"","readonly":true`)}`,
        tokenSecret: 'john',
      }),
    },
  ],
  nearMisses: [
    {
      name: 'policy without "readonly": true',
      failing: ['john-cannot-create-pods', 'john-cannot-delete-pods'],
      script: abac({ policy: line(`"user":"${JOHN}","namespace":"default","resource":"pods"`) }),
    },
    {
      name: 'namespace "*" in the policy',
      failing: ['john-cannot-list-kube-system-pods'],
      script: abac({ policy: line(`"user":"${JOHN}","namespace":"*","resource":"pods","readonly":true`) }),
    },
    {
      name: 'policy file and context in place, but ABAC never enabled in the apiserver',
      failing: [
        'authorization-mode-has-abac',
        'john-can-get-pods',
        'john-can-list-pods',
        'john-can-watch-pods',
      ],
      script: abac({
        enable: false,
        policy: line(`"user":"${JOHN}","namespace":"default","resource":"pods","readonly":true`),
      }),
    },
  ],
});
