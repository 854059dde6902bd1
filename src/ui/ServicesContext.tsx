import { createContext, type ReactNode, useContext } from 'react';
import type { UiServices } from './ui-services.js';

/** How the UI looks: colour only when the terminal and NO_COLOR allow it; sizes for layout. */
export type Ui = {
  readonly services: UiServices;
  readonly color: boolean;
};

export const ServicesContext = createContext<Ui | null>(null);

export function ServicesProvider(props: {
  readonly services: UiServices;
  readonly color: boolean;
  readonly children: ReactNode;
}) {
  return (
    <ServicesContext.Provider value={{ services: props.services, color: props.color }}>
      {props.children}
    </ServicesContext.Provider>
  );
}

function useUi(): Ui {
  const ui = useContext(ServicesContext);
  if (!ui) throw new Error('useServices must be used inside <ServicesProvider>');
  return ui;
}

export function useServices(): UiServices {
  return useUi().services;
}

/** Colour names for Ink's `color` prop, or undefined everywhere when colour is off. */
export function useTheme() {
  const { color } = useUi();
  const c = (name: string) => (color ? name : undefined);
  return {
    color,
    ok: c('green'),
    fail: c('red'),
    warn: c('yellow'),
    accent: c('cyan'),
    muted: c('gray'),
    /** bold/dim/inverse are ANSI too: off with colour. */
    bold: color,
    dim: color,
  };
}
export type Theme = ReturnType<typeof useTheme>;

/** NO_COLOR (any non-empty value), FORCE_COLOR=0 or TERM=dumb turn colour and styles off. */
export function colorEnabled(env: NodeJS.ProcessEnv): boolean {
  if (env.NO_COLOR) return false;
  if (env.FORCE_COLOR === '0' || env.FORCE_COLOR === 'false') return false;
  if (env.TERM === 'dumb') return false;
  return true;
}
