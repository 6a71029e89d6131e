import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { epochMs } from '../columns.js';

/**
 * One participant's feedback form on one exercise (HSEEP participant feedback, after ENDEX). One row per person
 * per exercise: submitting again replaces it (the audit log keeps that it was replaced).
 */
@Entity('participant_feedback')
@Index(['exerciseId', 'userId'], { unique: true })
export class ParticipantFeedbackEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 }) id!: string;
  @Column({ type: 'varchar', length: 36 }) exerciseId!: string;
  @Column({ type: 'varchar', length: 36 }) userId!: string;
  @Column({ type: 'varchar', length: 36, nullable: true }) teamId!: string | null;
  /** `[{objectiveId, rating}]`, as JSON text. */
  @Column({ type: 'simple-json' }) objectiveRatings!: { objectiveId: string; rating: number }[];
  /** `[{capability, rating}]`, as JSON text. */
  @Column({ type: 'simple-json' }) capabilityRatings!: { capability: string; rating: number }[];
  @Column({ type: 'text', nullable: true }) strengths!: string | null;
  @Column({ type: 'text', nullable: true }) improvements!: string | null;
  @Column({ type: 'boolean' }) anonymous!: boolean;
  @Column({ type: 'bigint', transformer: epochMs }) submittedAt!: number;
}
