import { Global, Module, type DynamicModule } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { parseDrillConfig, type DrillConfig } from './drill-config.js';

export const DRILL_CONFIG = Symbol('DRILL_CONFIG');

/**
 * Validates the environment through @nestjs/config and offers the typed result as DRILL_CONFIG.
 * `overrides` lets tests and the CLI start a server without touching process.env.
 */
@Global()
@Module({})
export class DrillConfigModule {
  static forRoot(overrides: Record<string, string | undefined> = {}): DynamicModule {
    return {
      module: DrillConfigModule,
      imports: [
        ConfigModule.forRoot({
          ignoreEnvFile: true,
          validate: (env: Record<string, unknown>) => ({
            drill: parseDrillConfig({ ...(env as Record<string, string>), ...overrides }),
          }),
        }),
      ],
      providers: [
        {
          provide: DRILL_CONFIG,
          inject: [ConfigService],
          useFactory: (c: ConfigService) => c.get<DrillConfig>('drill'),
        },
      ],
      exports: [DRILL_CONFIG],
    };
  }
}
