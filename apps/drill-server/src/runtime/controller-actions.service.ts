import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { Conflict, NotFound, ValidationFailed } from '@drill/contracts';
import { dueMs, resolveTargets, scenarioMsAt } from '@drill/exercise';
import { parseOffset, type Inject as ScenarioInject } from '@drill/scenario';
import { InjectEditEntity, type ExerciseEntity } from '@drill/persistence';
import { AuditService } from '../audit/audit.service.js';
import { DeliveryRepository, pendingDelivery } from './delivery.repository.js';
import { clockOf, DrillClock } from './drill-clock.js';
import { ExerciseRepository } from './exercise.repository.js';
import { InjectEditRepository } from './inject-edit.repository.js';
import { LifecycleService, type Actor } from './lifecycle.service.js';
import { LiveChannel } from './live-channel.js';
import { ExerciseMutex } from './mutex.js';
import { ReleaseEngine, STOPPED } from './release-engine.js';
import { ScenarioCache, type PinnedScenario } from './scenario-cache.js';

function formatOffset(ms: number): string {
  const s = Math.round(ms / 1000);
  const p = (n: number) => String(n).padStart(2, '0');
  return `+${p(Math.floor(s / 3600))}:${p(Math.floor((s % 3600) / 60))}:${p(s % 60)}`;
}

/**
 * What a controller does to injects of a live exercise: release one now, skip one, retime one. Skips and retimes
 * are standing edits: they also apply to conditional rows armed later. None of them plans the next wake-up; the
 * caller runs a release pass after a release or retime (ExerciseRuntime does).
 */
@Injectable()
export class ControllerActionsService {
  constructor(
    private readonly exercises: ExerciseRepository,
    private readonly deliveries: DeliveryRepository,
    private readonly edits: InjectEditRepository,
    private readonly clock: DrillClock,
    private readonly mutex: ExerciseMutex,
    private readonly scenarios: ScenarioCache,
    private readonly engine: ReleaseEngine,
    private readonly lifecycle: LifecycleService,
    private readonly live: LiveChannel,
    private readonly audit: AuditService,
  ) {}

  private async liveExercise(exerciseId: string): Promise<{ ex: ExerciseEntity; pinned: PinnedScenario }> {
    const ex = await this.exercises.get(exerciseId);
    if (ex.status !== 'running' && ex.status !== 'paused')
      throw new Conflict(`the exercise is ${ex.status}; injects can be changed only while it runs or is paused`);
    return { ex, pinned: await this.scenarios.get(ex.scenarioId, ex.scenarioVersion) };
  }

  private injectOf(pinned: PinnedScenario, injectId: string): ScenarioInject {
    const inject = pinned.injects.get(injectId);
    if (!inject) throw new NotFound(`the scenario has no inject ${injectId}`);
    return inject;
  }

  /** Release now, to the given teams or to the inject's targets; already-released teams are reported, not resent. */
  releaseNow(exerciseId: string, injectId: string, teamIds: string[] | undefined, actor: Actor) {
    return this.mutex.run(exerciseId, async () => {
      const { ex, pinned } = await this.liveExercise(exerciseId);
      if (ex.status !== 'running') throw new Conflict('resume the exercise before releasing an inject');
      const inject = this.injectOf(pinned, injectId);
      const teams = await this.exercises.enrolledTeams(exerciseId);
      const enrolled = new Set(teams.map((t) => t.id));
      const unknown = (teamIds ?? []).filter((t) => !enrolled.has(t));
      if (unknown.length)
        throw new ValidationFailed(
          'some teams are not enrolled in this exercise',
          unknown.map((t) => ({ path: '/teamIds', message: `team ${t} is not enrolled` })),
        );
      const targets = teamIds ?? resolveTargets(inject.targets, teams).map((t) => t.id);
      const released: string[] = [];
      const already: string[] = [];
      const nowMs = Math.floor(scenarioMsAt(clockOf(ex), this.clock.now()));
      for (const teamId of targets) {
        await this.deliveries.insertIfAbsent([pendingDelivery(exerciseId, injectId, teamId, 'scheduled', nowMs)]);
        const row = await this.deliveries.find(exerciseId, injectId, teamId);
        const sent = await this.engine.release(
          ex,
          pinned,
          row,
          'controller',
          teams,
          ['scheduled', 'armed', 'skipped', 'not-triggered'],
          actor,
        );
        if (sent === STOPPED) throw new Conflict('the exercise was paused or ended meanwhile');
        (sent ? released : already).push(teamId);
      }
      return { injectId, released, alreadyReleased: already };
    });
  }

  /** Records a standing edit of the inject (merged into any earlier one); returns the edit as it was before. */
  private async saveEdit(
    m: EntityManager,
    exerciseId: string,
    injectId: string,
    change: { skipped?: boolean; offsetMs?: number },
    actor: Actor,
    now: number,
  ): Promise<InjectEditEntity | null> {
    const before = await this.edits.find(m, exerciseId, injectId);
    await this.edits.save(
      m,
      Object.assign(new InjectEditEntity(), {
        exerciseId,
        injectId,
        skipped: change.skipped ?? before?.skipped ?? false,
        offsetMs: change.offsetMs ?? before?.offsetMs ?? null,
        updatedBy: actor.userId,
        updatedAt: now,
      }),
    );
    return before;
  }

  /**
   * Skips every pending release of the inject, and remembers the skip so that a conditional inject armed later (its
   * trigger has not fired yet) is skipped too. Allowed while paused.
   */
  skip(exerciseId: string, injectId: string, actor: Actor) {
    return this.mutex.run(exerciseId, async () => {
      const { pinned } = await this.liveExercise(exerciseId);
      const inject = this.injectOf(pinned, injectId);
      const skipped = await this.exercises.transaction(async (m) => {
        const now = await this.clock.clockNow(m);
        await this.saveEdit(m, exerciseId, injectId, { skipped: true }, actor, now);
        const skipped = await this.deliveries.skipPending(m, exerciseId, injectId);
        await this.audit.record(
          {
            actorUserId: actor.userId,
            actorRole: actor.role,
            action: 'inject.skip',
            targetType: 'inject',
            targetId: injectId,
            exerciseId,
            after: { skippedDeliveries: skipped, laterArmingSkipped: inject.trigger !== undefined },
            requestId: actor.requestId,
            at: now,
          },
          m,
        );
        return skipped;
      });
      this.live.toControl(exerciseId, 'inject.skipped', { injectId });
      // Nothing to plan: a wake-up for a skipped row finds nothing due and plans the next release itself.
      return { injectId, skipped, laterArmingSkipped: inject.trigger !== undefined };
    });
  }

  /**
   * Moves the inject's earliest release to a new scenario offset: pending releases (scheduled or armed with a time)
   * move to max(offset, their condition's time), and rows armed later use it too. Released teams are unaffected.
   */
  async retime(exerciseId: string, injectId: string, offset: string, actor: Actor) {
    const seconds = parseOffset(offset);
    if (seconds === undefined)
      throw new ValidationFailed('offset must look like +HH:MM or +HH:MM:SS', [
        { path: '/offset', message: `"${offset}" is not +HH:MM[:SS]` },
      ]);
    const earliest = seconds * 1000;
    return this.mutex.run(exerciseId, async () => {
      const { pinned } = await this.liveExercise(exerciseId);
      const inject = this.injectOf(pinned, injectId);
      const { moved, ex } = await this.exercises.transaction(async (m) => {
        const now = await this.clock.clockNow(m);
        const edit = await this.saveEdit(m, exerciseId, injectId, { offsetMs: earliest }, actor, now);
        const moved = [];
        for (const row of await this.deliveries.listPendingTimed(m, exerciseId, injectId)) {
          const due = dueMs(earliest, row.conditionScenarioMs);
          await this.deliveries.moveDue(m, row, due);
          moved.push({ teamId: row.teamId, from: row.dueScenarioMs, to: due });
        }
        // A new epoch makes the wake-up planned for the old time a no-op.
        const ex = await this.exercises.bumpEpoch(m, exerciseId);
        await this.audit.record(
          {
            actorUserId: actor.userId,
            actorRole: actor.role,
            action: 'inject.retime',
            targetType: 'inject',
            targetId: injectId,
            exerciseId,
            before: { offset: edit?.offsetMs != null ? formatOffset(edit.offsetMs) : inject.offset },
            after: { offset, deliveries: moved },
            requestId: actor.requestId,
            at: now,
          },
          m,
        );
        return { moved, ex };
      });
      if (ex.status === 'running') await this.lifecycle.cancelStale(ex);
      return { injectId, offset, deliveries: moved.length, epoch: ex.epoch };
    });
  }
}
