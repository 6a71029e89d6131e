/**
 * @drill/contracts — the shared vocabulary of the drill: TLP 2.0 labels, the RSIT taxonomy, severities, roles,
 * IOC types, report kinds, exercise statuses, the domain error types every edge maps to HTTP, and the socket.io
 * contract (events, payloads, acknowledgements).
 * Plain TypeScript, no framework imports.
 */
export * from './tlp.js';
export * from './rsit.js';
export * from './vocab.js';
export * from './errors.js';
export * from './socket.js';
export * from './setup.js';
export * from './assistance.js';
