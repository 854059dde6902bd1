export function assertNever(value: never): never {
  throw new Error(`unexpected value: ${JSON.stringify(value)}`);
}

export const clamp = (n: number, lo: number, hi: number) => Math.max(lo, Math.min(hi, n));
