import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, afterEach, describe, expect, it } from '@jest/globals';
import { DataSource, EntityManager, type EntitySubscriberInterface } from 'typeorm';
import { dataSourceOptions, openDataSource } from './data-source.js';
import { AuditEventEntity, TeamEntity } from './entities/index.js';
import { serializeSqlite } from './sqlite-queue.js';

// Real better-sqlite3 databases, opened the way the server opens them. Each test has one flow hold a transaction
// open across an await while another flow uses the same data source: without the queue the second flow's queries
// run inside the first one's transaction (and are rolled back with it).

const dir = mkdtempSync(join(tmpdir(), 'sqlite-queue-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const opened: DataSource[] = [];
afterEach(async () => {
  for (const ds of opened.splice(0)) if (ds.isInitialized) await ds.destroy();
});

async function open(path: string): Promise<DataSource> {
  const ds = await openDataSource(dataSourceOptions({ kind: 'sqlite', path }));
  opened.push(ds);
  return ds;
}

function team(code: string): TeamEntity {
  return Object.assign(new TeamEntity(), {
    id: randomUUID(),
    code,
    name: code,
    country: null,
    tags: [],
    tier: null,
    pointsOfContact: [],
    createdAt: 1,
  });
}

async function codes(ds: DataSource): Promise<string[]> {
  const rows = await ds.getRepository(TeamEntity).find({ order: { code: 'ASC' } });
  return rows.map((t) => t.code);
}

/** Settles with `'hung'` instead of hanging the test when `work` waits for ever. */
function within<T>(ms: number, work: Promise<T>): Promise<T | 'hung'> {
  return Promise.race([work, sleep(ms).then(() => 'hung' as const)]);
}

class Boom extends Error {}

/** A transaction that writes a row, holds the connection across an await, then rolls back. */
function failingTransaction(ds: DataSource, code: string, holdMs = 50): Promise<void> {
  return ds.transaction(async (m) => {
    await m.insert(TeamEntity, team(code));
    await sleep(holdMs);
    throw new Boom(code);
  });
}

describe.each([
  ['in memory', () => ':memory:'],
  ['in a file', () => join(dir, `${randomUUID()}.sqlite`)],
])('serializeSqlite on a better-sqlite3 database %s', (_where, path) => {
  it("keeps another flow's plain insert when the open transaction rolls back", async () => {
    const ds = await open(path());
    const tx = failingTransaction(ds, 'in-tx');
    await sleep(10); // the transaction is open and waiting
    const other = ds.getRepository(TeamEntity).insert(team('outside'));

    await expect(tx).rejects.toBeInstanceOf(Boom);
    await other;
    expect(await codes(ds)).toEqual(['outside']);
  });

  it("keeps a concurrent transaction's commit when the first transaction rolls back", async () => {
    const ds = await open(path());
    const log: string[] = [];
    const first = ds.transaction(async (m) => {
      await m.insert(TeamEntity, team('first'));
      await sleep(50);
      log.push('first throws');
      throw new Boom('first');
    });
    await sleep(10);
    const second = ds.transaction(async (m) => {
      log.push('second starts');
      await m.insert(TeamEntity, team('second'));
    });

    await expect(first).rejects.toBeInstanceOf(Boom);
    await second;
    expect(await codes(ds)).toEqual(['second']);
    expect(log).toEqual(['first throws', 'second starts']); // a transaction of its own, not a SAVEPOINT of the first
  });

  it("keeps a concurrent repository.save() (TypeORM's own transaction) when the open transaction rolls back", async () => {
    const ds = await open(path());
    const tx = failingTransaction(ds, 'in-tx');
    await sleep(10);
    const saved = ds.getRepository(TeamEntity).save(team('saved'));

    await expect(tx).rejects.toBeInstanceOf(Boom);
    await saved;
    expect(await codes(ds)).toEqual(['saved']);
  });

  it('does not let a read from outside see the open transaction’s uncommitted row', async () => {
    const ds = await open(path());
    const tx = failingTransaction(ds, 'uncommitted');
    await sleep(10);
    const read = ds.getRepository(TeamEntity).findOneBy({ code: 'uncommitted' });
    const raw = ds.query('SELECT code FROM teams');

    await expect(tx).rejects.toBeInstanceOf(Boom);
    expect(await read).toBeNull();
    expect(await raw).toEqual([]);
  });
});

describe('serializeSqlite: the transaction’s own flow', () => {
  it('runs queries made through ds.getRepository/ds.query inside the callback at once, as part of the transaction', async () => {
    const ds = await open(':memory:');
    const tx = ds.transaction(async () => {
      // Not the callback's manager: the data source's, as a service inside the transaction might use it.
      await ds.getRepository(TeamEntity).insert(team('via-repository'));
      await ds.createQueryBuilder().insert().into(TeamEntity).values(team('via-builder')).execute();
      await ds.query(`UPDATE teams SET name = 'renamed' WHERE code = 'via-repository'`);
      await ds.getRepository(TeamEntity).update({ code: 'via-builder' }, { country: 'XX' });
      // A nested transaction opened through the data source is a SAVEPOINT of this one.
      await ds.transaction(async (m) => {
        await m.insert(TeamEntity, team('nested'));
      });
      await expect(
        ds.manager.transaction('SERIALIZABLE', async () => {
          await ds.getRepository(TeamEntity).insert(team('nested-rolled-back'));
          throw new Boom('inner');
        }),
      ).rejects.toBeInstanceOf(Boom);
      const seen = (await ds.getRepository(TeamEntity).find({ order: { code: 'ASC' } })).map((t) => t.code);
      await sleep(30);
      throw new Boom(seen.join(','));
    });
    await sleep(5);
    const outside = ds.getRepository(TeamEntity).insert(team('outside'));

    const outcome = await within(
      2_000,
      tx.then(
        () => 'committed',
        (e: Error) => e.message,
      ),
    );
    expect(outcome).toBe('nested,via-builder,via-repository');
    await outside;
    expect(await codes(ds)).toEqual(['outside']);
  });

  it('commits what the callback wrote through the data source, with the isolation-level overload', async () => {
    const ds = await open(':memory:');
    await ds.manager.transaction('READ UNCOMMITTED', async (m) => {
      await ds.getRepository(TeamEntity).save(team('a'));
      await m.getRepository(TeamEntity).save(team('b'));
      await ds.getRepository(TeamEntity).remove(await m.findOneByOrFail(TeamEntity, { code: 'b' }));
    });
    expect(await codes(ds)).toEqual(['a']);
  });
});

describe('serializeSqlite: order', () => {
  it('serves waiting queries and transactions first come, first served', async () => {
    const ds = await open(':memory:');
    const teams = ds.getRepository(TeamEntity);
    const log: string[] = [];
    const transaction = (name: string, holdMs: number) =>
      ds.transaction(async (m) => {
        log.push(`${name} start`);
        await m.insert(TeamEntity, team(name));
        await sleep(holdMs);
        log.push(`${name} end`);
      });

    const pending: Promise<unknown>[] = [transaction('t1', 40)];
    const later: [string, () => Promise<unknown>][] = [
      ['q1', () => teams.insert(team('q1'))],
      ['t2', () => transaction('t2', 5)],
      ['q2', () => teams.count()],
      ['t3', () => transaction('t3', 5)],
      ['q3', () => ds.query('SELECT 1')],
    ];
    for (const [name, op] of later) {
      await sleep(3); // each reaches the queue before the next is issued
      pending.push(op().then(() => name.startsWith('q') && log.push(name)));
    }
    await Promise.all(pending);

    expect(log).toEqual(['t1 start', 't1 end', 'q1', 't2 start', 't2 end', 'q2', 't3 start', 't3 end', 'q3']);
  });

  it('lets a lone query in ahead of transactions queued after it (no starvation)', async () => {
    const ds = await open(':memory:');
    const log: string[] = [];
    const busy = (name: string) =>
      ds.transaction(async (m) => {
        await m.insert(AuditEventEntity, { at: 1, action: name });
        await sleep(10);
        log.push(name);
      });
    const first = busy('t0');
    await sleep(2);
    const read = ds
      .getRepository(AuditEventEntity)
      .count()
      .then((n) => log.push(`read saw ${n}`));
    await sleep(2);
    const rest = Array.from({ length: 5 }, (_, i) => busy(`t${i + 1}`));
    await Promise.all([first, read, ...rest]);

    expect(log).toEqual(['t0', 'read saw 1', 't1', 't2', 't3', 't4', 't5']);
  });
});

describe('serializeSqlite: edges', () => {
  it('is idempotent and leaves other drivers alone', async () => {
    const ds = await open(':memory:');
    const runner = ds.createQueryRunner();
    const { query } = runner;
    const { transaction } = ds.manager;
    serializeSqlite(ds);
    expect(runner.query).toBe(query);
    expect(ds.manager.transaction).toBe(transaction);
    expect(await ds.query('SELECT 1 AS one')).toEqual([{ one: 1 }]);

    // PostgreSQL gives each transaction a connection of its own: nothing to do (and nothing to connect to here).
    const pg = new DataSource({ type: 'postgres', url: 'postgres://127.0.0.1:1/none' });
    serializeSqlite(pg);
    expect(pg.manager.transaction).toBe(EntityManager.prototype.transaction);
  });

  it('queues a transaction begun by hand behind the one in progress, without deadlocking its owner', async () => {
    const ds = await open(':memory:');
    const log: string[] = [];
    const held = ds.transaction(async (m) => {
      await m.insert(TeamEntity, team('held'));
      await sleep(20);
      log.push('held end');
    });
    await sleep(5);
    const runner = ds.createQueryRunner();
    await runner.startTransaction();
    log.push('by hand start');
    expect(runner.isTransactionActive).toBe(true);
    await runner.manager.insert(TeamEntity, team('by-hand'));
    // No owner is known for it, so every query runs on it, as without the queue: its owner's never wait.
    expect(await within(1_000, ds.getRepository(TeamEntity).count())).toBe(2);
    expect(
      await within(
        1_000,
        ds.transaction((m) => m.insert(TeamEntity, team('nested'))),
      ),
    ).not.toBe('hung');
    await runner.commitTransaction();
    expect(runner.isTransactionActive).toBe(false);
    await held;
    expect(
      await within(
        1_000,
        ds.transaction((m) => m.insert(TeamEntity, team('after'))),
      ),
    ).not.toBe('hung');

    expect(log).toEqual(['held end', 'by hand start']);
    expect(await codes(ds)).toEqual(['after', 'by-hand', 'held', 'nested']);
  });

  it('gives the connection back when a subscriber makes BEGIN or ROLLBACK fail', async () => {
    const ds = await open(':memory:');
    let fail: 'start' | 'rollback' | null = 'start';
    const subscriber: EntitySubscriberInterface = {
      beforeTransactionStart: () => {
        if (fail === 'start') throw new Boom('start');
      },
      beforeTransactionRollback: () => {
        if (fail === 'rollback') throw new Boom('rollback');
      },
    };
    ds.subscribers.push(subscriber);

    await expect(ds.transaction(() => Promise.resolve())).rejects.toThrow('start');
    expect(await within(1_000, codes(ds))).toEqual([]);

    // TypeORM swallows the failed ROLLBACK: the transaction would stay open, and the queue held, for ever.
    fail = 'rollback';
    await expect(failingTransaction(ds, 'rolled-back', 1)).rejects.toThrow('rolled-back');
    fail = null;
    expect(await within(1_000, codes(ds))).toEqual([]);
    await ds.transaction((m) => m.insert(TeamEntity, team('after')));
    expect(await codes(ds)).toEqual(['after']);
  });

  it('refuses to commit, from another flow, a transaction that flow does not hold', async () => {
    const ds = await open(':memory:');
    const tx = failingTransaction(ds, 'held', 20);
    await sleep(5);
    await expect(ds.createQueryRunner().commitTransaction()).rejects.toThrow(/Transaction is not started/);
    await expect(tx).rejects.toBeInstanceOf(Boom);
    expect(await codes(ds)).toEqual([]);
  });
});
