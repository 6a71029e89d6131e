import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import type { DeliveryStatus } from '@drill/contracts';
import { epochMs } from '../columns.js';

/**
 * scheduled    — will be released when the clock reaches dueScenarioMs;
 * armed        — a conditional inject waiting for its trigger (ifNoReport is checked at dueScenarioMs,
 *                ifReportMatches when a report arrives; dueScenarioMs null = no time check);
 * released     — handed to the team (seq assigned), pushed to its connected clients;
 * delivered    — a console of the team received it (deliveredAt);
 * acknowledged — a person on the team said "received" (acknowledgedAt; deliveredAt is set too, never later);
 * skipped      — the controller skipped it; not-triggered — its condition did not hold.
 * The vocabulary is @drill/contracts' DELIVERY_STATUSES; "was released" is any of RELEASED_STATUSES.
 */
export type { DeliveryStatus };

/** One row per (exercise, inject, team). Release is a conditional update on this row: exactly once. */
@Entity('deliveries')
@Index(['exerciseId', 'injectId', 'teamId'], { unique: true })
@Index(['exerciseId', 'teamId', 'seq'])
@Index(['exerciseId', 'status', 'dueScenarioMs'])
export class DeliveryEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ type: 'varchar', length: 36 })
  exerciseId!: string;

  @Column({ type: 'varchar', length: 100 })
  injectId!: string;

  @Column({ type: 'varchar', length: 36 })
  teamId!: string;

  @Column({ type: 'varchar', length: 20 })
  status!: DeliveryStatus;

  @Column({ type: 'bigint', nullable: true, transformer: epochMs })
  dueScenarioMs!: number | null;

  /**
   * A conditional inject: when its condition was met for this team (after: watched release + delay; ifNoReport:
   * the watched inject's deadline; ifReportMatches: the matching report). Due = max(earliest offset, this).
   */
  @Column({ type: 'bigint', nullable: true, transformer: epochMs })
  conditionScenarioMs!: number | null;

  /** The wall instant the release was planned for, fixed at release time (for lag and lateness). */
  @Column({ type: 'bigint', nullable: true, transformer: epochMs })
  dueAt!: number | null;

  @Column({ type: 'integer', nullable: true })
  seq!: number | null;

  @Column({ type: 'bigint', nullable: true, transformer: epochMs })
  releasedAt!: number | null;

  @Column({ type: 'bigint', nullable: true, transformer: epochMs })
  releasedScenarioMs!: number | null;

  /** How it was released: scheduler, controller, trigger:<kind>. */
  @Column({ type: 'varchar', length: 40, nullable: true })
  releasedBy!: string | null;

  @Column({ type: 'boolean' })
  late!: boolean;

  @Column({ type: 'bigint', nullable: true, transformer: epochMs })
  deliveredAt!: number | null;

  /** Wall ms from the planned release instant to the first client's receipt. */
  @Column({ type: 'integer', nullable: true })
  lagMs!: number | null;

  @Column({ type: 'bigint', nullable: true, transformer: epochMs })
  acknowledgedAt!: number | null;

  @Column({ type: 'varchar', length: 36, nullable: true })
  acknowledgedBy!: string | null;

  @Column({ type: 'bigint', nullable: true, transformer: epochMs })
  acknowledgedScenarioMs!: number | null;
}
