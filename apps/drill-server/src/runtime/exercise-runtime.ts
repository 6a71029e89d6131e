import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { Gauge } from 'prom-client';
import { In, IsNull, LessThanOrEqual, Not, type DataSource, type EntityManager } from 'typeorm';
import { Conflict, NotFound, ValidationFailed } from '@drill/contracts';
import {
  conditionMs,
  dueMs,
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
  InjectEditEntity,
  TeamEntity,
  type DeliveryStatus,
} from '@drill/persistence';
import { AuditService } from '../audit/audit.service.js';
import { DRILL_CONFIG } from '../config/config.module.js';
import type { DrillConfig } from '../config/drill-config.js';
import { MetricsService } from '../health/health.controller.js';
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
/** The sweep heals an exercise whose earliest pending release is this far overdue (wall ms). */
const SWEEP_GRACE_MS = 1000;
/** Retries of a failed release pass back off from this to RETRY_MAX_MS. */
const RETRY_FIRST_MS = 250;
const RETRY_MAX_MS = 10_000;
/** A release attempt found the exercise no longer running. */
const STOPPED = Symbol('stopped');

function formatOffset(ms: number): string {
  const s = Math.round(ms / 1000);
  const p = (n: number) => String(n).padStart(2, '0');
  return `+${p(Math.floor(s / 3600))}:${p(Math.floor((s % 3600) / 60))}:${p(s % 60)}`;
}

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

/** A running exercise whose next release is overdue: shown by /health and /metrics, healed by the sweep. */
export interface OverdueExercise {
  exerciseId: string;
  status: 'running' | 'scheduled';
  overdueMs: number;
}

/**
 * The running drill: lifecycle transitions that move the clock, and the release of injects. Every release is a
 * conditional update of its delivery row inside a transaction that also hands out the team's next sequence
 * number, arms the conditional injects that depend on it and writes the release's audit row, so a release happens
 * exactly once whatever replica or wake-up attempts it, and a crash cannot leave a release without its sequence
 * number or its audit.
 *
 * Faults: a release pass that fails (database or Redis away) is logged and retried with backoff in this process,
 * and a periodic sweep on every replica heals any running exercise whose due releases are still pending (a lost
 * wake-up, a replica that died mid-pass), so a drill never stalls for longer than the sweep interval.
 *
 * Time: in PostgreSQL deployments the database's clock is the one clock of every exercise (start, pause, release,
 * acknowledgement), so that replicas whose host clocks disagree compute the same scenario time.
 */
@Injectable()
export class ExerciseRuntime implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly log = new Logger('runtime');
  /** Lifecycle transitions, release passes and controller edits of one exercise run one at a time per process. */
  private readonly mutex = new KeyedMutex();
  private readonly releaseListeners: ReleaseListener[] = [];
  private readonly teamCache = new Map<string, Promise<(EnrolledTeam & { name: string })[]>>();
  private readonly postgres: boolean;
  /** Database clock minus this host's clock, as last measured (0 on SQLite, where the host's clock is the clock). */
  private skewMs = 0;
  private readonly failures = new Map<string, number>();
  private readonly retryTimers = new Map<string, NodeJS.Timeout>();
  private sweepTimer?: NodeJS.Timeout;
  private sweeping = false;
  private stopped = false;

  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly scheduler: InjectScheduler,
    private readonly live: LiveChannel,
    private readonly scenarios: ScenarioCache,
    private readonly audit: AuditService,
    private readonly reports: ReportLookup,
    private readonly metrics: MetricsService,
    @Inject(DRILL_CONFIG) private readonly config: DrillConfig,
  ) {
    this.postgres = ds.options.type === 'postgres';
    const stalled = () => this.overdue().then((o) => o.filter((x) => x.overdueMs > this.stallAfterMs).length);
    new Gauge({
      name: 'drill_stalled_exercises',
      help: 'running or scheduled exercises whose next release or start is overdue beyond what the sweep allows',
      registers: [metrics.registry],
      async collect() {
        this.set(await stalled().catch(() => -1));
      },
    });
  }

  /** Overdue beyond this means the sweep could not heal it: a stall worth a controller's attention. */
  get stallAfterMs(): number {
    return Math.max(5000, 2 * this.config.sweepIntervalMs + SWEEP_GRACE_MS);
  }

  async onApplicationBootstrap(): Promise<void> {
    this.scheduler.setHandler((id, epoch) => this.wake(id, epoch));
    // Durability: whatever was running when the process stopped carries on; overdue injects go out now, late.
    const live = await this.ds.getRepository(ExerciseEntity).find({ where: { status: In(['running', 'scheduled']) } });
    for (const ex of live) {
      if (ex.status === 'running') await this.tick(ex.id);
      else if (ex.scheduledStartAt !== null)
        await this.scheduler
          .wakeAt(ex.id, ex.epoch, ex.scheduledStartAt)
          .catch((e: unknown) => this.failed(ex.id, e as Error));
    }
    if (live.length) this.log.log(`resumed ${live.length} exercise(s) after start-up`);
    if (this.config.testKillAfterRelease)
      this.log.warn(
        `DRILL_TEST_KILL_AFTER_RELEASE is set: this process kills itself after releasing ${this.config.testKillAfterRelease}`,
      );
    this.sweepTimer = setInterval(() => void this.sweep(), this.config.sweepIntervalMs);
    this.sweepTimer.unref();
  }

  /**
   * Stops before the socket adapter and the database close (module destroy runs first): a pass started by a timer
   * after that would release into a closed database or announce through a closed Redis connection.
   */
  onModuleDestroy(): void {
    this.stopped = true;
    clearInterval(this.sweepTimer);
    for (const t of this.retryTimers.values()) clearTimeout(t);
    this.retryTimers.clear();
  }

  onReleased(listener: ReleaseListener): void {
    this.releaseListeners.push(listener);
  }

  // ---- time and transactions -----------------------------------------------------------------------------

  /**
   * One transaction. On SQLite every query of the process goes through one queue (@drill/persistence
   * serializeSqlite), so no other flow's write can join it; the callback must use `m` or this flow's own queries,
   * and must not await work another flow started that itself needs the database.
   */
  private tx<T>(work: (m: EntityManager) => Promise<T>): Promise<T> {
    return this.ds.transaction(work);
  }

  /** The drill's clock now, read from the database on PostgreSQL (and the host's offset from it remembered). */
  async clockNow(m?: EntityManager): Promise<number> {
    if (!this.postgres) return Date.now();
    const sent = Date.now();
    const rows: { now: number | string }[] = await (m ?? this.ds.manager).query(
      'SELECT (EXTRACT(EPOCH FROM clock_timestamp()) * 1000)::float8 AS now',
    );
    const now = Math.round(Number(rows[0]!.now));
    this.measureSkew(now, sent);
    return now;
  }

  /** Remembers the database's clock minus this host's, taking the read as made half-way through its round trip. */
  private measureSkew(dbNow: number, sentAt: number): void {
    this.skewMs = dbNow - Math.round((sentAt + Date.now()) / 2);
  }

  /** The drill's clock without a round trip: this host's clock corrected by the last measured offset. */
  now(): number {
    return Date.now() + this.skewMs;
  }

  /** Reads the exercise inside a transaction, locked against lifecycle changes (PostgreSQL row lock), with the time. */
  private async readLocked(
    m: EntityManager,
    exerciseId: string,
    lock: 'share' | 'update',
  ): Promise<{ ex: ExerciseEntity; now: number }> {
    const qb = m.getRepository(ExerciseEntity).createQueryBuilder('e').where('e.id = :id', { id: exerciseId });
    if (!this.postgres) {
      const ex = await qb.getOne();
      if (!ex) throw new NotFound(`no exercise ${exerciseId}`);
      return { ex, now: Date.now() };
    }
    // One round trip for the row, its lock and the database's clock (read after the lock is granted).
    qb.setLock(lock === 'share' ? 'pessimistic_read' : 'pessimistic_write').addSelect(
      '(EXTRACT(EPOCH FROM clock_timestamp()) * 1000)::float8',
      'db_now',
    );
    const sent = Date.now();
    const { entities, raw } = await qb.getRawAndEntities<{ db_now: number | string }>();
    const ex = entities[0];
    if (!ex) throw new NotFound(`no exercise ${exerciseId}`);
    const now = Math.round(Number(raw[0]!.db_now));
    this.measureSkew(now, sent);
    return { ex, now };
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

  private async editsOf(m: EntityManager, exerciseId: string): Promise<Map<string, InjectEditEntity>> {
    const rows = await m.getRepository(InjectEditEntity).findBy({ exerciseId });
    return new Map(rows.map((e) => [e.injectId, e]));
  }

  /** The earliest scenario ms an inject may go out: its offset as authored, or as a controller retimed it. */
  private earliestMs(inject: ScenarioInject, edit: InjectEditEntity | undefined): number {
    return edit?.offsetMs ?? inject.offsetSeconds * 1000;
  }

  // ---- lifecycle -----------------------------------------------------------------------------------------

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
      const { after, now } = await this.tx(async (m) => {
        const { ex: before, now } = await this.readLocked(m, exerciseId, 'update');
        const to = nextStatus(before.status, action);
        const patch = { ...change(before, now), status: to, epoch: before.epoch + 1 };
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
            rows.push(
              this.newRow(exerciseId, inject.id, team.id, 'scheduled', dueMs(inject.offsetSeconds * 1000, null)),
            );
        }
        for (let i = 0; i < rows.length; i += 200) await m.getRepository(DeliveryEntity).insert(rows.slice(i, i + 200));
      },
    );
    await this.tick(exerciseId);
    return after;
  }

  async pause(exerciseId: string, actor: Actor): Promise<ExerciseEntity> {
    const ex = await this.transition(exerciseId, 'pause', (_, now) => ({ pausedAt: now }), actor);
    await this.cancelStale(ex);
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
    await this.cancelStale(ex);
    return ex;
  }

  /**
   * Drops wake-ups planned before `ex`'s epoch. Only older epochs: a resume or retime on another replica may
   * already have planned a wake-up for the new one. A failure only leaves stale wake-ups, which are ignored.
   */
  private async cancelStale(ex: ExerciseEntity): Promise<void> {
    await this.scheduler.cancel(ex.id, ex.epoch).catch((e: unknown) => this.log.warn(`cancel: ${String(e)}`));
  }

  // ---- releasing -----------------------------------------------------------------------------------------

  private newRow(
    exerciseId: string,
    injectId: string,
    teamId: string,
    status: DeliveryStatus,
    dueScenarioMs: number | null,
    conditionScenarioMs: number | null = null,
  ): Partial<DeliveryEntity> {
    return {
      id: randomUUID(),
      exerciseId,
      injectId,
      teamId,
      status,
      dueScenarioMs,
      conditionScenarioMs,
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
    const ex = await this.ds
      .getRepository(ExerciseEntity)
      .findOneBy({ id: exerciseId })
      .catch((e: unknown) => this.failed(exerciseId, e as Error));
    if (!ex || epoch < ex.epoch) return; // stale: paused, retimed or restarted since it was scheduled
    await this.heal(ex);
  }

  /** Does whatever is due: starts a scheduled exercise whose time has come, releases what a running one owes. */
  private async heal(ex: ExerciseEntity): Promise<void> {
    if (ex.status === 'scheduled') {
      if (ex.scheduledStartAt !== null && ex.scheduledStartAt <= this.now() + EARLY_TOLERANCE_MS) {
        await this.start(ex.id, { userId: null, role: 'scheduler' }).catch((e: unknown) => {
          if (e instanceof Conflict) return; // another replica started it first
          this.failed(ex.id, e as Error);
        });
      }
    } else if (ex.status === 'running') await this.tick(ex.id);
  }

  /** A release pass failed: say so, count it, and try again in this process with backoff. */
  private failed(exerciseId: string, e: Error): undefined {
    const attempt = (this.failures.get(exerciseId) ?? 0) + 1;
    this.failures.set(exerciseId, attempt);
    this.metrics.releaseFailures.inc();
    const delay = Math.min(RETRY_FIRST_MS * 2 ** (attempt - 1), RETRY_MAX_MS);
    this.log.error(
      `exercise ${exerciseId}: release pass failed (attempt ${attempt}), retry in ${delay} ms: ${e.message}`,
    );
    if (!this.stopped && !this.retryTimers.has(exerciseId)) {
      const t = setTimeout(() => {
        this.retryTimers.delete(exerciseId);
        this.load(exerciseId).then(
          (ex) => this.heal(ex),
          (err: unknown) => this.failed(exerciseId, err as Error),
        );
      }, delay);
      t.unref();
      this.retryTimers.set(exerciseId, t);
    }
    return undefined;
  }

  /**
   * Releases everything that is due, in order, and asks to be woken for the next pending release. Never throws:
   * a failure is logged and retried (see `failed`).
   */
  tick(exerciseId: string): Promise<void> {
    if (this.stopped) return Promise.resolve();
    return this.mutex
      .run(exerciseId, () => this.releaseDue(exerciseId))
      .then(
        () => void this.failures.delete(exerciseId),
        (e: unknown) => void this.failed(exerciseId, e as Error),
      );
  }

  private async releaseDue(exerciseId: string): Promise<void> {
    const ex = await this.load(exerciseId);
    if (ex.status !== 'running') return;
    const pinned = await this.scenarios.get(ex.scenarioId, ex.scenarioVersion);
    const horizon = scenarioMsAt(clockOf(ex), (await this.clockNow()) + EARLY_TOLERANCE_MS);
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
        const r = await this.release(
          ex,
          pinned,
          row,
          inject.trigger ? `trigger:${inject.trigger.kind}` : 'scheduler',
          teams,
        );
        if (r === STOPPED) return;
      }
    };
    if (!this.postgres) {
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
    await this.scheduleNext(ex);
  }

  private async scheduleNext(ex: ExerciseEntity): Promise<void> {
    if (ex.status !== 'running') return; // a paused clock has no next instant; resume plans it
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
    // The instant on the drill's clock, planned on this host's clock (timers and BullMQ delays run on it).
    const at = wallTimeFor(clockOf(ex), Number(next.min)) - this.skewMs;
    await this.scheduler.wakeAt(ex.id, ex.epoch, at);
    // A wake-up that arrived a little early finds nothing due, and the scheduler would drop a second wake-up for the
    // same instant as a duplicate: a local timer makes sure a release due within the next second is not stranded.
    if (at - Date.now() < 1000) {
      const t = setTimeout(() => void this.tick(ex.id), Math.max(0, at - Date.now()) + 1);
      t.unref();
    }
  }

  // ---- the sweep -----------------------------------------------------------------------------------------

  /** Running exercises with a pending release past due, and scheduled ones past their start, by how much. */
  async overdue(): Promise<OverdueExercise[]> {
    const now = await this.clockNow();
    const live = await this.ds.getRepository(ExerciseEntity).find({ where: { status: In(['running', 'scheduled']) } });
    const out: OverdueExercise[] = [];
    for (const ex of live)
      if (ex.status === 'scheduled' && ex.scheduledStartAt !== null && ex.scheduledStartAt < now)
        out.push({ exerciseId: ex.id, status: 'scheduled', overdueMs: now - ex.scheduledStartAt });
    const running = new Map(live.filter((e) => e.status === 'running').map((e) => [e.id, e]));
    if (running.size) {
      const rows = await this.ds
        .getRepository(DeliveryEntity)
        .createQueryBuilder('d')
        .select('d.exerciseId', 'exerciseId')
        .addSelect('MIN(d.dueScenarioMs)', 'min')
        .where('d.exerciseId IN (:...ids) AND d.status IN (:...pending) AND d.dueScenarioMs IS NOT NULL', {
          ids: [...running.keys()],
          pending: PENDING,
        })
        .groupBy('d.exerciseId')
        .getRawMany<{ exerciseId: string; min: string | number }>();
      for (const r of rows) {
        const overdueMs = Math.round(now - wallTimeFor(clockOf(running.get(r.exerciseId)!), Number(r.min)));
        if (overdueMs > 0) out.push({ exerciseId: r.exerciseId, status: 'running', overdueMs });
      }
    }
    return out;
  }

  /**
   * Every replica, every sweep interval: an exercise whose release or start is overdue lost its wake-up (Redis
   * restarted, a replica died mid-pass, a retry was lost with its process) and is released now. Releases are
   * exactly-once, so two replicas healing the same exercise is harmless.
   */
  async sweep(): Promise<number> {
    if (this.sweeping || this.stopped) return 0;
    this.sweeping = true;
    try {
      let healed = 0;
      for (const o of await this.overdue()) {
        if (o.overdueMs <= SWEEP_GRACE_MS) continue;
        this.log.warn(
          `exercise ${o.exerciseId}: ${o.status === 'scheduled' ? 'start' : 'release'} ${o.overdueMs} ms overdue; healing`,
        );
        this.metrics.sweepHeals.inc();
        await this.heal(await this.load(o.exerciseId));
        healed++;
      }
      return healed;
    } catch (e) {
      this.log.error(`sweep failed: ${(e as Error).message}`);
      return 0;
    } finally {
      this.sweeping = false;
    }
  }

  /**
   * Releases one delivery row. Returns the payload sent, undefined when the row was no longer releasable (another
   * wake-up or replica released it first, or its ifNoReport condition no longer holds), or STOPPED when the
   * exercise is no longer running (paused or ended on another replica since the pass began).
   */
  private async release(
    ex: ExerciseEntity,
    pinned: PinnedScenario,
    row: DeliveryEntity,
    by: string,
    teams: EnrolledTeam[],
    from: DeliveryStatus[] = PENDING,
    actor?: Actor,
  ): Promise<InjectPayload | undefined | typeof STOPPED> {
    const inject = pinned.injects.get(row.injectId)!;
    const done = await this.tx(async (m) => {
      // SQLite: one process, and every transition takes this exercise's lock before the pass does, so the pass's own
      // reading is current. PostgreSQL: another replica may have paused it since; re-read under a shared row lock.
      const { ex: current, now } = this.postgres ? await this.readLocked(m, ex.id, 'share') : { ex, now: Date.now() };
      if (current.status !== 'running') return STOPPED;
      const clock = clockOf(current);
      const releasedScenarioMs = Math.floor(scenarioMsAt(clock, now));
      if (row.status === 'armed' && inject.trigger?.kind === 'ifNoReport' && by !== 'controller') {
        // Only a report sent by the deadline suppresses the escalation; checked in this transaction.
        const deadline = row.conditionScenarioMs ?? row.dueScenarioMs ?? releasedScenarioMs;
        if (await this.reports.hasReport(ex.id, row.teamId, inject.trigger.inject, deadline, m)) {
          await m.getRepository(DeliveryEntity).update({ id: row.id, status: 'armed' }, { status: 'not-triggered' });
          return undefined;
        }
      }
      const dueAt =
        by === 'controller' || row.dueScenarioMs === null ? now : Math.round(wallTimeFor(clock, row.dueScenarioMs));
      const late = now - dueAt > LATE_AFTER_MS;
      const claimed = await m
        .createQueryBuilder()
        .update(DeliveryEntity)
        .set({ status: 'released', releasedAt: now, releasedScenarioMs, dueAt, late, releasedBy: by })
        .where('id = :id AND status IN (:...from)', { id: row.id, from })
        .execute();
      if (!claimed.affected) return undefined;
      const seq = await this.nextSeq(m, ex.id, row.teamId);
      await m.getRepository(DeliveryEntity).update({ id: row.id }, { seq });
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

  /** The team's next sequence number. The row lock taken by the update serialises them per team until commit. */
  private async nextSeq(m: EntityManager, exerciseId: string, teamId: string): Promise<number> {
    const bump = m
      .createQueryBuilder()
      .update(ExerciseTeamEntity)
      .set({ lastSeq: () => '"lastSeq" + 1' })
      .where('exerciseId = :e AND teamId = :t', { e: exerciseId, t: teamId });
    if (this.postgres) {
      const r = await bump.returning('"lastSeq"').execute();
      return Number((r.raw as { lastSeq: number }[])[0]!.lastSeq);
    }
    await bump.execute();
    return (await m.getRepository(ExerciseTeamEntity).findOneByOrFail({ exerciseId, teamId })).lastSeq;
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
    const edits = await this.editsOf(m, ex.id);
    const rows: Partial<DeliveryEntity>[] = [];
    for (const dep of dependents) {
      const condition = conditionMs(dep, watched, releasedScenarioMs);
      if (condition === undefined) continue;
      const edit = edits.get(dep.id);
      // after: scheduled for its time; ifNoReport: armed, checked at the deadline; ifReportMatches: armed, no time yet.
      const status: DeliveryStatus = edit?.skipped ? 'skipped' : dep.trigger!.kind === 'after' ? 'scheduled' : 'armed';
      const due = condition === null ? null : dueMs(this.earliestMs(dep, edit), condition);
      rows.push(this.newRow(ex.id, dep.id, teamId, status, due, condition));
    }
    if (rows.length) await m.createQueryBuilder().insert().into(DeliveryEntity).values(rows).orIgnore().execute();
  }

  /**
   * ISM hook: a team's report on `injectIds` may fire ifReportMatches injects armed for that team. A match, paused
   * or running, schedules the follow-up at the report's scenario time or the inject's own (earliest) offset,
   * whichever is later; the release pass sends it when the clock gets there.
   */
  async onReport(
    exerciseId: string,
    teamId: string,
    injectIds: string[],
    classification: { class: string; type: string } | undefined,
    atScenarioMs: number,
  ): Promise<void> {
    if (!classification || !injectIds.length) return;
    const matched = await this.mutex.run(exerciseId, async () => {
      const ex = await this.load(exerciseId);
      if (ex.status !== 'running' && ex.status !== 'paused') return 0;
      const pinned = await this.scenarios.get(ex.scenarioId, ex.scenarioVersion);
      const repo = this.ds.getRepository(DeliveryEntity);
      const armed = await repo.find({ where: { exerciseId, teamId, status: 'armed', dueScenarioMs: IsNull() } });
      const edits = armed.length
        ? await this.editsOf(this.ds.manager, exerciseId)
        : new Map<string, InjectEditEntity>();
      let n = 0;
      for (const row of armed) {
        const inject = pinned.injects.get(row.injectId);
        const t = inject?.trigger;
        if (!inject || t?.kind !== 'ifReportMatches' || !injectIds.includes(t.inject)) continue;
        if (t.classification.class !== classification.class) continue;
        if (t.classification.type && t.classification.type !== classification.type) continue;
        const condition = Math.floor(atScenarioMs);
        const r = await repo.update(
          { id: row.id, status: 'armed' },
          {
            status: 'scheduled',
            conditionScenarioMs: condition,
            dueScenarioMs: dueMs(this.earliestMs(inject, edits.get(inject.id)), condition),
          },
        );
        n += r.affected ?? 0;
      }
      return n;
    });
    if (matched) await this.tick(exerciseId);
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
    const result = await this.mutex.run(exerciseId, async () => {
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
      const nowMs = Math.floor(scenarioMsAt(clockOf(ex), this.now()));
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
        if (sent === STOPPED) throw new Conflict('the exercise was paused or ended meanwhile');
        (sent ? released : already).push(teamId);
      }
      return { injectId, released, alreadyReleased: already };
    });
    await this.tick(exerciseId); // plans the follow-ups it armed
    return result;
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
    const edits = m.getRepository(InjectEditEntity);
    const before = await edits.findOneBy({ exerciseId, injectId });
    await edits.upsert(
      {
        exerciseId,
        injectId,
        skipped: change.skipped ?? before?.skipped ?? false,
        offsetMs: change.offsetMs ?? before?.offsetMs ?? null,
        updatedBy: actor.userId,
        updatedAt: now,
      },
      ['exerciseId', 'injectId'],
    );
    return before;
  }

  /**
   * Skips every pending release of the inject, and remembers the skip so that a conditional inject armed later (its
   * trigger has not fired yet) is skipped too. Allowed while paused.
   */
  async skip(exerciseId: string, injectId: string, actor: Actor) {
    return this.mutex.run(exerciseId, async () => {
      const { pinned } = await this.liveExercise(exerciseId);
      const inject = this.injectOf(pinned, injectId);
      const skipped = await this.tx(async (m) => {
        const now = await this.clockNow(m);
        await this.saveEdit(m, exerciseId, injectId, { skipped: true }, actor, now);
        const r = await m
          .getRepository(DeliveryEntity)
          .update({ exerciseId, injectId, status: In(PENDING) }, { status: 'skipped' });
        const skipped = r.affected ?? 0;
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
    const result = await this.mutex.run(exerciseId, async () => {
      const { pinned } = await this.liveExercise(exerciseId);
      const inject = this.injectOf(pinned, injectId);
      const { moved, epoch, ex } = await this.tx(async (m) => {
        const now = await this.clockNow(m);
        const edit = await this.saveEdit(m, exerciseId, injectId, { offsetMs: earliest }, actor, now);
        const repo = m.getRepository(DeliveryEntity);
        const pending = await repo.find({
          where: { exerciseId, injectId, status: In(PENDING), dueScenarioMs: Not(IsNull()) },
        });
        const moved = [];
        for (const row of pending) {
          const due = dueMs(earliest, row.conditionScenarioMs);
          await repo.update({ id: row.id, status: row.status }, { dueScenarioMs: due });
          moved.push({ teamId: row.teamId, from: row.dueScenarioMs, to: due });
        }
        // A new epoch makes the wake-up planned for the old time a no-op.
        await m.getRepository(ExerciseEntity).increment({ id: exerciseId }, 'epoch', 1);
        const ex = await m.getRepository(ExerciseEntity).findOneByOrFail({ id: exerciseId });
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
        return { moved, epoch: ex.epoch, ex };
      });
      if (ex.status === 'running') await this.cancelStale(ex);
      return { injectId, offset, deliveries: moved.length, epoch };
    });
    await this.tick(exerciseId); // plans the new time; a retime into the past releases at once
    return result;
  }

  // ---- receipts ------------------------------------------------------------------------------------------

  /** The first client's receipt marks the delivery delivered; later receipts change nothing. */
  async markDelivered(exerciseId: string, teamId: string, injectId: string, hostAt: number): Promise<void> {
    const at = Math.round(hostAt + this.skewMs);
    const r = await this.ds
      .createQueryBuilder()
      .update(DeliveryEntity)
      .set({ deliveredAt: at, lagMs: () => `${at} - "dueAt"` })
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
    const ex = await this.load(exerciseId);
    // After ENDEX the timeline is what the AAR reports; a late "received" would rewrite it.
    if (ex.status !== 'running' && ex.status !== 'paused')
      throw new Conflict(`the exercise is ${ex.status}; injects are acknowledged while it runs or is paused`);
    const at = this.now();
    const acknowledgedScenarioMs = Math.floor(scenarioMsAt(clockOf(ex), at));
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
