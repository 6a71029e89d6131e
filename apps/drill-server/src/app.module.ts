import { Module, type DynamicModule } from '@nestjs/common';
import { APP_GUARD, APP_INTERCEPTOR } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { dataSourceOptions, ENTITIES } from '@drill/persistence';
import { AuditInterceptor } from './audit/audit.interceptor.js';
import { AuditService } from './audit/audit.service.js';
import { AuthGuard } from './auth/auth.guard.js';
import { AuthService } from './auth/auth.service.js';
import { UsersController } from './auth/users.controller.js';
import { DRILL_CONFIG, DrillConfigModule } from './config/config.module.js';
import type { DrillConfig } from './config/drill-config.js';
import { HealthController, MetricsService } from './health/health.controller.js';
import { TeamsController, TeamsService } from './teams/teams.controller.js';

@Module({})
export class AppModule {
  static forRoot(env: Record<string, string | undefined> = {}): DynamicModule {
    return {
      module: AppModule,
      imports: [
        DrillConfigModule.forRoot(env),
        TypeOrmModule.forRootAsync({
          inject: [DRILL_CONFIG],
          useFactory: (c: DrillConfig) => ({ ...dataSourceOptions(c.database), retryAttempts: 3, retryDelay: 1000 }),
        }),
        TypeOrmModule.forFeature(ENTITIES),
      ],
      controllers: [HealthController, UsersController, TeamsController],
      providers: [
        AuthService,
        AuditService,
        MetricsService,
        TeamsService,
        { provide: APP_GUARD, useClass: AuthGuard },
        { provide: APP_INTERCEPTOR, useClass: AuditInterceptor },
      ],
    };
  }
}
