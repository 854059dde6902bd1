import { describe, expect, it } from 'vitest';
import { parseFieldPath, select } from '../../src/domain/field-path.js';

describe('select and parseFieldPath', () => {
  const v = { a: { b: [{ c: 1 }, { c: 2 }] }, 'x.y': 'dotted', list: ['p', 'q'] };
  it.each([
    ['a.b[0].c', 1],
    ['a.b[1].c', 2],
    ['a.b[-1].c', 2],
    ['list[0]', 'p'],
    ['["x.y"]', 'dotted'],
    ['a.missing.deeper', undefined],
    ['list.length', 2],
    ['a.b[0].c.d', undefined],
    ['a.b[5].c', undefined],
    ['a.b[*].c', [1, 2]],
    ['list[*]', ['p', 'q']],
    ['a[*].c', undefined],
    ['a.b[*].missing', []],
  ])('%s → %j', (field, expected) => {
    expect(select(v, field)).toEqual(expected);
  });
  it('no field selects the whole value; steps parse', () => {
    expect(select(v, undefined)).toBe(v);
    expect(parseFieldPath('a.b[2]["k.l"]')).toEqual(['a', 'b', 2, 'k.l']);
  });
});
