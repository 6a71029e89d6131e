import { BullModule } from '@nestjs/bullmq';
import { Module, type DynamicModule, type Provider } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ENTITIES } from '@drill/persistence';
import type { DrillConfig } from '../config/drill-config.js';
import { HEALTH_PROBES, type HealthProbe } from '../health/health.controller.js';
import { BullmqScheduler, WAKEUP_QUEUE, WakeupProcessor } from './bullmq-scheduler.js';
import { DrillGateway } from './drill.gateway.js';
import { ExerciseRuntime } from './exercise-runtime.js';
import { ExercisesController } from './exercises.controller.js';
import { ExercisesService } from './exercises.service.js';
import { LiveChannel } from './live-channel.js';
import { PresenceController } from './presence.controller.js';
import { ScenarioCache } from './scenario-cache.js';
import { InjectScheduler, InProcessScheduler } from './scheduler.js';

/** Parses redis://[:password@]host:port[/db] into the options BullMQ's ioredis connection takes. */
export function redisConnection(url: string) {
  const u = new URL(url);
  return {
    host: u.hostname,
    port: Number(u.port || 6379),
    ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
    ...(u.username ? { username: decodeURIComponent(u.username) } : {}),
    ...(u.pathname.length > 1 ? { db: Number(u.pathname.slice(1)) } : {}),
    ...(u.protocol === 'rediss:' ? { tls: {} } : {}),
    maxRetriesPerRequest: null,
  };
}

/** /health names every exercise whose release or start is overdue beyond what the sweep heals. */
function stallProbe(runtime: ExerciseRuntime): HealthProbe {
  return {
    name: 'releases',
    readiness: false,
    check: async () => {
      const stalled = (await runtime.overdue()).filter((o) => o.overdueMs > runtime.stallAfterMs);
      if (stalled.length)
        throw new Error(
          `stalled: ${stalled.map((o) => `exercise ${o.exerciseId} ${o.status === 'scheduled' ? 'start' : 'release'} ${Math.round(o.overdueMs / 1000)} s overdue`).join('; ')}`,
        );
    },
  };
}

/** The exercise runtime with the scheduler the mode calls for: in-process timers, or BullMQ on Redis. */
@Module({})
export class RuntimeModule {
  static forRoot(config: DrillConfig, reportLookup: Provider): DynamicModule {
    const cluster = config.redisUrl !== undefined;
    return {
      module: RuntimeModule,
      global: true, // the ISM, scoring and reporting modules build on the runtime
      imports: [
        TypeOrmModule.forFeature(ENTITIES),
        ...(cluster
          ? [
              BullModule.forRoot({
                connection: redisConnection(config.redisUrl!),
                prefix: `${config.redisPrefix}:bull`,
              }),
              BullModule.registerQueue({ name: WAKEUP_QUEUE }),
            ]
          : []),
      ],
      controllers: [ExercisesController, PresenceController],
      providers: [
        ...(cluster
          ? [
              BullmqScheduler,
              WakeupProcessor,
              { provide: InjectScheduler, useExisting: BullmqScheduler },
              // /health reports the replica unready while it cannot reach Redis (no wake-ups, no fan-out).
              {
                provide: HEALTH_PROBES,
                inject: [BullmqScheduler, ExerciseRuntime],
                useFactory: (s: BullmqScheduler, r: ExerciseRuntime): HealthProbe[] => [
                  { name: 'redis', check: () => s.ping() },
                  stallProbe(r),
                ],
              },
            ]
          : [
              { provide: InjectScheduler, useClass: InProcessScheduler },
              {
                provide: HEALTH_PROBES,
                inject: [ExerciseRuntime],
                useFactory: (r: ExerciseRuntime) => [stallProbe(r)],
              },
            ]),
        reportLookup,
        ScenarioCache,
        LiveChannel,
        ExerciseRuntime,
        ExercisesService,
        DrillGateway,
      ],
      exports: [ExerciseRuntime, ExercisesService, LiveChannel, ScenarioCache, InjectScheduler, HEALTH_PROBES],
    };
  }
}
