import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { epochMs } from '../columns.js';

/** An evaluator's strength or area for improvement on one objective of an exercise's AAR. */
@Entity('aar_notes')
@Index(['exerciseId', 'at'])
export class AarNoteEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 }) id!: string;
  @Column({ type: 'varchar', length: 36 }) exerciseId!: string;
  @Column({ type: 'varchar', length: 100 }) objectiveId!: string;
  @Column({ type: 'varchar', length: 20 }) kind!: 'strength' | 'improvement';
  @Column({ type: 'text' }) text!: string;
  @Column({ type: 'varchar', length: 36 }) authorUserId!: string;
  @Column({ type: 'bigint', transformer: epochMs }) at!: number;
}

/** One row of the HSEEP improvement plan. Dates are calendar dates (YYYY-MM-DD), stored as text to stay portable. */
@Entity('aar_plan_items')
@Index(['exerciseId', 'createdAt'])
export class AarPlanItemEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 }) id!: string;
  @Column({ type: 'varchar', length: 36 }) exerciseId!: string;
  @Column({ type: 'varchar', length: 100, nullable: true }) objectiveId!: string | null;
  @Column({ type: 'varchar', length: 200 }) capability!: string;
  @Column({ type: 'text' }) issue!: string;
  @Column({ type: 'text' }) correctiveAction!: string;
  @Column({ type: 'varchar', length: 20 }) capabilityElement!:
    'planning' | 'organisation' | 'equipment' | 'training' | 'exercise';
  @Column({ type: 'varchar', length: 36, nullable: true }) responsibleTeamId!: string | null;
  @Column({ type: 'varchar', length: 200, nullable: true }) organisation!: string | null;
  @Column({ type: 'varchar', length: 200, nullable: true }) poc!: string | null;
  @Column({ type: 'varchar', length: 10, nullable: true }) startDate!: string | null;
  @Column({ type: 'varchar', length: 10 }) dueDate!: string;
  @Column({ type: 'varchar', length: 36 }) createdBy!: string;
  @Column({ type: 'bigint', transformer: epochMs }) createdAt!: number;
}

/**
 * Whether an exercise's AAR is still a draft. Publishing freezes it: `snapshot` then holds the report model as
 * published (JSON), and the report is served from it, so later score changes cannot alter a published AAR.
 */
@Entity('aar_states')
export class AarStateEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 }) exerciseId!: string;
  @Column({ type: 'varchar', length: 20 }) status!: 'draft' | 'published';
  @Column({ type: 'bigint', nullable: true, transformer: epochMs }) publishedAt!: number | null;
  @Column({ type: 'varchar', length: 36, nullable: true }) publishedBy!: string | null;
  @Column({ type: 'text', nullable: true }) snapshot!: string | null;
  /** The report's TLP marking (TLP:CLEAR … TLP:RED); null = the default, TLP:AMBER. */
  @Column({ type: 'varchar', length: 20, nullable: true }) marking!: string | null;
}
