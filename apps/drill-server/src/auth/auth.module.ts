import { Global, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AuthGuard } from './auth.guard.js';
import { AuthService } from './auth.service.js';
import { TokenRepository } from './token.repository.js';

/**
 * Sign-in by bearer token, and the guard that asks it of every HTTP route not marked @Public(). Global: the drill
 * gateway signs sockets in, /metrics signs controllers in, and the users feature revokes through it.
 */
@Global()
@Module({
  providers: [AuthService, TokenRepository, { provide: APP_GUARD, useClass: AuthGuard }],
  exports: [AuthService, TokenRepository],
})
export class AuthModule {}
