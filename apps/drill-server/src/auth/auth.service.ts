import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import { generateToken, hashToken, tokenPrefix, type Principal } from '@drill/auth';
import { Forbidden, NotFound, RateLimited, Unauthenticated, ValidationFailed, type Role } from '@drill/contracts';
import { TeamEntity, TokenEntity, UserEntity } from '@drill/persistence';
import { DRILL_CONFIG } from '../config/config.module.js';
import type { DrillConfig } from '../config/drill-config.js';
import { RateLimiter } from '../common/rate-limit.js';

export interface CreatedUser {
  id: string;
  name: string;
  role: Role;
  teamId: string | null;
  token: string;
  tokenId: string;
}

export interface TokenView {
  id: string;
  userId: string;
  prefix: string;
  label: string | null;
  createdAt: string;
  expiresAt: string | null;
  revokedAt: string | null;
  status: 'active' | 'expired' | 'revoked';
}

export interface IssuedToken extends TokenView {
  /** The token itself: shown once, in this answer, and never again. */
  token: string;
}

/** Told of every revoked token, so that its open sockets close at once (on every replica). */
export type RevocationListener = (tokenIds: string[]) => void;

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

function tokenView(t: TokenEntity, now: number): TokenView {
  return {
    id: t.id,
    userId: t.userId,
    prefix: t.prefix,
    label: t.label,
    createdAt: new Date(t.createdAt).toISOString(),
    expiresAt: iso(t.expiresAt),
    revokedAt: iso(t.revokedAt),
    status: t.revokedAt !== null ? 'revoked' : t.expiresAt !== null && t.expiresAt <= now ? 'expired' : 'active',
  };
}

@Injectable()
export class AuthService implements OnApplicationBootstrap {
  private readonly log = new Logger('auth');
  private readonly revocationListeners: RevocationListener[] = [];
  // Tokens are 256 random bits, so guessing is hopeless; the limits keep a scanner from loading the database and
  // the logs, per address and per token prefix (one leaked or revoked token retried from many addresses).
  private readonly failuresByAddress: RateLimiter;
  private readonly failuresByPrefix: RateLimiter;

  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    @Inject(DRILL_CONFIG) private readonly config: DrillConfig,
  ) {
    this.failuresByAddress = new RateLimiter(config.authFailuresPerMinute);
    this.failuresByPrefix = new RateLimiter(config.authFailuresPerMinute);
  }

  /**
   * The principal behind a bearer token presented from `address` (HTTP request or socket handshake), or
   * Unauthenticated; RateLimited while the address or the token's prefix has failed too often this minute.
   */
  async signIn(token: string | undefined, address: string): Promise<Principal> {
    if (!token) throw new Unauthenticated('missing bearer token (Authorization: Bearer <token>)');
    const prefix = tokenPrefix(token);
    const wait = Math.max(this.failuresByAddress.retryAfter(address), this.failuresByPrefix.retryAfter(prefix));
    if (wait > 0) throw new RateLimited(`too many failed sign-ins; try again in ${wait} s`, wait);
    const principal = await this.principalForToken(token);
    if (principal) return principal;
    this.failuresByAddress.hit(address);
    this.failuresByPrefix.hit(prefix);
    throw new Unauthenticated('invalid, expired or revoked bearer token');
  }

  /** The signed-in user behind a token that exists, is not revoked and has not expired. One query. */
  private async principalForToken(token: string): Promise<Principal | undefined> {
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
      .where('t.tokenHash = :hash', { hash: hashToken(token) })
      .getRawOne<{
        tokenId: string;
        expiresAt: string | number | null;
        revokedAt: string | number | null;
        userId: string;
        name: string;
        role: Role;
        teamId: string | null;
      }>();
    if (!row || row.revokedAt !== null) return undefined;
    const expiresAt = row.expiresAt === null ? null : Number(row.expiresAt);
    if (expiresAt !== null && expiresAt <= Date.now()) return undefined;
    return {
      userId: row.userId,
      name: row.name,
      role: row.role,
      teamId: row.teamId,
      tokenId: row.tokenId,
      tokenExpiresAt: expiresAt,
    };
  }

  async createUser(
    input: { name: string; role: Role; teamId?: string; expiresAt?: string },
    by: string | null = null,
    token = generateToken(),
  ): Promise<CreatedUser> {
    if (input.role === 'participant' && !input.teamId) {
      throw new ValidationFailed('a participant belongs to exactly one team', [
        { path: '/teamId', message: 'required for role participant' },
      ]);
    }
    if (input.role !== 'participant' && input.teamId) {
      throw new ValidationFailed('only participants belong to a team', [
        { path: '/teamId', message: `must be absent for role ${input.role}` },
      ]);
    }
    const expiresAt = this.expiry(input.expiresAt);
    if (input.teamId && !(await this.ds.getRepository(TeamEntity).existsBy({ id: input.teamId }))) {
      throw new NotFound(`team ${input.teamId} does not exist`, [{ path: '/teamId', message: 'unknown team' }]);
    }
    const now = Date.now();
    const user = Object.assign(new UserEntity(), {
      id: randomUUID(),
      name: input.name,
      role: input.role,
      teamId: input.teamId ?? null,
      createdAt: now,
    });
    // One transaction: a user is never left without its token (two replicas bootstrapping the same admin token
    // collide on the token's unique hash, and the loser's user row goes with it).
    const issued = await this.ds.transaction(async (m) => {
      await m.insert(UserEntity, user);
      return this.insertToken(m, user.id, token, { label: 'first token', expiresAt, by }, now);
    });
    return { id: user.id, name: user.name, role: user.role, teamId: user.teamId, token, tokenId: issued.id };
  }

  async listUsers(): Promise<{ id: string; name: string; role: Role; teamId: string | null; createdAt: string }[]> {
    const users = await this.ds.getRepository(UserEntity).find({ order: { createdAt: 'ASC', id: 'ASC' } });
    return users.map((u) => ({
      id: u.id,
      name: u.name,
      role: u.role,
      teamId: u.teamId,
      createdAt: new Date(u.createdAt).toISOString(),
    }));
  }

  /** A user's tokens, newest first; a controller sees anyone's, other users only their own. */
  async listTokens(userId: string, asker: Principal): Promise<TokenView[]> {
    await this.userFor(userId, asker);
    const now = Date.now();
    const rows = await this.ds.getRepository(TokenEntity).find({ where: { userId }, order: { createdAt: 'DESC' } });
    return rows.map((t) => tokenView(t, now));
  }

  /** A new token for a user (a re-issue, a second device); controllers only. */
  async issueToken(userId: string, input: { label?: string; expiresAt?: string }, by: Principal): Promise<IssuedToken> {
    await this.userFor(userId, by);
    const expiresAt = this.expiry(input.expiresAt);
    const token = generateToken();
    const row = await this.insertToken(
      this.ds.manager,
      userId,
      token,
      { label: input.label ?? null, expiresAt, by: by.userId },
      Date.now(),
    );
    return { ...tokenView(row, Date.now()), token };
  }

  /**
   * Revokes tokens of a user: one (`tokenId`) or all still active. Their sockets close at once. A controller may
   * revoke anyone's; a user only their own. Revoking a revoked token changes nothing and says so.
   */
  async revoke(userId: string, tokenId: string | undefined, by: Principal): Promise<TokenView[]> {
    await this.userFor(userId, by);
    const repo = this.ds.getRepository(TokenEntity);
    const targets = tokenId
      ? await repo.findBy({ id: tokenId, userId })
      : (await repo.findBy({ userId })).filter((t) => t.revokedAt === null);
    if (tokenId && targets.length === 0)
      throw new NotFound(`user ${userId} has no token ${tokenId}`, [{ path: '/tokenId', message: 'unknown token' }]);
    const now = Date.now();
    const fresh = targets.filter((t) => t.revokedAt === null);
    if (fresh.length) {
      // Guarded by revokedAt IS NULL, so a concurrent revoke keeps the first time and author.
      await repo
        .createQueryBuilder()
        .update()
        .set({ revokedAt: now, revokedBy: by.userId })
        .whereInIds(fresh.map((t) => t.id))
        .andWhere('revokedAt IS NULL')
        .execute();
      for (const t of fresh) Object.assign(t, { revokedAt: now, revokedBy: by.userId });
      const ids = fresh.map((t) => t.id);
      for (const l of this.revocationListeners) l(ids);
    }
    return targets.map((t) => tokenView(t, now));
  }

  onRevoke(listener: RevocationListener): void {
    this.revocationListeners.push(listener);
  }

  /** An empty database gets one controller, so a fresh install can be driven at all. */
  async onApplicationBootstrap(): Promise<void> {
    if ((await this.ds.getRepository(UserEntity).count()) > 0) return;
    let created: CreatedUser;
    try {
      created = await this.createUser(
        { name: 'Drill administrator', role: 'controller' },
        null,
        this.config.adminToken,
      );
    } catch (e) {
      // Cluster replicas starting together on an empty database: another one created this controller first.
      if (
        this.config.adminToken &&
        (await this.ds.getRepository(TokenEntity).existsBy({ tokenHash: hashToken(this.config.adminToken) }))
      )
        return;
      throw e;
    }
    if (!this.config.adminToken) {
      // Printed once, on stdout, outside the JSON log stream: it is never shown again.
      process.stdout.write(
        `\nFirst start: created controller "${created.name}".\nIts bearer token (store it now, it is not shown again):\n\n  ${created.token}\n\n`,
      );
    } else {
      this.log.log('first start: created the controller for DRILL_ADMIN_TOKEN');
    }
  }

  private async userFor(userId: string, asker: Principal): Promise<UserEntity> {
    if (asker.role !== 'controller' && asker.userId !== userId)
      throw new Forbidden('only controllers manage the tokens of other users');
    const user = await this.ds.getRepository(UserEntity).findOneBy({ id: userId });
    if (!user) throw new NotFound(`user ${userId} does not exist`);
    return user;
  }

  /** `expiresAt` (an ISO date-time, checked by the DTO) as epoch ms; it must lie ahead. None: until revoked. */
  private expiry(raw: string | undefined): number | null {
    if (raw === undefined) return null;
    const ms = Date.parse(raw);
    if (!(ms > Date.now()))
      throw new ValidationFailed('expiresAt is not in the future', [
        { path: '/expiresAt', message: `${raw} is not in the future` },
      ]);
    return ms;
  }

  private async insertToken(
    m: EntityManager,
    userId: string,
    token: string,
    o: { label: string | null; expiresAt: number | null; by: string | null },
    now: number,
  ): Promise<TokenEntity> {
    const row = Object.assign(new TokenEntity(), {
      id: randomUUID(),
      userId,
      tokenHash: hashToken(token),
      prefix: tokenPrefix(token),
      label: o.label,
      createdAt: now,
      createdBy: o.by,
      expiresAt: o.expiresAt,
      revokedAt: null,
      revokedBy: null,
    });
    await m.insert(TokenEntity, row);
    return row;
  }
}
