import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { AuditEventEntity } from '@drill/persistence';
import { AuditRepository, type AuditRow } from './audit.repository.js';

export interface AuditRecord {
  actorUserId?: string | null;
  actorRole?: string | null;
  action: string;
  targetType?: string | null;
  targetId?: string | null;
  exerciseId?: string | null;
  before?: unknown;
  after?: unknown;
  requestId?: string | null;
  at?: number;
}

function auditRow(r: AuditRecord): AuditRow {
  return {
    at: r.at ?? Date.now(),
    actorUserId: r.actorUserId ?? null,
    actorRole: r.actorRole ?? null,
    action: r.action,
    targetType: r.targetType ?? null,
    targetId: r.targetId ?? null,
    exerciseId: r.exerciseId ?? null,
    before: (r.before ?? null) as object | null,
    after: (r.after ?? null) as object | null,
    requestId: r.requestId ?? null,
  };
}

/** Appends to the audit log. There is deliberately no update or delete here. */
@Injectable()
export class AuditService {
  constructor(private readonly events: AuditRepository) {}

  async record(r: AuditRecord, manager?: EntityManager): Promise<void> {
    await this.events.append(auditRow(r), manager);
  }

  /** Several records in that order, in as few statements as the store allows (a release batch's, say). */
  async recordMany(records: AuditRecord[], manager?: EntityManager): Promise<void> {
    if (records.length) await this.events.appendMany(records.map(auditRow), manager);
  }

  list(filter: { exerciseId?: string; limit?: number } = {}): Promise<AuditEventEntity[]> {
    return this.events.list({ ...filter, limit: filter.limit ?? 1000 });
  }
}
