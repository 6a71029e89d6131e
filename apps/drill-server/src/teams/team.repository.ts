import { Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { In, type DataSource, type Repository } from 'typeorm';
import type { ExerciseStatus } from '@drill/contracts';
import { ExerciseEntity, ExerciseTeamEntity, TeamEntity, UserEntity } from '@drill/persistence';

/** Exercises that have not ended: their runtime plans releases from the teams' tags. */
const UNFINISHED: ExerciseStatus[] = ['draft', 'scheduled', 'running', 'paused'];

/** The teams table: every query the teams and users features make of it. */
@Injectable()
export class TeamRepository {
  constructor(
    @InjectRepository(TeamEntity) private readonly teams: Repository<TeamEntity>,
    @InjectDataSource() private readonly ds: DataSource,
  ) {}

  codeTaken(code: string): Promise<boolean> {
    return this.teams.existsBy({ code });
  }

  exists(teamId: string): Promise<boolean> {
    return this.teams.existsBy({ id: teamId });
  }

  async byId(teamId: string): Promise<TeamEntity | undefined> {
    return (await this.teams.findOneBy({ id: teamId })) ?? undefined;
  }

  async insert(team: TeamEntity): Promise<void> {
    await this.teams.insert(team);
  }

  async update(
    teamId: string,
    changes: Partial<Pick<TeamEntity, 'name' | 'country' | 'tier' | 'tags' | 'pointsOfContact'>>,
  ): Promise<void> {
    await this.teams.update({ id: teamId }, changes);
  }

  listByCode(): Promise<TeamEntity[]> {
    return this.teams.find({ order: { code: 'ASC' } });
  }

  /** The names of the exercises not yet ended that enrol the team. */
  async unfinishedExercisesOf(teamId: string): Promise<string[]> {
    const rows = await this.ds
      .getRepository(ExerciseEntity)
      .createQueryBuilder('e')
      .innerJoin(ExerciseTeamEntity, 'et', 'et.exerciseId = e.id AND et.teamId = :teamId', { teamId })
      .where('e.status IN (:...statuses)', { statuses: UNFINISHED })
      .orderBy('e.name', 'ASC')
      .select('e.name', 'name')
      .getRawMany<{ name: string }>();
    return rows.map((r) => r.name);
  }

  exerciseExists(exerciseId: string): Promise<boolean> {
    return this.ds.getRepository(ExerciseEntity).existsBy({ id: exerciseId });
  }

  /** The teams enrolled in an exercise, by code, read afresh (a team's name may have been edited since). */
  enrolledIn(exerciseId: string): Promise<TeamEntity[]> {
    return this.teams
      .createQueryBuilder('t')
      .innerJoin(ExerciseTeamEntity, 'et', 'et.teamId = t.id AND et.exerciseId = :exerciseId', { exerciseId })
      .orderBy('t.code', 'ASC')
      .getMany();
  }

  /** The participants of these teams, by name. */
  participantsOf(teamIds: string[]): Promise<UserEntity[]> {
    if (teamIds.length === 0) return Promise.resolve([]);
    return this.ds
      .getRepository(UserEntity)
      .find({ where: { role: 'participant', teamId: In(teamIds) }, order: { name: 'ASC', id: 'ASC' } });
  }
}
