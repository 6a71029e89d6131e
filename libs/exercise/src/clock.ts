/**
 * The drill clock. Scenario time runs `speed` times faster than the wall clock while the exercise runs and
 * stands still while it is paused:  scenario = (wall now − started − paused total) × speed.
 * All instants are epoch milliseconds; scenario times are milliseconds since T+00:00.
 */
export interface ClockState {
  speed: number;
  startedAt: number | null; // wall ms, null before start
  pausedAt: number | null; // wall ms while paused
  pausedTotalMs: number; // wall ms spent paused before the current pause
}

export const MIN_SPEED = 1;
export const MAX_SPEED = 3600;

export function scenarioMsAt(c: ClockState, wallNow: number): number {
  if (c.startedAt === null) return 0;
  const until = c.pausedAt ?? wallNow; // a paused clock reads the time it was paused at
  return Math.max(0, (until - c.startedAt - c.pausedTotalMs) * c.speed);
}

/** The wall instant at which a running clock will read `scenarioMs`, assuming no further pause. */
export function wallTimeFor(c: ClockState, scenarioMs: number): number {
  if (c.startedAt === null || c.pausedAt !== null)
    throw new Error('only a running clock maps scenario time to wall time');
  return c.startedAt + c.pausedTotalMs + scenarioMs / c.speed;
}

export function pause(c: ClockState, wallNow: number): ClockState {
  return { ...c, pausedAt: wallNow };
}

export function resume(c: ClockState, wallNow: number): ClockState {
  if (c.pausedAt === null) return c;
  return { ...c, pausedTotalMs: c.pausedTotalMs + (wallNow - c.pausedAt), pausedAt: null };
}

export function formatScenarioTime(scenarioMs: number): string {
  const s = Math.floor(scenarioMs / 1000);
  const hh = String(Math.floor(s / 3600)).padStart(2, '0');
  const mm = String(Math.floor((s % 3600) / 60)).padStart(2, '0');
  const ss = String(s % 60).padStart(2, '0');
  return `T+${hh}:${mm}:${ss}`;
}
