import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  ContainerNodes,
  dockerEngine,
  parseNodeList,
  podmanEngine,
} from '../../../src/adapters/lab/container-nodes.js';
import { type FakeLab, installFakeLabTools } from '../../helpers/fake-lab-tools.js';

const HOST = ['-H', 'unix:///run/k8s-harden-lab/docker.sock'];

describe('ContainerNodes', () => {
  let fake: FakeLab;
  beforeEach(() => {
    fake = installFakeLabTools(['docker', 'podman']);
  });
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it('puts the engine prefix (the host lab’s private daemon) before every call', async () => {
    const nodes = new ContainerNodes(dockerEngine(HOST, { DOCKER_API_VERSION: '1.41' }));
    await nodes.list('k8s-harden-lab');
    await nodes.exec('k8s-harden-lab-worker', ['true']);
    await nodes.copyTo('k8s-harden-lab-worker', '/tmp/a', '/b');
    await nodes.copyFrom('k8s-harden-lab-worker', '/b', '/tmp/c');
    expect(fake.lines()).toEqual([
      'docker -H unix:///run/k8s-harden-lab/docker.sock ps -a --filter label=io.x-k8s.kind.cluster=k8s-harden-lab --format {{.Names}}\t{{.Label "io.x-k8s.kind.role"}}',
      'docker -H unix:///run/k8s-harden-lab/docker.sock exec k8s-harden-lab-worker true',
      'docker -H unix:///run/k8s-harden-lab/docker.sock cp /tmp/a k8s-harden-lab-worker:/b',
      'docker -H unix:///run/k8s-harden-lab/docker.sock cp k8s-harden-lab-worker:/b /tmp/c',
    ]);
  });

  it('wraps the interactive shell in env when the engine needs environment', () => {
    expect(new ContainerNodes(dockerEngine(HOST, { DOCKER_API_VERSION: '1.41' })).shellCommand('n1')).toEqual(
      {
        file: 'env',
        args: ['DOCKER_API_VERSION=1.41', 'docker', ...HOST, 'exec', '-it', 'n1', 'bash'],
      },
    );
    expect(new ContainerNodes(dockerEngine()).shellCommand('n1')).toEqual({
      file: 'docker',
      args: ['exec', '-it', 'n1', 'bash'],
    });
  });

  it('uses a Podman-compatible role template', () => {
    expect(new ContainerNodes(podmanEngine()).listArgs('lab')).toEqual([
      'ps',
      '-a',
      '--filter',
      'label=io.x-k8s.kind.cluster=lab',
      '--format',
      '{{.Names}}\t{{index .Labels "io.x-k8s.kind.role"}}',
    ]);
  });

  it('reports an unreachable engine as an error, not an empty lab', async () => {
    vi.stubEnv('FAKE_ENGINE_DOWN', '1');
    const r = await new ContainerNodes(dockerEngine()).list('lab');
    expect(r.nodes).toEqual([]);
    expect(r.error).toContain('docker ps');
  });
});

describe('parseNodeList', () => {
  it('sorts control-plane first, numbers naturally, and drops the external load balancer', () => {
    expect(
      parseNodeList(
        'lab-worker10\tworker\nlab-external-load-balancer\texternal-load-balancer\nlab-worker2\tworker\nlab-control-plane\tcontrol-plane\nlab-worker\tworker\n',
      ).map((n) => n.name),
    ).toEqual(['lab-control-plane', 'lab-worker', 'lab-worker2', 'lab-worker10']);
  });
});
