import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { DataSource } from 'typeorm';
import { AarStateEntity, ENTITIES } from '../entities/index.js';
import { MIGRATIONS } from './index.js';

describe('migration 0010: the AAR marking', () => {
  it('leaves an AAR published before it unmarked (the default applies), takes a marking, and undoes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mig-0010-'));
    const database = join(dir, 'drill.sqlite');
    const at = MIGRATIONS.findIndex((m) => m.name === 'AarMarking1764115200010');
    expect(at).toBeGreaterThan(0);
    try {
      const before = await new DataSource({
        type: 'better-sqlite3',
        database,
        migrations: MIGRATIONS.slice(0, at),
      }).initialize();
      await before.runMigrations();
      await before.query(
        `INSERT INTO exercises (id, name, "scenarioId", "scenarioVersion", status, speed, "pausedTotalMs", epoch, settings, "createdAt") ` +
          `VALUES ('e1', 'E', 's', 1, 'completed', 1, 0, 0, '{}', 1)`,
      );
      await before.query(
        `INSERT INTO aar_states ("exerciseId", status, "publishedAt", "publishedBy", snapshot) VALUES ('e1', 'published', 5, NULL, '{}')`,
      );
      await before.destroy();

      const ds = await new DataSource({
        type: 'better-sqlite3',
        database,
        entities: ENTITIES,
        migrations: MIGRATIONS.slice(0, at + 1),
      }).initialize();
      try {
        await ds.runMigrations();
        const states = ds.getRepository(AarStateEntity);
        expect(await states.findOneByOrFail({ exerciseId: 'e1' })).toMatchObject({
          status: 'published',
          marking: null,
        });
        await states.update({ exerciseId: 'e1' }, { marking: 'TLP:RED' });
        expect((await states.findOneByOrFail({ exerciseId: 'e1' })).marking).toBe('TLP:RED');
        await ds.undoLastMigration();
        const columns = (await ds.createQueryRunner().getTable('aar_states'))!.columns.map((c) => c.name);
        expect(columns).not.toContain('marking');
        expect(await ds.query(`SELECT status FROM aar_states WHERE "exerciseId" = 'e1'`)).toEqual([
          { status: 'published' },
        ]);
      } finally {
        await ds.destroy();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
