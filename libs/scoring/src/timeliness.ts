import type { TimelinessResult } from './model.js';

/**
 * Timeliness T from the time to report (scenario minutes after release):
 * 1 up to `targetMinutes`, linear down to `floor` at `deadlineMinutes`, 0 after the deadline or with no report.
 *
 * Decisions where the inject leaves a bound out (documented for the README):
 * - neither target nor deadline: T = 1 for any report (reports can only be posted while the exercise runs,
 *   so "reported at all" means "before the exercise ended");
 * - deadline only: the target is taken as the deadline, so T = 1 up to the deadline and 0 after it;
 * - target only: T = 1 up to the target and `floor` for any later report (late, but nothing to fall towards);
 * - target ≥ deadline (the scenario validator should refuse it): the target is clipped to the deadline, T steps
 *   from 1 to 0 at the deadline.
 * A report stamped before the release (possible only after a retime) has a negative time and counts as on target.
 */
export function timeliness(
  toReport: number | undefined,
  targetMinutes: number | undefined,
  deadlineMinutes: number | undefined,
  floor: number,
): TimelinessResult {
  const base = { targetMinutes, deadlineMinutes, floor };
  if (toReport === undefined) {
    return { ...base, value: 0, rule: 'no-report', explanation: 'no report on this inject: T = 0' };
  }
  const t = toReport;
  if (targetMinutes === undefined && deadlineMinutes === undefined) {
    return { ...base, value: 1, rule: 'no-target', explanation: `reported after ${fmt(t)} min; the inject sets no target or deadline: T = 1` };
  }
  if (deadlineMinutes !== undefined && t > deadlineMinutes) {
    return {
      ...base,
      value: 0,
      rule: 'after-deadline',
      explanation: `first report after ${fmt(t)} min, past the ${fmt(deadlineMinutes)} min deadline: T = 0`,
    };
  }
  const target = targetMinutes === undefined ? deadlineMinutes! : deadlineMinutes === undefined ? targetMinutes : Math.min(targetMinutes, deadlineMinutes);
  if (t <= target) {
    return { ...base, value: 1, rule: 'on-target', explanation: `first report after ${fmt(t)} min, within the ${fmt(target)} min target: T = 1` };
  }
  if (deadlineMinutes === undefined) {
    return {
      ...base,
      value: floor,
      rule: 'after-target-no-deadline',
      explanation: `first report after ${fmt(t)} min, past the ${fmt(target)} min target with no deadline: T = ${fmt(floor)}`,
    };
  }
  // target < t ≤ deadline here, so the denominator is positive.
  const value = 1 - ((1 - floor) * (t - target)) / (deadlineMinutes - target);
  return {
    ...base,
    value,
    rule: 'linear',
    explanation:
      `first report after ${fmt(t)} min, between the ${fmt(target)} min target and the ${fmt(deadlineMinutes)} min deadline: ` +
      `T = 1 − (1 − ${fmt(floor)})·(${fmt(t)} − ${fmt(target)})/(${fmt(deadlineMinutes)} − ${fmt(target)}) = ${fmt(value)}`,
  };
}

/** Display only: figures stay unrounded everywhere else. */
export function fmt(x: number): string {
  return Number.isInteger(x) ? String(x) : x.toFixed(3).replace(/0+$/, '');
}
