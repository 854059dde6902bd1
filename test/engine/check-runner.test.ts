import { describe, expect, it } from 'vitest';
import { type Check, checkSchema, type Observation } from '../../src/domain/checks.js';
import { runRound } from '../../src/engine/check-runner.js';
import { defaultProbes } from '../../src/engine/probes/registry.js';
import type { ProbeRegistry } from '../../src/engine/probes/types.js';
import { testIo } from '../helpers/probe-io.js';

const hint = { nudge: 'n', teach: 't', command: 'c' };
const check = (id: string, path: string, field = 'exists'): Check =>
  checkSchema.parse({
    id,
    title: id,
    probe: { kind: 'file', path },
    field,
    expect: { op: 'eq', value: true },
    hint,
  });

/** A registry whose file probe is scripted by path. */
function registry(file: (path: string) => Promise<Observation>, calls: string[] = []): ProbeRegistry {
  return {
    ...defaultProbes,
    file: async (spec) => {
      calls.push(spec.path);
      return file(spec.path);
    },
  };
}

const delay = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('runRound', () => {
  it('lets many probes listen to the round signal without a listener-leak warning', async () => {
    const warnings: Error[] = [];
    const onWarning = (w: Error) => warnings.push(w);
    process.on('warning', onWarning);
    try {
      const probes: ProbeRegistry = {
        ...defaultProbes,
        file: async (_spec, context) => {
          context.signal.addEventListener('abort', () => {});
          await delay(20);
          return { type: 'value', value: { exists: true } };
        },
      };
      const checks = Array.from({ length: 15 }, (_, i) => check(`c${i}`, `f${i}`));
      const results = await runRound(checks, { io: testIo, workspace: '/', probes });
      expect(results.every((r) => r.status === 'pass')).toBe(true);
      await delay(10); // warnings are emitted on the next tick
      expect(warnings.map((w) => w.name)).not.toContain('MaxListenersExceededWarning');
    } finally {
      process.off('warning', onWarning);
    }
  });

  it('runs probes concurrently and keeps the checks in order', async () => {
    const started: number[] = [];
    const probes = registry(async (p) => {
      started.push(Date.now());
      await delay(200);
      return { type: 'value', value: { exists: p !== 'missing' } };
    });
    const t0 = Date.now();
    const results = await runRound([check('a', 'x'), check('b', 'y'), check('c', 'missing')], {
      io: testIo,
      workspace: '/tmp',
      probes,
    });
    expect(Date.now() - t0).toBeLessThan(550);
    expect(results.map((r) => `${r.checkId}:${r.status}`)).toEqual(['a:pass', 'b:pass', 'c:fail']);
  });

  it('a probe that throws becomes an error result; the others still run', async () => {
    const probes = registry(async (p) => {
      if (p === 'boom') throw new Error('disk on fire');
      return { type: 'value', value: { exists: true } };
    });
    const results = await runRound([check('a', 'boom'), check('b', 'ok')], {
      io: testIo,
      workspace: '/tmp',
      probes,
    });
    expect(results[0]).toMatchObject({ status: 'error', actual: 'probe failed: disk on fire' });
    expect(results[1]?.status).toBe('pass');
  });

  it('a probe that hangs times out as an error; the round finishes', async () => {
    const probes = registry((p) =>
      p === 'hang'
        ? new Promise<Observation>(() => {})
        : Promise.resolve({ type: 'value', value: { exists: true } }),
    );
    const results = await runRound([check('a', 'hang'), check('b', 'ok')], {
      io: testIo,
      workspace: '/tmp',
      probes,
      probeTimeoutMs: 100,
    });
    expect(results[0]).toMatchObject({ status: 'error', actual: expect.stringMatching(/gave no answer/) });
    expect(results[1]?.status).toBe('pass');
  });

  it('checks that share a probe share one observation per round', async () => {
    const calls: string[] = [];
    const probes = registry(async () => ({ type: 'value', value: { exists: true, mode: '600' } }), calls);
    const results = await runRound([check('a', 'f'), check('b', 'f', 'mode'), check('c', 'g')], {
      io: testIo,
      workspace: '/tmp',
      probes,
    });
    expect(calls.sort()).toEqual(['f', 'g']);
    expect(results.map((r) => r.status)).toEqual(['pass', 'fail', 'pass']);
  });

  it('aborts the probes when the caller cancels', async () => {
    let sawAbort = false;
    const controller = new AbortController();
    const probes: ProbeRegistry = {
      ...defaultProbes,
      file: (_spec, context) =>
        new Promise<Observation>((resolve) => {
          context.signal.addEventListener('abort', () => {
            sawAbort = true;
            resolve({ type: 'error', message: 'cancelled' });
          });
        }),
    };
    const round = runRound([check('a', 'x')], {
      io: testIo,
      workspace: '/tmp',
      probes,
      signal: controller.signal,
    });
    await delay(20);
    controller.abort();
    const results = await round;
    expect(sawAbort).toBe(true);
    expect(results[0]?.status).toBe('error');
  });
});
