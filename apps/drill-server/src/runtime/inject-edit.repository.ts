import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { InjectEditEntity } from '@drill/persistence';
import { DrillRepository } from './drill.repository.js';

/** Controllers' standing edits of injects in a live exercise (skip, retime), one row per (exercise, inject). */
@Injectable()
export class InjectEditRepository extends DrillRepository {
  constructor(@InjectDataSource() ds: DataSource) {
    super(ds);
  }

  /** The exercise's edits by inject id. */
  async editsOf(exerciseId: string, m?: EntityManager): Promise<Map<string, InjectEditEntity>> {
    const rows = await this.manager(m).getRepository(InjectEditEntity).findBy({ exerciseId });
    return new Map(rows.map((e) => [e.injectId, e]));
  }

  find(m: EntityManager, exerciseId: string, injectId: string): Promise<InjectEditEntity | null> {
    return m.getRepository(InjectEditEntity).findOneBy({ exerciseId, injectId });
  }

  /** Writes the inject's edit, replacing the one it had. */
  async save(m: EntityManager, edit: InjectEditEntity): Promise<void> {
    await m.getRepository(InjectEditEntity).upsert(edit, ['exerciseId', 'injectId']);
  }
}
