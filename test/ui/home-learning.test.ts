import { describe, expect, it } from 'vitest';
import { drawExam, examConfigSchema, newExam } from '../../src/domain/exam.js';
import { attemptsOf, RECORD_VERSION, type RecordEvent } from '../../src/domain/record.js';
import type { Scenario } from '../../src/domain/scenario.js';
import { formatClock, taskStrip } from '../../src/ui/components/ExamScreen.js';
import { commandsBesideReference } from '../../src/ui/components/ResultScreen.js';
import { homeLearning } from '../../src/ui/home-model.js';
import { labelled } from '../../src/ui/text.js';

const T0 = Date.parse('2030-01-01T10:00:00Z');
const iso = (min: number) => new Date(T0 + min * 60_000).toISOString();

describe('the home screen from the learning record', () => {
  it('a sparkline of solve times with its trend, and the first due scenario as next up', () => {
    const events: RecordEvent[] = [];
    const solve = (scenario: string, start: number, minutes: number, hints = 0) => {
      const base = { v: RECORD_VERSION, scenario, attempt: iso(start) } as const;
      events.push({ ...base, type: 'start', at: iso(start), exam: null, seed: null });
      events.push({
        ...base,
        type: 'solved',
        at: iso(start + minutes),
        score: 100,
        timeMs: minutes * 60_000,
        hints,
        forfeited: false,
      });
    };
    solve('tls-ca', 0, 30);
    solve('tls-ca', 100, 12, 1);
    const scenarios = [
      {
        id: 'tls-ca',
        title: 'A CA with openssl',
        domain: 'cluster-setup' as const,
        minutes: 20,
        cis: [],
        checks: [],
      },
    ];
    const learned = homeLearning({
      now: () => T0 + 3 * 86_400_000,
      learning: {
        enabled: true,
        attempts: () => attemptsOf(events),
        scenarios: () => scenarios,
        reference: () => '',
      },
    });
    expect(learned.trend('tls-ca')).toBe('█▁ (last 12 min, faster)');
    expect(learned.trend('other')).toBe('');
    expect(learned.nextUp).toBe('Next up: A CA with openssl (needed 1 hint)');
    expect(homeLearning({ now: () => 0 }).nextUp).toBeNull();
  });
});

describe('at 80 columns', () => {
  it('the shell line is wrapped whole, never cut', () => {
    const line = `cd /home/learner/.local/share/k8s-harden-lab/workspaces/kubeconfig-contexts && export KUBECONFIG=/home/learner/.local/share/k8s-harden-lab/workspaces/kubeconfig-contexts/.kube/config`;
    const lines = labelled('Shell      ', line, 80, 99);
    expect(lines.every((l) => l.length <= 80)).toBe(true);
    expect(lines.join(' ')).not.toContain('…');
    expect(
      lines
        .map((l) => l.slice(11))
        .join('')
        .replaceAll(' ', ''),
    ).toBe(line.replaceAll(' ', ''));
  });

  it('the task strip of 16 tasks wraps, each task with its weight, the flagged one marked', () => {
    const config = examConfigSchema.parse({
      format_version: 1,
      domains: { 'cluster-setup': 1 },
      taskWeights: { easy: 1, medium: 1, hard: 1 },
    });
    const candidates = Array.from({ length: 16 }, (_, i) => ({
      id: `s${i}`,
      title: `S${i}`,
      domain: 'cluster-setup' as const,
      difficulty: 'easy' as const,
      lab: 'none' as const,
      minutes: 5,
      backup: [],
    }));
    const exam = newExam(drawExam(candidates, config, { seed: 1 }), new Date(T0));
    const flagged = {
      ...exam,
      current: 3,
      tasks: exam.tasks.map((t, i) => (i === 5 ? { ...t, flagged: true } : t)),
    };
    const strip = taskStrip(flagged, 80);
    expect(strip.length).toBeGreaterThan(1);
    expect(strip.every((l) => l.length <= 80)).toBe(true);
    const all = strip.join(' ');
    for (let i = 1; i <= 16; i++) expect(all).toMatch(new RegExp(`(^|\\s|›)${i}:6%`));
    expect(all).toContain('›4:6%');
    expect(all).toContain('6:6%⚑');
    expect(formatClock(2 * 3600_000)).toBe('2:00:00');
    expect(formatClock(61_000)).toBe('1:01');
  });
});

describe('the debrief: your commands beside the reference', () => {
  const events: RecordEvent[] = [
    {
      v: RECORD_VERSION,
      scenario: 'tls-ca',
      attempt: iso(0),
      type: 'start',
      at: iso(0),
      exam: null,
      seed: null,
    },
    {
      v: RECORD_VERSION,
      scenario: 'tls-ca',
      attempt: iso(0),
      type: 'command',
      at: iso(1),
      shell: 'workspace',
      command: 'openssl genrsa -out ca.key 2048',
    },
  ];
  const learning = {
    enabled: true,
    attempts: () => attemptsOf(events),
    scenarios: () => [],
    reference: () => '#!/usr/bin/env bash\nset -euo pipefail\nopenssl req -x509 -new -key ca.key\n',
  };
  const scenario = { id: 'tls-ca' } as Scenario;
  it('one after the other at 80 columns', () => {
    const lines = commandsBesideReference({ learning }, scenario, 78);
    expect(lines).toEqual([
      '',
      'Your commands (1)',
      '$ openssl genrsa -out ca.key 2048',
      '',
      'Reference solution',
      'set -euo pipefail',
      'openssl req -x509 -new -key ca.key',
    ]);
  });
  it('side by side when wide', () => {
    const lines = commandsBesideReference({ learning }, scenario, 120);
    expect(lines[1]).toMatch(/^Your commands \(1\) +│ Reference solution$/);
    expect(lines[2]).toMatch(/^\$ openssl genrsa -out ca.key 2048 +│ set -euo pipefail$/);
  });
});
