/**
 * The app's own paths on lab nodes, in one place: the shell under shell/node/ receives them as
 * arguments, and the installed recorder (shell/node/recorder.sh) and scenarios/_lib/lab.sh spell
 * the same ones (test/engine/lab/node-paths.test.ts keeps them in step).
 */
const ROOT = '/var/lib/k8s-harden-lab';
/** Node-side backups (outside /etc/kubernetes/manifests: a copy there would be read as a static pod). */
export const NODE_BACKUP_ROOT = `${ROOT}/backups`;
export const LAST_GOOD_DIR = `${ROOT}/last-good`;
export const APISERVER_MANIFEST = '/etc/kubernetes/manifests/kube-apiserver.yaml';
export const LAST_GOOD_MANIFEST = `${LAST_GOOD_DIR}/kube-apiserver.yaml`;

export const RECORDER_DIR = `${ROOT}/recorder`;
export const RECORDER_SCRIPT = `${RECORDER_DIR}/recorder.sh`;
export const RECORDER_LOG_DIR = '/var/log/k8s-harden-lab';
export const RECORDER_LOG = `${RECORDER_LOG_DIR}/recorder.jsonl`;
export const RECORDER_PODS = `${RECORDER_LOG_DIR}/recorder-pods.jsonl`;
export const RECORDER_NODES = `${RECORDER_LOG_DIR}/recorder-nodes.jsonl`;
export const RECORDER_UNIT = 'k8s-harden-lab-recorder';
