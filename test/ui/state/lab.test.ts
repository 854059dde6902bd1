import { describe, expect, it } from 'vitest';
import { labRunEnded, labRunReducer, newLabRun } from '../../../src/ui/state/lab.js';

describe('labRunReducer', () => {
  it('steps start, report and finish; a cancel is asked, then kept or taken', () => {
    let lab = newLabRun(1, 1000);
    lab = labRunReducer(lab, { type: 'lab/step', run: 1, event: { type: 'start', step: 'image' }, at: 1000 });
    lab = labRunReducer(lab, {
      type: 'lab/step',
      run: 1,
      event: { type: 'progress', step: 'image', line: 'pull' },
      at: 1100,
    });
    lab = labRunReducer(lab, {
      type: 'lab/step',
      run: 1,
      event: { type: 'done', step: 'image', ms: 900 },
      at: 1900,
    });
    expect(lab.steps).toEqual([{ step: 'image', status: 'done', startedAt: 1000, ms: 900 }]);
    expect(lab.lastLine).toBe('pull');
    lab = labRunReducer(lab, { type: 'lab/cancel-ask' });
    expect(lab.confirmCancel).toBe(true);
    expect(labRunReducer(lab, { type: 'lab/cancel-keep' }).confirmCancel).toBe(false);
    expect(labRunReducer(lab, { type: 'lab/cancelling', run: 1 })).toMatchObject({
      phase: 'cancelling',
      confirmCancel: false,
    });
  });

  it('ending without a lab stops the running step and keeps why', () => {
    let lab = newLabRun(2, 0);
    lab = labRunReducer(lab, { type: 'lab/step', run: 2, event: { type: 'start', step: 'nodes' }, at: 10 });
    const ended = labRunEnded(lab, { ok: false, step: 'nodes', message: 'boom', logFile: '/l' }, 50);
    expect(ended).toMatchObject({
      phase: 'failed',
      failure: { step: 'nodes', message: 'boom', logFile: '/l' },
    });
    expect(ended.steps[0]).toMatchObject({ status: 'failed', ms: 40 });
    expect(
      labRunEnded({ ...lab, phase: 'cancelling' }, { ok: false, step: 'nodes', message: 'x' }, 50).phase,
    ).toBe('cancelled');
  });
});
