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
