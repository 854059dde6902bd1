import { assertNever, clamp } from './assert.js';

/** What a confirm dialog asks about. */
export type ConfirmAction = 'reset' | 'solution' | 'create-lab' | 'restart';

export type Overlay =
  | { readonly kind: 'help'; readonly scroll: number }
  | { readonly kind: 'confirm'; readonly action: ConfirmAction };

export type OverlayAction =
  | { readonly type: 'help/toggle' }
  | { readonly type: 'confirm/ask'; readonly action: ConfirmAction }
  | { readonly type: 'overlay/close' };

/** The overlay after an action (the root decides whether a confirm may open on this screen). */
export function overlayReducer(overlay: Overlay | null, action: OverlayAction): Overlay | null {
  switch (action.type) {
    case 'help/toggle':
      return overlay?.kind === 'help' ? null : { kind: 'help', scroll: 0 };
    case 'confirm/ask':
      return { kind: 'confirm', action: action.action };
    case 'overlay/close':
      return null;
    default:
      return assertNever(action);
  }
}

/** The help overlay scrolled by `delta` (within `max`). */
export function scrollHelp(overlay: Overlay & { kind: 'help' }, delta: number, max: number): Overlay {
  return { kind: 'help', scroll: clamp(overlay.scroll + delta, 0, Math.max(0, max)) };
}
