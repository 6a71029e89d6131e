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

  /** The exercise's events (or every event), in the order they were written, at most `limit` of them. */
  list(filter: { exerciseId?: string; limit?: number } = {}): Promise<AuditEventEntity[]> {
    return this.ds.getRepository(AuditEventEntity).find({
      where: filter.exerciseId ? { exerciseId: filter.exerciseId } : {},
      order: { seq: 'ASC' },
      take: filter.limit,
    });
  }
}
