import { Injectable } from '@nestjs/common';
import type { ExerciseEntity } from '@drill/persistence';
import { ControllerActionsService } from './controller-actions.service.js';
import { DrillClock } from './drill-clock.js';
import { ExerciseRepository, type EnrolledTeamRow } from './exercise.repository.js';
import { LifecycleService, type Actor } from './lifecycle.service.js';
import { ReceiptsService } from './receipts.service.js';
import { ReleaseEngine, type ReleaseHook, type ReleaseListener } from './release-engine.js';
import { ReleaseSupervisor } from './release-supervisor.js';

export { clockOf, statePayload } from './drill-clock.js';
export {
  injectPayload,
  LATE_AFTER_MS,
  type ReleaseHook,
  type ReleaseListener,
  type Releasing,
} from './release-engine.js';
export type { OverdueExercise } from './release-supervisor.js';
export type { Actor } from './lifecycle.service.js';

/**
 * The running drill as the controllers, the gateway and the other features see it. The work is done by the parts
 * (LifecycleService: start, pause, resume, end; ReleaseEngine: due rows, claim, release, conditional arming;
 * ReleaseSupervisor: when passes run, retries, the sweep; ControllerActionsService: release now, skip, retime;
 * ReceiptsService: delivered, acknowledged). What this adds is the one rule that joins them: after every change
 * that can make a release due (a start, a resume, a controller's release or retime, a matching report), a release
 * pass runs before the caller is answered, so what is due has gone out and the next wake-up is planned.
 */
@Injectable()
export class ExerciseRuntime {
  constructor(
    private readonly exercises: ExerciseRepository,
    private readonly clock: DrillClock,
    private readonly lifecycle: LifecycleService,
    private readonly engine: ReleaseEngine,
    private readonly supervisor: ReleaseSupervisor,
    private readonly actions: ControllerActionsService,
    private readonly receipts: ReceiptsService,
  ) {}

  /** The exercise, or NotFound. */
  load(exerciseId: string): Promise<ExerciseEntity> {
    return this.exercises.get(exerciseId);
  }

  /** The drill's clock without a round trip (see DrillClock). */
  now(): number {
    return this.clock.now();
  }

  /** The teams of an exercise, by code (cached: enrolment never changes). */
  enrolledTeams(exerciseId: string): Promise<EnrolledTeamRow[]> {
    return this.exercises.enrolledTeams(exerciseId);
  }

  onReleased(listener: ReleaseListener): void {
    this.engine.onReleased(listener);
  }

  /** Runs `hook` inside every release transaction (see ReleaseHook). */
  inReleaseTransaction(hook: ReleaseHook): void {
    this.engine.inReleaseTransaction(hook);
  }

  async start(exerciseId: string, actor: Actor): Promise<ExerciseEntity> {
    const ex = await this.lifecycle.start(exerciseId, actor);
    await this.supervisor.tick(exerciseId);
    return ex;
  }

  pause(exerciseId: string, actor: Actor): Promise<ExerciseEntity> {
    return this.lifecycle.pause(exerciseId, actor);
  }

  async resume(exerciseId: string, actor: Actor): Promise<ExerciseEntity> {
    const ex = await this.lifecycle.resume(exerciseId, actor);
    await this.supervisor.tick(exerciseId);
    return ex;
  }

  end(exerciseId: string, action: 'complete' | 'abort', actor: Actor): Promise<ExerciseEntity> {
    return this.lifecycle.end(exerciseId, action, actor);
  }

  async releaseNow(exerciseId: string, injectId: string, teamIds: string[] | undefined, actor: Actor) {
    const result = await this.actions.releaseNow(exerciseId, injectId, teamIds, actor);
    await this.supervisor.tick(exerciseId); // plans the follow-ups it armed
    return result;
  }

  skip(exerciseId: string, injectId: string, actor: Actor) {
    return this.actions.skip(exerciseId, injectId, actor);
  }

  async retime(exerciseId: string, injectId: string, offset: string, actor: Actor) {
    const result = await this.actions.retime(exerciseId, injectId, offset, actor);
    await this.supervisor.tick(exerciseId); // plans the new time; a retime into the past releases at once
    return result;
  }

  /** ISM hook: a team's report may fire ifReportMatches injects armed for it (see ReleaseEngine.armOnReport). */
  async onReport(
    exerciseId: string,
    teamId: string,
    injectIds: string[],
    classification: { class: string; type: string } | undefined,
    atScenarioMs: number,
  ): Promise<void> {
    if (!classification || !injectIds.length) return;
    if (await this.engine.armOnReport(exerciseId, teamId, injectIds, classification, atScenarioMs))
      await this.supervisor.tick(exerciseId);
  }

  markDelivered(exerciseId: string, teamId: string, injectId: string, hostAt: number): Promise<void> {
    return this.receipts.markDelivered(exerciseId, teamId, injectId, hostAt);
  }

  /** True for the first acknowledgement, false for a repeat; NotFound when the inject was not released to the team. */
  acknowledge(exerciseId: string, teamId: string, injectId: string, userId: string): Promise<boolean> {
    return this.receipts.acknowledge(exerciseId, teamId, injectId, userId);
  }
}
