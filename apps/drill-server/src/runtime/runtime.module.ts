import { BullModule } from '@nestjs/bullmq';
import { Module, type DynamicModule, type Provider } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ENTITIES } from '@drill/persistence';
import type { DrillConfig } from '../config/drill-config.js';
import { HEALTH_PROBES, type HealthProbe } from '../health/health-probe.js';
import { ReportRepository } from '../ism/report.repository.js';
import { BullmqScheduler, WAKEUP_QUEUE, WakeupProcessor } from './bullmq-scheduler.js';
import { ControllerActionsService } from './controller-actions.service.js';
import { DeliveryRepository } from './delivery.repository.js';
import { DrillClock } from './drill-clock.js';
import { DrillGateway } from './drill.gateway.js';
import { ExerciseRuntime } from './exercise-runtime.js';
import { ExerciseRepository } from './exercise.repository.js';
import { ExercisesController } from './exercises.controller.js';
import { ExercisesService } from './exercises.service.js';
import { InjectEditRepository } from './inject-edit.repository.js';
import { LifecycleService } from './lifecycle.service.js';
import { LiveChannel } from './live-channel.js';
import { ExerciseMutex } from './mutex.js';
import { PresenceController } from './presence.controller.js';
import { ReceiptsService } from './receipts.service.js';
import { ReleaseEngine } from './release-engine.js';
import { ReleaseSupervisor } from './release-supervisor.js';
import { ScenarioCache } from './scenario-cache.js';
import { InjectScheduler, InProcessScheduler } from './scheduler.js';

/**
 * The repositories the runtime and the features built on it share. The ISM reports' repository is here because
 * the runtime's ReportLookup (conditional injects) reads it. (The audit log's is in CoreModule, with the log.)
 */
const REPOSITORIES = [ExerciseRepository, DeliveryRepository, InjectEditRepository, ReportRepository];

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
function stallProbe(supervisor: ReleaseSupervisor): HealthProbe {
  return {
    name: 'releases',
    readiness: false,
    check: async () => {
      const stalled = (await supervisor.overdue()).filter((o) => o.overdueMs > supervisor.stallAfterMs);
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
                inject: [BullmqScheduler, ReleaseSupervisor],
                useFactory: (s: BullmqScheduler, r: ReleaseSupervisor): HealthProbe[] => [
                  { name: 'redis', check: () => s.ping() },
                  stallProbe(r),
                ],
              },
            ]
          : [
              { provide: InjectScheduler, useClass: InProcessScheduler },
              {
                provide: HEALTH_PROBES,
                inject: [ReleaseSupervisor],
                useFactory: (r: ReleaseSupervisor) => [stallProbe(r)],
              },
            ]),
        reportLookup,
        ...REPOSITORIES,
        ScenarioCache,
        LiveChannel,
        ExerciseMutex,
        DrillClock,
        LifecycleService,
        ReleaseEngine,
        ReleaseSupervisor,
        ControllerActionsService,
        ReceiptsService,
        ExerciseRuntime,
        ExercisesService,
        DrillGateway,
      ],
      exports: [
        ...REPOSITORIES,
        ExerciseRuntime,
        ExercisesService,
        LiveChannel,
        ScenarioCache,
        InjectScheduler,
        HEALTH_PROBES,
      ],
    };
  }
}
