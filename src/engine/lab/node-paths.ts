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

/**
 * The node files a learner of any scenario may reasonably touch, kept as the lab's baseline and
 * put back by every reset (engine/lab/baseline.ts): all of /etc/kubernetes, the kubelet's config
 * and flags, its unit and drop-ins, /etc/default/kubelet. Specs for khl_watched in lifecycle.sh.
 * Not the kubelet's own state (/var/lib/kubelet/pki rotates, *_manager_state is rewritten).
 */
export const LAB_NODE_FILES: readonly string[] = [
  'tree|/etc/kubernetes',
  'top|/var/lib/kubelet|*.yaml',
  'top|/var/lib/kubelet|*.env',
  'file|/etc/default/kubelet',
  'file|/etc/systemd/system/kubelet.service',
  'top|/etc/systemd/system/kubelet.service.d|*',
  'file|/usr/lib/systemd/system/kubelet.service',
  'top|/usr/lib/systemd/system/kubelet.service.d|*',
];
/** The backup-store key of the lab's baseline (scenario ids never start with `_`). */
export const BASELINE_KEY = '_lab-baseline';

export const RECORDER_DIR = `${ROOT}/recorder`;
export const RECORDER_SCRIPT = `${RECORDER_DIR}/recorder.sh`;
export const RECORDER_LOG_DIR = '/var/log/k8s-harden-lab';
export const RECORDER_LOG = `${RECORDER_LOG_DIR}/recorder.jsonl`;
export const RECORDER_PODS = `${RECORDER_LOG_DIR}/recorder-pods.jsonl`;
export const RECORDER_NODES = `${RECORDER_LOG_DIR}/recorder-nodes.jsonl`;
export const RECORDER_UNIT = 'k8s-harden-lab-recorder';
