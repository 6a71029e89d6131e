import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { epochMs } from '../columns.js';

/**
 * A request for assistance: from a team (or drill control, `fromTeamId` null, playing `fromLabel` when scripted)
 * to a team (or drill control, `toTeamId` null). `status` is the latest answer's, `open` before any.
 */
@Entity('assistance_requests')
@Index(['exerciseId', 'requestedAt'])
export class AssistanceRequestEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ type: 'varchar', length: 36 })
  exerciseId!: string;

  @Column({ type: 'varchar', length: 36, nullable: true })
  fromTeamId!: string | null;

  @Column({ type: 'varchar', length: 36, nullable: true })
  requestedByUserId!: string | null;

  @Column({ type: 'varchar', length: 200, nullable: true })
  fromLabel!: string | null;

  @Column({ type: 'varchar', length: 36, nullable: true })
  toTeamId!: string | null;

  @Column({ type: 'varchar', length: 64, nullable: true })
  injectId!: string | null;

  @Column({ type: 'varchar', length: 20 })
  kind!: string;

  @Column({ type: 'text' })
  text!: string;

  @Column({ type: 'varchar', length: 20 })
  tlp!: string;

  @Column({ type: 'simple-json' })
  iocs!: { type: string; value: string }[];

  @Column({ type: 'boolean' })
  scripted!: boolean;

  @Column({ type: 'varchar', length: 20 })
  status!: string;

  @Column({ type: 'bigint', transformer: epochMs })
  requestedAt!: number;

  @Column({ type: 'bigint', transformer: epochMs })
  requestedScenarioMs!: number;
}

/** One answer to a request, by a person of the asked party. */
@Entity('assistance_responses')
@Index(['requestId', 'at'])
export class AssistanceResponseEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ type: 'varchar', length: 36 })
  requestId!: string;

  @Column({ type: 'varchar', length: 36 })
  byUserId!: string;

  @Column({ type: 'varchar', length: 20 })
  status!: string;

  @Column({ type: 'text' })
  text!: string;

  @Column({ type: 'bigint', transformer: epochMs })
  at!: number;

  @Column({ type: 'bigint', transformer: epochMs })
  scenarioMs!: number;
}
