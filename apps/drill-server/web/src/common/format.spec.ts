import { describe, expect, it } from '@jest/globals';
import { formatLocal, formatWall, formatWallDate } from './format.js';

describe('wall times', () => {
  it('carry their UTC date where the day matters, the date of the UTC instant', () => {
    expect(formatWallDate('2026-12-02T22:03:07-08:00')).toBe('2026-12-03 06:03:07 UTC');
    expect(formatWallDate(null)).toBe('');
  });

  it('are written in UTC to the second, whatever the reader’s zone', () => {
    expect(formatWall('2026-12-02T14:03:07.820Z')).toBe('14:03:07 UTC');
    expect(formatWall(Date.UTC(2026, 11, 2, 3, 4, 5))).toBe('03:04:05 UTC');
    expect(formatWall('2026-12-02T22:03:07+08:00')).toBe('14:03:07 UTC');
    expect([formatWall(null), formatWall(undefined), formatWall(''), formatWall('not a time')]).toEqual([
      '',
      '',
      '',
      '',
    ]);
  });

  it('offer the reader’s local time, with its date, for a tooltip', () => {
    expect(formatLocal('2026-12-02T14:03:07Z')).toMatch(/2026.*\(your local time\)$/);
    expect(formatLocal(null)).toBe('');
  });
});
