/** Cumulative counts of the server's `drill_event_loop_delay_seconds` histogram, by bucket bound in seconds. */
export type LoopDelayReading = Map<number, number>;

/** The histogram's buckets in a Prometheus text scrape (apps/drill-server/src/health/metrics.service.ts). */
export function parseLoopDelay(metrics: string): LoopDelayReading {
  const reading: LoopDelayReading = new Map();
  for (const m of metrics.matchAll(/^drill_event_loop_delay_seconds_bucket\{le="([^"]+)"\} ([0-9.eE+-]+)$/gm))
    reading.set(m[1] === '+Inf' ? Infinity : Number(m[1]), Number(m[2]));
  if (!reading.size)
    throw new Error('the server exposes no drill_event_loop_delay_seconds (apps/drill-server/src/health)');
  return reading;
}

/** Reads the server's event-loop delay histogram from /metrics, as a controller (`token`). */
export async function readLoopDelay(url: string, token: string): Promise<LoopDelayReading> {
  const res = await fetch(`${url}/metrics`, { headers: { Authorization: `Bearer ${token}` } });
  if (res.status !== 200) throw new Error(`/metrics answered ${res.status}`);
  return parseLoopDelay(await res.text());
}

/**
 * The longest event-loop delay the server saw between two readings, as the smallest bucket bound (ms) that holds
 * every observation of the window: "the loop was never held longer than this". Measured inside the server, so a
 * loaded test process (its own GC, other Jest workers) does not count against the server, as it does for a client's
 * round trip to /health.
 */
export function longestLoopDelayMs(before: LoopDelayReading, after: LoopDelayReading): number {
  const inWindow = (bound: number) => (after.get(bound) ?? 0) - (before.get(bound) ?? 0);
  const total = inWindow(Infinity);
  const bounds = [...after.keys()].sort((a, b) => a - b);
  for (const b of bounds) if (inWindow(b) === total) return b * 1000;
  return Infinity;
}
