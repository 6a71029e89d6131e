import { Global, Module, type DynamicModule } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import type { DrillConfig } from './drill-config.js';

/** The one DrillConfig of this server, parsed by createDrillApp before Nest starts. */
export const DRILL_CONFIG = Symbol('DRILL_CONFIG');

/**
 * Offers the configuration createDrillApp parsed to every module: through @nestjs/config's ConfigService (key
 * `drill`) and, typed, as DRILL_CONFIG. It parses nothing itself: a bad setting has already stopped the server
 * with one line, before any module was built; and it reads no .env file or process.env of its own, so tests and
 * the CLI start a server from the settings they pass, not from whatever the shell holds.
 */
@Global()
@Module({})
export class DrillConfigModule {
  static forRoot(config: DrillConfig): DynamicModule {
    return {
      module: DrillConfigModule,
      imports: [ConfigModule.forRoot({ ignoreEnvFile: true, skipProcessEnv: true, load: [() => ({ drill: config })] })],
      providers: [
        {
          provide: DRILL_CONFIG,
          inject: [ConfigService],
          useFactory: (c: ConfigService) => c.getOrThrow<DrillConfig>('drill'),
        },
      ],
      exports: [DRILL_CONFIG],
    };
  }
}
