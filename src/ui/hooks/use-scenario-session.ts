import { type Dispatch, useCallback, useEffect, useRef } from 'react';
import type { Scenario } from '../../domain/scenario.js';
import { useServices } from '../ServicesContext.js';
import type { Action, AttemptView, Session } from '../state.js';

export type SessionTiming = {
  /** Re-check this often while set up, besides file changes (0 = only on changes and `r`). */
  readonly pollMs: number;
};

export type SessionIntents = {
  readonly check: () => void;
  readonly setup: () => void;
  readonly hint: () => void;
  readonly solution: () => void;
  readonly reset: () => void;
  readonly nodeShell: () => void;
  readonly debrief: () => void;
};

const messageOf = (error: unknown) => {
  const e = error as { message?: string; nextStep?: string };
  return e?.nextStep ? `${e.message}. Next: ${e.nextStep}` : String(e?.message ?? error);
};

/** The lab node a node shell opens on: the first node the scenario names, else the control plane. */
export function shellNode(scenario: Scenario): string {
  for (const check of scenario.checks) if ('node' in check.probe && check.probe.node) return check.probe.node;
  return scenario.backup[0]?.node ?? 'control-plane';
}

/**
 * The scenario screen's side effects: check rounds (on open, on workspace changes through
 * `services.watch`, on a poll, and on request, never two at once), setup, hints, solution, reset
 * and node shells. Everything goes through the services; results come back as actions.
 */
export function useScenarioSession(
  scenario: Scenario,
  session: Session,
  dispatch: Dispatch<Action>,
  timing: SessionTiming,
): SessionIntents {
  const services = useServices();
  const id = scenario.id;
  const alive = useRef(true);
  const controller = useRef(new AbortController());
  const running = useRef(false);
  const again = useRef(false);
  const phase = useRef(session.phase);
  phase.current = session.phase;

  useEffect(() => {
    alive.current = true;
    const ctl = new AbortController();
    controller.current = ctl;
    return () => {
      alive.current = false;
      ctl.abort();
    };
  }, []);

  const attemptView = useCallback((): AttemptView | null => services.attempt(id) ?? null, [services, id]);

  const check = useCallback(() => {
    if (phase.current === 'setting-up' || phase.current === 'resetting' || phase.current === 'suspended')
      return;
    if (running.current) {
      again.current = true;
      return;
    }
    running.current = true;
    dispatch({ type: 'check/start', id });
    void (async () => {
      try {
        do {
          again.current = false;
          const outcome = await services.check(scenario, { signal: controller.current.signal });
          if (!alive.current) return;
          const attempt = attemptView();
          dispatch({
            type: 'check/done',
            id,
            results: outcome.results,
            score: outcome.score,
            allPass: outcome.allPass,
            attempt,
          });
          if (outcome.completed)
            dispatch({
              type: 'result/show',
              id,
              result: {
                percent: outcome.score.percent,
                elapsedMs: outcome.elapsedMs,
                hintsUsed: attempt?.hints.length ?? 0,
                forfeited: outcome.score.forfeited,
                progress: outcome.completed,
              },
            });
        } while (again.current && alive.current);
      } catch (error) {
        if (alive.current) dispatch({ type: 'op/failed', id, message: messageOf(error) });
      } finally {
        running.current = false;
      }
    })();
  }, [services, scenario, id, dispatch, attemptView]);

  // A round on open and after setup; then on every workspace change and on a poll.
  useEffect(() => {
    if (!session.setUp) return;
    check();
    const stop = services.watch(scenario, check);
    const timer = timing.pollMs > 0 ? setInterval(check, timing.pollMs) : undefined;
    return () => {
      stop();
      clearInterval(timer);
    };
  }, [session.setUp, services, scenario, check, timing.pollMs]);

  const busy = () => phase.current === 'setting-up' || phase.current === 'resetting';
  const say = (text: string) => dispatch({ type: 'message', id, message: { kind: 'info', text } });

  const setup = () => {
    if (busy()) return;
    if (session.setUp) {
      say('Already set up. Press x to reset it first if you want a fresh start.');
      return;
    }
    dispatch({ type: 'setup/start', id });
    services
      .setup(scenario, {
        signal: controller.current.signal,
        onLine: (line) => alive.current && dispatch({ type: 'setup/line', id, line }),
      })
      .then(
        () => alive.current && dispatch({ type: 'setup/done', id, attempt: attemptView() }),
        (error: unknown) => alive.current && dispatch({ type: 'op/failed', id, message: messageOf(error) }),
      );
  };

  const hint = () => {
    if (busy()) return;
    try {
      const next = services.revealHint(scenario, session.results ?? []);
      switch (next.type) {
        case 'hint':
          dispatch({
            type: 'hint/shown',
            id,
            hint: { checkTitle: next.check.title, level: next.level, cost: next.cost, text: next.text },
            message: null,
            attempt: attemptView(),
          });
          if (session.setUp) check();
          return;
        case 'exhausted':
          say(
            `No more hints for "${next.check.title}". v shows the reference solution (forfeits the score).`,
          );
          return;
        case 'none':
          say('Every graded check passes: no hint needed.');
          return;
      }
    } catch (error) {
      dispatch({ type: 'op/failed', id, message: messageOf(error) });
    }
  };

  const solution = () => {
    try {
      const text = services.revealSolution(scenario);
      dispatch({ type: 'solution/shown', id, text });
      if (session.setUp) check();
    } catch (error) {
      dispatch({ type: 'op/failed', id, message: messageOf(error) });
    }
  };

  const reset = () => {
    if (busy()) return;
    dispatch({ type: 'reset/start', id });
    services
      .reset(scenario, {
        signal: controller.current.signal,
        onLine: (line) => alive.current && dispatch({ type: 'setup/line', id, line }),
      })
      .then(
        () => alive.current && dispatch({ type: 'reset/done', id }),
        (error: unknown) => alive.current && dispatch({ type: 'op/failed', id, message: messageOf(error) }),
      );
  };

  const nodeShell = () => {
    if (scenario.lab !== 'cluster') {
      say('This scenario needs no lab node: use the shell line above in another terminal.');
      return;
    }
    const open = services.openNodeShell?.bind(services);
    if (!open) {
      say('Node shells arrive with the lab providers; use the shell line above for now.');
      return;
    }
    dispatch({ type: 'suspend', id });
    open(shellNode(scenario)).then(
      () => {
        if (!alive.current) return;
        dispatch({ type: 'message', id, message: null });
        phase.current = 'idle';
        check();
      },
      (error: unknown) => alive.current && dispatch({ type: 'op/failed', id, message: messageOf(error) }),
    );
  };

  const debrief = () => {
    if (!session.allPass || !session.score) {
      say('The debrief opens once every graded check passes.');
      return;
    }
    const progress = services.allProgress()[id] ?? null;
    dispatch({
      type: 'result/show',
      id,
      result: {
        percent: session.score.percent,
        elapsedMs: session.attempt
          ? Date.parse(session.attempt.finishedAt ?? new Date(services.now()).toISOString()) -
            Date.parse(session.attempt.startedAt)
          : 0,
        hintsUsed: session.attempt?.hints.length ?? 0,
        forfeited: session.score.forfeited,
        progress,
      },
    });
  };

  return { check, setup, hint, solution, reset, nodeShell, debrief };
}
