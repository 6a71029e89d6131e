import { Module, type DynamicModule } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { dataSourceOptions, openDataSource } from '@drill/persistence';
import { AuthModule } from './auth/auth.module.js';
import { UsersModule } from './auth/users.module.js';
import { AssistanceModule } from './assistance/assistance.module.js';
import { CapacityModule } from './capacity/capacity.module.js';
import { ComcheckModule } from './comcheck/comcheck.module.js';
import { DrillConfigModule } from './config/config.module.js';
import type { DrillConfig } from './config/drill-config.js';
import { CoreModule } from './core.module.js';
import { FeedbackModule } from './feedback/feedback.module.js';
import { HealthModule } from './health/health.module.js';
import { IsmModule } from './ism/ism.module.js';
import { StoredReportLookup } from './ism/stored-report-lookup.js';
import { ReportingModule } from './reporting/reporting.module.js';
import { ReportLookup } from './runtime/report-lookup.js';
import { RuntimeModule } from './runtime/runtime.module.js';
import { ScenariosModule } from './scenarios/scenarios.module.js';
import { ScoringModule } from './scoring/scoring.module.js';
import { TeamsModule } from './teams/teams.module.js';

/** The drill server: one module per feature, over the configuration createDrillApp parsed. */
@Module({})
export class AppModule {
  static forRoot(config: DrillConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        DrillConfigModule.forRoot(config),
        TypeOrmModule.forRootAsync({
          useFactory: () => ({ ...dataSourceOptions(config.database), retryAttempts: 3, retryDelay: 1000 }),
          // Replicas starting together on one PostgreSQL database take turns to migrate it.
          dataSourceFactory: (options) => openDataSource(options!),
        }),
        CoreModule,
        AuthModule,
        HealthModule,
        TeamsModule,
        UsersModule,
        ScenariosModule,
        RuntimeModule.forRoot(config, { provide: ReportLookup, useClass: StoredReportLookup }),
        IsmModule,
        ScoringModule,
        ReportingModule,
        AssistanceModule,
        CapacityModule,
        ComcheckModule,
        FeedbackModule,
      ],
    };
  }
}
