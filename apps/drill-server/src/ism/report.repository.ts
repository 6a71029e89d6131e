import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { In, LessThanOrEqual, MoreThanOrEqual, type DataSource, type EntityManager } from 'typeorm';
import type { Person } from '@drill/ism';
import { ExerciseEntity, IsmReportEntity, UserEntity } from '@drill/persistence';
import { DrillRepository } from '../runtime/drill.repository.js';

/** ISM reports as submitted. Reports are never updated. */
@Injectable()
export class ReportRepository extends DrillRepository {
  constructor(@InjectDataSource() ds: DataSource) {
    super(ds);
  }

  /**
   * Inserts the report, in the caller's transaction, only while its exercise is still at schedule epoch `epoch`:
   * every lifecycle transition (pause, resume, ENDEX, ...) moves the epoch, so a report checked against an exercise
   * read earlier is stored only if that reading still holds, without a statement of its own to re-read it. False
   * when the exercise has moved on (nothing stored). One statement: `INSERT … SELECT … WHERE EXISTS (…)`.
   */
  async insertAtEpoch(m: EntityManager, row: IsmReportEntity, epoch: number): Promise<boolean> {
    // TypeORM writes the column list and converts the values (JSON columns, transformers); only the row source changes.
    const [insert, params] = m.createQueryBuilder().insert().into(IsmReportEntity).values(row).getQueryAndParameters();
    const values = / VALUES \((.*)\)$/s.exec(insert);
    if (!values) throw new Error(`unexpected INSERT from TypeORM: ${insert.slice(0, 200)}`);
    const ex = this.ds.getMetadata(ExerciseEntity);
    const name = (property: string) => this.ds.driver.escape(ex.findColumnWithPropertyName(property)!.databaseName);
    const param = (n: number) => (this.postgres ? `$${params.length + n}` : '?');
    const sql =
      `${insert.slice(0, values.index)} SELECT ${values[1]} WHERE EXISTS (SELECT 1 FROM ` +
      `${this.ds.driver.escape(ex.tableName)} WHERE ${name('id')} = ${param(1)} AND ${name('epoch')} = ${param(2)})`;
    const r = await m.queryRunner!.query(sql, [...params, row.exerciseId, epoch], true);
    return r.affected === 1;
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
