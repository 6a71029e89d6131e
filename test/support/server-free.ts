import { expect } from '@jest/globals';
import { ADMIN_TOKEN } from './app.js';
import { longestLoopDelayMs, readLoopDelay } from './event-loop.js';
import { expectAs } from './expect.js';

// "No request can freeze the server" (issue 15), checked by the hostile-input tests: while a hostile request is in
// flight the server's event loop is never held more than LOOP_HELD_MS, by the server's own measure (a 10 ms timer's
// lateness, drill_event_loop_delay_seconds in /metrics), and /health keeps answering. The round trip to /health is
// only bounded by FROZEN_MS: it crosses the test process and the machine's scheduler, and on a loaded two-core CI
// machine it has taken 355 ms (and once 873 ms) while the server's loop was never held 200 ms; a server parsing a
// hostile file on its loop holds it for seconds.
export const LOOP_HELD_MS = 200;
export const FROZEN_MS = 2_000;

export interface ServerFreedom {
  /** The longest the server's loop was held while the request was in flight, ms (a histogram bucket's bound). */
  loopHeldMs: number;
  /** The slowest /health round trip meanwhile, ms. */
  slowestHealthMs: number;
  polls: number;
}

/** Runs `work` (a request and its /health polling) between two readings of the server's loop delay. */
export async function measuringLoop<T extends { slowestHealthMs: number; polls: number }>(
  url: string,
  work: () => Promise<T>,
): Promise<T & ServerFreedom> {
  const before = await readLoopDelay(url, ADMIN_TOKEN);
  const result = await work();
  return { ...result, loopHeldMs: longestLoopDelayMs(before, await readLoopDelay(url, ADMIN_TOKEN)) };
}

/**
 * `attempt`, up to three times while the server's loop was held too long (a loaded machine can deschedule the server
 * now and then; a request that stalls the server stalls it every time). The best attempt counts.
 */
export async function bestOfThree<T extends ServerFreedom>(attempt: () => Promise<T>): Promise<T> {
  let best = await attempt();
  for (let n = 2; n <= 3 && best.loopHeldMs > LOOP_HELD_MS; n++) {
    const next = await attempt();
    if (next.loopHeldMs < best.loopHeldMs) best = next;
  }
  return best;
}

export function expectServerFree(r: ServerFreedom, what = ''): void {
  const said = `${what}${what ? ': ' : ''}server loop held ≤ ${r.loopHeldMs} ms; /health answered in ${Math.round(r.slowestHealthMs)} ms at worst over ${r.polls} polls`;
  expectAs(r.loopHeldMs, said).toBeLessThanOrEqual(LOOP_HELD_MS);
  expectAs(r.slowestHealthMs, said).toBeLessThan(FROZEN_MS);
  expect(r.polls).toBeGreaterThan(0);
}
