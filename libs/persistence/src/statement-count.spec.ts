import { describe, expect, it } from '@jest/globals';
import { dataSourceOptions, openDataSource, statementKind, statementTally } from './data-source.js';
import { TeamEntity } from './entities/index.js';

describe('statement counting', () => {
  it('tells reads, writes and transaction control apart', () => {
    expect(statementKind('SELECT 1')).toBe('read');
    expect(statementKind('  pragma foreign_keys')).toBe('read');
    expect(statementKind('WITH x AS (SELECT 1) SELECT * FROM x')).toBe('read');
    expect(statementKind('WITH r AS (INSERT INTO t VALUES (1) RETURNING id) SELECT id FROM r')).toBe('write');
    expect(statementKind('INSERT INTO "teams" VALUES (?)')).toBe('write');
    expect(statementKind('UPDATE t SET a = 1')).toBe('write');
    for (const sql of ['BEGIN TRANSACTION', 'START TRANSACTION', 'COMMIT', 'ROLLBACK', 'SAVEPOINT typeorm_1'])
      expect(statementKind(sql)).toBe('transaction');
  });

  it('counts every statement a data source sends, at the driver', async () => {
    const ds = await openDataSource(dataSourceOptions({ kind: 'sqlite', path: ':memory:' }));
    try {
      const tally = statementTally(ds)!;
      const before = { ...tally };
      await ds.transaction(async (m) => {
        await m.getRepository(TeamEntity).insert({
          id: 't1',
          code: 'SG',
          name: 'SG CERT',
          tags: [],
          pointsOfContact: [],
          createdAt: 1,
        });
        await m.getRepository(TeamEntity).findOneBy({ id: 't1' });
      });
      await ds.query('SELECT 1');
      expect({
        read: tally.read - before.read,
        write: tally.write - before.write,
        transaction: tally.transaction - before.transaction,
      }).toEqual({ read: 2, write: 1, transaction: 2 });
    } finally {
      await ds.destroy();
    }
  });
});
