import { describe, expect, it } from '@jest/globals';
import type { Inject } from '@drill/scenario';
import { conditionMs, dueMs, minutesToMs } from './conditions.js';

const inject = (over: Partial<Inject>): Inject =>
  ({ id: 'X', offset: '+00:00', offsetSeconds: 0, title: 't', body: 'b', ...over }) as Inject;

describe('conditional due times', () => {
  it('turns fractional minutes into whole milliseconds (4.1 × 60 000 is not whole in floating point)', () => {
    expect(4.1 * 60_000).not.toBe(246_000);
    expect(minutesToMs(4.1)).toBe(246_000);
    expect(minutesToMs(0.5)).toBe(30_000);
  });

  it('times each trigger kind from the watched release', () => {
    const watched = inject({ id: 'W', deadlineMinutes: 3, targetMinutes: 2 });
    expect(conditionMs(inject({ trigger: { kind: 'after', inject: 'W', delayMinutes: 4.1 } }), watched, 60_300)).toBe(
      306_300,
    );
    expect(conditionMs(inject({ trigger: { kind: 'ifNoReport', inject: 'W' } }), watched, 60_000)).toBe(240_000);
    const targetOnly = inject({ id: 'W', targetMinutes: 2 });
    expect(conditionMs(inject({ trigger: { kind: 'ifNoReport', inject: 'W' } }), targetOnly, 0)).toBe(120_000);
    expect(conditionMs(inject({ trigger: { kind: 'ifNoReport', inject: 'W' } }), inject({ id: 'W' }), 0)).toBe(
      undefined,
    );
    const matches = inject({
      trigger: { kind: 'ifReportMatches', inject: 'W', classification: { class: 'malicious-code' } },
    });
    expect(conditionMs(matches, watched, 60_000)).toBeNull();
    expect(conditionMs(inject({}), watched, 0)).toBeUndefined();
  });

  it('is due at the later of the earliest offset and the condition, always whole', () => {
    expect(dueMs(360_000, 61_000)).toBe(360_000);
    expect(dueMs(0, 245_999.99999999997)).toBe(246_000);
    expect(dueMs(60_000, null)).toBe(60_000);
  });
});
