import { type Dispatch, useCallback, useEffect, useRef } from 'react';
import type { Scenario } from '../../domain/scenario.js';
import { describeError } from '../../engine/errors.js';
import type { CheckOutcome } from '../../engine/trainer.js';
import { useServices } from '../ServicesContext.js';
import type { Action, AttemptView, Session } from '../state.js';
import type { ClusterRound, ClusterWatchHandle } from '../ui-services.js';

export type SessionTiming = {
  /**
   * Re-check this often while set up when the workspace cannot be watched (0 = only on changes and
   * `r`: no poll at all).
   */
  readonly pollMs: number;
  /**
   * The poll while the workspace is watched (file changes start a round at once): it only catches
   * what no file change shows, such as time passing. Default: `pollMs`.
   */
  readonly slowPollMs?: number;
};

export type SessionIntents = {
  readonly check: () => void;
  /** Sets up; on a scenario already set up it asks first (the restart confirm). */
  readonly setup: () => void;
  /** Starts over after the learner confirmed: the workspace is wiped and set up again. */
  readonly restart: () => void;
  readonly hint: () => void;
  readonly solution: () => void;
  readonly reset: () => void;
  readonly nodeShell: () => void;
  /** The workspace shell of a cluster-free scenario (`t`). */
  readonly workspaceShell: () => void;
  readonly restore: () => void;
  readonly debrief: () => void;
};

const messageOf = (error: unknown) => describeError(error).line;

/** The lab node a node shell opens on: the first node the scenario names, else the control plane. */
export function shellNode(scenario: Scenario): string {
  for (const check of scenario.checks) if ('node' in check.probe && check.probe.node) return check.probe.node;
  return scenario.backup[0]?.node ?? 'control-plane';
}

/**
 * The scenario screen's side effects: check rounds (on open, on workspace changes through
 * `services.watch`, on a poll, and on request, never two at once), setup, hints, solution, reset
 * and node shells. Cluster scenarios, when the services offer `watchCluster`, take their rounds
 * from the cluster watch instead of the poll (waiting windows, the rollback offer and `restore`).
 * Everything goes through the services; results come back as actions.
 *
 * A quiet watch: a round asked for (open, setup, `r`, a file change) shows "checking…" and its
 * result; a poll round shows nothing, and dispatches its result only when it differs from the one
 * on screen (so a scenario left alone is not drawn again). The poll is slow while the workspace is
 * watched, since a change starts a round at once.
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
  /** A round someone waits to see (open, setup, `r`, a file change) is asked for. */
  const wanted = useRef(false);
  /** What the screen shows of the last reported round, to tell a poll round that changed nothing. */
  const shown = useRef<string | null>(null);
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
  const clusterWatch = useRef<ClusterWatchHandle | null>(null);
  const watched = scenario.lab === 'cluster' && services.watchCluster !== undefined;

  /**
   * Reports a scored round; opens the result the first time every graded check passes. `quiet`:
   * a round no one asked for, not reported when it shows what the screen shows already.
   */
  const report = useCallback(
    (outcome: CheckOutcome, quiet = false) => {
      const attempt = attemptView();
      const seen = JSON.stringify([outcome.results, outcome.score, outcome.allPass, attempt]);
      if (quiet && seen === shown.current && !outcome.completed && outcome.saveError === undefined) return;
      shown.current = seen;
      dispatch({
        type: 'check/done',
        id,
        results: outcome.results,
        score: outcome.score,
        allPass: outcome.allPass,
        attempt,
      });
      if (outcome.saveError !== undefined)
        dispatch({
          type: 'message',
          id,
          message: {
            kind: 'error',
            text: `Every graded check passes, but your progress could not be saved: ${messageOf(outcome.saveError)} The attempt is kept; the next round records it.`,
          },
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
    },
    [id, dispatch, attemptView],
  );

  /** A round now (`quiet`: a poll round, shown only if it changes something); never two at once. */
  const check = useCallback(
    (quiet = false) => {
      if (phase.current === 'setting-up' || phase.current === 'resetting' || phase.current === 'suspended')
        return;
      if (clusterWatch.current) {
        if (phase.current === 'idle') dispatch({ type: 'check/start', id });
        clusterWatch.current.checkNow();
        return;
      }
      if (!quiet) {
        wanted.current = true;
        if (phase.current !== 'checking') dispatch({ type: 'check/start', id });
      }
      if (running.current) {
        again.current = true;
        return;
      }
      running.current = true;
      void (async () => {
        try {
          do {
            again.current = false;
            const outcome = await services.check(scenario, { signal: controller.current.signal });
            if (!alive.current) return;
            // Asked for before or while it ran: reported (it ends "checking…"); else only a change.
            const asked = wanted.current;
            wanted.current = false;
            report(outcome, !asked);
          } while (again.current && alive.current);
        } catch (error) {
          wanted.current = false;
          shown.current = null;
          if (alive.current) dispatch({ type: 'op/failed', id, message: messageOf(error) });
        } finally {
          running.current = false;
        }
      })();
    },
    [services, scenario, id, dispatch, report],
  );

  // A cluster scenario with a watch: its rounds (on open and after setup, every few seconds, on `r`
  // and on workspace changes) come back here with the waiting window and the rollback offer.
  // biome-ignore lint/correctness/useExhaustiveDependencies: setups starts it again after a re-start
  useEffect(() => {
    if (!session.setUp || !watched || !services.watchCluster) return;
    let lastWatch: string | null = null;
    const onRound = ({ watch, outcome }: ClusterRound) => {
      if (!alive.current) return;
      // A round asked for ends "checking…"; one of the watch's own is shown only when it changed.
      const asked = phase.current === 'checking';
      const view = {
        waiting: watch.waiting ?? null,
        rollbackOffered: watch.rollbackOffered,
        notice: watch.notice ?? null,
      };
      const error = watch.error ?? null;
      const seen = JSON.stringify([view, error]);
      if (asked || seen !== lastWatch) dispatch({ type: 'watch/state', id, watch: view, error });
      lastWatch = seen;
      if (outcome) report(outcome, !asked);
    };
    dispatch({ type: 'check/start', id });
    const handle = services.watchCluster(scenario, onRound);
    clusterWatch.current = handle;
    const stop = services.watch(scenario, () => handle.checkNow());
    return () => {
      stop();
      handle.stop();
      if (clusterWatch.current === handle) clusterWatch.current = null;
    };
  }, [session.setUp, session.setups, watched, services, scenario, id, dispatch, report]);

  // A round on open and after setup; then on every workspace change, and quietly on a poll: a slow
  // one while the workspace is watched, the usual one when it cannot be.
  // biome-ignore lint/correctness/useExhaustiveDependencies: setups starts it again after a re-start (a new workspace)
  useEffect(() => {
    if (!session.setUp || watched) return;
    check();
    const stop = services.watch(scenario, () => check());
    const every = stop.watching === false ? timing.pollMs : (timing.slowPollMs ?? timing.pollMs);
    const timer = timing.pollMs > 0 && every > 0 ? setInterval(() => check(true), every) : undefined;
    return () => {
      stop();
      clearInterval(timer);
    };
  }, [session.setUp, session.setups, watched, services, scenario, check, timing.pollMs, timing.slowPollMs]);

  const busy = () =>
    phase.current === 'setting-up' || phase.current === 'resetting' || phase.current === 'restoring';
  const say = (text: string) => dispatch({ type: 'message', id, message: { kind: 'info', text } });

  const runSetup = (force: boolean) => {
    if (busy()) return;
    dispatch({ type: 'setup/start', id });
    services
      .setup(scenario, {
        force,
        signal: controller.current.signal,
        onLine: (line) => alive.current && dispatch({ type: 'setup/line', id, line }),
      })
      .then(
        () => alive.current && dispatch({ type: 'setup/done', id, attempt: attemptView() }),
        (error: unknown) => alive.current && dispatch({ type: 'op/failed', id, message: messageOf(error) }),
      );
  };

  // The workspace on disk decides, not only this screen: a failed setup, or a `start` from the CLI, left one.
  const setup = () => {
    if (busy()) return;
    if (session.setUp || services.isSetUp(scenario)) dispatch({ type: 'confirm/ask', action: 'restart' });
    else runSetup(false);
  };
  const restart = () => runSetup(true);

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
      say(
        `No node shell from this screen: run \`k8s-harden-lab node shell ${shellNode(scenario)}\` in a terminal.`,
      );
      return;
    }
    dispatch({ type: 'suspend', id });
    open(shellNode(scenario), scenario.id).then(
      () => {
        if (!alive.current) return;
        dispatch({ type: 'message', id, message: null });
        phase.current = 'idle';
        check();
      },
      (error: unknown) => alive.current && dispatch({ type: 'op/failed', id, message: messageOf(error) }),
    );
  };

  const workspaceShell = () => {
    if (scenario.lab === 'cluster') {
      say('This scenario works on the lab: n opens a node shell; the shell line works in any terminal.');
      return;
    }
    const open = services.openWorkspaceShell?.bind(services);
    if (!open) {
      say('No terminal can be opened from here: use the shell line above in another terminal.');
      return;
    }
    if (busy()) return;
    dispatch({ type: 'suspend', id });
    open(scenario).then(
      () => {
        if (!alive.current) return;
        dispatch({ type: 'message', id, message: null });
        phase.current = 'idle';
        check();
      },
      (error: unknown) => alive.current && dispatch({ type: 'op/failed', id, message: messageOf(error) }),
    );
  };

  const restore = () => {
    const handle = clusterWatch.current;
    if (busy()) return;
    if (!handle || !session.watch?.rollbackOffered) {
      say('Nothing to restore: b is offered when the apiserver has not come back after an edit.');
      return;
    }
    dispatch({ type: 'restore/start', id });
    handle
      .restoreLastGood((line) => alive.current && dispatch({ type: 'setup/line', id, line }))
      .then(
        () =>
          alive.current &&
          dispatch({
            type: 'restore/done',
            id,
            message: 'Restored the last apiserver manifest that worked.',
          }),
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

  return { check, setup, restart, hint, solution, reset, nodeShell, workspaceShell, restore, debrief };
}
