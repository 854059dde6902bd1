import { defineClusterSelfTest, LIB } from './cluster-harness.js';

/** Edit the worker's kubelet config with a JS statement on `doc`, then (optionally) restart it. */
const config = (edit: string, restart = true) => `${LIB}
lab_node_read worker /var/lib/kubelet/config.yaml | lab_yaml_edit '${edit}' > "$WORKSPACE/c.yaml"
lab_node_write worker /var/lib/kubelet/config.yaml < "$WORKSPACE/c.yaml"
${restart ? 'lab_restart_kubelet worker' : ''}
`;

defineClusterSelfTest('kubelet-lockdown', {
  otherSolutions: [
    {
      name: 'flags in kubeadm-flags.env instead of the config file',
      script: `${LIB}
lab_node_sh worker 'sed -i "s/\\"\\$/ --anonymous-auth=false --authorization-mode=Webhook --read-only-port=0\\"/" /var/lib/kubelet/kubeadm-flags.env; cat /var/lib/kubelet/kubeadm-flags.env'
lab_restart_kubelet worker
lab_retry 60 lab_node_sh worker '[ "$(curl -sk -o /dev/null -w "%{http_code}" https://127.0.0.1:10250/pods)" = 401 ]'
`,
    },
    {
      name: 'readOnlyPort removed from the file (the default is off)',
      script: config(
        'doc.authentication.anonymous.enabled = false; doc.authorization.mode = "Webhook"; delete doc.readOnlyPort',
      ),
    },
  ],
  nearMisses: [
    {
      name: 'anonymous off but AlwaysAllow kept',
      failing: ['authorization-webhook'],
      script: config('doc.authentication.anonymous.enabled = false; doc.readOnlyPort = 0'),
    },
    {
      name: 'Webhook and no read-only port, but anonymous left on (403 instead of 401)',
      failing: ['anonymous-auth-disabled'],
      script: config('doc.authorization.mode = "Webhook"; doc.readOnlyPort = 0'),
    },
    {
      name: 'read-only port left on',
      failing: ['read-only-port-disabled', 'read-only-port-closed'],
      script: config('doc.authentication.anonymous.enabled = false; doc.authorization.mode = "Webhook"'),
    },
    {
      name: 'config fixed but the kubelet not restarted',
      failing: [
        'anonymous-pods-rejected',
        'anonymous-auth-disabled',
        'authorization-webhook',
        'read-only-port-disabled',
        'read-only-port-closed',
      ],
      script: config(
        'doc.authentication.anonymous.enabled = false; doc.authorization.mode = "Webhook"; doc.readOnlyPort = 0',
        false,
      ),
    },
  ],
});
