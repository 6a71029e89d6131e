import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { Role } from '@drill/contracts';
import { TokenEntity, UserEntity } from '@drill/persistence';

/** A token looked up by its hash, with the user it belongs to. */
export interface TokenHolder {
  tokenId: string;
  expiresAt: number | null;
  revokedAt: number | null;
  userId: string;
  name: string;
  role: Role;
  teamId: string | null;
}

const epoch = (v: string | number | null) => (v === null ? null : Number(v));

/** The tokens table: sign-in lookups and the token management of users. */
@Injectable()
export class TokenRepository {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  /** The token with this SHA-256 hash and its user, in one query (every authenticated request asks it). */
  async holderOf(tokenHash: string): Promise<TokenHolder | undefined> {
    const row = await this.ds
      .createQueryBuilder(TokenEntity, 't')
      .innerJoin(UserEntity, 'u', 'u.id = t.userId')
      .select('t.id', 'tokenId')
      .addSelect('t.expiresAt', 'expiresAt')
      .addSelect('t.revokedAt', 'revokedAt')
      .addSelect('u.id', 'userId')
      .addSelect('u.name', 'name')
      .addSelect('u.role', 'role')
      .addSelect('u.teamId', 'teamId')
      .where('t.tokenHash = :hash', { hash: tokenHash })
      .getRawOne<
        Omit<TokenHolder, 'expiresAt' | 'revokedAt'> & {
          expiresAt: string | number | null;
          revokedAt: string | number | null;
        }
      >();
    return row && { ...row, expiresAt: epoch(row.expiresAt), revokedAt: epoch(row.revokedAt) };
  }

  existsWithHash(tokenHash: string): Promise<boolean> {
    return this.ds.getRepository(TokenEntity).existsBy({ tokenHash });
  }

  async insert(token: TokenEntity): Promise<void> {
    await this.ds.getRepository(TokenEntity).insert(token);
  }

  /** A user's tokens, newest first. */
  listOfUser(userId: string): Promise<TokenEntity[]> {
    return this.ds.getRepository(TokenEntity).find({ where: { userId }, order: { createdAt: 'DESC' } });
  }

  /** How many tokens of each user sign in at `now` (not revoked, not expired); users with none are absent. */
  async activeCountByUser(now: number): Promise<Map<string, number>> {
    const rows = await this.ds
      .createQueryBuilder(TokenEntity, 't')
      .select('t.userId', 'userId')
      .addSelect('COUNT(*)', 'n')
      .where('t.revokedAt IS NULL')
      .andWhere('(t.expiresAt IS NULL OR t.expiresAt > :now)', { now })
      .groupBy('t.userId')
      .getRawMany<{ userId: string; n: string | number }>();
    return new Map(rows.map((r) => [r.userId, Number(r.n)]));
  }

  /** One token of a user (`tokenId`), or all of them. */
  ofUser(userId: string, tokenId?: string): Promise<TokenEntity[]> {
    const repo = this.ds.getRepository(TokenEntity);
    return tokenId ? repo.findBy({ id: tokenId, userId }) : repo.findBy({ userId });
  }

  /** Guarded by revokedAt IS NULL, so a concurrent revoke keeps the first time and author. */
  async markRevoked(tokenIds: string[], by: string, at: number): Promise<void> {
    await this.ds
      .getRepository(TokenEntity)
      .createQueryBuilder()
      .update()
      .set({ revokedAt: at, revokedBy: by })
      .whereInIds(tokenIds)
      .andWhere('revokedAt IS NULL')
      .execute();
  }
}
