import { useEffect, useState } from 'react';

/** The current time from `now`, refreshed every `tickMs` (0 = never: tests pin the clock). */
export function useNow(now: () => number, tickMs: number): number {
  const [value, setValue] = useState(now);
  useEffect(() => {
    if (tickMs <= 0) return;
    const timer = setInterval(() => setValue(now()), tickMs);
    return () => clearInterval(timer);
  }, [now, tickMs]);
  return value;
}

/**
 * A text computed from the clock, looked at every `tickMs` (0 = never) but changed, and so drawn
 * again, only when the text itself changes: a timer shown to the minute costs one frame a minute.
 */
export function useClockText(text: () => string, tickMs: number): string {
  const [value, setValue] = useState(text);
  useEffect(() => {
    setValue(text());
    if (tickMs <= 0) return;
    const timer = setInterval(() => setValue(text()), tickMs);
    return () => clearInterval(timer);
  }, [text, tickMs]);
  return value;
}
