import { assertNever, clamp } from './assert.js';

/** The home screen: the scenario list, its filter and a one-line message. */
export type HomeState = {
  /** Index into the visible (filtered) list of scenarios. */
  readonly selected: number;
  readonly filter: string;
  readonly filtering: boolean;
  readonly message: string | null;
};

export type HomeAction =
  | { readonly type: 'home/move'; readonly delta: number; readonly count: number }
  | { readonly type: 'home/filter-start' }
  | { readonly type: 'home/filter-type'; readonly text: string }
  | { readonly type: 'home/filter-erase' }
  | { readonly type: 'home/filter-clear' }
  | { readonly type: 'home/message'; readonly text: string | null };

export const initialHome: HomeState = { selected: 0, filter: '', filtering: false, message: null };

export function homeReducer(h: HomeState, action: HomeAction): HomeState {
  switch (action.type) {
    case 'home/move':
      return {
        ...h,
        selected: action.count === 0 ? 0 : clamp(h.selected + action.delta, 0, action.count - 1),
        message: null,
      };
    case 'home/filter-start':
      return { ...h, filtering: true, message: null };
    case 'home/filter-type':
      return { ...h, filtering: true, filter: h.filter + action.text, selected: 0 };
    case 'home/filter-erase':
      return { ...h, filter: h.filter.slice(0, -1), selected: 0 };
    case 'home/filter-clear':
      return { ...h, filter: '', filtering: false, selected: 0 };
    case 'home/message':
      return { ...h, message: action.text };
    default:
      return assertNever(action);
  }
}
