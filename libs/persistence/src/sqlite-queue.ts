import { AsyncLocalStorage } from 'node:async_hooks';
import type { DataSource, EntityManager, QueryRunner, ReplicationMode } from 'typeorm';

/*
 * Why: TypeORM's better-sqlite3 driver has one connection and hands every caller the same query runner. While one
 * async flow is inside `ds.transaction(...)` and awaiting something, any query from another flow runs on that same
 * connection and so inside that transaction: it reads uncommitted rows, a second `ds.transaction` becomes a
 * SAVEPOINT of the first, and a rollback silently undoes the other flow's writes.
 *
 * How: every query on the shared runner goes through one FIFO queue. A transaction holds the queue from BEGIN to
 * COMMIT/ROLLBACK; the flow that began it is recognised by an AsyncLocalStorage context opened around the
 * transaction (by the wrapped `EntityManager.transaction`, and by `save`/`remove`/`softRemove`/`recover`, which
 * open a transaction of their own), so its queries, including ones made through `ds.getRepository(...)` rather than
 * the callback's manager, and its nested transactions (savepoints) run at once, while everyone else's wait for the
 * transaction to end. A query outside any transaction takes the queue for its own duration only.
 *
 * Limit: a transaction begun by hand with `queryRunner.startTransaction()` (or a query builder's
 * `useTransaction(true)`) outside any such context has no known owner. It still waits for its turn, but while it is
 * open every query runs on it, as TypeORM does without this queue (anything else could deadlock its owner).
 */

/** Identity of an async context that may hold the connection. */
type Owner = object;

/** Holder of a transaction begun outside any context opened here: while it is open, nobody waits. */
const UNOWNED: Owner = Object.freeze({ unowned: true });

/** The members of TypeORM's (better-sqlite3) query runner that are wrapped here. */
interface SharedRunner {
  query(...args: unknown[]): Promise<unknown>;
  startTransaction(isolationLevel?: unknown): Promise<void>;
  commitTransaction(): Promise<void>;
  rollbackTransaction(): Promise<void>;
  isTransactionActive: boolean;
  transactionDepth: number;
}

/** The entity manager methods that may open a transaction; each runs in a context of its own. */
const MANAGER_ENTRY_POINTS = ['transaction', 'save', 'remove', 'softRemove', 'recover'] as const;

class ConnectionQueue {
  private readonly context = new AsyncLocalStorage<Owner>();
  private readonly waiting: (() => void)[] = [];
  private busy = false;
  /** Whose turn it is: a transaction's context, a lone query's, UNOWNED, or nobody (`null`). */
  private holder: Owner | null = null;
  /** Whether the holder took its turn for a transaction (and so gives it back when the transaction ends). */
  private transactionHeld = false;
  /** What the runner's `isTransactionActive` really is; other contexts are told `false` (see `patchRunner`). */
  active = false;

  /** @param reset rolls the connection back, whatever state TypeORM believes it is in. */
  constructor(private readonly reset: () => void) {}

  /** Whether the calling async context has the connection now (so its queries run at once). */
  inside(): boolean {
    return this.holder !== null && (this.holder === UNOWNED || this.context.getStore() === this.holder);
  }

  /** Runs an entry point in a fresh context, unless the caller already has the connection (then it nests). */
  entered<R>(work: () => Promise<R>): Promise<R> {
    if (this.inside()) return work();
    const owner: Owner = {};
    return this.context.run(owner, work).finally(() => this.abandon(owner));
  }

  /** A query from outside the transaction in progress: waits its turn, and holds it while it runs. */
  lone<R>(work: () => Promise<R>): Promise<R> {
    const run = async (): Promise<R> => {
      const owner: Owner = {};
      this.holder = owner;
      try {
        return await this.context.run(owner, work);
      } finally {
        this.holder = null;
        this.release();
      }
    };
    const turn = this.acquire();
    return turn ? turn.then(run) : run();
  }

  /** Begins a transaction for a caller that does not have the connection: waits its turn, then holds it. */
  async begin(start: () => Promise<void>): Promise<void> {
    const owner = this.context.getStore() ?? UNOWNED;
    await this.acquire();
    this.holder = owner;
    this.transactionHeld = true;
    try {
      await start();
    } catch (e) {
      this.ended();
      throw e;
    }
  }

  /** After a commit or rollback: gives the turn back once the outermost transaction is over. */
  ended(): void {
    if (this.transactionHeld && !this.active) this.handBack();
  }

  /**
   * An entry point has returned but its context still holds a transaction: TypeORM swallows a failed ROLLBACK,
   * which would otherwise leave the queue held, and the runner believing a transaction is open, for ever.
   */
  private abandon(owner: Owner): void {
    if (!this.transactionHeld || this.holder !== owner) return;
    this.reset();
    this.active = false;
    this.handBack();
  }

  private handBack(): void {
    this.transactionHeld = false;
    this.holder = null;
    this.release();
  }

  private acquire(): Promise<void> | undefined {
    if (!this.busy) {
      this.busy = true;
      return undefined;
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  private release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.busy = false;
  }
}

const serialized = new WeakSet<DataSource>();
const patchedRunners = new WeakSet<object>();

/**
 * Makes a better-sqlite3 data source run its queries one flow at a time, so that no query joins another flow's
 * transaction (see the note at the top of this file). Idempotent; does nothing for any other driver, whose
 * transactions each have a connection of their own.
 */
export function serializeSqlite(ds: DataSource): void {
  if (ds.options.type !== 'better-sqlite3' || serialized.has(ds)) return;
  serialized.add(ds);

  const driver = ds.driver as unknown as {
    createQueryRunner(mode: ReplicationMode): QueryRunner;
    queryRunner?: SharedRunner;
    databaseConnection: { inTransaction: boolean; exec(sql: string): unknown };
  };
  const queue = new ConnectionQueue(() => {
    if (driver.databaseConnection.inTransaction) driver.databaseConnection.exec('ROLLBACK');
    if (driver.queryRunner) driver.queryRunner.transactionDepth = 0;
  });

  // The driver makes its one runner lazily, and again after a reconnect: patch whichever it hands out.
  const createRunner = driver.createQueryRunner.bind(driver);
  driver.createQueryRunner = (mode) => patchRunner(createRunner(mode), queue);
  driver.createQueryRunner('master');

  patchManager(ds.manager, queue);
  const createManager = ds.createEntityManager.bind(ds);
  ds.createEntityManager = (queryRunner) => patchManager(createManager(queryRunner), queue);
}

function patchRunner(queryRunner: QueryRunner, queue: ConnectionQueue): QueryRunner {
  if (patchedRunners.has(queryRunner)) return queryRunner;
  patchedRunners.add(queryRunner);
  const runner = queryRunner as unknown as SharedRunner;
  const { query, startTransaction, commitTransaction, rollbackTransaction } = runner;

  // A flow other than the transaction's sees no transaction, as it would on a connection of its own: `save` then
  // opens one of its own (after waiting its turn) instead of writing into someone else's.
  queue.active = runner.isTransactionActive;
  Object.defineProperty(runner, 'isTransactionActive', {
    configurable: true,
    enumerable: true,
    get: () => queue.active && queue.inside(),
    set: (value: boolean) => {
      queue.active = value;
    },
  });

  runner.query = function (this: SharedRunner, ...args: unknown[]) {
    if (queue.inside()) return query.apply(this, args);
    return queue.lone(() => query.apply(this, args));
  };
  runner.startTransaction = function (this: SharedRunner, isolationLevel?: unknown) {
    // Inside the transaction in progress this is a SAVEPOINT; otherwise a BEGIN that waits its turn.
    if (queue.inside()) return startTransaction.call(this, isolationLevel);
    return queue.begin(() => startTransaction.call(this, isolationLevel));
  };
  runner.commitTransaction = function (this: SharedRunner) {
    return commitTransaction.call(this).finally(() => queue.ended());
  };
  runner.rollbackTransaction = function (this: SharedRunner) {
    return rollbackTransaction.call(this).finally(() => queue.ended());
  };
  return queryRunner;
}

function patchManager(manager: EntityManager, queue: ConnectionQueue): EntityManager {
  const methods = manager as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>;
  for (const name of MANAGER_ENTRY_POINTS) {
    const original = methods[name]!;
    methods[name] = function (this: EntityManager, ...args: unknown[]) {
      return queue.entered(() => original.apply(this, args));
    };
  }
  return manager;
}
