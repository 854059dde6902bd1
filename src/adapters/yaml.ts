import { createRequire } from 'node:module';
import type * as Yaml from 'yaml';

/**
 * The parts of `yaml` the scenario loader and the exam config use, loaded on the first call: the
 * package is CommonJS (about 70 files), and importing it cost the home screen's first frame some
 * 35 ms although a start with the scenario list kept (scenario-cache.ts) parses no YAML. Loaded
 * with `require`, so the callers stay synchronous. Same functions, same results.
 */
export type { Document } from 'yaml';

const require = createRequire(import.meta.url);
let lib: typeof Yaml | undefined;
const yaml = (): typeof Yaml => {
  lib ??= require('yaml') as typeof Yaml;
  return lib;
};

type AnyFn = (...args: unknown[]) => unknown;
const lazy = <K extends 'parse' | 'parseDocument' | 'isAlias' | 'isNode'>(name: K): (typeof Yaml)[K] =>
  ((...args: unknown[]) => (yaml()[name] as AnyFn)(...args)) as (typeof Yaml)[K];

export const parse = lazy('parse');
export const parseDocument = lazy('parseDocument');
export const isAlias = lazy('isAlias');
export const isNode = lazy('isNode');

/** `new LineCounter()` gives yaml's own LineCounter (a constructor that returns an object returns it). */
export const LineCounter = function LineCounter() {
  return new (yaml().LineCounter)();
} as unknown as typeof Yaml.LineCounter;

/** yaml's `visit`, with its BREAK, SKIP and REMOVE symbols (read from yaml when used). */
export const visit = Object.defineProperties(
  ((...args: unknown[]) => (yaml().visit as unknown as AnyFn)(...args)) as unknown as typeof Yaml.visit,
  {
    BREAK: { get: () => yaml().visit.BREAK },
    SKIP: { get: () => yaml().visit.SKIP },
    REMOVE: { get: () => yaml().visit.REMOVE },
  },
);
