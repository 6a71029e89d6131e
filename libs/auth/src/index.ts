/**
 * @drill/auth — bearer tokens (generation, hashing, comparison) and the role rules of the drill:
 * who may do what, independent of the HTTP or socket edge that asks.
 */
export * from './token.js';
export * from './roles.js';
