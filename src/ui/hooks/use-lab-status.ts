import { useEffect, useState } from 'react';
import { useServices } from '../ServicesContext.js';
import type { LabStatus } from '../ui-services.js';

export type LabLine =
  | { readonly type: 'none' }
  | { readonly type: 'loading' }
  | { readonly type: 'status'; readonly status: LabStatus }
  | { readonly type: 'error'; readonly message: string };

/** The lab's provider and health, for cluster scenarios; `none` when no lab service exists yet. */
export function useLabStatus(enabled: boolean, refreshMs = 30_000): LabLine {
  const services = useServices();
  const [line, setLine] = useState<LabLine>(() =>
    enabled && services.labStatus ? { type: 'loading' } : { type: 'none' },
  );
  useEffect(() => {
    const labStatus = services.labStatus?.bind(services);
    if (!enabled || !labStatus) return;
    let alive = true;
    const load = () =>
      labStatus().then(
        (status) => alive && setLine(status ? { type: 'status', status } : { type: 'none' }),
        (error: unknown) =>
          alive && setLine({ type: 'error', message: String((error as Error)?.message ?? error) }),
      );
    void load();
    const timer = refreshMs > 0 ? setInterval(load, refreshMs) : undefined;
    return () => {
      alive = false;
      clearInterval(timer);
    };
  }, [enabled, services, refreshMs]);
  return line;
}
