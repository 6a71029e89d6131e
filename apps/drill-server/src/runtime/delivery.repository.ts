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
  type ObjectLiteral,
} from 'typeorm';
import { RELEASED_STATUSES } from '@drill/contracts';
import { DeliveryEntity, type DeliveryStatus } from '@drill/persistence';
import { DrillRepository } from './drill.repository.js';

/** Rows that still wait for their release: planned for a time, or armed on a condition. */
export const PENDING: DeliveryStatus[] = ['scheduled', 'armed'];
/** Rows released to their team, whatever receipts they have had since (delivered, acknowledged). */
const RELEASED: DeliveryStatus[] = [...RELEASED_STATUSES];

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
export type ReleaseStamp = Pick<
  DeliveryEntity,
  'id' | 'releasedAt' | 'releasedScenarioMs' | 'dueAt' | 'late' | 'releasedBy'
>;

/**
 * Rows per statement when a statement names every row of a batch: at two parameters a row (its id and its
 * `releasedBy`), well under SQLite's 32,766 and PostgreSQL's 65,535 bound parameters.
 */
const ROWS_PER_STATEMENT = 2000;

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * Runs a write with a RETURNING clause in the caller's unit of work and returns the rows it returned. TypeORM's
 * query builder refuses RETURNING on SQLite, which has had it since 3.35, so the statement is written here, with
 * named parameters (`:name`, `:...list`) put into the driver's own placeholders.
 */
export async function returningRows<T>(m: EntityManager, sql: string, params: ObjectLiteral): Promise<T[]> {
  if (!m.queryRunner) throw new Error('returningRows runs inside a transaction');
  const [query, values] = m.connection.driver.escapeQueryWithParameters(sql, params);
  return (await m.queryRunner.query(query, values, true)).records as T[];
}

/** A number or boolean written into a statement as a literal: both stores read these alike, with no parameter. */
function literal(v: number | boolean | null): string {
  if (v === null) return 'NULL';
  if (typeof v === 'boolean') return v ? 'TRUE' : 'FALSE';
  if (!Number.isSafeInteger(v)) throw new Error(`not an integer: ${v}`);
  return String(v);
}

/**
 * `(VALUES (:v0_0, 12, TRUE), …) AS v`: one row per entry of `rows`, read as `v.column1`, `v.column2`, … (the names
 * both stores give a VALUES list's columns). Strings become parameters, added to `params`; numbers and booleans are
 * literals, so that PostgreSQL, which types a VALUES list from its contents, reads them with their own types. An
 * UPDATE … FROM such a list joins on the primary key: a few milliseconds for a thousand rows, where a CASE with a
 * branch per row costs one comparison per row and branch.
 */
export function valuesTable(
  rows: readonly (readonly (string | number | boolean | null)[])[],
  params: ObjectLiteral,
): string {
  const list = rows.map(
    (row, i) =>
      `(${row
        .map((v, j) => {
          if (typeof v !== 'string') return literal(v);
          params[`v${i}_${j}`] = v;
          return `:v${i}_${j}`;
        })
        .join(', ')})`,
  );
  return `(VALUES ${list.join(', ')}) AS v`;
}

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
    for (const chunk of chunks(rows, 200))
      await this.manager(m).createQueryBuilder().insert().into(DeliveryEntity).values(chunk).orIgnore().execute();
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
   * The exactly-once step of a release: marks released, with its stamp, every row that is still in one of the
   * `from` states, in one statement (per ROWS_PER_STATEMENT rows). Returns the ids it claimed; a row missing from
   * them was claimed first by another wake-up or replica.
   */
  async claim(m: EntityManager, stamps: readonly ReleaseStamp[], from: DeliveryStatus[]): Promise<Set<string>> {
    const claimed = new Set<string>();
    for (const rows of chunks(stamps, ROWS_PER_STATEMENT)) {
      const params: ObjectLiteral = { released: 'released', from };
      const v = valuesTable(
        rows.map((r) => [r.id, r.releasedAt, r.releasedScenarioMs, r.dueAt, r.late, r.releasedBy]),
        params,
      );
      const returned = await returningRows<{ id: string }>(
        m,
        `UPDATE "deliveries" SET "status" = :released, "releasedAt" = v.column2, "releasedScenarioMs" = v.column3, ` +
          `"dueAt" = v.column4, "late" = v.column5, "releasedBy" = v.column6 FROM ${v} ` +
          `WHERE "deliveries"."id" = v.column1 AND "deliveries"."status" IN (:...from) ` +
          `RETURNING "deliveries"."id" AS "id"`,
        params,
      );
      for (const r of returned) claimed.add(r.id);
    }
    return claimed;
  }

  /** Gives claimed rows their sequence numbers, in one statement (per ROWS_PER_STATEMENT rows). */
  async setSeqs(m: EntityManager, seqs: readonly { id: string; seq: number }[]): Promise<void> {
    for (const rows of chunks(seqs, ROWS_PER_STATEMENT)) {
      const params: ObjectLiteral = {};
      const v = valuesTable(
        rows.map((r) => [r.id, r.seq]),
        params,
      );
      const [query, values] = m.connection.driver.escapeQueryWithParameters(
        `UPDATE "deliveries" SET "seq" = v.column2 FROM ${v} WHERE "deliveries"."id" = v.column1`,
        params,
      );
      await m.query(query, values);
    }
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

  /**
   * The first client receipt of a released delivery: `delivered`, unless a person acknowledged it already (the ack
   * set deliveredAt then, so this changes nothing). False when it was already recorded (or is not released).
   */
  async markDelivered(exerciseId: string, teamId: string, injectId: string, at: number): Promise<boolean> {
    // Never after an acknowledgement: a person cannot have said "received" before it arrived.
    const deliveredAt = `CASE WHEN "acknowledgedAt" < ${literal(at)} THEN "acknowledgedAt" ELSE ${literal(at)} END`;
    const r = await this.ds
      .createQueryBuilder()
      .update(DeliveryEntity)
      .set({
        status: () =>
          `CASE WHEN "acknowledgedAt" IS NOT NULL THEN 'acknowledged' WHEN "status" = 'released' THEN 'delivered' ` +
          `ELSE "status" END`,
        deliveredAt: () => deliveredAt,
        lagMs: () => `${deliveredAt} - "dueAt"`,
      })
      .where(
        '"exerciseId" = :e AND "teamId" = :t AND "injectId" = :i AND "status" IN (:...released) AND "deliveredAt" IS NULL',
        { e: exerciseId, t: teamId, i: injectId, released: RELEASED },
      )
      .execute();
    return Boolean(r.affected);
  }

  /**
   * The first acknowledgement of a released delivery: `acknowledged`. An acknowledgement implies delivery: a
   * delivery not yet marked delivered (the console acknowledged inside its `inject` handler, before its receipt
   * came back) is delivered at the same instant, so deliveredAt is never after acknowledgedAt. False when it was
   * already acknowledged (or is not released).
   */
  async markAcknowledged(
    exerciseId: string,
    teamId: string,
    injectId: string,
    ack: Pick<DeliveryEntity, 'acknowledgedAt' | 'acknowledgedBy' | 'acknowledgedScenarioMs'>,
  ): Promise<boolean> {
    const at = ack.acknowledgedAt!;
    const deliveredAt = `CASE WHEN "deliveredAt" IS NULL OR "deliveredAt" > ${literal(at)} THEN ${literal(at)} ELSE "deliveredAt" END`;
    const r = await this.ds
      .createQueryBuilder()
      .update(DeliveryEntity)
      .set({
        ...ack,
        status: 'acknowledged',
        deliveredAt: () => deliveredAt,
        lagMs: () => `${deliveredAt} - "dueAt"`,
      })
      .where(
        '"exerciseId" = :e AND "teamId" = :t AND "injectId" = :i AND "status" IN (:...released) AND "acknowledgedAt" IS NULL',
        { e: exerciseId, t: teamId, i: injectId, released: RELEASED },
      )
      .execute();
    return Boolean(r.affected);
  }

  isReleased(exerciseId: string, teamId: string, injectId: string): Promise<boolean> {
    return this.ds.getRepository(DeliveryEntity).existsBy({ exerciseId, teamId, injectId, status: In(RELEASED) });
  }

  /** The deliveries released to the team, in sequence order. */
  listReleasedTo(exerciseId: string, teamId: string): Promise<DeliveryEntity[]> {
    return this.ds.getRepository(DeliveryEntity).find({
      where: { exerciseId, teamId, status: In(RELEASED), seq: Not(IsNull()) },
      order: { seq: 'ASC' },
    });
  }

  /** The injects released to the team. */
  async releasedInjectIds(exerciseId: string, teamId: string): Promise<Set<string>> {
    const rows = await this.ds
      .getRepository(DeliveryEntity)
      .find({ where: { exerciseId, teamId, status: In(RELEASED) }, select: { injectId: true } });
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
          ? { exerciseId, status: In(RELEASED) }
          : [
              { exerciseId, status: In(RELEASED), releasedAt: MoreThanOrEqual(since) },
              { exerciseId, status: In(RELEASED), acknowledgedAt: MoreThanOrEqual(since) },
            ],
    });
  }

  /** Every row of the exercise, released ones in release order (pending rows have no release time). */
  listInReleaseOrder(exerciseId: string): Promise<DeliveryEntity[]> {
    // A batch's releases share one instant: within it, a team's come in its sequence order.
    return this.ds
      .getRepository(DeliveryEntity)
      .find({ where: { exerciseId }, order: { releasedAt: 'ASC', seq: 'ASC' } });
  }

  /** Every row of the exercise. */
  listAll(exerciseId: string): Promise<DeliveryEntity[]> {
    return this.ds.getRepository(DeliveryEntity).find({ where: { exerciseId } });
  }

  countReleased(exerciseId: string, m?: EntityManager): Promise<number> {
    return this.manager(m)
      .getRepository(DeliveryEntity)
      .countBy({ exerciseId, status: In(RELEASED) });
  }
}
