import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { AdvancedConsoleLogger, DataSource, type DataSourceOptions, type QueryRunner } from 'typeorm';
import { ENTITIES } from './entities/index.js';
import { MIGRATIONS } from './migrations/index.js';
import { serializeSqlite } from './sqlite-queue.js';

export type DatabaseTarget = { kind: 'sqlite'; path: string } | { kind: 'postgres'; url: string };

/** What a statement does: reads, writes, or opens and closes a transaction (BEGIN, COMMIT, SAVEPOINT, ...). */
export type StatementKind = 'read' | 'write' | 'transaction';

/** Statements sent to the database since the data source was built, by kind. */
export type StatementTally = Record<StatementKind, number>;

const TRANSACTION_CONTROL = /^\s*(BEGIN|START|COMMIT|ROLLBACK|SAVEPOINT|RELEASE|SET TRANSACTION|END)\b/i;
const READ = /^\s*(SELECT|PRAGMA|SHOW|EXPLAIN|VALUES)\b/i;
const WRITING_CTE = /^\s*WITH\b[\s\S]*\b(INSERT|UPDATE|DELETE)\b/i;

export function statementKind(sql: string): StatementKind {
  if (TRANSACTION_CONTROL.test(sql)) return 'transaction';
  if (READ.test(sql)) return 'read';
  return /^\s*WITH\b/i.test(sql) && !WRITING_CTE.test(sql) ? 'read' : 'write';
}

/**
 * TypeORM's console logger that also counts every statement. TypeORM 1.x calls `logQuery` for every statement a
 * query runner sends, whatever `logging` says (the logger itself decides what to print), so counting here sees
 * all of them, transaction control included, at the cost of a regular expression per statement.
 */
export class StatementCountingLogger extends AdvancedConsoleLogger {
  readonly tally: StatementTally = { read: 0, write: 0, transaction: 0 };

  override logQuery(query: string, parameters?: unknown[], queryRunner?: QueryRunner): void {
    this.tally[statementKind(query)] += 1;
    super.logQuery(query, parameters, queryRunner);
  }
}

/** The statements the data source has sent, if it was built by `dataSourceOptions`. */
export function statementTally(ds: DataSource): Readonly<StatementTally> | undefined {
  return ds.logger instanceof StatementCountingLogger ? ds.logger.tally : undefined;
}

/**
 * TypeORM options for either store. The schema comes from migrations, run on start; `synchronize` stays off so
 * a deployed database is never altered by guesswork.
 */
export function dataSourceOptions(db: DatabaseTarget): DataSourceOptions {
  const common = {
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsRun: true,
    synchronize: false,
    logging: false,
    // Counts what the server sends (drill_db_statements_total); prints nothing, as `logging: false` says.
    logger: new StatementCountingLogger(false),
  } as const;
  if (db.kind === 'postgres') return { ...common, type: 'postgres', url: db.url };
  if (db.path !== ':memory:') mkdirSync(dirname(db.path), { recursive: true });
  return {
    ...common,
    type: 'better-sqlite3',
    database: db.path,
    prepareDatabase: (conn: { pragma(s: string): unknown }) => {
      // WAL lets readers (REST, timeline) proceed while the scheduler writes; foreign keys are off by default in SQLite.
      conn.pragma('journal_mode = WAL');
      conn.pragma('foreign_keys = ON');
      conn.pragma('busy_timeout = 5000');
    },
  };
}

/** Any fixed 64-bit key works; it only has to be the same in every replica of a deployment. */
const MIGRATION_LOCK_KEY = 7_341_220_260_001;

/**
 * Opens the data source and brings its schema up to date. On PostgreSQL, replicas starting together would each
 * run the pending migrations at once and collide (duplicate CREATE TABLE); an advisory lock lets one migrate
 * while the others wait, then find nothing left to do.
 */
export async function openDataSource(options: DataSourceOptions): Promise<DataSource> {
  if (options.type === 'better-sqlite3') {
    // One SQLite connection serves every flow: without the queue, a query from one flow would run inside (and be
    // rolled back with) another flow's open transaction. See sqlite-queue.ts.
    const ds = await new DataSource(options).initialize();
    serializeSqlite(ds);
    return ds;
  }
  if (options.type !== 'postgres' || !options.migrationsRun) return new DataSource(options).initialize();
  const ds = await new DataSource({ ...options, migrationsRun: false }).initialize();
  const lock = ds.createQueryRunner();
  try {
    await lock.connect();
    await lock.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    await ds.runMigrations({ transaction: 'all' });
  } catch (e) {
    await ds.destroy().catch(() => undefined);
    throw e;
  } finally {
    // Releasing the connection does not end the session, so the lock is dropped explicitly.
    await lock.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => undefined);
    await lock.release().catch(() => undefined);
  }
  return ds;
}
