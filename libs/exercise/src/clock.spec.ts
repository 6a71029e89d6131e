import { describe, expect, it } from '@jest/globals';
import { Conflict } from '@drill/contracts';
import { formatScenarioTime, pause, resume, scenarioMsAt, wallTimeFor, type ClockState } from './clock.js';
import { nextStatus } from './lifecycle.js';
import { resolveTargets } from './targeting.js';

const started: ClockState = { speed: 60, startedAt: 1_000_000, pausedAt: null, pausedTotalMs: 0 };

describe('drill clock', () => {
  it('reads zero before start and speed × elapsed while running', () => {
    expect(scenarioMsAt({ ...started, startedAt: null }, 5_000_000)).toBe(0);
    // 2 s of wall time at speed 60 = 120 s of scenario time
    expect(scenarioMsAt(started, 1_002_000)).toBe(120_000);
  });

  it('stands still while paused and shifts by the pause length after resume', () => {
    const p = pause(started, 1_002_000); // paused at scenario 120 s
    expect(scenarioMsAt(p, 1_010_000)).toBe(120_000);
    const r = resume(p, 1_012_000); // 10 s paused
    expect(r.pausedTotalMs).toBe(10_000);
    expect(scenarioMsAt(r, 1_013_000)).toBe((1_013_000 - 1_000_000 - 10_000) * 60);
    // scenario 600 s is due 10 s (wall) after start, plus the 10 s pause
    expect(wallTimeFor(r, 600_000)).toBe(1_000_000 + 10_000 + 10_000);
  });

  it('formats scenario time as T+HH:MM:SS', () => {
    expect(formatScenarioTime(0)).toBe('T+00:00:00');
    expect(formatScenarioTime((2 * 3600 + 5 * 60 + 9) * 1000 + 999)).toBe('T+02:05:09');
  });
});

describe('lifecycle', () => {
  it.each([
    ['draft', 'start', 'running'],
    ['scheduled', 'start', 'running'],
    ['running', 'pause', 'paused'],
    ['paused', 'resume', 'running'],
    ['paused', 'complete', 'completed'],
    ['running', 'abort', 'aborted'],
  ] as const)('%s --%s--> %s', (from, action, to) => {
    expect(nextStatus(from, action)).toBe(to);
  });

  it.each([
    ['draft', 'pause'],
    ['running', 'resume'],
    ['completed', 'start'],
    ['aborted', 'resume'],
    ['completed', 'abort'],
    ['draft', 'complete'],
  ] as const)('refuses %s --%s--> with a Conflict', (from, action) => {
    expect(() => nextStatus(from, action)).toThrow(Conflict);
  });
});

describe('targeting', () => {
  const teams = [
    { id: '1', code: 'SG', tags: ['tier1'] },
    { id: '2', code: 'MY', tags: ['tier1', 'finance'] },
    { id: '3', code: 'BN', tags: [] },
  ];
  it('sends to all, named codes, tags, or their union', () => {
    expect(resolveTargets({ all: true }, teams).map((t) => t.code)).toEqual(['SG', 'MY', 'BN']);
    expect(resolveTargets({ teams: ['BN'], tags: [] }, teams).map((t) => t.code)).toEqual(['BN']);
    expect(resolveTargets({ teams: [], tags: ['finance'] }, teams).map((t) => t.code)).toEqual(['MY']);
    expect(resolveTargets({ teams: ['BN'], tags: ['tier1'] }, teams).map((t) => t.code)).toEqual(['SG', 'MY', 'BN']);
    expect(resolveTargets({ teams: ['XX'], tags: ['none'] }, teams)).toEqual([]);
  });
});
