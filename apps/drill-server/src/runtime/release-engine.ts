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

/** One release as the in-transaction hooks see it. */
export interface Releasing {
  teamId: string;
  inject: ScenarioInject;
  releasedAt: number;
  releasedScenarioMs: number;
}

/**
 * Work that must commit with a release or not at all (a scripted request for assistance is made by its inject's
 * release). Called inside the release transaction, with only the releases that carry what the hook asked for.
 */
export interface ReleaseHook {
  wants(inject: ScenarioInject): boolean;
  run(m: EntityManager, ex: ExerciseEntity, releases: Releasing[]): Promise<void>;
}

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
    releasedScenarioMs,
    deadlineScenarioMs:
      inject.deadlineMinutes === undefined ? null : releasedScenarioMs + inject.deadlineMinutes * 60_000,
    from: inject.from ?? null,
  };
}

/** The earliest scenario ms an inject may go out: its offset as authored, or as a controller retimed it. */
export function earliestMs(inject: ScenarioInject, edit: InjectEditEntity | undefined): number {
  return edit?.offsetMs ?? inject.offsetSeconds * 1000;
}

/** A due row, the inject it carries and how it is released. */
interface Due {
  row: DeliveryEntity;
  inject: ScenarioInject;
  by: string;
}

/** A committed release, as announced. */
interface Released extends Due {
  payload: InjectPayload;
  late: boolean;
}

/**
 * The release of injects. The due rows of every team are released together in one transaction: one conditional
 * update claims them, one update hands out a range of each team's sequence numbers as long as the rows claimed for
 * it, and the same transaction arms the conditional injects that depend on them and writes an audit row for each
 * release. So a release happens exactly once whatever replica or wake-up attempts it, a team's sequence has no gap,
 * and a crash cannot leave a release without its sequence number or its audit. When passes run and what happens
 * when one fails is the ReleaseSupervisor's business.
 */
@Injectable()
export class ReleaseEngine {
  private readonly releaseListeners: ReleaseListener[] = [];
  private readonly releaseHooks: ReleaseHook[] = [];

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

  inReleaseTransaction(hook: ReleaseHook): void {
    this.releaseHooks.push(hook);
  }

  /**
   * Releases everything of the exercise that is due, each team's in order, in one transaction. Returns the
   * exercise as read when it was running (the next wake-up is planned from it), undefined when it was not. Run
   * under the exercise's mutex.
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
    const byTeam = new Map<string, Due[]>();
    for (const row of due) {
      const inject = pinned.injects.get(row.injectId);
      if (!inject) continue;
      const by = inject.trigger ? `trigger:${inject.trigger.kind}` : 'scheduler';
      const rows = byTeam.get(row.teamId);
      if (rows) rows.push({ row, inject, by });
      else byTeam.set(row.teamId, [{ row, inject, by }]);
    }
    // Every team's due rows in one transaction: an inject for 30 teams costs one claim, one sequence update and one
    // audit insert, not thirty transactions of each (SQLite would run them one after the other).
    if (byTeam.size) await this.releaseBatch(ex, pinned, byTeam, teams);
    return ex;
  }

  /**
   * Releases one delivery row (a controller's "release now"). Returns the payload sent, undefined when the row was
   * no longer releasable (another wake-up or replica released it first, or its ifNoReport condition no longer
   * holds), or STOPPED when the exercise is no longer running (paused or ended on another replica since).
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
    const sent = await this.releaseBatch(
      ex,
      pinned,
      new Map([[row.teamId, [{ row, inject, by }]]]),
      teams,
      from,
      actor,
    );
    return sent === STOPPED ? STOPPED : sent[0];
  }

  /**
   * Releases each team's `due` rows, in that order, in one transaction, then announces them in one message per team.
   * Returns the payloads sent (without the rows that were no longer releasable), or STOPPED when the exercise is no
   * longer running.
   */
  private async releaseBatch(
    ex: ExerciseEntity,
    pinned: PinnedScenario,
    byTeam: ReadonlyMap<string, Due[]>,
    teams: EnrolledTeam[],
    from: DeliveryStatus[] = PENDING,
    actor?: Actor,
  ): Promise<InjectPayload[] | typeof STOPPED> {
    const done = await this.exercises.transaction(async (m) => {
      // SQLite: one process, and every transition takes this exercise's lock before the pass does, so the pass's own
      // reading is current. PostgreSQL: another replica may have paused it since; re-read under a shared row lock.
      const { ex: current, now } = this.exercises.postgres
        ? await this.clock.readLocked(m, ex.id, 'share')
        : { ex, now: Date.now() };
      if (current.status !== 'running') return STOPPED;
      await this.exercises.lockSeqs(m, ex.id, [...byTeam.keys()].sort());
      const clock = clockOf(current);
      const releasedScenarioMs = Math.floor(scenarioMsAt(clock, now));
      const releasable: Due[] = [];
      for (const d of [...byTeam.values()].flat()) {
        const { row, inject, by } = d;
        if (row.status === 'armed' && inject.trigger?.kind === 'ifNoReport' && by !== 'controller') {
          // Only a report sent by the deadline suppresses the escalation; checked in this transaction.
          const deadline = row.conditionScenarioMs ?? row.dueScenarioMs ?? releasedScenarioMs;
          if (await this.reports.hasReport(ex.id, row.teamId, inject.trigger.inject, deadline, m)) {
            await this.deliveries.markNotTriggered(m, row.id);
            continue;
          }
        }
        releasable.push(d);
      }
      if (!releasable.length) return { released: [], current, now };
      const stamps = releasable.map(({ row, by }) => {
        const dueAt =
          by === 'controller' || row.dueScenarioMs === null ? now : Math.round(wallTimeFor(clock, row.dueScenarioMs));
        return {
          id: row.id,
          releasedAt: now,
          releasedScenarioMs,
          dueAt,
          late: now - dueAt > LATE_AFTER_MS,
          releasedBy: by,
        };
      });
      const claimed = await this.deliveries.claim(m, stamps, from);
      const late = new Map(stamps.map((s) => [s.id, s.late]));
      // Rows another wake-up or replica claimed first get no number: each range is exactly as long as the claim.
      const batch = releasable.filter((d) => claimed.has(d.row.id));
      if (!batch.length) return { released: [], current, now };
      const counts = new Map<string, number>();
      for (const { row } of batch) counts.set(row.teamId, (counts.get(row.teamId) ?? 0) + 1);
      const next = await this.exercises.takeSeqs(m, ex.id, counts);
      const released: Released[] = batch.map((d) => {
        const seq = next.get(d.row.teamId)!;
        next.set(d.row.teamId, seq + 1);
        return {
          ...d,
          payload: injectPayload(ex.id, d.inject, seq, now, releasedScenarioMs),
          late: late.get(d.row.id)!,
        };
      });
      await this.deliveries.setSeqs(
        m,
        released.map((r) => ({ id: r.row.id, seq: r.payload.seq })),
      );
      await this.armDependents(m, ex, pinned, released, releasedScenarioMs, teams);
      for (const hook of this.releaseHooks) {
        const wanted = released.filter((r) => hook.wants(r.inject));
        if (wanted.length)
          await hook.run(
            m,
            current,
            wanted.map((r) => ({ teamId: r.row.teamId, inject: r.inject, releasedAt: now, releasedScenarioMs })),
          );
      }
      await this.audit.recordMany(
        released.map(({ row, by, late, payload }) => ({
          actorUserId: actor?.userId ?? null,
          actorRole: actor?.role ?? 'scheduler',
          action: 'inject.release',
          targetType: 'delivery',
          targetId: row.id,
          exerciseId: ex.id,
          after: {
            injectId: row.injectId,
            teamId: row.teamId,
            seq: payload.seq,
            by,
            late,
            scenarioTime: payload.scenarioTime,
          },
          requestId: actor?.requestId,
          at: now,
        })),
        m,
      );
      return { released, current, now };
    });
    if (done === STOPPED) return STOPPED;
    const { released, current, now } = done;
    if (!released.length) return [];
    // Fault-injection tests: die between commit and announce, as a replica can.
    if (released.some((r) => r.row.injectId === this.config.testKillAfterRelease)) process.kill(process.pid, 'SIGKILL');
    const perTeam = new Map<string, Released[]>();
    for (const r of released) perTeam.set(r.row.teamId, [...(perTeam.get(r.row.teamId) ?? []), r]);
    for (const [teamId, rows] of perTeam)
      this.live.announceReleases(
        ex.id,
        teamId,
        rows.map((r) => r.payload),
      );
    for (const { row, inject, by, late, payload } of released) {
      for (const l of this.releaseListeners) l(current, row.teamId, inject, now);
      this.live.toControl(ex.id, 'delivery', {
        teamId: row.teamId,
        injectId: row.injectId,
        seq: payload.seq,
        releasedAt: payload.releasedAt,
        late,
        releasedBy: by,
      });
    }
    return released.map((r) => r.payload);
  }

  /**
   * Conditional injects watching what was just released get their row for the team it went to, in the same
   * transaction as the release, in one statement.
   */
  private async armDependents(
    m: EntityManager,
    ex: ExerciseEntity,
    pinned: PinnedScenario,
    released: readonly Released[],
    releasedScenarioMs: number,
    teams: EnrolledTeam[],
  ): Promise<void> {
    const watching = released.flatMap(({ row }) =>
      (pinned.dependents.get(row.injectId) ?? [])
        .filter((dep) => resolveTargets(dep.targets, teams).some((t) => t.id === row.teamId))
        .map((dep) => ({ dep, watched: pinned.injects.get(row.injectId), teamId: row.teamId })),
    );
    if (!watching.length) return;
    const edits = await this.edits.editsOf(ex.id, m);
    const rows: Partial<DeliveryEntity>[] = [];
    for (const { dep, watched, teamId } of watching) {
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
