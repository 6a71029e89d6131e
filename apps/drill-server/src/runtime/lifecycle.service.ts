import { Injectable, Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { Conflict } from '@drill/contracts';
import { dueMs, nextStatus, resolveTargets, type LifecycleAction } from '@drill/exercise';
import { ExerciseEntity, type DeliveryEntity } from '@drill/persistence';
import { AuditService } from '../audit/audit.service.js';
import { DeliveryRepository, pendingDelivery } from './delivery.repository.js';
import { DrillClock, statePayload } from './drill-clock.js';
import { ExerciseRepository } from './exercise.repository.js';
import { LiveChannel } from './live-channel.js';
import { ExerciseMutex } from './mutex.js';
import { ScenarioCache } from './scenario-cache.js';
import { InjectScheduler } from './scheduler.js';

/** Who changes the drill, for its audit rows. */
export interface Actor {
  userId: string | null;
  role: string | null;
  requestId?: string;
}

/**
 * The lifecycle transitions that move an exercise's clock: start, pause, resume, complete, abort. They plan no
 * release themselves: after a start or resume the caller runs a release pass (ExerciseRuntime does), which releases
 * what is due and plans the next wake-up.
 */
@Injectable()
export class LifecycleService {
  private readonly log = new Logger('runtime');

  constructor(
    private readonly exercises: ExerciseRepository,
    private readonly deliveries: DeliveryRepository,
    private readonly clock: DrillClock,
    private readonly mutex: ExerciseMutex,
    private readonly scenarios: ScenarioCache,
    private readonly scheduler: InjectScheduler,
    private readonly live: LiveChannel,
    private readonly audit: AuditService,
  ) {}

  /**
   * Applies a lifecycle action to the exercise row read under a write lock, so a release pass on any replica
   * either finishes before it (and is recorded on the old clock) or sees the new state; audited in the same
   * transaction.
   */
  private transition(
    exerciseId: string,
    action: LifecycleAction,
    change: (ex: ExerciseEntity, now: number) => Partial<ExerciseEntity>,
    actor: Actor,
    inTx?: (m: EntityManager, ex: ExerciseEntity, now: number) => Promise<void>,
  ): Promise<ExerciseEntity> {
    return this.mutex.run(exerciseId, async () => {
      const { after, now } = await this.exercises.transaction(async (m) => {
        const { ex: before, now } = await this.clock.readLocked(m, exerciseId, 'update');
        const to = nextStatus(before.status, action);
        const patch = { ...change(before, now), status: to, epoch: before.epoch + 1 };
        if (!(await this.exercises.applyTransition(m, exerciseId, before, patch)))
          throw new Conflict(`the exercise changed meanwhile; reload and try again`);
        await inTx?.(m, before, now);
        const after = Object.assign(new ExerciseEntity(), before, patch);
        await this.audit.record(
          {
            actorUserId: actor.userId,
            actorRole: actor.role,
            action: `exercise.${action}`,
            targetType: 'exercise',
            targetId: exerciseId,
            exerciseId,
            before: { status: before.status, epoch: before.epoch },
            after: { status: after.status, epoch: after.epoch, scenarioTime: statePayload(after, now).scenarioTime },
            requestId: actor.requestId,
            at: now,
          },
          m,
        );
        return { after, now };
      });
      this.live.emitState(statePayload(after, now));
      return after;
    });
  }

  /** Starts the clock; every unconditional inject gets one scheduled row per target team, up front. */
  async start(exerciseId: string, actor: Actor): Promise<ExerciseEntity> {
    const ex = await this.exercises.get(exerciseId);
    const pinned = await this.scenarios.get(ex.scenarioId, ex.scenarioVersion);
    const teams = await this.exercises.enrolledTeams(exerciseId);
    return this.transition(
      exerciseId,
      'start',
      (_, now) => ({ startedAt: now, pausedAt: null, pausedTotalMs: 0 }),
      actor,
      async (m) => {
        const rows: Partial<DeliveryEntity>[] = [];
        for (const inject of pinned.scenario.injects) {
          if (inject.trigger) continue;
          for (const team of resolveTargets(inject.targets, teams))
            rows.push(
              pendingDelivery(exerciseId, inject.id, team.id, 'scheduled', dueMs(inject.offsetSeconds * 1000, null)),
            );
        }
        await this.deliveries.insertPlanned(m, rows);
      },
    );
  }

  async pause(exerciseId: string, actor: Actor): Promise<ExerciseEntity> {
    const ex = await this.transition(exerciseId, 'pause', (_, now) => ({ pausedAt: now }), actor);
    await this.cancelStale(ex);
    return ex;
  }

  /** Resuming shifts every pending release by the length of the pause: scenario time simply carries on. */
  resume(exerciseId: string, actor: Actor): Promise<ExerciseEntity> {
    return this.transition(
      exerciseId,
      'resume',
      (e, now) => ({ pausedAt: null, pausedTotalMs: e.pausedTotalMs + (now - (e.pausedAt ?? now)) }),
      actor,
    );
  }

  async end(exerciseId: string, action: 'complete' | 'abort', actor: Actor): Promise<ExerciseEntity> {
    // The clock stops where it stood: a paused exercise ends at its paused scenario time.
    const ex = await this.transition(
      exerciseId,
      action,
      (e, now) => ({
        endedAt: now,
        ...(e.pausedAt !== null ? { pausedTotalMs: e.pausedTotalMs + (now - e.pausedAt), pausedAt: null } : {}),
      }),
      actor,
    );
    await this.cancelStale(ex);
    return ex;
  }

  /**
   * Drops wake-ups planned before `ex`'s epoch. Only older epochs: a resume or retime on another replica may
   * already have planned a wake-up for the new one. A failure only leaves stale wake-ups, which are ignored.
   */
  async cancelStale(ex: ExerciseEntity): Promise<void> {
    await this.scheduler.cancel(ex.id, ex.epoch).catch((e: unknown) => this.log.warn(`cancel: ${String(e)}`));
  }
}
