import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import {
  conditionMs,
  dueMs,
  formatScenarioTime,
  resolveTargets,
  scenarioMsAt,
  wallTimeFor,
  type EnrolledTeam,
} from '@drill/exercise';
import type { Inject as ScenarioInject } from '@drill/scenario';
import type { DeliveryEntity, DeliveryStatus, ExerciseEntity, InjectEditEntity } from '@drill/persistence';
import { AuditService } from '../audit/audit.service.js';
import { DRILL_CONFIG } from '../config/config.module.js';
import type { DrillConfig } from '../config/drill-config.js';
import { DeliveryRepository, PENDING, pendingDelivery } from './delivery.repository.js';
import { clockOf, DrillClock } from './drill-clock.js';
import { ExerciseRepository } from './exercise.repository.js';
import { InjectEditRepository } from './inject-edit.repository.js';
import type { Actor } from './lifecycle.service.js';
import { LiveChannel, type InjectPayload } from './live-channel.js';
import { ExerciseMutex } from './mutex.js';
import { ReportLookup } from './report-lookup.js';
import { ScenarioCache, type PinnedScenario } from './scenario-cache.js';

/** A release more than this after its planned instant is marked late (e.g. the server was down). */
export const LATE_AFTER_MS = 1000;
/** Timers may fire a hair early; anything due within this many wall ms counts as due now. */
export const EARLY_TOLERANCE_MS = 2;
/** A release attempt found the exercise no longer running. */
export const STOPPED = Symbol('stopped');

/** Told of every release after it is committed (scoring arms a deadline check with it). */
export type ReleaseListener = (ex: ExerciseEntity, teamId: string, inject: ScenarioInject, releasedAt: number) => void;

export function injectPayload(
  exerciseId: string,
  inject: ScenarioInject,
  seq: number,
  releasedAt: number,
  releasedScenarioMs: number,
): InjectPayload {
  return {
    exerciseId,
    injectId: inject.id,
    seq,
    title: inject.title,
    body: inject.body,
    artefacts: inject.artefacts,
    severity: inject.severity,
    tlp: inject.tlp,
    responseRequired: inject.responseRequired,
    targetMinutes: inject.targetMinutes ?? null,
    deadlineMinutes: inject.deadlineMinutes ?? null,
    releasedAt: new Date(releasedAt).toISOString(),
    scenarioTime: formatScenarioTime(releasedScenarioMs),
  };
}

/** The earliest scenario ms an inject may go out: its offset as authored, or as a controller retimed it. */
export function earliestMs(inject: ScenarioInject, edit: InjectEditEntity | undefined): number {
  return edit?.offsetMs ?? inject.offsetSeconds * 1000;
}

/**
 * The release of injects. Every release is a conditional update of its delivery row inside a transaction that also
 * hands out the team's next sequence number, arms the conditional injects that depend on it and writes the
 * release's audit row, so a release happens exactly once whatever replica or wake-up attempts it, and a crash
 * cannot leave a release without its sequence number or its audit. When passes run and what happens when one
 * fails is the ReleaseSupervisor's business.
 */
@Injectable()
export class ReleaseEngine {
  private readonly releaseListeners: ReleaseListener[] = [];

  constructor(
    private readonly exercises: ExerciseRepository,
    private readonly deliveries: DeliveryRepository,
    private readonly edits: InjectEditRepository,
    private readonly clock: DrillClock,
    private readonly mutex: ExerciseMutex,
    private readonly scenarios: ScenarioCache,
    private readonly live: LiveChannel,
    private readonly audit: AuditService,
    private readonly reports: ReportLookup,
    @Inject(DRILL_CONFIG) private readonly config: DrillConfig,
  ) {}

  onReleased(listener: ReleaseListener): void {
    this.releaseListeners.push(listener);
  }

  /**
   * Releases everything of the exercise that is due, in order. Returns the exercise as read when it was running
   * (the next wake-up is planned from it), undefined when it was not. Run under the exercise's mutex.
   */
  async releaseDue(exerciseId: string): Promise<ExerciseEntity | undefined> {
    const ex = await this.exercises.get(exerciseId);
    if (ex.status !== 'running') return undefined;
    const pinned = await this.scenarios.get(ex.scenarioId, ex.scenarioVersion);
    const horizon = scenarioMsAt(clockOf(ex), (await this.clock.clockNow()) + EARLY_TOLERANCE_MS);
    const due = await this.deliveries.listDue(exerciseId, Math.floor(horizon));
    const teams = await this.exercises.enrolledTeams(exerciseId);
    const codes = new Map(teams.map((t) => [t.id, t.code]));
    due.sort(
      (a, b) =>
        a.dueScenarioMs! - b.dueScenarioMs! ||
        (pinned.order.get(a.injectId) ?? 0) - (pinned.order.get(b.injectId) ?? 0) ||
        (codes.get(a.teamId) ?? '').localeCompare(codes.get(b.teamId) ?? ''),
    );
    const releaseInOrder = async (rows: DeliveryEntity[]) => {
      for (const row of rows) {
        const inject = pinned.injects.get(row.injectId);
        if (!inject) continue;
        const by = inject.trigger ? `trigger:${inject.trigger.kind}` : 'scheduler';
        if ((await this.release(ex, pinned, row, by, teams)) === STOPPED) return;
      }
    };
    if (!this.exercises.postgres) {
      await releaseInOrder(due); // one connection: the transactions would queue anyway
    } else {
      // Teams are independent (each has its own sequence and row lock): on PostgreSQL their releases run side by
      // side, each team's in order, so an inject for 30 teams costs about one transaction, not thirty in a row.
      const byTeam = new Map<string, DeliveryEntity[]>();
      for (const row of due) {
        const rows = byTeam.get(row.teamId);
        if (rows) rows.push(row);
        else byTeam.set(row.teamId, [row]);
      }
      // allSettled: a failure must not end this pass (and free the mutex) while other teams are still releasing.
      const failed = (await Promise.allSettled([...byTeam.values()].map(releaseInOrder))).find(
        (r) => r.status === 'rejected',
      );
      if (failed) throw failed.reason;
    }
    return ex;
  }

  /**
   * Releases one delivery row. Returns the payload sent, undefined when the row was no longer releasable (another
   * wake-up or replica released it first, or its ifNoReport condition no longer holds), or STOPPED when the
   * exercise is no longer running (paused or ended on another replica since the pass began).
   */
  async release(
    ex: ExerciseEntity,
    pinned: PinnedScenario,
    row: DeliveryEntity,
    by: string,
    teams: EnrolledTeam[],
    from: DeliveryStatus[] = PENDING,
    actor?: Actor,
  ): Promise<InjectPayload | undefined | typeof STOPPED> {
    const inject = pinned.injects.get(row.injectId)!;
    const done = await this.exercises.transaction(async (m) => {
      // SQLite: one process, and every transition takes this exercise's lock before the pass does, so the pass's own
      // reading is current. PostgreSQL: another replica may have paused it since; re-read under a shared row lock.
      const { ex: current, now } = this.exercises.postgres
        ? await this.clock.readLocked(m, ex.id, 'share')
        : { ex, now: Date.now() };
      if (current.status !== 'running') return STOPPED;
      const clock = clockOf(current);
      const releasedScenarioMs = Math.floor(scenarioMsAt(clock, now));
      if (row.status === 'armed' && inject.trigger?.kind === 'ifNoReport' && by !== 'controller') {
        // Only a report sent by the deadline suppresses the escalation; checked in this transaction.
        const deadline = row.conditionScenarioMs ?? row.dueScenarioMs ?? releasedScenarioMs;
        if (await this.reports.hasReport(ex.id, row.teamId, inject.trigger.inject, deadline, m)) {
          await this.deliveries.markNotTriggered(m, row.id);
          return undefined;
        }
      }
      const dueAt =
        by === 'controller' || row.dueScenarioMs === null ? now : Math.round(wallTimeFor(clock, row.dueScenarioMs));
      const late = now - dueAt > LATE_AFTER_MS;
      const stamp = { releasedAt: now, releasedScenarioMs, dueAt, late, releasedBy: by };
      if (!(await this.deliveries.claim(m, row.id, from, stamp))) return undefined;
      const seq = await this.exercises.nextSeq(m, ex.id, row.teamId);
      await this.deliveries.setSeq(m, row.id, seq);
      await this.armDependents(m, ex, pinned, row.injectId, row.teamId, releasedScenarioMs, teams);
      const payload = injectPayload(ex.id, inject, seq, now, releasedScenarioMs);
      await this.audit.record(
        {
          actorUserId: actor?.userId ?? null,
          actorRole: actor?.role ?? 'scheduler',
          action: 'inject.release',
          targetType: 'delivery',
          targetId: row.id,
          exerciseId: ex.id,
          after: { injectId: row.injectId, teamId: row.teamId, seq, by, late, scenarioTime: payload.scenarioTime },
          requestId: actor?.requestId,
          at: now,
        },
        m,
      );
      return { payload, current, late, now };
    });
    if (done === undefined || done === STOPPED) return done;
    // Fault-injection tests: die between commit and announce, as a replica can.
    if (this.config.testKillAfterRelease === row.injectId) process.kill(process.pid, 'SIGKILL');
    const { payload, current, late, now } = done;
    this.live.announceRelease(ex.id, row.teamId, payload);
    for (const l of this.releaseListeners) l(current, row.teamId, inject, now);
    this.live.toControl(ex.id, 'delivery', {
      teamId: row.teamId,
      injectId: row.injectId,
      seq: payload.seq,
      releasedAt: payload.releasedAt,
      late,
      releasedBy: by,
    });
    return payload;
  }

  /** Conditional injects watching `injectId` get their row for this team, in the same transaction as its release. */
  private async armDependents(
    m: EntityManager,
    ex: ExerciseEntity,
    pinned: PinnedScenario,
    injectId: string,
    teamId: string,
    releasedScenarioMs: number,
    teams: EnrolledTeam[],
  ): Promise<void> {
    const dependents = (pinned.dependents.get(injectId) ?? []).filter((dep) =>
      resolveTargets(dep.targets, teams).some((t) => t.id === teamId),
    );
    if (!dependents.length) return;
    const watched = pinned.injects.get(injectId);
    const edits = await this.edits.editsOf(ex.id, m);
    const rows: Partial<DeliveryEntity>[] = [];
    for (const dep of dependents) {
      const condition = conditionMs(dep, watched, releasedScenarioMs);
      if (condition === undefined) continue;
      const edit = edits.get(dep.id);
      // after: scheduled for its time; ifNoReport: armed, checked at the deadline; ifReportMatches: armed, no time yet.
      const status: DeliveryStatus = edit?.skipped ? 'skipped' : dep.trigger!.kind === 'after' ? 'scheduled' : 'armed';
      const due = condition === null ? null : dueMs(earliestMs(dep, edit), condition);
      rows.push(pendingDelivery(ex.id, dep.id, teamId, status, due, condition));
    }
    if (rows.length) await this.deliveries.insertIfAbsent(rows, m);
  }

  /**
   * A team's report on `injectIds` may fire ifReportMatches injects armed for that team. A match, paused or running,
   * schedules the follow-up at the report's scenario time or the inject's own (earliest) offset, whichever is later;
   * the next release pass sends it when the clock gets there. Returns how many were scheduled.
   */
  armOnReport(
    exerciseId: string,
    teamId: string,
    injectIds: string[],
    classification: { class: string; type: string },
    atScenarioMs: number,
  ): Promise<number> {
    return this.mutex.run(exerciseId, async () => {
      const ex = await this.exercises.get(exerciseId);
      if (ex.status !== 'running' && ex.status !== 'paused') return 0;
      const pinned = await this.scenarios.get(ex.scenarioId, ex.scenarioVersion);
      const armed = await this.deliveries.listAwaitingReport(exerciseId, teamId);
      const edits = armed.length ? await this.edits.editsOf(exerciseId) : new Map<string, InjectEditEntity>();
      let n = 0;
      for (const row of armed) {
        const inject = pinned.injects.get(row.injectId);
        const t = inject?.trigger;
        if (!inject || t?.kind !== 'ifReportMatches' || !injectIds.includes(t.inject)) continue;
        if (t.classification.class !== classification.class) continue;
        if (t.classification.type && t.classification.type !== classification.type) continue;
        const condition = Math.floor(atScenarioMs);
        const scheduled = await this.deliveries.scheduleArmed(row.id, {
          conditionScenarioMs: condition,
          dueScenarioMs: dueMs(earliestMs(inject, edits.get(inject.id)), condition),
        });
        if (scheduled) n++;
      }
      return n;
    });
  }
}
