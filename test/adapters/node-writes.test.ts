import { describe, expect, it } from 'vitest';
import { setupNodeWrites } from '../../src/adapters/node-writes.js';

const paths = (setup: string) => setupNodeWrites(setup).map((w) => `${w.line} ${w.node ?? '?'} ${w.path}`);

describe('setupNodeWrites: the literal node paths a cluster setup.sh writes', () => {
  it('lab_node_write and node cp, with a path written out or held by a simple VAR=/abs/path', () => {
    expect(
      paths(
        [
          'CONFIG=/var/lib/kubelet/config.yaml',
          'NODE=worker',
          'lab_node_write "$NODE" "$CONFIG" 644 < c.yaml',
          '} | lab_node_write control-plane /etc/kubernetes/auth/tokens.csv 600',
          'khl node cp ./x.yaml control-plane:/etc/kubernetes/x.yaml',
        ].join('\n'),
      ),
    ).toEqual([
      '3 worker /var/lib/kubelet/config.yaml',
      '4 control-plane /etc/kubernetes/auth/tokens.csv',
      '5 control-plane /etc/kubernetes/x.yaml',
    ]);
  });

  it('writes inside a multi-line node shell line, and the arguments it is given as $1…', () => {
    const setup = [
      'manifest=/etc/kubernetes/manifests/kube-apiserver.yaml',
      'lab_node_sh control-plane \'sed -i "s/a/b/" "$1" && grep -q b "$1"\' "$manifest"',
      'PUB="$(lab_node_sh control-plane \'set -e; umask 077',
      '  [ -f /root/.ssh/id ] || ssh-keygen -q -N "" -f /root/.ssh/id',
      '  cat /root/.ssh/id.pub\')"',
      "lab_node_exec worker bash -c 'set -euo pipefail",
      '  id jim >/dev/null 2>&1 || useradd -m jim',
      '  (umask 077; printf "%s\\n" "$pub" > /root/.ssh/authorized_keys)',
      '  sed -i -e "s/^#\\?X .*/X yes/" -e "/^ *- --y=/d" /etc/ssh/sshd_config',
      '  chmod 644 /etc/ssh/a.conf /etc/ssh/b.conf',
      "  echo done >&2'",
      'lab_node_sh control-plane \'[ -e "$1" ] || { mkdir -p "$(dirname "$1")"; find /x -exec stat -c "%a %n" {} + > "$1"; }\' \\',
      '  /var/lib/k8s-harden-lab/modes',
      'lab_node_exec worker rm -f /etc/old.conf',
    ].join('\n');
    expect(paths(setup)).toEqual([
      '2 control-plane /etc/kubernetes/manifests/kube-apiserver.yaml',
      '6 worker /root/.ssh/authorized_keys',
      '6 worker /etc/ssh/sshd_config',
      '6 worker /etc/ssh/a.conf',
      '6 worker /etc/ssh/b.conf',
      '12 control-plane /var/lib/k8s-harden-lab/modes',
      '14 worker /etc/old.conf',
      '3 control-plane /root/.ssh/id',
      '3 control-plane /root/.ssh/id.pub',
    ]);
  });

  it('not: reads, comments, heredoc bodies, /dev/null, paths built at run time, local files', () => {
    const setup = [
      '# lab_node_write worker /etc/in-a-comment',
      'lab_node_read control-plane /etc/kubernetes/manifests/etcd.yaml > "$WORKSPACE/etcd.yaml"',
      "lab_node_sh worker 'cat /var/lib/kubelet/config.yaml 2>/dev/null'",
      'for f in a b; do lab_node_sh control-plane \'sed -i s/x/y/ "$1"\' "/etc/$f.yaml"; done',
      'CP="$(lab_node_name control-plane)"',
      'lab_node_write "$CP" "$(mktemp)"',
      'kubectl apply -f - <<YAML',
      "lab_node_sh worker 'rm /etc/in-a-heredoc'",
      'YAML',
      'install -m 600 "$SCENARIO_DIR/x" /tmp/local-copy',
      "lab_node_sh worker 'grep -q x /etc/hosts && echo yes >/dev/stderr'",
    ].join('\n');
    expect(paths(setup)).toEqual([]);
  });

  it('a node built at run time is unknown, the path still counts', () => {
    expect(paths('CP="$(lab_node_name control-plane)"\nlab_node_write "$CP" /etc/kubernetes/x.csv')).toEqual([
      '2 ? /etc/kubernetes/x.csv',
    ]);
  });
});
