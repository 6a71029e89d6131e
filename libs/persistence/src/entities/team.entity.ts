import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { PointOfContact } from '@drill/contracts';
import { epochMs } from '../columns.js';

@Entity('teams')
export class TeamEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ type: 'varchar', length: 32, unique: true })
  code!: string;

  @Column({ type: 'varchar', length: 200 })
  name!: string;

  @Column({ type: 'varchar', length: 100, nullable: true })
  country!: string | null;

  @Column({ type: 'simple-json' })
  tags!: string[];

  /** GCI 2024 tier (1–4); null until drill control records it. */
  @Column({ type: 'integer', nullable: true })
  tier!: number | null;

  @Column({ type: 'simple-json' })
  pointsOfContact!: PointOfContact[];

  @Column({ type: 'bigint', transformer: epochMs })
  createdAt!: number;
}
