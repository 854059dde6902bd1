import { accessProbe } from './access.js';
import { apiProbe, nodeStateProbe, podFileProbe, podPlacementProbe } from './api.js';
import { auditEventsProbe } from './audit.js';
import { componentFlagProbe, kubeletConfigProbe } from './component.js';
import { etcdKeyProbe } from './etcd.js';
import { nodeHttpProbe, nodePortProbe } from './node.js';
import { observedProbe } from './observed.js';
import { podConnectProbe } from './pod-connect.js';
import { admissionProbe, apiRequestProbe } from './request.js';
import { sshLoginProbe } from './ssh.js';
import { tokenProbe } from './token.js';
import type { ProbeRegistry } from './types.js';

/**
 * The cluster probes. Node reads go through one batched exec per node per round
 * (node-batch.ts); API reads through the lab's kubeconfig (kube-client.ts). An apiserver or
 * kubelet that is restarting yields `waiting`, never `fail`; the watch loop bounds how long.
 */
export const clusterProbes: Pick<
  ProbeRegistry,
  | 'api'
  | 'access'
  | 'nodeHttp'
  | 'nodePort'
  | 'componentFlag'
  | 'kubeletConfig'
  | 'nodeState'
  | 'podPlacement'
  | 'podFile'
  | 'observed'
  | 'apiRequest'
  | 'token'
  | 'admission'
  | 'podConnect'
  | 'auditEvents'
  | 'etcdKey'
  | 'sshLogin'
> = {
  api: apiProbe,
  access: accessProbe,
  nodeHttp: nodeHttpProbe,
  nodePort: nodePortProbe,
  componentFlag: componentFlagProbe,
  kubeletConfig: kubeletConfigProbe,
  nodeState: nodeStateProbe,
  podPlacement: podPlacementProbe,
  podFile: podFileProbe,
  observed: observedProbe,
  apiRequest: apiRequestProbe,
  token: tokenProbe,
  admission: admissionProbe,
  podConnect: podConnectProbe,
  auditEvents: auditEventsProbe,
  etcdKey: etcdKeyProbe,
  sshLogin: sshLoginProbe,
};
