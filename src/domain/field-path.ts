/**
 * Field paths: how a check names a part of what its probe saw. `a.b[0].c`, `[-1]` for the last
 * item, `["x.y"]` for a key that holds a dot.
 */

export type FieldStep = string | number;

export function parseFieldPath(field: string): FieldStep[] {
  const steps: FieldStep[] = [];
  const re = /([^.[\]]+)|\[(-?\d+)\]|\["([^"]+)"\]/g;
  for (const m of field.matchAll(re)) {
    if (m[1] !== undefined) steps.push(m[1]);
    else if (m[2] !== undefined) steps.push(Number(m[2]));
    else if (m[3] !== undefined) steps.push(m[3]);
  }
  return steps;
}

/** Reads `a.b[0].c` (and `a["x.y"]`) out of a value; undefined when any step is missing. */
export function select(value: unknown, field: string | undefined): unknown {
  if (!field) return value;
  let current: unknown = value;
  for (const step of parseFieldPath(field)) {
    if (current === null || current === undefined) return undefined;
    if (typeof step === 'number') {
      if (!Array.isArray(current)) return undefined;
      current = current[step < 0 ? current.length + step : step];
    } else {
      if (typeof current !== 'object') return undefined;
      current = (current as Record<string, unknown>)[step];
    }
  }
  return current;
}
