import { type Dispatch, useCallback, useEffect, useRef } from 'react';
import { describeError } from '../../engine/errors.js';
import { useServices } from '../ServicesContext.js';
import type { Action } from '../state.js';

export type LabIntents = {
  /** Opens the lab screen and creates the lab; false when there is no way to create one here. */
  readonly start: () => boolean;
  /** Aborts the running creation (after the learner confirmed). */
  readonly cancel: () => void;
};

const messageOf = (error: unknown) => describeError(error).line;

/**
 * Creating the lab from the TUI: the service does the work (providers, processes), this hook turns
 * its step events into actions stamped with the clock. Lives at the root, so the run survives the
 * screens it was started from; leaving the app aborts it.
 */
export function useLabRun(dispatch: Dispatch<Action>): LabIntents {
  const services = useServices();
  const current = useRef<{ readonly run: number; readonly controller: AbortController } | null>(null);
  const runs = useRef(0);
  const alive = useRef(true);

  useEffect(() => {
    alive.current = true;
    return () => {
      alive.current = false;
      current.current?.controller.abort();
    };
  }, []);

  const start = useCallback((): boolean => {
    const create = services.createLab?.bind(services);
    if (!create) return false;
    if (current.current) return true;
    const run = ++runs.current;
    const controller = new AbortController();
    current.current = { run, controller };
    const send = (action: Action) => alive.current && dispatch(action);
    send({ type: 'lab/start', run, at: services.now() });
    create((event) => send({ type: 'lab/step', run, event, at: services.now() }), controller.signal)
      .catch((error: unknown) => ({ ok: false as const, step: 'create the lab', message: messageOf(error) }))
      .then((result) => {
        if (current.current?.run === run) current.current = null;
        send({ type: 'lab/finished', run, result, at: services.now() });
      });
    return true;
  }, [services, dispatch]);

  const cancel = useCallback(() => {
    const running = current.current;
    if (!running) return;
    running.controller.abort();
    dispatch({ type: 'lab/cancelling', run: running.run });
  }, [dispatch]);

  return { start, cancel };
}
