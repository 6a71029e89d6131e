/**
 * @drill/exercise — the rules of a running drill that need no server: the clock (scenario time, pause,
 * resume), the lifecycle (which transitions are allowed), targeting (which teams an inject goes to) and when a
 * conditional inject falls due.
 */
export * from './clock.js';
export * from './conditions.js';
export * from './lifecycle.js';
export * from './targeting.js';
export * from './comcheck.js';
