import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { In, type DataSource } from 'typeorm';
import { AarPlanItemEntity, ExerciseEntity, ExerciseTeamEntity, TeamEntity } from '@drill/persistence';
import { DrillRepository } from '../runtime/drill.repository.js';

/** A drill that counts for capacity: completed (see CapacityService for why aborted drills do not). */
export type CountedDrill = Pick<ExerciseEntity, 'id' | 'name' | 'endedAt'>;

/** What the capacity views read: completed drills, the teams' records (tier) and the AARs' improvement plans. */
@Injectable()
export class CapacityRepository extends DrillRepository {
  constructor(@InjectDataSource() ds: DataSource) {
    super(ds);
  }

  /** Completed drills that ended within [from, to] (epoch ms, inclusive), oldest first. */
  async completedDrills(from = -Infinity, to = Infinity): Promise<CountedDrill[]> {
    const q = this.ds
      .getRepository(ExerciseEntity)
      .createQueryBuilder('e')
      .select(['e.id', 'e.name', 'e.endedAt'])
      .where('e.status = :status', { status: 'completed' })
      .andWhere('e.endedAt IS NOT NULL');
    if (Number.isFinite(from)) q.andWhere('e.endedAt >= :from', { from });
    if (Number.isFinite(to)) q.andWhere('e.endedAt <= :to', { to });
    return q.orderBy('e.endedAt', 'ASC').addOrderBy('e.id', 'ASC').getMany();
  }

  /** The ids of the exercises that enrolled the team. */
  async exerciseIdsOf(teamId: string): Promise<Set<string>> {
    const rows = await this.ds
      .getRepository(ExerciseTeamEntity)
      .find({ select: { exerciseId: true }, where: { teamId } });
    return new Set(rows.map((r) => r.exerciseId));
  }

  team(teamId: string): Promise<TeamEntity | null> {
    return this.ds.getRepository(TeamEntity).findOneBy({ id: teamId });
  }

  /** The teams' records by id (for their current GCI tier). */
  async teams(teamIds: string[]): Promise<Map<string, TeamEntity>> {
    if (!teamIds.length) return new Map();
    const rows = await this.ds.getRepository(TeamEntity).findBy({ id: In(teamIds) });
    return new Map(rows.map((t) => [t.id, t]));
  }

  /** Improvement-plan items the AARs of these exercises assign to these teams, by due date. */
  planItemsFor(teamIds: string[], exerciseIds: string[]): Promise<AarPlanItemEntity[]> {
    if (!teamIds.length || !exerciseIds.length) return Promise.resolve([]);
    return this.ds.getRepository(AarPlanItemEntity).find({
      where: { responsibleTeamId: In(teamIds), exerciseId: In(exerciseIds) },
      order: { dueDate: 'ASC', createdAt: 'ASC' },
    });
  }
}
