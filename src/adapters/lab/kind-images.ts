import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';
import { labsDir } from '../paths.js';

const imagesSchema = z.object({
  minKind: z.string().regex(/^v\d+\.\d+\.\d+$/),
  default: z.string().min(1),
  images: z.record(z.string(), z.string().min(1)),
});

/** `labs/kind/images.yaml`: the pinned node image per supported Kubernetes version. */
export type KindImages = z.infer<typeof imagesSchema>;

export function kindConfigPath(dir: string = labsDir()): string {
  return path.join(dir, 'kind', 'cluster.yaml');
}

export function loadKindImages(dir: string = labsDir()): KindImages {
  const file = path.join(dir, 'kind', 'images.yaml');
  const images = imagesSchema.parse(parse(fs.readFileSync(file, 'utf8')));
  if (!images.images[images.default]) throw new Error(`${file}: default ${images.default} has no image`);
  return images;
}

/** The image for a Kubernetes version (`v1.34.11`, `1.34.11` or the minor `1.34`), or why not. */
export function resolveKindImage(
  images: KindImages,
  version?: string,
): { ok: true; version: string; image: string } | { ok: false; message: string } {
  const wanted = version ? (version.startsWith('v') ? version : `v${version}`) : images.default;
  const exact = images.images[wanted];
  if (exact) return { ok: true, version: wanted, image: exact };
  const minor = Object.keys(images.images).find((v) => v.startsWith(`${wanted}.`));
  if (minor) return { ok: true, version: minor, image: images.images[minor] as string };
  return {
    ok: false,
    message: `no kind node image pinned for Kubernetes ${wanted}; supported: ${Object.keys(images.images).join(', ')}`,
  };
}

/** Kubernetes 1.35+ node images dropped cgroup v1 (kind v0.31 release notes). */
export function imageNeedsCgroupV2(version: string): boolean {
  const m = /^v?(\d+)\.(\d+)/.exec(version);
  if (!m) return true;
  return Number(m[1]) > 1 || Number(m[2]) >= 35;
}

/** Compares `v0.33.0`-style versions; NaN parts count as 0. */
export function compareVersions(a: string, b: string): number {
  const pa = a.replace(/^v/, '').split(/[.-]/).map(Number);
  const pb = b.replace(/^v/, '').split(/[.-]/).map(Number);
  for (let i = 0; i < 3; i++) {
    const d = (pa[i] || 0) - (pb[i] || 0);
    if (d !== 0) return d;
  }
  return 0;
}
