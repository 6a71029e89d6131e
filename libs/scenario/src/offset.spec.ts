import { describe, expect, it } from '@jest/globals';
import { formatOffset, parseOffset } from './offset.js';

describe('parseOffset', () => {
  it('reads +HH:MM and +HH:MM:SS as seconds', () => {
    expect(parseOffset('+00:20')).toBe(1200);
    expect(parseOffset('+01:05:30')).toBe(3930);
    expect(parseOffset('+00:00')).toBe(0);
    expect(parseOffset('+100:00')).toBe(360000);
  });

  it('refuses other forms', () => {
    for (const s of ['+3:00', '00:20', 'T+00:20', '+00:60', '+00:20:60', '+00:20 ', '', '+00:2', '-00:20']) {
      expect(parseOffset(s)).toBeUndefined();
    }
  });
});

describe('formatOffset', () => {
  it('writes seconds only when there are any', () => {
    expect(formatOffset(1200)).toBe('+00:20');
    expect(formatOffset(3930)).toBe('+01:05:30');
    expect(formatOffset(0)).toBe('+00:00');
    expect(formatOffset(360000)).toBe('+100:00');
  });

  it('round-trips with parseOffset', () => {
    for (const s of ['+00:20', '+02:59:59', '+10:00']) expect(formatOffset(parseOffset(s)!)).toBe(s);
  });

  it('refuses negative and non-finite values', () => {
    expect(() => formatOffset(-1)).toThrow(RangeError);
    expect(() => formatOffset(Number.NaN)).toThrow(RangeError);
  });
});
