import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ENTITIES } from '@drill/persistence';
import { AuditService } from './audit/audit.service.js';
import { AuthService } from './auth/auth.service.js';
import { MetricsService } from './health/health.controller.js';

/** Services every feature module uses, one instance each: authentication, the audit log, metrics. */
@Global()
@Module({
  imports: [TypeOrmModule.forFeature(ENTITIES)],
  providers: [AuthService, AuditService, MetricsService],
  exports: [AuthService, AuditService, MetricsService, TypeOrmModule],
})
export class CoreModule {}
