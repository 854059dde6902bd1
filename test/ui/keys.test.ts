import { describe, expect, it } from 'vitest';
import { bindingsFor, commandFor, helpBarItems, KEY_TABLE, type Mode } from '../../src/ui/keys.js';

const MODES: readonly Mode[] = ['home', 'filter', 'scenario', 'result', 'lab', 'help', 'confirm'];

describe('key table', () => {
  it('never binds one key to two commands in the same mode', () => {
    for (const mode of MODES) {
      const seen = new Map<string, string>();
      for (const b of bindingsFor(mode))
        for (const key of b.keys) {
          expect(seen.get(key), `${mode}: ${key}`).toBeUndefined();
          seen.set(key, b.command);
        }
    }
  });

  it('describes every binding', () => {
    for (const b of KEY_TABLE) expect(b.description.length).toBeGreaterThan(3);
  });

  it('resolves keys per mode', () => {
    expect(commandFor('scenario', 'h', {})).toBe('hint');
    expect(commandFor('home', 'h', {})).toBeUndefined();
    expect(commandFor('filter', 'q', {})).toBeUndefined();
    expect(commandFor('filter', 'c', { ctrl: true })).toBe('interrupt');
    expect(commandFor('confirm', '', { escape: true })).toBe('no');
    expect(commandFor('scenario', '', { escape: true })).toBe('back');
    expect(commandFor('home', '', { downArrow: true })).toBe('down');
    expect(commandFor('home', 'L', {})).toBe('lab');
    expect(commandFor('lab', '', { escape: true })).toBe('lab-cancel');
    expect(commandFor('lab', '', { return: true })).toBe('lab-close');
    expect(commandFor('lab', 'q', {})).toBeUndefined();
  });

  it('fits the help bar in 80 columns and keeps help and quit', () => {
    for (const mode of MODES) {
      const items = helpBarItems(mode, 80);
      expect(items.join('  ').length).toBeLessThanOrEqual(80);
      if (bindingsFor(mode).some((b) => b.command === 'help')) expect(items).toContain('? help');
    }
    expect(helpBarItems('scenario', 30)).toContain('q quit');
  });
});
