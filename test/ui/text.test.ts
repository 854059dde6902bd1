import { describe, expect, it } from 'vitest';
import { stripEscapes } from '../../src/ui/text.js';

describe('stripEscapes', () => {
  it.each([
    ['\u001b[1m\u001b[32mbold green\u001b[39m\u001b[22m plain', 'bold green plain'],
    [
      'a link: \u001b]8;;https://kubernetes.io\u0007kubernetes.io\u001b]8;;\u0007 done',
      'a link: kubernetes.io done',
    ],
    ['a title: \u001b]0;khl\u001b\\ set', 'a title:  set'],
    ['cursor \u001b[2K\u001b[1Gmoves, \u001b7 saved \u001b8', 'cursor moves,  saved '],
    ['no escapes at all: 100% [x] {y}', 'no escapes at all: 100% [x] {y}'],
  ])('%j → %j', (text, plain) => {
    expect(stripEscapes(text)).toBe(plain);
  });
});
