import type { DataSource, EntityManager } from 'typeorm';

/**
 * What every repository of the drill shares: the data source, which database it is, and transactions. A repository
 * method that writes takes an `EntityManager` when its write belongs to a unit of work spanning repositories (a
 * release, its sequence number and its audit row commit together or not at all); the caller opens that unit of
 * work with `transaction` and hands its manager to each repository it uses.
 */
export abstract class DrillRepository {
  constructor(protected readonly ds: DataSource) {}

  /** PostgreSQL deployments lock rows and read the database's clock; SQLite runs one transaction at a time. */
  get postgres(): boolean {
    return this.ds.options.type === 'postgres';
  }

  /**
   * One transaction. On SQLite every query of the process goes through one queue (@drill/persistence
   * serializeSqlite), so no other flow's write can join it; the callback must use `m` or this flow's own queries,
   * and must not await work another flow started that itself needs the database.
   */
  transaction<T>(work: (m: EntityManager) => Promise<T>): Promise<T> {
    return this.ds.transaction(work);
  }

  /** The unit of work's manager when the caller is inside one, the data source's otherwise. */
  protected manager(m?: EntityManager): EntityManager {
    return m ?? this.ds.manager;
  }
}
