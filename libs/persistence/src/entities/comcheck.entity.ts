import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { epochMs } from '../columns.js';

/** A communications check drill control sent to every participant of an exercise's teams. */
@Entity('comchecks')
@Index(['exerciseId', 'sentAt'])
export class ComcheckEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ type: 'varchar', length: 36 })
  exerciseId!: string;

  @Column({ type: 'varchar', length: 36 })
  sentByUserId!: string;

  @Column({ type: 'bigint', transformer: epochMs })
  sentAt!: number;
}

/**
 * One person's receipt of one check: reached (a console of theirs acknowledged the event), confirmed (they
 * answered). The first instant of each stands; later ones change nothing.
 */
@Entity('comcheck_receipts')
export class ComcheckReceiptEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  comcheckId!: string;

  @PrimaryColumn({ type: 'varchar', length: 36 })
  userId!: string;

  @Column({ type: 'varchar', length: 36 })
  teamId!: string;

  @Column({ type: 'bigint', nullable: true, transformer: epochMs })
  reachedAt!: number | null;

  @Column({ type: 'bigint', nullable: true, transformer: epochMs })
  confirmedAt!: number | null;

  /** How they confirmed: `socket` or `http`. */
  @Column({ type: 'varchar', length: 10, nullable: true })
  confirmedVia!: string | null;
}
