import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { Forbidden, type Role } from '@drill/contracts';
import type { Principal } from '@drill/auth';
import { AuthService } from './auth.service.js';
import { PUBLIC_KEY, ROLES_KEY } from './decorators.js';

export function bearerToken(header: unknown): string | undefined {
  if (typeof header !== 'string') return undefined;
  const m = /^Bearer\s+(\S+)$/i.exec(header.trim());
  return m?.[1];
}

/** Global guard: every route needs a valid bearer token unless marked @Public(); @Roles() narrows further. */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly auth: AuthService,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    if (ctx.getType() !== 'http') return true;
    const targets = [ctx.getHandler(), ctx.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) return true;
    const req = ctx
      .switchToHttp()
      .getRequest<{ headers: Record<string, unknown>; ip?: string; principal?: Principal }>();
    const principal = await this.auth.signIn(bearerToken(req.headers.authorization), req.ip ?? 'unknown');
    req.principal = principal;
    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, targets);
    if (roles && !roles.includes(principal.role)) {
      throw new Forbidden(`role ${principal.role} may not do this (allowed: ${roles.join(', ')})`);
    }
    return true;
  }
}
