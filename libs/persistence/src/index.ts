/**
 * @drill/persistence — the TypeORM entities, the migrations that create them (portable between SQLite and
 * PostgreSQL), and the data source options for either store.
 */
export * from './columns.js';
export * from './data-source.js';
export * from './entities/index.js';
export * from './sqlite-queue.js';
