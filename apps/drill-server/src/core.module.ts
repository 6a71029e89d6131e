import { Global, Module } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ENTITIES } from '@drill/persistence';
import { AuditInterceptor } from './audit/audit.interceptor.js';
import { AuditRepository } from './audit/audit.repository.js';
import { AuditService } from './audit/audit.service.js';

/**
 * What every feature module shares: the entities' TypeORM repositories and the append-only audit log, which the
 * interceptor writes for every successful state-changing request and the runtime inside its transactions.
 */
@Global()
@Module({
  imports: [TypeOrmModule.forFeature(ENTITIES)],
  providers: [AuditRepository, AuditService, { provide: APP_INTERCEPTOR, useClass: AuditInterceptor }],
  exports: [AuditRepository, AuditService, TypeOrmModule],
})
export class CoreModule {}
