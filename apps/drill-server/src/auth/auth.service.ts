import { Inject, Injectable } from '@nestjs/common';
import { hashToken, tokenPrefix, type Principal } from '@drill/auth';
import { RateLimited, Unauthenticated } from '@drill/contracts';
import { DRILL_CONFIG } from '../config/config.module.js';
import type { DrillConfig } from '../config/drill-config.js';
import { RateLimiter } from '../common/rate-limit.js';
import { TokenRepository } from './token.repository.js';

/** Told of every revoked token, so that its open sockets close at once (on every replica). */
export type RevocationListener = (tokenIds: string[]) => void;

/** Who is behind a bearer token: the one sign-in of HTTP requests, socket handshakes and /metrics. */
@Injectable()
export class AuthService {
  private readonly revocationListeners: RevocationListener[] = [];
  // Tokens are 256 random bits, so guessing is hopeless; the limits keep a scanner from loading the database and
  // the logs, per address and per token prefix (one leaked or revoked token retried from many addresses).
  private readonly failuresByAddress: RateLimiter;
  private readonly failuresByPrefix: RateLimiter;

  constructor(
    private readonly tokens: TokenRepository,
    @Inject(DRILL_CONFIG) config: DrillConfig,
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
    const holder = await this.tokens.holderOf(hashToken(token));
    if (!holder || holder.revokedAt !== null) return undefined;
    if (holder.expiresAt !== null && holder.expiresAt <= Date.now()) return undefined;
    return {
      userId: holder.userId,
      name: holder.name,
      role: holder.role,
      teamId: holder.teamId,
      tokenId: holder.tokenId,
      tokenExpiresAt: holder.expiresAt,
    };
  }

  onRevoke(listener: RevocationListener): void {
    this.revocationListeners.push(listener);
  }

  /** Tells the listeners (the gateway, which closes the sockets) that these tokens no longer sign anyone in. */
  revoked(tokenIds: string[]): void {
    for (const l of this.revocationListeners) l(tokenIds);
  }
}
