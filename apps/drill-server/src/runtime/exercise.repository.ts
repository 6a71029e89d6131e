import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { In, type DataSource, type EntityManager, type ObjectLiteral } from 'typeorm';
import { NotFound } from '@drill/contracts';
import type { EnrolledTeam } from '@drill/exercise';
import type { Scenario } from '@drill/scenario';
import { ExerciseEntity, ExerciseTeamEntity, ScenarioVersionEntity, TeamEntity } from '@drill/persistence';
import { returningRows, valuesTable } from './delivery.repository.js';
import { DrillRepository } from './drill.repository.js';

export type EnrolledTeamRow = EnrolledTeam & { name: string };

/** The database's clock in epoch ms, read in the same round trip as whatever else the statement reads. */
const DB_NOW = '(EXTRACT(EPOCH FROM clock_timestamp()) * 1000)::float8';

/** The key of a team's sequence in `lastSeqs`. */
export const teamSeqKey = (exerciseId: string, teamId: string) => `${exerciseId}/${teamId}`;

/** Exercises, their enrolled teams with each team's delivery sequence, and the scenario version they pin. */
@Injectable()
export class ExerciseRepository extends DrillRepository {
  private readonly teamCache = new Map<string, Promise<EnrolledTeamRow[]>>();

  constructor(@InjectDataSource() ds: DataSource) {
    super(ds);
  }

  findById(exerciseId: string): Promise<ExerciseEntity | null> {
    return this.ds.getRepository(ExerciseEntity).findOneBy({ id: exerciseId });
  }

  /** The exercise, or NotFound. */
  async get(exerciseId: string): Promise<ExerciseEntity> {
    const ex = await this.findById(exerciseId);
    if (!ex) throw new NotFound(`no exercise ${exerciseId}`);
    return ex;
  }

  /** Exercises whose clock runs or whose start is planned: what a process resumes and the sweep watches. */
  listLive(): Promise<ExerciseEntity[]> {
    return this.ds.getRepository(ExerciseEntity).find({ where: { status: In(['running', 'scheduled']) } });
  }

  listNewestFirst(): Promise<ExerciseEntity[]> {
    return this.ds.getRepository(ExerciseEntity).find({ order: { createdAt: 'DESC' } });
  }

  /** Creates the exercise with its teams enrolled, in one transaction: enrolment never changes afterwards. */
  async create(ex: ExerciseEntity, teamIds: string[]): Promise<void> {
    await this.transaction(async (m) => {
      await m.getRepository(ExerciseEntity).insert(ex);
      await m
        .getRepository(ExerciseTeamEntity)
        .insert(teamIds.map((teamId) => ({ exerciseId: ex.id, teamId, lastSeq: 0 })));
    });
  }

  /**
   * The exercise read inside a transaction, on PostgreSQL under a row lock (`share` against lifecycle changes,
   * `update` for one) together with the database's clock read after the lock is granted, in one round trip. On
   * SQLite, where one transaction runs at a time, a plain read and no clock (`dbNow` undefined).
   */
  async readLocked(
    m: EntityManager,
    exerciseId: string,
    lock: 'share' | 'update',
  ): Promise<{ ex: ExerciseEntity; dbNow: number | undefined }> {
    const qb = m.getRepository(ExerciseEntity).createQueryBuilder('e').where('e.id = :id', { id: exerciseId });
    if (!this.postgres) {
      const ex = await qb.getOne();
      if (!ex) throw new NotFound(`no exercise ${exerciseId}`);
      return { ex, dbNow: undefined };
    }
    qb.setLock(lock === 'share' ? 'pessimistic_read' : 'pessimistic_write').addSelect(DB_NOW, 'db_now');
    const { entities, raw } = await qb.getRawAndEntities<{ db_now: number | string }>();
    const ex = entities[0];
    if (!ex) throw new NotFound(`no exercise ${exerciseId}`);
    return { ex, dbNow: Math.round(Number(raw[0]!.db_now)) };
  }

  /** The database's clock (PostgreSQL only). */
  async databaseNow(m?: EntityManager): Promise<number> {
    const rows: { now: number | string }[] = await this.manager(m).query(`SELECT ${DB_NOW} AS now`);
    return Math.round(Number(rows[0]!.now));
  }

  /**
   * Moves the exercise from the state it was read in (`from`) to `patch`; false when another transition got there
   * first.
   */
  async applyTransition(
    m: EntityManager,
    exerciseId: string,
    from: Pick<ExerciseEntity, 'status' | 'epoch'>,
    patch: Partial<ExerciseEntity>,
  ): Promise<boolean> {
    const r = await m
      .createQueryBuilder()
      .update(ExerciseEntity)
      .set(patch)
      .where('id = :id AND status = :status AND epoch = :epoch', {
        id: exerciseId,
        status: from.status,
        epoch: from.epoch,
      })
      .execute();
    return Boolean(r.affected);
  }

  /** A new schedule epoch (wake-ups planned in older ones become no-ops); returns the exercise as it now is. */
  async bumpEpoch(m: EntityManager, exerciseId: string): Promise<ExerciseEntity> {
    await m.getRepository(ExerciseEntity).increment({ id: exerciseId }, 'epoch', 1);
    return m.getRepository(ExerciseEntity).findOneByOrFail({ id: exerciseId });
  }

  /**
   * The teams of an exercise, by code. Cached: teams are enrolled in the same transaction that creates the exercise
   * and never change afterwards, and a team's code, name and tags cannot be edited, so every replica may keep them.
   */
  enrolledTeams(exerciseId: string): Promise<EnrolledTeamRow[]> {
    let teams = this.teamCache.get(exerciseId);
    if (!teams) {
      teams = this.ds
        .getRepository(TeamEntity)
        .createQueryBuilder('t')
        .innerJoin(ExerciseTeamEntity, 'et', 'et.teamId = t.id AND et.exerciseId = :exerciseId', { exerciseId })
        .orderBy('t.code', 'ASC')
        .getMany()
        .then((rows) => rows.map((t) => ({ id: t.id, code: t.code, name: t.name, tags: t.tags })));
      this.teamCache.set(exerciseId, teams);
      teams.then(
        (list) => list.length === 0 && this.teamCache.delete(exerciseId), // unknown exercise: do not remember
        () => this.teamCache.delete(exerciseId),
      );
    }
    return teams;
  }

  async exerciseIdsOfTeam(teamId: string): Promise<string[]> {
    return (await this.ds.getRepository(ExerciseTeamEntity).findBy({ teamId })).map((r) => r.exerciseId);
  }

  /**
   * Locks these teams' sequences until the transaction ends (PostgreSQL; SQLite runs one transaction at a time
   * already). A release takes them before it claims any row, so a team's releases, on every replica, run one after
   * the other: two batches whose rows overlap never lock them in opposite orders (a deadlock), and the second claims
   * only what the first left. Taken in team-id order, so passes that share some teams queue rather than deadlock.
   */
  async lockSeqs(m: EntityManager, exerciseId: string, teamIds: readonly string[]): Promise<void> {
    if (!this.postgres || !teamIds.length) return;
    await m
      .getRepository(ExerciseTeamEntity)
      .createQueryBuilder('et')
      .select('et.teamId')
      .where('et.exerciseId = :e AND et.teamId IN (:...t)', { e: exerciseId, t: [...teamIds] })
      .orderBy('et.teamId')
      .setLock('pessimistic_write')
      .getRawMany();
  }

  /**
   * Takes the next `n` sequence numbers of each team in one statement; returns the first of each team's range.
   */
  async takeSeqs(
    m: EntityManager,
    exerciseId: string,
    counts: ReadonlyMap<string, number>,
  ): Promise<Map<string, number>> {
    const params: ObjectLiteral = { e: exerciseId };
    const v = valuesTable(
      [...counts].map(([teamId, n]) => [teamId, n]),
      params,
    );
    const rows = await returningRows<{ teamId: string; lastSeq: number | string }>(
      m,
      `UPDATE "exercise_teams" SET "lastSeq" = "lastSeq" + v.column2 FROM ${v} ` +
        `WHERE "exercise_teams"."exerciseId" = :e AND "exercise_teams"."teamId" = v.column1 ` +
        `RETURNING "exercise_teams"."teamId" AS "teamId", "exercise_teams"."lastSeq" AS "lastSeq"`,
      params,
    );
    const first = new Map(rows.map((r) => [r.teamId, Number(r.lastSeq) - counts.get(r.teamId)! + 1]));
    for (const teamId of counts.keys())
      if (!first.has(teamId)) throw new NotFound(`team ${teamId} is not enrolled in exercise ${exerciseId}`);
    return first;
  }

  /** The last sequence number handed to the team in the exercise; 0 before its first release or if not enrolled. */
  async lastSeqOf(exerciseId: string, teamId: string): Promise<number> {
    const row = await this.ds
      .getRepository(ExerciseTeamEntity)
      .findOne({ select: { lastSeq: true }, where: { exerciseId, teamId } });
    return row?.lastSeq ?? 0;
  }

  /** The last sequence number of every team of the exercises, in one query, keyed by `teamSeqKey`. */
  async lastSeqs(exerciseIds: readonly string[]): Promise<Map<string, number>> {
    if (!exerciseIds.length) return new Map();
    const rows = await this.ds.getRepository(ExerciseTeamEntity).find({
      select: { exerciseId: true, teamId: true, lastSeq: true },
      where: { exerciseId: In([...exerciseIds]) },
    });
    return new Map(rows.map((r) => [teamSeqKey(r.exerciseId, r.teamId), r.lastSeq]));
  }

  /** The newest version of the scenario, if it has any. */
  async latestScenarioVersion(scenarioId: string): Promise<number | undefined> {
    const row = await this.ds.getRepository(ScenarioVersionEntity).findOne({
      where: { scenarioId },
      order: { version: 'DESC' },
      select: { version: true },
    });
    return row?.version;
  }

  hasScenarioVersion(scenarioId: string, version: number): Promise<boolean> {
    return this.ds.getRepository(ScenarioVersionEntity).existsBy({ scenarioId, version });
  }

  /** The scenario as stored in that version (versions are never changed once stored). */
  async scenarioDefinition(scenarioId: string, version: number): Promise<Scenario | undefined> {
    return (await this.ds.getRepository(ScenarioVersionEntity).findOneBy({ scenarioId, version }))?.definition;
  }

  /** The teams among `ids` that exist. */
  findTeams(ids: string[]): Promise<TeamEntity[]> {
    return this.ds.getRepository(TeamEntity).findBy({ id: In(ids) });
  }
}
