/**
 * @drill/exercise — the rules of a running drill that need no server: the clock (scenario time, pause,
 * resume), the lifecycle (which transitions are allowed), and targeting (which teams an inject goes to).
 */
export * from './clock.js';
export * from './lifecycle.js';
export * from './targeting.js';
