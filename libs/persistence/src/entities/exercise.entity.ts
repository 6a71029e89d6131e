import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { ExerciseStatus } from '@drill/contracts';
import { epochMs } from '../columns.js';

@Entity('exercises')
export class ExerciseEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ type: 'varchar', length: 200 })
  name!: string;

  @Column({ type: 'varchar', length: 100 })
  scenarioId!: string;

  @Column({ type: 'integer' })
  scenarioVersion!: number;

  @Column({ type: 'varchar', length: 20 })
  status!: ExerciseStatus;

  @Column({ type: 'double precision' })
  speed!: number;

  @Column({ type: 'bigint', nullable: true, transformer: epochMs })
  scheduledStartAt!: number | null;

  @Column({ type: 'bigint', nullable: true, transformer: epochMs })
  startedAt!: number | null;

  @Column({ type: 'bigint', nullable: true, transformer: epochMs })
  pausedAt!: number | null;

  @Column({ type: 'bigint', transformer: epochMs })
  pausedTotalMs!: number;

  @Column({ type: 'bigint', nullable: true, transformer: epochMs })
  endedAt!: number | null;

  /** Bumped on every change that moves release times; a scheduler wake-up from an older epoch is ignored. */
  @Column({ type: 'integer' })
  epoch!: number;

  @Column({ type: 'simple-json' })
  settings!: { teamsSeeOwnScores: boolean };

  @Column({ type: 'varchar', length: 36, nullable: true })
  createdBy!: string | null;

  @Column({ type: 'bigint', transformer: epochMs })
  createdAt!: number;
}
