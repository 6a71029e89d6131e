import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { generateToken, hashToken, tokenPrefix, type Principal } from '@drill/auth';
import {
  Forbidden,
  NotFound,
  ValidationFailed,
  type CreatedUser,
  type IssuedToken,
  type Role,
  type TokenView,
  type UserView,
} from '@drill/contracts';
import { TokenEntity, UserEntity } from '@drill/persistence';
import { DRILL_CONFIG } from '../config/config.module.js';
import type { DrillConfig } from '../config/drill-config.js';
import { TeamRepository } from '../teams/team.repository.js';
import { AuthService } from './auth.service.js';
import { TokenRepository } from './token.repository.js';
import { UserRepository } from './user.repository.js';

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

/** Users and their tokens: creation, listing, re-issue, revocation, and the first controller of a new install. */
@Injectable()
export class UsersService implements OnApplicationBootstrap {
  private readonly log = new Logger('auth');

  constructor(
    private readonly users: UserRepository,
    private readonly tokens: TokenRepository,
    private readonly teams: TeamRepository,
    private readonly auth: AuthService,
    @Inject(DRILL_CONFIG) private readonly config: DrillConfig,
  ) {}

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
    if (input.teamId && !(await this.teams.exists(input.teamId))) {
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
    const issued = tokenRow(user.id, token, { label: 'first token', expiresAt, by }, now);
    await this.users.insertWithToken(user, issued);
    return { id: user.id, name: user.name, role: user.role, teamId: user.teamId, token, tokenId: issued.id };
  }

  /** Every user, oldest first, with how many of their tokens sign in now (none: they cannot sign in). */
  async listUsers(): Promise<UserView[]> {
    const [users, active] = await Promise.all([this.users.listByCreation(), this.tokens.activeCountByUser(Date.now())]);
    return users.map((u) => ({
      id: u.id,
      name: u.name,
      role: u.role,
      teamId: u.teamId,
      createdAt: new Date(u.createdAt).toISOString(),
      activeTokens: active.get(u.id) ?? 0,
    }));
  }

  /** A user's tokens, newest first; a controller sees anyone's, other users only their own. */
  async listTokens(userId: string, asker: Principal): Promise<TokenView[]> {
    await this.userFor(userId, asker);
    const now = Date.now();
    return (await this.tokens.listOfUser(userId)).map((t) => tokenView(t, now));
  }

  /** A new token for a user (a re-issue, a second device); controllers only. */
  async issueToken(userId: string, input: { label?: string; expiresAt?: string }, by: Principal): Promise<IssuedToken> {
    await this.userFor(userId, by);
    const expiresAt = this.expiry(input.expiresAt);
    const token = generateToken();
    const row = tokenRow(userId, token, { label: input.label ?? null, expiresAt, by: by.userId }, Date.now());
    await this.tokens.insert(row);
    return { ...tokenView(row, Date.now()), token };
  }

  /**
   * Revokes tokens of a user: one (`tokenId`) or all still active. Their sockets close at once. A controller may
   * revoke anyone's; a user only their own. Revoking a revoked token changes nothing and says so.
   */
  async revoke(userId: string, tokenId: string | undefined, by: Principal): Promise<TokenView[]> {
    await this.userFor(userId, by);
    const owned = await this.tokens.ofUser(userId, tokenId);
    const targets = tokenId ? owned : owned.filter((t) => t.revokedAt === null);
    if (tokenId && targets.length === 0)
      throw new NotFound(`user ${userId} has no token ${tokenId}`, [{ path: '/tokenId', message: 'unknown token' }]);
    const now = Date.now();
    const fresh = targets.filter((t) => t.revokedAt === null);
    if (fresh.length) {
      await this.tokens.markRevoked(
        fresh.map((t) => t.id),
        by.userId,
        now,
      );
      for (const t of fresh) Object.assign(t, { revokedAt: now, revokedBy: by.userId });
      this.auth.revoked(fresh.map((t) => t.id));
    }
    return targets.map((t) => tokenView(t, now));
  }

  private firstController: { name: string; token: string } | undefined;

  /** The first controller and its generated token, when this start created them; given out once, then forgotten. */
  takeFirstController(): { name: string; token: string } | undefined {
    const first = this.firstController;
    this.firstController = undefined;
    return first;
  }

  /** An empty database gets one controller, so a fresh install can be driven at all. */
  async onApplicationBootstrap(): Promise<void> {
    if (!(await this.users.none())) return;
    let created: CreatedUser;
    try {
      created = await this.createUser(
        { name: 'Drill administrator', role: 'controller' },
        null,
        this.config.adminToken,
      );
    } catch (e) {
      // Cluster replicas starting together on an empty database: another one created this controller first.
      if (this.config.adminToken && (await this.tokens.existsWithHash(hashToken(this.config.adminToken)))) return;
      throw e;
    }
    if (!this.config.adminToken) {
      // main.ts prints it once, on stdout, outside the JSON log stream, as the last line of the start.
      this.firstController = { name: created.name, token: created.token };
    } else {
      this.log.log('first start: created the controller for DRILL_ADMIN_TOKEN');
    }
  }

  private async userFor(userId: string, asker: Principal): Promise<UserEntity> {
    if (asker.role !== 'controller' && asker.userId !== userId)
      throw new Forbidden('only controllers manage the tokens of other users');
    const user = await this.users.byId(userId);
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
}

/** A new token's row; only the token's hash and prefix are stored. */
function tokenRow(
  userId: string,
  token: string,
  o: { label: string | null; expiresAt: number | null; by: string | null },
  now: number,
): TokenEntity {
  return Object.assign(new TokenEntity(), {
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
}
