import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { In, IsNull, LessThanOrEqual, Not, type DataSource, type EntityManager } from 'typeorm';
import { Conflict, NotFound, ValidationFailed } from '@drill/contracts';
import {
  formatScenarioTime,
  nextStatus,
  resolveTargets,
  scenarioMsAt,
  wallTimeFor,
  type ClockState,
  type EnrolledTeam,
  type LifecycleAction,
} from '@drill/exercise';
import { parseOffset, type Inject as ScenarioInject } from '@drill/scenario';
import {
  DeliveryEntity,
  ExerciseEntity,
  ExerciseTeamEntity,
  TeamEntity,
  type DeliveryStatus,
} from '@drill/persistence';
import { AuditService } from '../audit/audit.service.js';
import { LiveChannel, type ExerciseStatePayload, type InjectPayload } from './live-channel.js';
import { KeyedMutex } from './mutex.js';
import { ReportLookup } from './report-lookup.js';
import { ScenarioCache, type PinnedScenario } from './scenario-cache.js';
import { InjectScheduler } from './scheduler.js';

/** A release more than this after its planned instant is marked late (e.g. the server was down). */
export const LATE_AFTER_MS = 1000;
/** Timers may fire a hair early; anything due within this many wall ms counts as due now. */
const EARLY_TOLERANCE_MS = 2;
const PENDING: DeliveryStatus[] = ['scheduled', 'armed'];

/** Told of every release after it is committed (scoring arms a deadline check with it). */
export type ReleaseListener = (ex: ExerciseEntity, teamId: string, inject: ScenarioInject, releasedAt: number) => void;

export interface Actor {
  userId: string | null;
  role: string | null;
  requestId?: string;
}

export function clockOf(ex: ExerciseEntity): ClockState {
  return { speed: ex.speed, startedAt: ex.startedAt, pausedAt: ex.pausedAt, pausedTotalMs: ex.pausedTotalMs };
}

export function statePayload(ex: ExerciseEntity, now = Date.now()): ExerciseStatePayload {
  const ms = scenarioMsAt(clockOf(ex), ex.status === 'running' || ex.status === 'paused' ? now : (ex.endedAt ?? now));
  return {
    exerciseId: ex.id,
    status: ex.status,
    speed: ex.speed,
    scenarioMs: Math.floor(ms),
    scenarioTime: formatScenarioTime(ms),
    wallTime: new Date(now).toISOString(),
  };
}

/**
 * The running drill: lifecycle transitions that move the clock, and the release of injects. Every release is a
 * conditional update of its delivery row inside a transaction that also hands out the team's next sequence
 * number and arms the conditional injects that depend on it, so a release happens exactly once whatever
 * replica or wake-up attempts it, and a crash cannot leave a release without its sequence number.
 */
@Injectable()
export class ExerciseRuntime implements OnApplicationBootstrap {
  private readonly log = new Logger('runtime');
  private readonly mutex = new KeyedMutex();
  private readonly sqliteWrites = new KeyedMutex();
  private readonly releaseListeners: ReleaseListener[] = [];
  private readonly teamCache = new Map<string, Promise<(EnrolledTeam & { name: string })[]>>();

  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly scheduler: InjectScheduler,
    private readonly live: LiveChannel,
    private readonly scenarios: ScenarioCache,
    private readonly audit: AuditService,
    private readonly reports: ReportLookup,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.scheduler.setHandler((id, epoch) => this.wake(id, epoch));
    // Durability: whatever was running when the process stopped carries on; overdue injects go out now, late.
    const live = await this.ds.getRepository(ExerciseEntity).find({ where: { status: In(['running', 'scheduled']) } });
    for (const ex of live) {
      if (ex.status === 'running') await this.tick(ex.id);
      else if (ex.scheduledStartAt !== null) await this.scheduler.wakeAt(ex.id, ex.epoch, ex.scheduledStartAt);
    }
    if (live.length) this.log.log(`resumed ${live.length} exercise(s) after start-up`);
  }

  onReleased(listener: ReleaseListener): void {
    this.releaseListeners.push(listener);
  }

  // ---- transactions --------------------------------------------------------------------------------------

  /** SQLite has one connection: transactions in this process must not interleave on it. */
  private tx<T>(work: (m: EntityManager) => Promise<T>): Promise<T> {
    if (this.ds.options.type === 'better-sqlite3') return this.sqliteWrites.run('db', () => this.ds.transaction(work));
    return this.ds.transaction(work);
  }

  async load(exerciseId: string): Promise<ExerciseEntity> {
    const ex = await this.ds.getRepository(ExerciseEntity).findOneBy({ id: exerciseId });
    if (!ex) throw new NotFound(`no exercise ${exerciseId}`);
    return ex;
  }

  /**
   * The teams of an exercise, by code. Cached: teams are enrolled in the same transaction that creates the exercise
   * and never change afterwards, and a team's code, name and tags cannot be edited, so every replica may keep them.
   */
  enrolledTeams(exerciseId: string): Promise<(EnrolledTeam & { name: string })[]> {
    let teams = this.teamCache.get(exerciseId);
    if (!teams) {
      teams = this.ds
        .getRepository(TeamEntity)
        .createQueryBuilder('t')
        .innerJoin(ExerciseTeamEntity, 'et', 'et.teamId = t.id AND et.exerciseId = :exerciseId', { exerciseId })
        .orderBy('t.code', 'ASC')
        .getMany()
        .then((rows) => rows.map((t) => ({ id: t.id, code: t.code, name: t.name, tags: t.tags })));
      this.teamCache.set(exerciseId, teams);
      teams.then(
        (list) => list.length === 0 && this.teamCache.delete(exerciseId), // unknown exercise: do not remember
        () => this.teamCache.delete(exerciseId),
      );
    }
    return teams;
  }

  // ---- lifecycle -----------------------------------------------------------------------------------------

  /** Applies a lifecycle action with a conditional update, so two controllers (or replicas) cannot both win. */
  private async transition(
    exerciseId: string,
    action: LifecycleAction,
    change: (ex: ExerciseEntity, now: number) => Partial<ExerciseEntity>,
    actor: Actor,
    inTx?: (m: EntityManager, ex: ExerciseEntity, now: number) => Promise<void>,
  ): Promise<ExerciseEntity> {
    const before = await this.load(exerciseId);
    const to = nextStatus(before.status, action);
    const now = Date.now();
    const patch = { ...change(before, now), status: to, epoch: before.epoch + 1 };
    await this.tx(async (m) => {
      const r = await m
        .createQueryBuilder()
        .update(ExerciseEntity)
        .set(patch)
        .where('id = :id AND status = :status AND epoch = :epoch', {
          id: exerciseId,
          status: before.status,
          epoch: before.epoch,
        })
        .execute();
      if (!r.affected) throw new Conflict(`the exercise changed meanwhile; reload and try again`);
      await inTx?.(m, before, now);
    });
    const after = await this.load(exerciseId);
    await this.audit.record({
      actorUserId: actor.userId,
      actorRole: actor.role,
      action: `exercise.${action}`,
      targetType: 'exercise',
      targetId: exerciseId,
      exerciseId,
      before: { status: before.status, epoch: before.epoch },
      after: { status: after.status, epoch: after.epoch, scenarioTime: statePayload(after, now).scenarioTime },
      requestId: actor.requestId,
    });
    this.live.emitState(statePayload(after));
    return after;
  }

  async start(exerciseId: string, actor: Actor): Promise<ExerciseEntity> {
    const ex = await this.load(exerciseId);
    const pinned = await this.scenarios.get(ex.scenarioId, ex.scenarioVersion);
    const teams = await this.enrolledTeams(exerciseId);
    const after = await this.transition(
      exerciseId,
      'start',
      (_, now) => ({ startedAt: now, pausedAt: null, pausedTotalMs: 0 }),
      actor,
      async (m) => {
        // Every unconditional inject gets one scheduled row per target team, up front.
        const rows: Partial<DeliveryEntity>[] = [];
        for (const inject of pinned.scenario.injects) {
          if (inject.trigger) continue;
          for (const team of resolveTargets(inject.targets, teams))
            rows.push(this.newRow(exerciseId, inject.id, team.id, 'scheduled', inject.offsetSeconds * 1000));
        }
        for (let i = 0; i < rows.length; i += 200) await m.getRepository(DeliveryEntity).insert(rows.slice(i, i + 200));
      },
    );
    await this.tick(exerciseId);
    return after;
  }

  async pause(exerciseId: string, actor: Actor): Promise<ExerciseEntity> {
    const ex = await this.transition(exerciseId, 'pause', (_, now) => ({ pausedAt: now }), actor);
    await this.scheduler.cancel(exerciseId);
    return ex;
  }

  /** Resuming shifts every pending release by the length of the pause: scenario time simply carries on. */
  async resume(exerciseId: string, actor: Actor): Promise<ExerciseEntity> {
    const ex = await this.transition(
      exerciseId,
      'resume',
      (e, now) => ({ pausedAt: null, pausedTotalMs: e.pausedTotalMs + (now - (e.pausedAt ?? now)) }),
      actor,
    );
    await this.tick(exerciseId);
    return ex;
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
    await this.scheduler.cancel(exerciseId);
    return ex;
  }

  // ---- releasing -----------------------------------------------------------------------------------------

  private newRow(
    exerciseId: string,
    injectId: string,
    teamId: string,
    status: DeliveryStatus,
    dueScenarioMs: number | null,
  ): Partial<DeliveryEntity> {
    return {
      id: randomUUID(),
      exerciseId,
      injectId,
      teamId,
      status,
      dueScenarioMs,
      dueAt: null,
      seq: null,
      releasedAt: null,
      releasedScenarioMs: null,
      releasedBy: null,
      late: false,
      deliveredAt: null,
      lagMs: null,
      acknowledgedAt: null,
      acknowledgedBy: null,
      acknowledgedScenarioMs: null,
    };
  }

  private async wake(exerciseId: string, epoch: number): Promise<void> {
    const ex = await this.ds.getRepository(ExerciseEntity).findOneBy({ id: exerciseId });
    if (!ex || epoch < ex.epoch) return; // stale: paused, retimed or restarted since it was scheduled
    if (ex.status === 'scheduled') {
      if (ex.scheduledStartAt !== null && ex.scheduledStartAt <= Date.now() + EARLY_TOLERANCE_MS) {
        await this.start(exerciseId, { userId: null, role: 'scheduler' }).catch((e: unknown) => {
          if (!(e instanceof Conflict)) throw e; // another replica started it first
        });
      }
      return;
    }
    await this.tick(exerciseId);
  }

  /** Releases everything that is due, in order, and asks to be woken for the next pending release. */
  tick(exerciseId: string): Promise<void> {
    return this.mutex.run(exerciseId, async () => {
      const ex = await this.load(exerciseId);
      if (ex.status !== 'running') return;
      const pinned = await this.scenarios.get(ex.scenarioId, ex.scenarioVersion);
      const clock = clockOf(ex);
      const horizon = scenarioMsAt(clock, Date.now() + EARLY_TOLERANCE_MS);
      const due = await this.ds.getRepository(DeliveryEntity).find({
        where: { exerciseId, status: In(PENDING), dueScenarioMs: LessThanOrEqual(Math.floor(horizon)) },
      });
      const teams = await this.enrolledTeams(exerciseId);
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
          if (row.status === 'armed' && inject.trigger?.kind === 'ifNoReport') {
            if (await this.reports.hasReport(exerciseId, row.teamId, inject.trigger.inject)) {
              await this.ds
                .getRepository(DeliveryEntity)
                .update({ id: row.id, status: 'armed' }, { status: 'not-triggered' });
              continue;
            }
            await this.release(ex, pinned, row, 'trigger:ifNoReport', teams);
          } else if (row.status === 'scheduled') {
            await this.release(ex, pinned, row, inject.trigger ? `trigger:${inject.trigger.kind}` : 'scheduler', teams);
          }
        }
      };
      if (this.ds.options.type === 'better-sqlite3') {
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
        // allSettled: a failure must not end this tick (and free the mutex) while other teams are still releasing.
        const failed = (await Promise.allSettled([...byTeam.values()].map(releaseInOrder))).find(
          (r) => r.status === 'rejected',
        );
        if (failed) throw failed.reason;
      }
      await this.scheduleNext(ex);
    });
  }

  private async scheduleNext(ex: ExerciseEntity): Promise<void> {
    const next = await this.ds
      .getRepository(DeliveryEntity)
      .createQueryBuilder('d')
      .select('MIN(d.dueScenarioMs)', 'min')
      .where('d.exerciseId = :id AND d.status IN (:...pending) AND d.dueScenarioMs IS NOT NULL', {
        id: ex.id,
        pending: PENDING,
      })
      .getRawOne<{ min: string | number | null }>();
    if (next?.min === null || next?.min === undefined) return;
    const at = wallTimeFor(clockOf(ex), Number(next.min));
    await this.scheduler.wakeAt(ex.id, ex.epoch, at);
    // A wake-up that arrived a little early finds nothing due, and the scheduler would drop a second wake-up for the
    // same instant as a duplicate: a local timer makes sure a release due within the next second is not stranded.
    if (at - Date.now() < 1000) {
      const t = setTimeout(
        () => void this.tick(ex.id).catch((e: unknown) => this.log.error(e as Error)),
        Math.max(0, at - Date.now()) + 1,
      );
      t.unref();
    }
  }

  /**
   * Releases one delivery row. Returns the payload sent, or undefined when the row was no longer releasable
   * (another wake-up or replica released it first).
   */
  private async release(
    ex: ExerciseEntity,
    pinned: PinnedScenario,
    row: DeliveryEntity,
    by: string,
    teams: EnrolledTeam[],
    from: DeliveryStatus[] = PENDING,
    actor?: Actor,
  ): Promise<InjectPayload | undefined> {
    const now = Date.now();
    const clock = clockOf(ex);
    const releasedScenarioMs = Math.floor(scenarioMsAt(clock, now));
    const dueAt =
      by === 'controller' || row.dueScenarioMs === null ? now : Math.round(wallTimeFor(clock, row.dueScenarioMs));
    const late = now - dueAt > LATE_AFTER_MS;
    const seq = await this.tx(async (m) => {
      const claimed = await m
        .createQueryBuilder()
        .update(DeliveryEntity)
        .set({ status: 'released', releasedAt: now, releasedScenarioMs, dueAt, late, releasedBy: by })
        .where('id = :id AND status IN (:...from)', { id: row.id, from })
        .execute();
      if (!claimed.affected) return undefined;
      // The row lock taken by this update serialises sequence numbers per team until commit.
      await m
        .createQueryBuilder()
        .update(ExerciseTeamEntity)
        .set({ lastSeq: () => '"lastSeq" + 1' })
        .where('exerciseId = :e AND teamId = :t', { e: ex.id, t: row.teamId })
        .execute();
      const { lastSeq } = await m
        .getRepository(ExerciseTeamEntity)
        .findOneByOrFail({ exerciseId: ex.id, teamId: row.teamId });
      await m.getRepository(DeliveryEntity).update({ id: row.id }, { seq: lastSeq });
      await this.armDependents(m, ex, pinned, row.injectId, row.teamId, releasedScenarioMs, teams);
      return lastSeq;
    });
    if (seq === undefined) return undefined;
    const inject = pinned.injects.get(row.injectId)!;
    const payload = injectPayload(ex.id, inject, seq, now, releasedScenarioMs);
    this.live.announceRelease(ex.id, row.teamId, payload);
    for (const l of this.releaseListeners) l(ex, row.teamId, inject, now);
    this.live.toControl(ex.id, 'delivery', {
      teamId: row.teamId,
      injectId: row.injectId,
      seq,
      releasedAt: payload.releasedAt,
      late,
      releasedBy: by,
    });
    await this.audit.record({
      actorUserId: actor?.userId ?? null,
      actorRole: actor?.role ?? 'scheduler',
      action: 'inject.release',
      targetType: 'delivery',
      targetId: row.id,
      exerciseId: ex.id,
      after: { injectId: row.injectId, teamId: row.teamId, seq, by, late, scenarioTime: payload.scenarioTime },
      requestId: actor?.requestId,
      at: now,
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
    const watched = pinned.injects.get(injectId);
    const rows: Partial<DeliveryEntity>[] = [];
    for (const dep of pinned.dependents.get(injectId) ?? []) {
      if (!resolveTargets(dep.targets, teams).some((t) => t.id === teamId)) continue;
      const earliest = dep.offsetSeconds * 1000;
      const t = dep.trigger!;
      if (t.kind === 'after') {
        rows.push(
          this.newRow(
            ex.id,
            dep.id,
            teamId,
            'scheduled',
            Math.max(earliest, releasedScenarioMs + t.delayMinutes * 60_000),
          ),
        );
      } else if (t.kind === 'ifNoReport') {
        // Checked at the watched inject's deadline for this team (its release + deadlineMinutes).
        const deadline = watched?.deadlineMinutes ?? watched?.targetMinutes;
        if (deadline === undefined) continue;
        rows.push(
          this.newRow(ex.id, dep.id, teamId, 'armed', Math.max(earliest, releasedScenarioMs + deadline * 60_000)),
        );
      } else {
        rows.push(this.newRow(ex.id, dep.id, teamId, 'armed', null)); // waits for a matching report
      }
    }
    if (rows.length) await m.createQueryBuilder().insert().into(DeliveryEntity).values(rows).orIgnore().execute();
  }

  /** ISM hook: a team's report on `injectIds` may fire ifReportMatches injects armed for that team. */
  async onReport(
    exerciseId: string,
    teamId: string,
    injectIds: string[],
    classification?: { class: string; type: string },
  ): Promise<void> {
    if (!classification || !injectIds.length) return;
    await this.mutex.run(exerciseId, async () => {
      const ex = await this.load(exerciseId);
      if (ex.status !== 'running') return;
      const pinned = await this.scenarios.get(ex.scenarioId, ex.scenarioVersion);
      const armed = await this.ds
        .getRepository(DeliveryEntity)
        .find({ where: { exerciseId, teamId, status: 'armed', dueScenarioMs: IsNull() } });
      const teams = armed.length ? await this.enrolledTeams(exerciseId) : [];
      for (const row of armed) {
        const t = pinned.injects.get(row.injectId)?.trigger;
        if (t?.kind !== 'ifReportMatches' || !injectIds.includes(t.inject)) continue;
        if (t.classification.class !== classification.class) continue;
        if (t.classification.type && t.classification.type !== classification.type) continue;
        await this.release(ex, pinned, row, 'trigger:ifReportMatches', teams);
      }
      await this.scheduleNext(ex);
    });
  }

  // ---- controller actions --------------------------------------------------------------------------------

  private async liveExercise(exerciseId: string): Promise<{ ex: ExerciseEntity; pinned: PinnedScenario }> {
    const ex = await this.load(exerciseId);
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
  async releaseNow(exerciseId: string, injectId: string, teamIds: string[] | undefined, actor: Actor) {
    return this.mutex.run(exerciseId, async () => {
      const { ex, pinned } = await this.liveExercise(exerciseId);
      if (ex.status !== 'running') throw new Conflict('resume the exercise before releasing an inject');
      const inject = this.injectOf(pinned, injectId);
      const teams = await this.enrolledTeams(exerciseId);
      const enrolled = new Set(teams.map((t) => t.id));
      const unknown = (teamIds ?? []).filter((t) => !enrolled.has(t));
      if (unknown.length)
        throw new ValidationFailed(
          'some teams are not enrolled in this exercise',
          unknown.map((t) => ({ path: '/teamIds', message: `team ${t} is not enrolled` })),
        );
      const targets = teamIds ?? resolveTargets(inject.targets, teams).map((t) => t.id);
      const repo = this.ds.getRepository(DeliveryEntity);
      const released: string[] = [];
      const already: string[] = [];
      const nowMs = Math.floor(scenarioMsAt(clockOf(ex), Date.now()));
      for (const teamId of targets) {
        await this.ds
          .createQueryBuilder()
          .insert()
          .into(DeliveryEntity)
          .values(this.newRow(exerciseId, injectId, teamId, 'scheduled', nowMs))
          .orIgnore()
          .execute();
        const row = await repo.findOneByOrFail({ exerciseId, injectId, teamId });
        const sent = await this.release(
          ex,
          pinned,
          row,
          'controller',
          teams,
          ['scheduled', 'armed', 'skipped', 'not-triggered'],
          actor,
        );
        (sent ? released : already).push(teamId);
      }
      await this.scheduleNext(ex);
      return { injectId, released, alreadyReleased: already };
    });
  }

  async skip(exerciseId: string, injectId: string, actor: Actor) {
    return this.mutex.run(exerciseId, async () => {
      const { ex, pinned } = await this.liveExercise(exerciseId);
      this.injectOf(pinned, injectId);
      const r = await this.ds
        .getRepository(DeliveryEntity)
        .update({ exerciseId, injectId, status: In(PENDING) }, { status: 'skipped' });
      await this.audit.record({
        actorUserId: actor.userId,
        actorRole: actor.role,
        action: 'inject.skip',
        targetType: 'inject',
        targetId: injectId,
        exerciseId,
        after: { skippedDeliveries: r.affected ?? 0 },
        requestId: actor.requestId,
      });
      this.live.toControl(exerciseId, 'inject.skipped', { injectId });
      await this.scheduleNext(ex);
      return { injectId, skipped: r.affected ?? 0 };
    });
  }

  /** Moves the pending releases of an inject to a new scenario offset (already-released teams are unaffected). */
  async retime(exerciseId: string, injectId: string, offset: string, actor: Actor) {
    const seconds = parseOffset(offset);
    if (seconds === undefined)
      throw new ValidationFailed('offset must look like +HH:MM or +HH:MM:SS', [
        { path: '/offset', message: `"${offset}" is not +HH:MM[:SS]` },
      ]);
    return this.mutex
      .run(exerciseId, async () => {
        const { ex, pinned } = await this.liveExercise(exerciseId);
        const inject = this.injectOf(pinned, injectId);
        const repo = this.ds.getRepository(DeliveryEntity);
        const pending = await repo.find({
          where: { exerciseId, injectId, status: 'scheduled', dueScenarioMs: Not(IsNull()) },
        });
        const before = pending.map((d) => d.dueScenarioMs);
        await repo.update({ exerciseId, injectId, status: 'scheduled' }, { dueScenarioMs: seconds * 1000 });
        // A new epoch makes the wake-up planned for the old time a no-op.
        await this.ds.getRepository(ExerciseEntity).increment({ id: exerciseId }, 'epoch', 1);
        await this.audit.record({
          actorUserId: actor.userId,
          actorRole: actor.role,
          action: 'inject.retime',
          targetType: 'inject',
          targetId: injectId,
          exerciseId,
          before: { offset: inject.offset, pendingDueScenarioMs: before },
          after: { offset, dueScenarioMs: seconds * 1000, deliveries: pending.length },
          requestId: actor.requestId,
        });
        const fresh = await this.load(exerciseId);
        if (fresh.status === 'running') {
          await this.scheduler.cancel(exerciseId);
          await this.scheduleNext(fresh);
        }
        return { injectId, offset, deliveries: pending.length, epoch: ex.epoch + 1 };
      })
      .then(async (r) => {
        await this.tick(exerciseId); // a retime into the past releases at once
        return r;
      });
  }

  // ---- receipts ------------------------------------------------------------------------------------------

  /** The first client's receipt marks the delivery delivered; later receipts change nothing. */
  async markDelivered(exerciseId: string, teamId: string, injectId: string, at: number): Promise<void> {
    const r = await this.ds
      .createQueryBuilder()
      .update(DeliveryEntity)
      .set({ deliveredAt: at, lagMs: () => `${Math.round(at)} - "dueAt"` })
      .where('exerciseId = :e AND teamId = :t AND injectId = :i AND status = :s AND deliveredAt IS NULL', {
        e: exerciseId,
        t: teamId,
        i: injectId,
        s: 'released',
      })
      .execute();
    if (r.affected) this.live.toControl(exerciseId, 'delivery', await this.deliveryEvent(exerciseId, teamId, injectId));
  }

  async acknowledge(exerciseId: string, teamId: string, injectId: string, userId: string): Promise<boolean> {
    const at = Date.now();
    const acknowledgedScenarioMs = Math.floor(scenarioMsAt(clockOf(await this.load(exerciseId)), at));
    const r = await this.ds
      .createQueryBuilder()
      .update(DeliveryEntity)
      .set({ acknowledgedAt: at, acknowledgedBy: userId, acknowledgedScenarioMs })
      .where('exerciseId = :e AND teamId = :t AND injectId = :i AND status = :s AND acknowledgedAt IS NULL', {
        e: exerciseId,
        t: teamId,
        i: injectId,
        s: 'released',
      })
      .execute();
    if (!r.affected) return false;
    await this.audit.record({
      actorUserId: userId,
      actorRole: 'participant',
      action: 'inject.acknowledge',
      targetType: 'inject',
      targetId: injectId,
      exerciseId,
      after: { teamId },
      at,
    });
    this.live.toControl(exerciseId, 'delivery', await this.deliveryEvent(exerciseId, teamId, injectId));
    return true;
  }

  private async deliveryEvent(exerciseId: string, teamId: string, injectId: string) {
    const d = await this.ds.getRepository(DeliveryEntity).findOneByOrFail({ exerciseId, teamId, injectId });
    const iso = (v: number | null) => (v === null ? undefined : new Date(v).toISOString());
    return {
      teamId,
      injectId,
      seq: d.seq,
      releasedAt: iso(d.releasedAt),
      deliveredAt: iso(d.deliveredAt),
      acknowledgedAt: iso(d.acknowledgedAt),
      lagMs: d.lagMs,
    };
  }
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
  };
}
