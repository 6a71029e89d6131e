import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { DataSourceOptions } from 'typeorm';
import { ENTITIES } from './entities/index.js';
import { MIGRATIONS } from './migrations/index.js';

export type DatabaseTarget = { kind: 'sqlite'; path: string } | { kind: 'postgres'; url: string };

/**
 * TypeORM options for either store. The schema comes from migrations, run on start; `synchronize` stays off so
 * a deployed database is never altered by guesswork.
 */
export function dataSourceOptions(db: DatabaseTarget): DataSourceOptions {
  const common = { entities: ENTITIES, migrations: MIGRATIONS, migrationsRun: true, synchronize: false, logging: false } as const;
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
