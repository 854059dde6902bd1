import type { LabProvider, LifecycleIo } from '../ports.js';
import { b64, lifecycleOnNode } from './node-exec.js';
import { RECORDER_DIR, RECORDER_LOG_DIR, RECORDER_UNIT } from './node-paths.js';

/**
 * The attempt recorder on the control-plane node (shell/node/recorder.sh, a systemd unit where
 * systemd runs): installed, or restarted with fresh logs, before the setup of a scenario with an
 * `observed` check; removed on reset.
 */
export function installRecorder(provider: LabProvider, io: LifecycleIo, node: string): Promise<string> {
  return lifecycleOnNode(
    provider,
    io,
    node,
    'recorder_install',
    [RECORDER_DIR, RECORDER_LOG_DIR, RECORDER_UNIT],
    'starting the recorder',
    { stdin: io.recorderFiles.map((f) => `F ${b64(f.path)} ${b64(f.content)}\n`).join('') },
  );
}

export function removeRecorder(provider: LabProvider, io: LifecycleIo, node: string): Promise<string> {
  return lifecycleOnNode(
    provider,
    io,
    node,
    'recorder_remove',
    [RECORDER_DIR, RECORDER_LOG_DIR, RECORDER_UNIT],
    'removing the recorder',
  );
}
