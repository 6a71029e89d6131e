import type { TimelinessResult, TimelinessRule } from './model.js';

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
  const result = (value: number, rule: TimelinessRule): TimelinessResult => ({
    value,
    rule,
    toReport,
    targetMinutes,
    deadlineMinutes,
    floor,
  });
  if (toReport === undefined) return result(0, 'no-report');
  const t = toReport;
  if (targetMinutes === undefined && deadlineMinutes === undefined) return result(1, 'no-target');
  if (deadlineMinutes !== undefined && t > deadlineMinutes) return result(0, 'after-deadline');
  const target = effectiveTarget(targetMinutes, deadlineMinutes)!;
  if (t <= target) return result(1, 'on-target');
  if (deadlineMinutes === undefined) return result(floor, 'after-target-no-deadline');
  // target < t ≤ deadline here, so the denominator is positive.
  return result(1 - ((1 - floor) * (t - target)) / (deadlineMinutes - target), 'linear');
}

/** The target T falls from: the deadline when no target is set, and never later than the deadline. */
export function effectiveTarget(
  targetMinutes: number | undefined,
  deadlineMinutes: number | undefined,
): number | undefined {
  if (targetMinutes === undefined) return deadlineMinutes;
  if (deadlineMinutes === undefined) return targetMinutes;
  return Math.min(targetMinutes, deadlineMinutes);
}
