import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { epochMs } from '../columns.js';

/** Append-only: rows are inserted, never updated or deleted. The source of every exercise timeline. */
@Entity('audit_events')
@Index(['exerciseId', 'at'])
export class AuditEventEntity {
  @PrimaryGeneratedColumn()
  seq!: number;

  @Column({ type: 'bigint', transformer: epochMs })
  at!: number;

  @Column({ type: 'varchar', length: 36, nullable: true })
  actorUserId!: string | null;

  @Column({ type: 'varchar', length: 20, nullable: true })
  actorRole!: string | null;

  @Column({ type: 'varchar', length: 80 })
  action!: string;

  @Column({ type: 'varchar', length: 40, nullable: true })
  targetType!: string | null;

  @Column({ type: 'varchar', length: 200, nullable: true })
  targetId!: string | null;

  @Column({ type: 'varchar', length: 36, nullable: true })
  exerciseId!: string | null;

  @Column({ type: 'simple-json', nullable: true })
  before!: object | null;

  @Column({ type: 'simple-json', nullable: true })
  after!: object | null;

  @Column({ type: 'varchar', length: 64, nullable: true })
  requestId!: string | null;
}
