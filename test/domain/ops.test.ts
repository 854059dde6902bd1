import { describe, expect, it } from 'vitest';
import { compare } from '../../src/domain/ops.js';

describe('compare', () => {
  it.each([
    ['eq', 'research', 'research', true],
    ['eq', 2048, '2048', true],
    ['eq', undefined, 'x', false],
    ['eq', false, false, true],
    ['neq', 'a', 'b', true],
    ['gte', 2048, 2048, true],
    ['gt', 2048, 2048, false],
    ['lte', '10', 11, true],
    ['lt', undefined, 5, false],
    ['gte', 'abc', 1, false],
    ['has', ['developers', 'qa'], 'qa', true],
    ['has', 'developers', 'developers', true],
    ['has', 'Node,RBAC', 'RBAC', true],
    ['has', 'NodeRestriction,PodSecurity', 'PodSecurity', true],
    ['has', undefined, 'x', false],
    ['nothave', ['a', 'b'], 'c', true],
    ['nothave', 'AlwaysAdmit,NodeRestriction', 'AlwaysAdmit', false],
    ['nothave', undefined, 'x', true],
    ['matches', 'tcp://0.0.0.0:2376', ':2376$', true],
    ['matches', ['x', 'tcp://a:2376'], ':2376$', true],
    ['notmatches', 'abc', '^z', true],
    ['notmatches', undefined, 'x', true],
    ['exists', 0, undefined, true],
    ['exists', '', undefined, false],
    ['exists', false, undefined, false],
    ['absent', null, undefined, true],
    ['absent', 'x', undefined, false],
    ['in', 'token', ['token', 'token-file'], true],
    ['in', 'exec', ['token', 'token-file'], false],
    ['bitmask', '600', '600', true],
    ['bitmask', '400', '600', true],
    ['bitmask', '000', '600', true],
    ['bitmask', '644', '600', false],
    ['bitmask', '640', '640', true],
    ['bitmask', 0o600, '644', true],
    ['bitmask', '4755', '755', false],
    ['bitmask', undefined, '600', false],
  ] as const)('%s(%j, %j) is %s', (op, actual, expected, result) => {
    expect(compare(op, actual, expected)).toBe(result);
  });
});
