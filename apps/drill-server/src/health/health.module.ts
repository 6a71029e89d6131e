import { Global, Module } from '@nestjs/common';
import { HealthController } from './health.controller.js';
import { HealthRepository } from './health.repository.js';
import { MetricsService } from './metrics.service.js';

/**
 * `/health` and `/metrics`. Global: the runtime counts release failures and sweep heals in the one metrics
 * registry, and app.factory.ts times every HTTP request into it. The probes besides the database (HEALTH_PROBES)
 * come from the runtime module.
 */
@Global()
@Module({
  controllers: [HealthController],
  providers: [MetricsService, HealthRepository],
  exports: [MetricsService],
})
export class HealthModule {}
