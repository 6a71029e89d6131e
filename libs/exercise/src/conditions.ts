import type { Inject } from '@drill/scenario';

/**
 * Scenario minutes as integer milliseconds. Authors may write fractional minutes (`delayMinutes: 4.1`); times are
 * stored as whole milliseconds, and 4.1 × 60 000 is 245 999.99999999997 in floating point.
 */
export function minutesToMs(minutes: number): number {
  return Math.round(minutes * 60_000);
}

/**
 * When a conditional inject's condition is met for one team, in scenario ms, given the watched inject's release
 * to that team: `after` — release + delay; `ifNoReport` — the watched inject's deadline (checked then);
 * `ifReportMatches` — unknown until a matching report arrives (null). Undefined when the inject can never fire
 * (an ifNoReport on an inject without a deadline, which validation refuses).
 */
export function conditionMs(
  inject: Inject,
  watched: Inject | undefined,
  watchedReleasedMs: number,
): number | null | undefined {
  const t = inject.trigger;
  if (!t) return undefined;
  switch (t.kind) {
    case 'after':
      return watchedReleasedMs + minutesToMs(t.delayMinutes);
    case 'ifNoReport': {
      const deadline = watched?.deadlineMinutes ?? watched?.targetMinutes;
      return deadline === undefined ? undefined : watchedReleasedMs + minutesToMs(deadline);
    }
    case 'ifReportMatches':
      return null;
  }
}

/**
 * The scenario instant a delivery falls due: the inject's offset (as authored, or as a controller retimed it) is
 * the earliest it may go out, and a conditional inject also waits for its condition. Always an integer.
 */
export function dueMs(earliestMs: number, condition: number | null): number {
  const earliest = Math.round(earliestMs);
  return condition === null ? earliest : Math.max(earliest, Math.round(condition));
}
