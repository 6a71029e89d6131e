import { describe, expect, it } from '@jest/globals';
import { compactAge, conditionText, placeInjects, progressOf, type Cell, type InjectColumn } from './msel.js';

const MIN = 60_000;
const inject = (id: string, offsetMin: number, extra: Partial<InjectColumn> = {}): InjectColumn => ({
  id,
  title: id,
  offset: `+00:${String(offsetMin).padStart(2, '0')}`,
  offsetSeconds: offsetMin * 60,
  ...extra,
});
const row = (injectId: string, teamId: string, extra: Partial<Cell>): Cell => ({ injectId, teamId, ...extra });
const order = (injects: InjectColumn[], cells: Cell[]) => placeInjects(injects, cells).placed.map((p) => p.inject.id);

describe('placeInjects', () => {
  it('orders by scenario time, not by id: an inject planned at +20 comes after one at +05', () => {
    const injects = [inject('I-01', 20), inject('I-02', 5), inject('I-03', 10)];
    const cells = [
      row('I-01', 'A', { status: 'scheduled', dueScenarioMs: 20 * MIN }),
      row('I-02', 'A', { status: 'scheduled', dueScenarioMs: 5 * MIN }),
      row('I-03', 'A', { status: 'scheduled', dueScenarioMs: 10 * MIN }),
    ];
    expect(order(injects, cells)).toEqual(['I-02', 'I-03', 'I-01']);
  });

  it('places an inject at its earliest actual release (released early) and a retimed one at its new due time', () => {
    const injects = [inject('I-01', 20), inject('I-02', 5), inject('I-03', 10)];
    const cells = [
      row('I-01', 'A', { status: 'acknowledged', releasedScenarioMs: 2 * MIN }),
      row('I-01', 'B', { status: 'released', releasedScenarioMs: 3 * MIN }),
      row('I-02', 'A', { status: 'scheduled', dueScenarioMs: 5 * MIN }),
      row('I-03', 'A', { status: 'scheduled', dueScenarioMs: 40 * MIN }),
    ];
    const m = placeInjects(injects, cells);
    expect(m.placed.map((p) => [p.inject.id, p.atMs, p.by])).toEqual([
      ['I-01', 2 * MIN, 'released'],
      ['I-02', 5 * MIN, 'due'],
      ['I-03', 40 * MIN, 'due'],
    ]);
    expect(m.placed[0]).toMatchObject({ firstReleasedMs: 2 * MIN, lastReleasedMs: 3 * MIN, released: 2, teams: 2 });
  });

  it('keeps conditional injects nothing armed apart, and places them once armed', () => {
    const after = inject('I-12', 0, { trigger: { kind: 'after', inject: 'I-11', delayMinutes: 20 } });
    const onReport = inject('I-13', 0, {
      trigger: { kind: 'ifReportMatches', inject: 'I-11', classification: { class: 'malicious-code' } },
    });
    const injects = [inject('I-00', 0), inject('I-11', 30), after, onReport];
    const before = [
      row('I-00', 'A', { status: 'released', releasedScenarioMs: 0 }),
      row('I-11', 'A', { status: 'scheduled', dueScenarioMs: 30 * MIN }),
    ];
    const unarmed = placeInjects(injects, before);
    expect(unarmed.placed.map((p) => p.inject.id)).toEqual(['I-00', 'I-11']);
    expect(unarmed.unarmed.map((i) => i.id)).toEqual(['I-12', 'I-13']);

    // I-11 goes out at +30: I-12 is scheduled 20 minutes later; I-13 is armed with no time and sits at +30.
    const armed = [
      row('I-00', 'A', { status: 'released', releasedScenarioMs: 0 }),
      row('I-11', 'A', { status: 'released', releasedScenarioMs: 30 * MIN }),
      row('I-12', 'A', { status: 'scheduled', dueScenarioMs: 50 * MIN }),
      row('I-13', 'A', { status: 'armed', dueScenarioMs: null }),
    ];
    const m = placeInjects(injects, armed);
    expect(m.placed.map((p) => [p.inject.id, p.atMs, p.by])).toEqual([
      ['I-00', 0, 'released'],
      ['I-11', 30 * MIN, 'released'],
      ['I-13', 30 * MIN, 'armed'],
      ['I-12', 50 * MIN, 'due'],
    ]);
    expect(m.unarmed).toEqual([]);
  });

  it('does not loop on conditional injects that watch each other', () => {
    const a = inject('I-01', 0, { trigger: { kind: 'ifNoReport', inject: 'I-02' } });
    const b = inject('I-02', 0, { trigger: { kind: 'ifNoReport', inject: 'I-01' } });
    const cells = [row('I-01', 'A', { status: 'armed' }), row('I-02', 'A', { status: 'not-triggered' })];
    expect(placeInjects([a, b], cells).placed.map((p) => [p.inject.id, p.atMs])).toEqual([
      ['I-01', Infinity],
      ['I-02', Infinity],
    ]);
  });

  it('puts injects with nothing to place them by last, in id order with numbers read as numbers', () => {
    const cols: InjectColumn[] = [{ id: 'I-10', title: '' }, { id: 'I-9', title: '' }, inject('I-01', 1)];
    expect(order(cols, [])).toEqual(['I-01', 'I-9', 'I-10']);
  });
});

describe('progressOf', () => {
  const released = { teamId: 'A', injectId: 'I-01', releasedAt: '2026-12-02T12:00:00.000Z', releasedScenarioMs: MIN };

  it('says how far a pair got and since when in scenario time: wall time since the release times the speed', () => {
    expect(progressOf(undefined, 60)).toEqual({ st: 'none' });
    expect(progressOf({ ...released, status: 'scheduled', dueScenarioMs: 5 * MIN }, 60)).toEqual({ st: 'scheduled' });
    expect(progressOf({ ...released, status: 'released' }, 60)).toEqual({
      st: 'released',
      sinceMs: MIN,
      sinceWall: released.releasedAt,
    });
    // Delivered 10 wall seconds after the release, at ×60: ten scenario minutes later.
    const delivered = { ...released, status: 'delivered', deliveredAt: '2026-12-02T12:00:10.000Z' };
    expect(progressOf(delivered, 60)).toEqual({ st: 'delivered', sinceMs: 11 * MIN, sinceWall: delivered.deliveredAt });
    const acked = { ...delivered, status: 'acknowledged', acknowledgedAt: '2026-12-02T12:00:20.000Z' };
    expect(progressOf(acked, 60)).toMatchObject({ st: 'acknowledged', sinceMs: 21 * MIN });
    // A report carries its own scenario time.
    expect(
      progressOf({ ...acked, reportedAt: '2026-12-02T12:00:30.000Z', reportedScenarioMs: 29 * MIN }, 60),
    ).toMatchObject({ st: 'reported', sinceMs: 29 * MIN });
  });

  it('reads receipts on a released row (before delivery statuses) and statuses without their time alike', () => {
    expect(
      progressOf({ ...released, status: 'released', acknowledgedAt: '2026-12-02T12:00:01.000Z' }, 1),
    ).toMatchObject({ st: 'acknowledged', sinceMs: 61_000 });
    expect(progressOf({ ...released, status: 'acknowledged' }, 1)).toMatchObject({ st: 'acknowledged', sinceMs: MIN });
    expect(progressOf({ ...released, status: 'delivered', releasedScenarioMs: null }, 1)).toEqual({
      st: 'delivered',
      sinceMs: undefined,
      sinceWall: undefined,
    });
    expect(progressOf({ ...released, status: 'not-triggered' }, 1)).toEqual({ st: 'not-triggered' });
  });
});

describe('words and ages', () => {
  it('writes compact ages for a grid cell', () => {
    expect([0, 45_000, 12 * MIN, 125 * MIN].map(compactAge)).toEqual(['0s', '45s', '12m', '2h05']);
  });

  it('writes each kind of condition', () => {
    expect(conditionText({ kind: 'after', inject: 'I-08', delayMinutes: 35 })).toBe(
      '35 min after I-08 reaches the team',
    );
    expect(conditionText({ kind: 'ifNoReport', inject: 'I-01' })).toBe(
      'if the team has not reported on I-01 by its deadline',
    );
    expect(
      conditionText({
        kind: 'ifReportMatches',
        inject: 'I-02',
        classification: { class: 'malicious-code', type: 'ransomware' },
      }),
    ).toBe('if the team reports I-02 as malicious-code/ransomware');
    expect(conditionText({ kind: 'ifReportMatches', inject: 'I-02', classification: { class: 'fraud' } })).toBe(
      'if the team reports I-02 as fraud',
    );
  });
});
