import { describe, expect, it } from 'vitest';
import {
  compareVersions,
  imageNeedsCgroupV2,
  loadKindImages,
  resolveKindImage,
} from '../../../src/adapters/lab/kind-images.js';
import { parseNodeStatuses } from '../../../src/adapters/lab/node-readiness.js';

describe('labs/kind/images.yaml', () => {
  const images = loadKindImages();

  it('pins every image by sha256 digest, and the default exists', () => {
    for (const [version, image] of Object.entries(images.images)) {
      expect(image).toMatch(
        new RegExp(`^kindest/node:${version.replace(/\./g, '\\.')}@sha256:[0-9a-f]{64}$`),
      );
    }
    expect(resolveKindImage(images)).toMatchObject({ ok: true, version: images.default });
  });

  it('resolves exact versions and minors, and names the supported ones otherwise', () => {
    expect(resolveKindImage(images, '1.35')).toMatchObject({ ok: true, version: 'v1.35.8' });
    expect(resolveKindImage(images, 'v1.36.4')).toMatchObject({ ok: true, version: 'v1.36.4' });
    const bad = resolveKindImage(images, '1.20');
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.message).toContain('supported: v1.37.0');
  });

  it('knows which images need cgroup v2 and compares versions', () => {
    expect(imageNeedsCgroupV2('v1.34.11')).toBe(false);
    expect(imageNeedsCgroupV2('v1.35.8')).toBe(true);
    expect(compareVersions('v0.33.0', 'v0.31.2')).toBeGreaterThan(0);
    expect(compareVersions('v0.9.0', 'v0.33.0')).toBeLessThan(0);
  });
});

describe('parseNodeStatuses', () => {
  it('reads roles, readiness and versions, and rejects non-lists', () => {
    const json = JSON.stringify({
      items: [
        {
          metadata: { name: 'cp', labels: { 'node-role.kubernetes.io/control-plane': '' } },
          status: {
            conditions: [{ type: 'Ready', status: 'True' }],
            nodeInfo: { kubeletVersion: 'v1.34.11' },
          },
        },
        { metadata: { name: 'w' }, status: { conditions: [{ type: 'Ready', status: 'Unknown' }] } },
      ],
    });
    expect(parseNodeStatuses(json)).toEqual([
      { name: 'cp', role: 'control-plane', ready: true, version: 'v1.34.11' },
      { name: 'w', role: 'worker', ready: false, version: '' },
    ]);
    expect(parseNodeStatuses('Error from server')).toBeUndefined();
    expect(parseNodeStatuses('{"kind":"Status"}')).toBeUndefined();
  });
});
