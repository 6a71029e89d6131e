import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { DataSource, type DataSourceOptions } from 'typeorm';
import { ENTITIES, TeamEntity } from '../entities/index.js';
import { MIGRATIONS } from './index.js';

// A database holding a team and a user of it (schema up to 0008) gains the tier and points of contact: the team
// reads as no tier and no contacts; undoing drops the two columns again with the user still pointing at the team
// (a SQLite table rebuild would trip over that reference). SQLite in a file, and PostgreSQL when it answers.

const POSTGRES = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

async function upgradeAndBack(base: DataSourceOptions): Promise<void> {
  const upTo8 = await new DataSource({ ...base, entities: [], migrations: MIGRATIONS.slice(0, 8) }).initialize();
  await upTo8.runMigrations();
  await upTo8.query(
    `INSERT INTO teams (id, code, name, country, tags, "createdAt") VALUES ('t1', 'MY', 'MyCERT', NULL, '[]', 1)`,
  );
  await upTo8.query(
    `INSERT INTO users (id, name, role, "teamId", "createdAt") VALUES ('u1', 'A', 'participant', 't1', 1)`,
  );
  await upTo8.destroy();

  const ds = await new DataSource({ ...base, entities: ENTITIES, migrations: MIGRATIONS.slice(0, 9) }).initialize();
  try {
    await ds.runMigrations();
    expect(await ds.getRepository(TeamEntity).findOneByOrFail({ id: 't1' })).toMatchObject({
      code: 'MY',
      tier: null,
      pointsOfContact: [],
    });
    await ds.undoLastMigration();
    const columns = (await ds.createQueryRunner().getTable('teams'))!.columns.map((c) => c.name);
    expect(columns).not.toContain('tier');
    expect(columns).not.toContain('pointsOfContact');
    expect(await ds.query(`SELECT t.code FROM teams t JOIN users u ON u."teamId" = t.id`)).toEqual([{ code: 'MY' }]);
  } finally {
    await ds.destroy();
  }
}

describe('migration 0009: team profile', () => {
  const cleanup: (() => Promise<unknown>)[] = [];
  afterAll(async () => {
    for (const f of cleanup.reverse()) await f();
  });

  it('gives existing teams no tier and an empty contact list on SQLite, and back', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mig-0009-'));
    cleanup.push(async () => rmSync(dir, { recursive: true, force: true }));
    await upgradeAndBack({ type: 'better-sqlite3', database: join(dir, 'drill.sqlite') });
  });

  it('does the same on PostgreSQL', async () => {
    let admin: DataSource;
    try {
      admin = await new DataSource({ type: 'postgres', url: POSTGRES, connectTimeoutMS: 1000 }).initialize();
    } catch (e) {
      if (process.env.CI === 'true') throw e;
      console.warn('\n!!! PostgreSQL does not answer: SKIPPING the PostgreSQL migration 0009 test !!!\n');
      return;
    }
    const name = `drill_mig9_${Date.now().toString(36)}`;
    await admin.query(`CREATE DATABASE ${name}`);
    cleanup.push(async () => {
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.destroy();
    });
    const url = new URL(POSTGRES);
    url.pathname = `/${name}`;
    await upgradeAndBack({ type: 'postgres', url: url.toString() });
  });
});
