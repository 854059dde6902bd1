import { describe, expect, it } from 'vitest';
import {
  attemptsOf,
  failingChanged,
  type NewRecordEvent,
  nextUp,
  RECORD_VERSION,
  type RecordEvent,
  type ScenarioFacts,
  solveTimes,
  sparkline,
  trendWord,
  weakAreas,
} from '../../src/domain/record.js';

const T0 = Date.parse('2030-01-01T10:00:00Z');
const at = (min: number) => new Date(T0 + min * 60_000).toISOString();
const ev = (e: NewRecordEvent): RecordEvent => ({ v: RECORD_VERSION, ...e }) as RecordEvent;

/** One attempt: started at `start`, rounds at the given minutes with failing sets, then an end. */
function attempt(
  scenario: string,
  start: number,
  rounds: Array<[number, string[]]>,
  end: { type: 'solved' | 'stop'; at: number; hints?: number; forfeited?: boolean },
): RecordEvent[] {
  const attemptId = at(start);
  const base = { scenario, attempt: attemptId };
  const out: RecordEvent[] = [ev({ ...base, type: 'start', at: attemptId, exam: null, seed: null })];
  for (let i = 0; i < (end.hints ?? 0); i++)
    out.push(ev({ ...base, type: 'hint', at: at(start + 1), checkId: 'a', level: 'nudge' }));
  for (const [m, failing] of rounds) out.push(ev({ ...base, type: 'checks', at: at(m), failing, graded: 2 }));
  if (end.type === 'solved')
    out.push(
      ev({
        ...base,
        type: 'solved',
        at: at(end.at),
        score: 100,
        timeMs: (end.at - start) * 60_000,
        hints: end.hints ?? 0,
        forfeited: end.forfeited ?? false,
      }),
    );
  else out.push(ev({ ...base, type: 'stop', at: at(end.at) }));
  return out;
}

const scenarios: ScenarioFacts[] = [
  {
    id: 'kubelet',
    title: 'Kubelet',
    domain: 'cluster-setup',
    minutes: 20,
    cis: ['4.2.1', '4.2.2'],
    checks: [
      { id: 'a', cis: '4.2.1' },
      { id: 'b', cis: '4.2.2' },
    ],
  },
  {
    id: 'audit',
    title: 'Audit',
    domain: 'monitoring-runtime',
    minutes: 30,
    cis: ['1.2.16'],
    checks: [{ id: 'a' }, { id: 'b' }],
  },
];

describe('attemptsOf', () => {
  it('keeps start, end, time to the first all-green round, hints and how long each check failed', () => {
    const events = attempt(
      'kubelet',
      0,
      [
        [1, ['a', 'b']],
        [6, ['b']],
        [9, []],
      ],
      { type: 'solved', at: 9, hints: 1 },
    );
    const [a] = attemptsOf(events);
    expect(a).toMatchObject({
      scenario: 'kubelet',
      startedAt: at(0),
      endedAt: at(9),
      outcome: 'solved',
      hints: 1,
    });
    expect(a?.timeToGreenMs).toBe(9 * 60_000);
    // a: from the start to minute 6; b: to minute 9
    expect(a?.failingMs).toEqual({ a: 6 * 60_000, b: 9 * 60_000 });
    expect(a?.failingAtEnd).toEqual([]);
  });

  it('keeps commands with their attempt, and what still failed when an attempt was stopped', () => {
    const events = [
      ...attempt(
        'audit',
        0,
        [
          [2, ['a', 'b']],
          [4, ['a']],
        ],
        { type: 'stop', at: 10 },
      ),
      ev({
        scenario: 'audit',
        attempt: at(0),
        type: 'command',
        at: at(3),
        shell: 'workspace',
        command: 'kubectl get pods',
      }),
      ev({ scenario: 'audit', attempt: null, type: 'command', at: at(3), shell: 'workspace', command: 'ls' }),
    ];
    const [a] = attemptsOf(events);
    expect(a?.outcome).toBe('stopped');
    expect(a?.failingAtEnd).toEqual(['a']);
    expect(a?.failingMs).toEqual({ a: 10 * 60_000, b: 4 * 60_000 });
    expect(a?.commands).toEqual([{ at: at(3), shell: 'workspace', command: 'kubectl get pods' }]);
  });

  it('failingChanged compares sets', () => {
    expect(failingChanged(undefined, [])).toBe(true);
    expect(failingChanged(['a', 'b'], ['b', 'a'])).toBe(false);
    expect(failingChanged(['a'], ['b'])).toBe(true);
  });
});

describe('statistics', () => {
  const events = [
    ...attempt(
      'kubelet',
      0,
      [
        [1, ['a', 'b']],
        [30, []],
      ],
      { type: 'solved', at: 30, hints: 2 },
    ),
    ...attempt(
      'kubelet',
      60,
      [
        [61, ['a', 'b']],
        [75, []],
      ],
      { type: 'solved', at: 75 },
    ),
    ...attempt(
      'kubelet',
      120,
      [
        [121, ['a', 'b']],
        [130, []],
      ],
      { type: 'solved', at: 130 },
    ),
    ...attempt('audit', 200, [[201, ['a', 'b']]], { type: 'stop', at: 240 }),
  ];
  const attempts = attemptsOf(events);

  it('solve times per scenario, a sparkline and a trend', () => {
    const times = solveTimes(attempts, 'kubelet');
    expect(times).toEqual([30, 15, 10].map((m) => m * 60_000));
    expect(sparkline(times)).toBe('█▃▁');
    expect(sparkline([])).toBe('');
    expect(sparkline([5, 5])).toBe('▄▄');
    expect(trendWord(times)).toBe('faster');
    expect(trendWord([1])).toBeNull();
  });

  it('weak areas by domain and CIS id, weakest first', () => {
    const weak = weakAreas(attempts, scenarios);
    expect(weak.domains[0]).toMatchObject({
      key: 'monitoring-runtime',
      attempts: 1,
      unsolved: 1,
      weakness: 1,
    });
    expect(weak.domains[1]).toMatchObject({ key: 'cluster-setup', attempts: 3, unsolved: 0, hinted: 1 });
    expect(weak.cis[0]).toMatchObject({ key: '1.2.16', unsolved: 1 });
    expect(weak.cis.map((c) => c.key)).toEqual(['1.2.16', '4.2.1', '4.2.2']);
  });

  it('next up: spaced by outcome, due items first', () => {
    const day = 86_400_000;
    const queue = nextUp(attempts, scenarios, T0 + 240 * 60_000 + day + 1);
    expect(queue.map((q) => [q.scenario, q.dueNow])).toEqual([
      ['audit', true],
      ['kubelet', false],
    ]);
    expect(queue[0]?.reason).toBe('not solved last time');
    expect(queue[1]?.reason).toBe('review (2 clean solves in a row)');
    // two clean solves in a row: 14 days after the last
    expect(Date.parse(queue[1]?.due ?? '')).toBe(T0 + 130 * 60_000 + 14 * day);
  });

  it('next up: hints and slow solves come back sooner', () => {
    const hinted = attemptsOf(attempt('kubelet', 0, [[5, []]], { type: 'solved', at: 5, hints: 1 }));
    expect(nextUp(hinted, scenarios, T0)[0]).toMatchObject({
      reason: 'needed 1 hint',
      due: new Date(T0 + 5 * 60_000 + 2 * 86_400_000).toISOString(),
    });
    const slow = attemptsOf(attempt('kubelet', 0, [[45, []]], { type: 'solved', at: 45 }));
    expect(nextUp(slow, scenarios, T0)[0]?.reason).toBe('slow: 45 min against ~20');
  });
});
