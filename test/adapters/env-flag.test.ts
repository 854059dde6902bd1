import { describe, expect, it } from 'vitest';
import { envFlag } from '../../src/adapters/env-flag.js';
import { type ChooseProbes, chooseProvider } from '../../src/adapters/lab/choose.js';
import { recordingEnabled } from '../../src/adapters/record-store.js';
import { stepPrinter } from '../../src/cli/commands/lab-commands.js';
import type { Io } from '../../src/cli/io.js';

describe('envFlag: the one reading of the on/off variables', () => {
  it.each([
    [undefined, false, false],
    ['', false, false],
    ['  ', true, true],
    [undefined, true, true],
    ['0', true, false],
    ['false', true, false],
    ['OFF', true, false],
    [' no ', true, false],
    ['1', false, true],
    ['true', false, true],
    ['Yes', false, true],
    ['on', false, true],
  ])('%j (default %s) → %s', (value, fallback, on) => {
    expect(envFlag(value, fallback)).toBe(on);
  });
});

describe('the four flags read it', () => {
  const io = (env: NodeJS.ProcessEnv) => {
    const out: string[] = [];
    const it: Io = { out: (t) => out.push(t), err: () => {}, isTTY: false, env };
    return { io: it, out };
  };
  const progress = { type: 'progress', step: 'create', line: 'pulling image' } as const;

  it('K8S_HARDEN_LAB_VERBOSE=0 is off (it used to turn progress lines on), 1 is on', () => {
    for (const [value, shown] of [
      ['0', false],
      ['off', false],
      [undefined, false],
      ['1', true],
    ] as const) {
      const { io: i, out } = io(value === undefined ? {} : { K8S_HARDEN_LAB_VERBOSE: value });
      stepPrinter(i)(progress);
      expect(out.length > 0, `VERBOSE=${value}`).toBe(shown);
    }
  });

  it('K8S_HARDEN_LAB_RECORD=no is off like 0, off and false; the record is on by default', () => {
    const dir = '/nonexistent/khl-progress';
    expect(recordingEnabled(dir, { K8S_HARDEN_LAB_RECORD: 'no' })).toBe(false);
    expect(recordingEnabled(dir, { K8S_HARDEN_LAB_RECORD: 'OFF' })).toBe(false);
    expect(recordingEnabled(dir, {})).toBe(true);
  });

  it('K8S_HARDEN_LAB_OFFLINE=yes asks for the offline lab as 1 does', async () => {
    const probes = { platform: 'darwin', isRoot: false } as unknown as ChooseProbes;
    const choice = await chooseProvider({ probes, env: { K8S_HARDEN_LAB_OFFLINE: 'yes' } });
    expect(choice).toMatchObject({ ok: false, reason: 'the offline lab needs Linux (this is darwin)' });
  });
});
