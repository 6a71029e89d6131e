import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { epochMs } from '../columns.js';

/** A bearer token of a user. Only its SHA-256 is kept; the token itself is shown once, when issued. */
@Entity('tokens')
export class TokenEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Index()
  @Column({ type: 'varchar', length: 36 })
  userId!: string;

  @Index({ unique: true })
  @Column({ type: 'varchar', length: 64 })
  tokenHash!: string;

  @Column({ type: 'varchar', length: 12 })
  prefix!: string;

  @Column({ type: 'varchar', length: 100, nullable: true })
  label!: string | null;

  @Column({ type: 'bigint', transformer: epochMs })
  createdAt!: number;

  @Column({ type: 'varchar', length: 36, nullable: true })
  createdBy!: string | null;

  @Column({ type: 'bigint', nullable: true, transformer: epochMs })
  expiresAt!: number | null;

  @Column({ type: 'bigint', nullable: true, transformer: epochMs })
  revokedAt!: number | null;

  @Column({ type: 'varchar', length: 36, nullable: true })
  revokedBy!: string | null;
}
