import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { DataSource, type DataSourceOptions } from 'typeorm';
import { ENTITIES } from '../entities/index.js';
import { MIGRATIONS } from './index.js';

// An existing database (schema up to 0007, a user holding a token) upgrades to per-token rows and back, on both
// stores; the user's token keeps working. The database is real: a better-sqlite3 file, and a scratch database
// on the test PostgreSQL when it answers (CI requires it).

const POSTGRES = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const hash = createHash('sha256').update('drl_existing-token').digest('hex');

/** The test server's maintenance connection, or undefined (a loud skip) on a laptop without PostgreSQL. */
async function pgAdmin(): Promise<DataSource | undefined> {
  try {
    return await new DataSource({ type: 'postgres', url: POSTGRES, connectTimeoutMS: 1000 }).initialize();
  } catch (e) {
    if (process.env.CI === 'true')
      throw new Error(`PostgreSQL is required in CI: ${(e as Error).message}`, { cause: e });
    console.warn('\n!!! PostgreSQL does not answer: SKIPPING the PostgreSQL migration test !!!\n');
    return undefined;
  }
}

async function upgrade(base: DataSourceOptions): Promise<DataSource> {
  const upTo7 = await new DataSource({
    ...base,
    entities: [],
    migrations: MIGRATIONS.slice(0, 7),
  } as DataSourceOptions).initialize();
  await upTo7.runMigrations();
  await upTo7.query(
    `INSERT INTO users (id, name, role, "teamId", "tokenHash", "createdAt") VALUES ($1, $2, $3, NULL, $4, $5)`.replace(
      /\$\d/g,
      base.type === 'postgres' ? (m) => m : () => '?',
    ),
    ['u1', 'Old user', 'controller', hash, 1000],
  );
  await upTo7.destroy();
  const ds = await new DataSource({
    ...base,
    entities: ENTITIES,
    migrations: MIGRATIONS.slice(0, 8), // up to this one, so that undoing the last migration undoes 0008
  } as DataSourceOptions).initialize();
  await ds.runMigrations();
  return ds;
}

async function check(ds: DataSource): Promise<void> {
  const tokens = await ds.query(`SELECT "userId", "tokenHash", prefix, label, "revokedAt" FROM tokens`);
  expect(tokens).toEqual([{ userId: 'u1', tokenHash: hash, prefix: '', label: 'first token', revokedAt: null }]);
  const userColumns = (await ds.createQueryRunner().getTable('users'))!.columns.map((c) => c.name);
  expect(userColumns).not.toContain('tokenHash');
  await ds.undoLastMigration();
  const back = await ds.query(`SELECT "tokenHash" FROM users WHERE id = 'u1'`);
  expect(back).toEqual([{ tokenHash: hash }]);
}

describe('migration 0008: tokens', () => {
  const cleanup: (() => Promise<unknown>)[] = [];
  afterAll(async () => {
    for (const f of cleanup.reverse()) await f();
  });

  it('moves every user token to the tokens table on SQLite, and back', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mig-0008-'));
    const ds = await upgrade({ type: 'better-sqlite3', database: join(dir, 'drill.sqlite') } as DataSourceOptions);
    cleanup.push(async () => rmSync(dir, { recursive: true, force: true }));
    cleanup.push(() => ds.destroy());
    await check(ds);
  });

  it('does the same on PostgreSQL', async () => {
    const admin = await pgAdmin();
    if (!admin) return;
    const name = `drill_mig_${Date.now().toString(36)}`;
    await admin.query(`CREATE DATABASE ${name}`);
    cleanup.push(async () => {
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.destroy();
    });
    const url = new URL(POSTGRES);
    url.pathname = `/${name}`;
    const ds = await upgrade({ type: 'postgres', url: url.toString() } as DataSourceOptions);
    cleanup.push(() => ds.destroy());
    await check(ds);
  });
});
