import { z } from 'zod';

/**
 * Seeded randomness for the draws (exam tasks, scenario parameters): the same seed gives the same
 * draw on every machine. Pure.
 */

/** mulberry32: small, fast and good enough to draw tasks and parameters; the same seed gives the same sequence. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** FNV-1a, 32 bits: a name as a number, to give each draw of one seed a stream of its own. */
export function hashText(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** A seed a learner can type: a positive 31-bit integer. */
export const seedSchema = z.number().int().min(0).max(0x7fffffff);

/** murmur3's finaliser: every input bit moves every output bit, so seeds 1, 2, 3 start far apart. */
function fmix32(x: number): number {
  let h = x >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * A stream of its own for one name under one seed (mulberry32's first outputs for neighbouring
 * seeds are close, so the seed and the name are mixed first).
 */
export function streamFor(seed: number, name: string): () => number {
  return prng(fmix32(fmix32(seed) ^ hashText(name)));
}
