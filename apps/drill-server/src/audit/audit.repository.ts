import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { AuditEventEntity } from '@drill/persistence';
import { DrillRepository } from '../runtime/drill.repository.js';

/** An audit row as written; `seq` is given by the database. */
export type AuditRow = Omit<AuditEventEntity, 'seq'>;

/** The audit log: rows are appended and read, never updated or deleted. */
@Injectable()
export class AuditRepository extends DrillRepository {
  constructor(@InjectDataSource() ds: DataSource) {
    super(ds);
  }

  /** Appends a row, inside the caller's unit of work when `m` is given (the row commits with the change). */
  async append(row: AuditRow, m?: EntityManager): Promise<void> {
    await this.manager(m).getRepository(AuditEventEntity).insert(row);
  }

  /**
   * Appends rows in that order, inside the caller's unit of work when `m` is given, in multi-row statements written
   * here: TypeORM's insert builder spends about a tenth of a millisecond a row preparing them, which a release batch
   * of a thousand would wait for.
   */
  async appendMany(rows: AuditRow[], m?: EntityManager): Promise<void> {
    const manager = this.manager(m);
    // 10 parameters a row: 500 rows stay well under either store's limit on bound parameters.
    for (let i = 0; i < rows.length; i += 500) {
      const params: unknown[] = [];
      const values = rows.slice(i, i + 500).map((r) => {
        const row = [
          r.at,
          r.actorUserId,
          r.actorRole,
          r.action,
          r.targetType,
          r.targetId,
          r.exerciseId,
          r.before === null ? null : JSON.stringify(r.before), // simple-json, as TypeORM writes it
          r.after === null ? null : JSON.stringify(r.after),
          r.requestId,
        ];
        const placeholders = row.map((v) => {
          params.push(v);
          return this.postgres ? `$${params.length}` : '?';
        });
        return `(${placeholders.join(', ')})`;
      });
      await manager.query(
        `INSERT INTO "audit_events" ("at", "actorUserId", "actorRole", "action", "targetType", "targetId", ` +
          `"exerciseId", "before", "after", "requestId") VALUES ${values.join(', ')}`,
        params,
      );
    }
  }

  /** The exercise's events (or every event), in the order they were written, at most `limit` of them. */
  list(filter: { exerciseId?: string; limit?: number } = {}): Promise<AuditEventEntity[]> {
    return this.ds.getRepository(AuditEventEntity).find({
      where: filter.exerciseId ? { exerciseId: filter.exerciseId } : {},
      order: { seq: 'ASC' },
      take: filter.limit,
    });
  }
}
