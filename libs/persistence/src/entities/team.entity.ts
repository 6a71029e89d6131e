import { Column, Entity, PrimaryColumn } from 'typeorm';
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

  @Column({ type: 'bigint', transformer: epochMs })
  createdAt!: number;
}
