import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { EntityManager, Repository } from 'typeorm';
import { AuditEventEntity } from '@drill/persistence';

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

/** Appends to the audit log. There is deliberately no update or delete here. */
@Injectable()
export class AuditService {
  constructor(@InjectRepository(AuditEventEntity) private readonly events: Repository<AuditEventEntity>) {}

  async record(r: AuditRecord, manager?: EntityManager): Promise<void> {
    const row = {
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
    await (manager ? manager.getRepository(AuditEventEntity) : this.events).insert(row);
  }

  list(filter: { exerciseId?: string; limit?: number } = {}): Promise<AuditEventEntity[]> {
    return this.events.find({
      where: filter.exerciseId ? { exerciseId: filter.exerciseId } : {},
      order: { seq: 'ASC' },
      take: filter.limit ?? 1000,
    });
  }
}
