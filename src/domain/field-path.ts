/**
 * Field paths: how a check names a part of what its probe saw. `a.b[0].c`, `[-1]` for the last
 * item, `["x.y"]` for a key that holds a dot, `[*]` for every item (`items[*].metadata.name` is
 * the list of names; an item without the rest of the path is left out).
 */

export const EVERY = Symbol('every item');
export type FieldStep = string | number | typeof EVERY;

export function parseFieldPath(field: string): FieldStep[] {
  const steps: FieldStep[] = [];
  const re = /([^.[\]]+)|\[(-?\d+)\]|\["([^"]+)"\]|\[(\*)\]/g;
  for (const m of field.matchAll(re)) {
    if (m[4] !== undefined) steps.push(EVERY);
    else if (m[1] !== undefined) steps.push(m[1]);
    else if (m[2] !== undefined) steps.push(Number(m[2]));
    else if (m[3] !== undefined) steps.push(m[3]);
  }
  return steps;
}

/** Reads `a.b[0].c` (and `a["x.y"]`) out of a value; undefined when any step is missing. */
export function select(value: unknown, field: string | undefined): unknown {
  if (!field) return value;
  return walk(value, parseFieldPath(field));
}

function walk(value: unknown, steps: readonly FieldStep[]): unknown {
  let current: unknown = value;
  for (const [i, step] of steps.entries()) {
    if (current === null || current === undefined) return undefined;
    if (step === EVERY) {
      if (!Array.isArray(current)) return undefined;
      const rest = steps.slice(i + 1);
      return current.map((item) => walk(item, rest)).filter((v) => v !== undefined);
    }
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
