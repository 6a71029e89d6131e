import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { Role } from '@drill/contracts';
import { epochMs } from '../columns.js';

@Entity('users')
export class UserEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ type: 'varchar', length: 200 })
  name!: string;

  @Column({ type: 'varchar', length: 20 })
  role!: Role;

  @Column({ type: 'varchar', length: 36, nullable: true })
  teamId!: string | null;

  @Column({ type: 'bigint', transformer: epochMs })
  createdAt!: number;
}
