import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { In, LessThanOrEqual, MoreThanOrEqual, type DataSource, type EntityManager } from 'typeorm';
import type { Person } from '@drill/ism';
import { IsmReportEntity, UserEntity } from '@drill/persistence';
import { DrillRepository } from '../runtime/drill.repository.js';

/** ISM reports as submitted. Reports are never updated. */
@Injectable()
export class ReportRepository extends DrillRepository {
  constructor(@InjectDataSource() ds: DataSource) {
    super(ds);
  }

  async insert(row: IsmReportEntity): Promise<void> {
    await this.ds.getRepository(IsmReportEntity).insert(row);
  }

  /** The report, if it belongs to the exercise. */
  findInExercise(reportId: string, exerciseId: string): Promise<IsmReportEntity | null> {
    return this.ds.getRepository(IsmReportEntity).findOneBy({ id: reportId, exerciseId });
  }

  /** The exercise's reports (or those submitted at or after `since`, epoch ms), in submission order. */
  listOf(exerciseId: string, since?: number): Promise<IsmReportEntity[]> {
    return this.ds.getRepository(IsmReportEntity).find({
      where: since === undefined ? { exerciseId } : { exerciseId, submittedAt: MoreThanOrEqual(since) },
      order: { submittedAt: 'ASC', id: 'ASC' },
    });
  }

  /**
   * Whether the team sent, by scenario time `byScenarioMs`, at least one report other than a bare acknowledgement
   * on the inject; inside the caller's transaction when `m` is given.
   */
  async hasReportOn(
    exerciseId: string,
    teamId: string,
    injectId: string,
    byScenarioMs: number,
    m?: EntityManager,
  ): Promise<boolean> {
    const rows = await this.manager(m)
      .getRepository(IsmReportEntity)
      .find({
        where: { exerciseId, teamId, submittedScenarioMs: LessThanOrEqual(byScenarioMs) },
        select: { kind: true, injectIds: true },
      });
    return rows.some((r) => r.kind !== 'acknowledgement' && r.injectIds.includes(injectId));
  }

  /** The named users who exist, as the TLP rules see a recipient: role and team. */
  async recipients(userIds: string[]): Promise<Map<string, Person>> {
    const users = await this.ds.getRepository(UserEntity).findBy({ id: In(userIds) });
    return new Map(users.map((u) => [u.id, { role: u.role, teamId: u.teamId }]));
  }
}
