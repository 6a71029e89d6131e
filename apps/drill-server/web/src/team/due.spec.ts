import { describe, expect, it } from '@jest/globals';
import { dueOf, dueState, formatSpan, longCue, shortCue } from './due.js';

const MIN = 60_000;
const inject = {
  responseRequired: true,
  targetMinutes: 30,
  deadlineMinutes: 60,
  releasedScenarioMs: 10 * MIN,
  deadlineScenarioMs: 70 * MIN,
};

describe('when a response is due', () => {
  it('is the deadline, else the target, counted from the release in scenario time', () => {
    expect(dueOf(inject)).toEqual({ kind: 'deadline', atMs: 70 * MIN });
    // A payload from before deadlineScenarioMs was sent: computed from the release.
    expect(dueOf({ ...inject, deadlineScenarioMs: undefined as unknown as null })).toEqual({
      kind: 'deadline',
      atMs: 70 * MIN,
    });
    expect(dueOf({ ...inject, deadlineMinutes: null, deadlineScenarioMs: null })).toEqual({
      kind: 'target',
      atMs: 40 * MIN,
    });
    expect(dueOf({ ...inject, targetMinutes: null, deadlineMinutes: null, deadlineScenarioMs: null })).toBeUndefined();
    expect(dueOf({ ...inject, responseRequired: false })).toBeUndefined();
  });

  it('is open, then overdue at the deadline, unless the team answered', () => {
    const due = dueOf(inject)!;
    expect(dueState(due, 40 * MIN + 30_000)).toEqual({ state: 'open', leftMs: 29 * MIN + 30_000 });
    expect(dueState(due, 70 * MIN)).toEqual({ state: 'overdue', pastMs: 0 });
    expect(dueState(due, 75 * MIN)).toEqual({ state: 'overdue', pastMs: 5 * MIN });
    expect(dueState(due, 75 * MIN, 50 * MIN)).toEqual({ state: 'answered', atMs: 50 * MIN, late: false });
    expect(dueState(due, 75 * MIN, 72 * MIN)).toEqual({ state: 'answered', atMs: 72 * MIN, late: true });
  });

  it('is put in words, in scenario time', () => {
    const due = dueOf(inject)!;
    const open = dueState(due, 40 * MIN + 30_000);
    expect(shortCue(due, open)).toBe('due in 29 min 30 s');
    expect(longCue(due, open)).toBe('Deadline T+01:10:00 — 29 min 30 s left (scenario time)');
    const overdue = dueState(due, 75 * MIN);
    expect(shortCue(due, overdue)).toBe('Overdue');
    expect(longCue(due, overdue)).toBe('Overdue: the deadline T+01:10:00 passed 5 min 00 s ago (scenario time)');
    expect(shortCue(due, dueState(due, 75 * MIN, 72 * MIN))).toBe('answered after the deadline');
    expect(longCue(due, dueState(due, 75 * MIN, 50 * MIN))).toBe('Deadline T+01:10:00 — answered at T+00:50:00');
    const target = { kind: 'target' as const, atMs: 40 * MIN };
    expect(shortCue(target, dueState(target, 39 * MIN))).toBe('target in 1 min 00 s');
    expect(shortCue(target, dueState(target, 41 * MIN))).toBe('Past target');
    expect(shortCue(target, dueState(target, 41 * MIN, 30 * MIN))).toBe('answered');
  });

  it('counts spans down in whole seconds', () => {
    expect([formatSpan(45_000), formatSpan(44_001), formatSpan(-5), formatSpan(29 * MIN + 30_000)]).toEqual([
      '45 s',
      '45 s',
      '0 s',
      '29 min 30 s',
    ]);
    expect(formatSpan(65 * MIN)).toBe('1 h 05 min');
  });
});
