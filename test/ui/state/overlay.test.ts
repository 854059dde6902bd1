import { describe, expect, it } from 'vitest';
import { overlayReducer, scrollHelp } from '../../../src/ui/state/overlay.js';

describe('overlayReducer', () => {
  it('help toggles, a confirm replaces it, close closes', () => {
    const help = overlayReducer(null, { type: 'help/toggle' });
    expect(help).toEqual({ kind: 'help', scroll: 0 });
    expect(overlayReducer(help, { type: 'help/toggle' })).toBeNull();
    expect(overlayReducer(help, { type: 'confirm/ask', action: 'reset' })).toEqual({
      kind: 'confirm',
      action: 'reset',
    });
    expect(overlayReducer(help, { type: 'overlay/close' })).toBeNull();
  });
  it('starting over a scenario already set up is a confirm of its own', () => {
    expect(overlayReducer(null, { type: 'confirm/ask', action: 'restart' })).toEqual({
      kind: 'confirm',
      action: 'restart',
    });
  });
  it('the help scrolls within its bounds', () => {
    expect(scrollHelp({ kind: 'help', scroll: 1 }, 10, 4)).toEqual({ kind: 'help', scroll: 4 });
    expect(scrollHelp({ kind: 'help', scroll: 1 }, -10, 4)).toEqual({ kind: 'help', scroll: 0 });
  });
});
