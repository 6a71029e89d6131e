/**
 * Counts events per key in fixed one-minute windows (per process: in a cluster each replica counts its own, so the
 * limit a client meets is the configured one times the replicas its requests spread over). Small and allocation-light
 * on purpose: it sits in front of every sign-in and every report.
 */
export class RateLimiter {
  private readonly windows = new Map<string, { start: number; count: number }>();

  constructor(
    /** Events allowed per key per window; 0 = unlimited. */
    private readonly limit: number,
    private readonly windowMs = 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** Seconds until `key` may act again, or 0 when it is under its limit now. */
  retryAfter(key: string): number {
    if (this.limit === 0) return 0;
    const w = this.windows.get(key);
    const t = this.now();
    if (!w || t - w.start >= this.windowMs || w.count < this.limit) return 0;
    return Math.max(1, Math.ceil((w.start + this.windowMs - t) / 1000));
  }

  /** Counts one event for `key`. */
  hit(key: string): void {
    if (this.limit === 0) return;
    const t = this.now();
    const w = this.windows.get(key);
    if (w && t - w.start < this.windowMs) {
      w.count++;
      return;
    }
    // Expired windows are dropped only when the map grows, so a flood of distinct keys cannot grow it unboundedly.
    if (this.windows.size >= 10_000)
      for (const [k, v] of this.windows) if (t - v.start >= this.windowMs) this.windows.delete(k);
    this.windows.set(key, { start: t, count: 1 });
  }

  /** Counts one event for `key` and tells whether it was allowed (0) or how many seconds to wait. */
  take(key: string): number {
    const wait = this.retryAfter(key);
    if (wait === 0) this.hit(key);
    return wait;
  }
}
