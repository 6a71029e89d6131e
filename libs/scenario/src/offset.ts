// Scenario time as authored: `+HH:MM` or `+HH:MM:SS` from the start of the exercise. Hours take two or more
// digits so that a typo such as `+3:00` is caught rather than guessed at.
const OFFSET_RE = /^\+(\d{2,}):([0-5]\d)(?::([0-5]\d))?$/;

/** Seconds from the start for `+HH:MM[:SS]`, or undefined when `s` is not in that form. */
export function parseOffset(s: string): number | undefined {
  const m = OFFSET_RE.exec(s);
  if (!m) return undefined;
  return Number(m[1]) * 3600 + Number(m[2]) * 60 + (m[3] === undefined ? 0 : Number(m[3]));
}

/** `+HH:MM`, or `+HH:MM:SS` when the seconds are not zero. Fractions of a second are rounded. */
export function formatOffset(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0)
    throw new RangeError(`offset must be a finite number of seconds ≥ 0, got ${seconds}`);
  const total = Math.round(seconds);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const hhmm = `+${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`;
  return s === 0 ? hhmm : `${hhmm}:${String(s).padStart(2, '0')}`;
}
