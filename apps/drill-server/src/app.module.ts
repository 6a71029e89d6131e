import { Module, type DynamicModule } from '@nestjs/common';
import { APP_GUARD, APP_INTERCEPTOR } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { dataSourceOptions, openDataSource } from '@drill/persistence';
import { AuditInterceptor } from './audit/audit.interceptor.js';
import { AuthGuard } from './auth/auth.guard.js';
import { UsersController } from './auth/users.controller.js';
import { DRILL_CONFIG, DrillConfigModule } from './config/config.module.js';
import { parseDrillConfig, type DrillConfig } from './config/drill-config.js';
import { CoreModule } from './core.module.js';
import { HealthController } from './health/health.controller.js';
import { IsmModule } from './ism/ism.module.js';
import { StoredReportLookup } from './ism/stored-report-lookup.js';
import { ReportingModule } from './reporting/reporting.module.js';
import { ReportLookup } from './runtime/report-lookup.js';
import { RuntimeModule } from './runtime/runtime.module.js';
import { ScenariosController } from './scenarios/scenarios.controller.js';
import { ScoringModule } from './scoring/scoring.module.js';
import { ScenarioValidator } from './scenarios/scenario-validator.js';
import { ScenariosService } from './scenarios/scenarios.service.js';
import { TeamsController, TeamsService } from './teams/teams.controller.js';

@Module({})
export class AppModule {
  static forRoot(env: Record<string, string | undefined> = {}): DynamicModule {
    const config = parseDrillConfig({ ...process.env, ...env });
    return {
      module: AppModule,
      imports: [
        DrillConfigModule.forRoot(env),
        TypeOrmModule.forRootAsync({
          inject: [DRILL_CONFIG],
          useFactory: (c: DrillConfig) => ({ ...dataSourceOptions(c.database), retryAttempts: 3, retryDelay: 1000 }),
          // Replicas starting together on one PostgreSQL database take turns to migrate it.
          dataSourceFactory: (options) => openDataSource(options!),
        }),
        CoreModule,
        RuntimeModule.forRoot(config, { provide: ReportLookup, useClass: StoredReportLookup }),
        IsmModule,
        ScoringModule,
        ReportingModule,
      ],
      controllers: [HealthController, UsersController, TeamsController, ScenariosController],
      providers: [
        TeamsService,
        ScenariosService,
        ScenarioValidator,
        { provide: APP_GUARD, useClass: AuthGuard },
        { provide: APP_INTERCEPTOR, useClass: AuditInterceptor },
      ],
    };
  }
}
