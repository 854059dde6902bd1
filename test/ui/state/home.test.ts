import { describe, expect, it } from 'vitest';
import { homeReducer, initialHome } from '../../../src/ui/state/home.js';

describe('homeReducer', () => {
  it('moves within the list and clears the message', () => {
    const h = homeReducer({ ...initialHome, message: 'hi' }, { type: 'home/move', delta: 5, count: 3 });
    expect(h).toEqual({ ...initialHome, selected: 2, message: null });
    expect(homeReducer(h, { type: 'home/move', delta: -9, count: 3 }).selected).toBe(0);
    expect(homeReducer(h, { type: 'home/move', delta: 1, count: 0 }).selected).toBe(0);
  });

  it('types, erases and clears a filter, going back to the top', () => {
    let h = homeReducer({ ...initialHome, selected: 2 }, { type: 'home/filter-type', text: 'tl' });
    expect(h).toMatchObject({ filter: 'tl', filtering: true, selected: 0 });
    h = homeReducer(h, { type: 'home/filter-erase' });
    expect(h.filter).toBe('t');
    expect(homeReducer(h, { type: 'home/filter-clear' })).toMatchObject({ filter: '', filtering: false });
  });
});
