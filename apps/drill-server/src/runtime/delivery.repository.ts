import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import {
  In,
  IsNull,
  LessThanOrEqual,
  MoreThanOrEqual,
  Not,
  type DataSource,
  type EntityManager,
  type QueryDeepPartialEntity,
} from 'typeorm';
import { DeliveryEntity, type DeliveryStatus } from '@drill/persistence';
import { DrillRepository } from './drill.repository.js';

/** Rows that still wait for their release: planned for a time, or armed on a condition. */
export const PENDING: DeliveryStatus[] = ['scheduled', 'armed'];

/** A delivery row not yet released. */
export function pendingDelivery(
  exerciseId: string,
  injectId: string,
  teamId: string,
  status: DeliveryStatus,
  dueScenarioMs: number | null,
  conditionScenarioMs: number | null = null,
): Partial<DeliveryEntity> {
  return {
    id: randomUUID(),
    exerciseId,
    injectId,
    teamId,
    status,
    dueScenarioMs,
    conditionScenarioMs,
    dueAt: null,
    seq: null,
    releasedAt: null,
    releasedScenarioMs: null,
    releasedBy: null,
    late: false,
    deliveredAt: null,
    lagMs: null,
    acknowledgedAt: null,
    acknowledgedBy: null,
    acknowledgedScenarioMs: null,
  };
}

/** What a release writes on the row it claims. */
export type ReleaseStamp = Pick<DeliveryEntity, 'releasedAt' | 'releasedScenarioMs' | 'dueAt' | 'late' | 'releasedBy'>;

/** One row per (exercise, inject, team): planned, armed, released exactly once, delivered, acknowledged. */
@Injectable()
export class DeliveryRepository extends DrillRepository {
  constructor(@InjectDataSource() ds: DataSource) {
    super(ds);
  }

  /** The rows planned when the exercise starts, in batches that stay under the databases' parameter limits. */
  async insertPlanned(m: EntityManager, rows: Partial<DeliveryEntity>[]): Promise<void> {
    for (let i = 0; i < rows.length; i += 200) await m.getRepository(DeliveryEntity).insert(rows.slice(i, i + 200));
  }

  /** Inserts the rows whose (exercise, inject, team) has none yet; existing rows are left as they are. */
  async insertIfAbsent(rows: Partial<DeliveryEntity>[], m?: EntityManager): Promise<void> {
    await this.manager(m).createQueryBuilder().insert().into(DeliveryEntity).values(rows).orIgnore().execute();
  }

  find(exerciseId: string, injectId: string, teamId: string): Promise<DeliveryEntity> {
    return this.ds.getRepository(DeliveryEntity).findOneByOrFail({ exerciseId, injectId, teamId });
  }

  /** Pending rows of the exercise due at or before `horizonScenarioMs`, in no particular order. */
  listDue(exerciseId: string, horizonScenarioMs: number): Promise<DeliveryEntity[]> {
    return this.ds.getRepository(DeliveryEntity).find({
      where: { exerciseId, status: In(PENDING), dueScenarioMs: LessThanOrEqual(horizonScenarioMs) },
    });
  }

  /** The scenario ms of the exercise's next timed pending release, if any. */
  async nextDue(exerciseId: string): Promise<number | undefined> {
    const next = await this.ds
      .getRepository(DeliveryEntity)
      .createQueryBuilder('d')
      .select('MIN(d.dueScenarioMs)', 'min')
      .where('d.exerciseId = :id AND d.status IN (:...pending) AND d.dueScenarioMs IS NOT NULL', {
        id: exerciseId,
        pending: PENDING,
      })
      .getRawOne<{ min: string | number | null }>();
    return next?.min === null || next?.min === undefined ? undefined : Number(next.min);
  }

  /** `nextDue` of several exercises in one query; exercises with nothing pending are absent. */
  async nextDueOf(exerciseIds: string[]): Promise<Map<string, number>> {
    if (!exerciseIds.length) return new Map();
    const rows = await this.ds
      .getRepository(DeliveryEntity)
      .createQueryBuilder('d')
      .select('d.exerciseId', 'exerciseId')
      .addSelect('MIN(d.dueScenarioMs)', 'min')
      .where('d.exerciseId IN (:...ids) AND d.status IN (:...pending) AND d.dueScenarioMs IS NOT NULL', {
        ids: exerciseIds,
        pending: PENDING,
      })
      .groupBy('d.exerciseId')
      .getRawMany<{ exerciseId: string; min: string | number }>();
    return new Map(rows.map((r) => [r.exerciseId, Number(r.min)]));
  }

  /** An armed ifNoReport row whose condition no longer holds: the team reported in time. */
  async markNotTriggered(m: EntityManager, deliveryId: string): Promise<void> {
    await m.getRepository(DeliveryEntity).update({ id: deliveryId, status: 'armed' }, { status: 'not-triggered' });
  }

  /**
   * The exactly-once step of a release: marks the row released if it is still in one of the `from` states. False
   * when another wake-up or replica claimed it first.
   */
  async claim(m: EntityManager, deliveryId: string, from: DeliveryStatus[], stamp: ReleaseStamp): Promise<boolean> {
    const claimed = await m
      .createQueryBuilder()
      .update(DeliveryEntity)
      .set({ status: 'released', ...stamp })
      .where('id = :id AND status IN (:...from)', { id: deliveryId, from })
      .execute();
    return Boolean(claimed.affected);
  }

  async setSeq(m: EntityManager, deliveryId: string, seq: number): Promise<void> {
    await m.getRepository(DeliveryEntity).update({ id: deliveryId }, { seq });
  }

  /** The team's rows armed on a report (ifReportMatches: armed with no time yet). */
  listAwaitingReport(exerciseId: string, teamId: string): Promise<DeliveryEntity[]> {
    return this.ds
      .getRepository(DeliveryEntity)
      .find({ where: { exerciseId, teamId, status: 'armed', dueScenarioMs: IsNull() } });
  }

  /** An armed row whose trigger fired gets its time; false when it was no longer armed. */
  async scheduleArmed(
    deliveryId: string,
    when: Pick<DeliveryEntity, 'conditionScenarioMs' | 'dueScenarioMs'>,
  ): Promise<boolean> {
    const r = await this.ds
      .getRepository(DeliveryEntity)
      .update({ id: deliveryId, status: 'armed' }, { status: 'scheduled', ...when });
    return Boolean(r.affected);
  }

  /** Skips every pending row of the inject; returns how many. */
  async skipPending(m: EntityManager, exerciseId: string, injectId: string): Promise<number> {
    const r = await m
      .getRepository(DeliveryEntity)
      .update({ exerciseId, injectId, status: In(PENDING) }, { status: 'skipped' });
    return r.affected ?? 0;
  }

  /** The inject's pending rows that have a time (scheduled, or armed with a deadline). */
  listPendingTimed(m: EntityManager, exerciseId: string, injectId: string): Promise<DeliveryEntity[]> {
    return m.getRepository(DeliveryEntity).find({
      where: { exerciseId, injectId, status: In(PENDING), dueScenarioMs: Not(IsNull()) },
    });
  }

  /** Moves a pending row to a new time, if it is still in the state it was read in. */
  async moveDue(m: EntityManager, row: DeliveryEntity, dueScenarioMs: number): Promise<void> {
    await m.getRepository(DeliveryEntity).update({ id: row.id, status: row.status }, { dueScenarioMs });
  }

  /** The first client receipt of a released delivery; false when it was already recorded (or is not released). */
  markDelivered(exerciseId: string, teamId: string, injectId: string, at: number): Promise<boolean> {
    return this.setFirst(exerciseId, teamId, injectId, 'deliveredAt', {
      deliveredAt: at,
      lagMs: () => `${at} - "dueAt"`,
    });
  }

  /** The first acknowledgement of a released delivery; false when it was already acknowledged (or is not released). */
  markAcknowledged(
    exerciseId: string,
    teamId: string,
    injectId: string,
    ack: Pick<DeliveryEntity, 'acknowledgedAt' | 'acknowledgedBy' | 'acknowledgedScenarioMs'>,
  ): Promise<boolean> {
    return this.setFirst(exerciseId, teamId, injectId, 'acknowledgedAt', ack);
  }

  /** Sets a released delivery's receipt columns unless `first` is already set: the first receipt is the one kept. */
  private async setFirst(
    exerciseId: string,
    teamId: string,
    injectId: string,
    first: 'deliveredAt' | 'acknowledgedAt',
    set: QueryDeepPartialEntity<DeliveryEntity>,
  ): Promise<boolean> {
    const r = await this.ds
      .createQueryBuilder()
      .update(DeliveryEntity)
      .set(set)
      .where(`exerciseId = :e AND teamId = :t AND injectId = :i AND status = :s AND ${first} IS NULL`, {
        e: exerciseId,
        t: teamId,
        i: injectId,
        s: 'released',
      })
      .execute();
    return Boolean(r.affected);
  }

  isReleased(exerciseId: string, teamId: string, injectId: string): Promise<boolean> {
    return this.ds.getRepository(DeliveryEntity).existsBy({ exerciseId, teamId, injectId, status: 'released' });
  }

  /** The deliveries released to the team, in sequence order. */
  listReleasedTo(exerciseId: string, teamId: string): Promise<DeliveryEntity[]> {
    return this.ds.getRepository(DeliveryEntity).find({
      where: { exerciseId, teamId, status: 'released', seq: Not(IsNull()) },
      order: { seq: 'ASC' },
    });
  }

  /** The injects released to the team. */
  async releasedInjectIds(exerciseId: string, teamId: string): Promise<Set<string>> {
    const rows = await this.ds
      .getRepository(DeliveryEntity)
      .find({ where: { exerciseId, teamId, status: 'released' }, select: { injectId: true } });
    return new Set(rows.map((r) => r.injectId));
  }

  /**
   * Released deliveries of the exercise for scoring: all of them, or (`since`, epoch ms) those released or
   * acknowledged at or after it.
   */
  listReleased(exerciseId: string, since?: number): Promise<DeliveryEntity[]> {
    return this.ds.getRepository(DeliveryEntity).find({
      where:
        since === undefined
          ? { exerciseId, status: 'released' }
          : [
              { exerciseId, status: 'released', releasedAt: MoreThanOrEqual(since) },
              { exerciseId, status: 'released', acknowledgedAt: MoreThanOrEqual(since) },
            ],
    });
  }

  /** Every row of the exercise, released ones in release order (pending rows have no release time). */
  listInReleaseOrder(exerciseId: string): Promise<DeliveryEntity[]> {
    return this.ds.getRepository(DeliveryEntity).find({ where: { exerciseId }, order: { releasedAt: 'ASC' } });
  }

  /** Every row of the exercise. */
  listAll(exerciseId: string): Promise<DeliveryEntity[]> {
    return this.ds.getRepository(DeliveryEntity).find({ where: { exerciseId } });
  }

  countReleased(exerciseId: string, m?: EntityManager): Promise<number> {
    return this.manager(m).getRepository(DeliveryEntity).countBy({ exerciseId, status: 'released' });
  }
}
