import { Column, Entity, PrimaryColumn } from 'typeorm';
import { epochMs } from '../columns.js';

/** A controller's standing edit of one inject in a live exercise: applies to rows that exist and rows armed later. */
@Entity('inject_edits')
export class InjectEditEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  exerciseId!: string;

  @PrimaryColumn({ type: 'varchar', length: 100 })
  injectId!: string;

  @Column({ type: 'boolean' })
  skipped!: boolean;

  /** The retimed offset (earliest release), scenario ms; null = as authored. */
  @Column({ type: 'bigint', nullable: true, transformer: epochMs })
  offsetMs!: number | null;

  @Column({ type: 'varchar', length: 36, nullable: true })
  updatedBy!: string | null;

  @Column({ type: 'bigint', transformer: epochMs })
  updatedAt!: number;
}
