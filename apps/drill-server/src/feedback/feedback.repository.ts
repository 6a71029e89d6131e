import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { In, type DataSource, type EntityManager } from 'typeorm';
import { ParticipantFeedbackEntity, TeamEntity, UserEntity } from '@drill/persistence';
import { DrillRepository } from '../runtime/drill.repository.js';

/** Participant feedback forms: one row per person per exercise. */
@Injectable()
export class FeedbackRepository extends DrillRepository {
  constructor(@InjectDataSource() ds: DataSource) {
    super(ds);
  }

  mine(exerciseId: string, userId: string, m?: EntityManager): Promise<ParticipantFeedbackEntity | null> {
    return this.manager(m).getRepository(ParticipantFeedbackEntity).findOneBy({ exerciseId, userId });
  }

  /** Every form of the exercise, oldest first. */
  all(exerciseId: string): Promise<ParticipantFeedbackEntity[]> {
    return this.ds
      .getRepository(ParticipantFeedbackEntity)
      .find({ where: { exerciseId }, order: { submittedAt: 'ASC', id: 'ASC' } });
  }

  /**
   * Stores the person's form, replacing the one they sent before: one row per person, whose id stays the first's.
   * An upsert, because two first submissions racing on PostgreSQL both find no row to replace. Returns the row.
   */
  async save(m: EntityManager, row: ParticipantFeedbackEntity): Promise<ParticipantFeedbackEntity> {
    await m
      .createQueryBuilder()
      .insert()
      .into(ParticipantFeedbackEntity)
      .values(row)
      .orUpdate(
        ['teamId', 'objectiveRatings', 'capabilityRatings', 'strengths', 'improvements', 'anonymous', 'submittedAt'],
        ['exerciseId', 'userId'],
      )
      .execute();
    return (await this.mine(row.exerciseId, row.userId, m))!;
  }

  /** The writers' names and team codes, for the comments of those who chose to be named. */
  async writers(
    userIds: string[],
    teamIds: string[],
  ): Promise<{ names: Map<string, string>; codes: Map<string, string> }> {
    const [users, teams] = await Promise.all([
      userIds.length
        ? this.ds.getRepository(UserEntity).find({ select: { id: true, name: true }, where: { id: In(userIds) } })
        : [],
      teamIds.length
        ? this.ds.getRepository(TeamEntity).find({ select: { id: true, code: true }, where: { id: In(teamIds) } })
        : [],
    ]);
    return { names: new Map(users.map((u) => [u.id, u.name])), codes: new Map(teams.map((t) => [t.id, t.code])) };
  }
}
