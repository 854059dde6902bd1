import { RECORDER_DIR, RECORDER_SCRIPT, RECORDER_UNIT } from '../../engine/lab/node-paths.js';
import type { ClusterIo, LifecycleIo } from '../../engine/ports.js';
import { backupStore } from './backup-store.js';
import { kubeClients } from './kube-client.js';
import { NodeBatch } from './node-batch.js';
import { nodeFile, nodeScript, podFile } from './node-scripts.js';

/** What cluster probes touch; the composition root loads this module on first use (client-node). */
export const clusterIo: ClusterIo = {
  kube: kubeClients,
  nodeReads: (provider, node, signal) => new NodeBatch(provider, node, signal),
  // Read on first use (and once): a round that logs in nowhere reads no file.
  scripts: {
    get sshLogin() {
      return nodeFile('ssh-login.sh');
    },
    get podConnect() {
      return podFile('connect.sh');
    },
  },
};

/** The recorder's jq programs, each with the shared definitions in front. */
export function recorderFilters(): { snapshot: string; watch: string; events: string } {
  const defs = nodeFile('recorder-defs.jq');
  return {
    snapshot: `${defs}\n${nodeFile('recorder-snapshot.jq')}`,
    watch: `${defs}\n${nodeFile('recorder-watch.jq')}`,
    events: nodeFile('recorder-events.jq'),
  };
}

/** The recorder as installed on the control-plane node. */
export function recorderFiles(): LifecycleIo['recorderFiles'] {
  const f = recorderFilters();
  return [
    { path: RECORDER_SCRIPT, content: nodeFile('recorder.sh') },
    { path: `${RECORDER_DIR}/snapshot.jq`, content: f.snapshot },
    { path: `${RECORDER_DIR}/watch.jq`, content: f.watch },
    { path: `${RECORDER_DIR}/events.jq`, content: f.events },
    { path: `/etc/systemd/system/${RECORDER_UNIT}.service`, content: nodeFile('recorder.service') },
  ];
}

/** What the lab lifecycle touches (backups kept under the lab's data folder of `env`). */
export function lifecycleIo(env: NodeJS.ProcessEnv = process.env): LifecycleIo {
  return {
    kube: kubeClients,
    backups: backupStore(env),
    lifecycleScript: nodeScript('lifecycle.sh'),
    recorderFiles: recorderFiles(),
  };
}
