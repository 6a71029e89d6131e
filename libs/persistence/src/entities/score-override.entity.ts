import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { epochMs } from '../columns.js';

/** An evaluator's override of one (team, inject) score. Append-only: the latest per pair applies. */
@Entity('score_overrides')
@Index(['exerciseId', 'at'])
export class ScoreOverrideEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 }) id!: string;
  @Column({ type: 'varchar', length: 36 }) exerciseId!: string;
  @Column({ type: 'varchar', length: 36 }) teamId!: string;
  @Column({ type: 'varchar', length: 100 }) injectId!: string;
  @Column({ type: 'double precision', nullable: true }) timeliness!: number | null;
  @Column({ type: 'double precision', nullable: true }) completeness!: number | null;
  @Column({ type: 'text' }) justification!: string;
  @Column({ type: 'varchar', length: 36 }) byUserId!: string;
  @Column({ type: 'bigint', transformer: epochMs }) at!: number;
}

/** An evaluator's override of an objective's HSEEP rating (for one team, or overall). Append-only. */
@Entity('rating_overrides')
@Index(['exerciseId', 'at'])
export class RatingOverrideEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 }) id!: string;
  @Column({ type: 'varchar', length: 36 }) exerciseId!: string;
  @Column({ type: 'varchar', length: 100 }) objectiveId!: string;
  @Column({ type: 'varchar', length: 36, nullable: true }) teamId!: string | null;
  @Column({ type: 'varchar', length: 1 }) rating!: 'P' | 'S' | 'M' | 'U';
  @Column({ type: 'text' }) justification!: string;
  @Column({ type: 'varchar', length: 36 }) byUserId!: string;
  @Column({ type: 'bigint', transformer: epochMs }) at!: number;
}
