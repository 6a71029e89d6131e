import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { Gauge } from 'prom-client';
import { Conflict } from '@drill/contracts';
import { wallTimeFor } from '@drill/exercise';
import type { ExerciseEntity } from '@drill/persistence';
import { DRILL_CONFIG } from '../config/config.module.js';
import type { DrillConfig } from '../config/drill-config.js';
import { MetricsService } from '../health/metrics.service.js';
import { DeliveryRepository } from './delivery.repository.js';
import { clockOf, DrillClock } from './drill-clock.js';
import { ExerciseRepository } from './exercise.repository.js';
import { LifecycleService } from './lifecycle.service.js';
import { ExerciseMutex } from './mutex.js';
import { EARLY_TOLERANCE_MS, ReleaseEngine } from './release-engine.js';
import { InjectScheduler } from './scheduler.js';

/** The sweep heals an exercise whose earliest pending release is this far overdue (wall ms). */
const SWEEP_GRACE_MS = 1000;
/** Retries of a failed release pass back off from this to RETRY_MAX_MS. */
const RETRY_FIRST_MS = 250;
const RETRY_MAX_MS = 10_000;

/** A running exercise whose next release is overdue: shown by /health and /metrics, healed by the sweep. */
export interface OverdueExercise {
  exerciseId: string;
  status: 'running' | 'scheduled';
  overdueMs: number;
}

/**
 * Keeps releases flowing: runs release passes (`tick`) one at a time per exercise, plans the wake-up for the next
 * release, starts scheduled exercises when their time comes, and resumes whatever was running when the process
 * stopped (overdue injects go out then, late).
 *
 * Faults: a release pass that fails (database or Redis away) is logged and retried with backoff in this process,
 * and a periodic sweep on every replica heals any running exercise whose due releases are still pending (a lost
 * wake-up, a replica that died mid-pass), so a drill never stalls for longer than the sweep interval.
 */
@Injectable()
export class ReleaseSupervisor implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly log = new Logger('runtime');
  private readonly failures = new Map<string, number>();
  private readonly retryTimers = new Map<string, NodeJS.Timeout>();
  private sweepTimer?: NodeJS.Timeout;
  private sweeping = false;
  private stopped = false;

  constructor(
    private readonly engine: ReleaseEngine,
    private readonly lifecycle: LifecycleService,
    private readonly exercises: ExerciseRepository,
    private readonly deliveries: DeliveryRepository,
    private readonly clock: DrillClock,
    private readonly mutex: ExerciseMutex,
    private readonly scheduler: InjectScheduler,
    private readonly metrics: MetricsService,
    @Inject(DRILL_CONFIG) private readonly config: DrillConfig,
  ) {
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
    const live = await this.exercises.listLive();
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

  /**
   * Releases everything that is due, in order, and asks to be woken for the next pending release. Never throws:
   * a failure is logged and retried (see `failed`).
   */
  tick(exerciseId: string): Promise<void> {
    if (this.stopped) return Promise.resolve();
    return this.mutex
      .run(exerciseId, async () => {
        const ex = await this.engine.releaseDue(exerciseId);
        if (ex) await this.scheduleNext(ex);
      })
      .then(
        () => void this.failures.delete(exerciseId),
        (e: unknown) => void this.failed(exerciseId, e as Error),
      );
  }

  private async scheduleNext(ex: ExerciseEntity): Promise<void> {
    const next = await this.deliveries.nextDue(ex.id);
    if (next === undefined) return;
    const at = this.clock.toHost(wallTimeFor(clockOf(ex), next));
    await this.scheduler.wakeAt(ex.id, ex.epoch, at);
    // A wake-up that arrived a little early finds nothing due, and the scheduler would drop a second wake-up for the
    // same instant as a duplicate: a local timer makes sure a release due within the next second is not stranded.
    if (at - Date.now() < 1000) {
      const t = setTimeout(() => void this.tick(ex.id), Math.max(0, at - Date.now()) + 1);
      t.unref();
    }
  }

  private async wake(exerciseId: string, epoch: number): Promise<void> {
    const ex = await this.exercises.findById(exerciseId).catch((e: unknown) => this.failed(exerciseId, e as Error));
    if (!ex || epoch < ex.epoch) return; // stale: paused, retimed or restarted since it was scheduled
    await this.heal(ex);
  }

  /** Does whatever is due: starts a scheduled exercise whose time has come, releases what a running one owes. */
  private async heal(ex: ExerciseEntity): Promise<void> {
    if (ex.status === 'scheduled') {
      if (ex.scheduledStartAt !== null && ex.scheduledStartAt <= this.clock.now() + EARLY_TOLERANCE_MS) {
        await this.lifecycle.start(ex.id, { userId: null, role: 'scheduler' }).then(
          () => this.tick(ex.id),
          (e: unknown) => {
            if (e instanceof Conflict) return; // another replica started it first
            this.failed(ex.id, e as Error);
          },
        );
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
        this.exercises.get(exerciseId).then(
          (ex) => this.heal(ex),
          (err: unknown) => this.failed(exerciseId, err as Error),
        );
      }, delay);
      t.unref();
      this.retryTimers.set(exerciseId, t);
    }
    return undefined;
  }

  /** Running exercises with a pending release past due, and scheduled ones past their start, by how much. */
  async overdue(): Promise<OverdueExercise[]> {
    const now = await this.clock.clockNow();
    const live = await this.exercises.listLive();
    const out: OverdueExercise[] = [];
    for (const ex of live)
      if (ex.status === 'scheduled' && ex.scheduledStartAt !== null && ex.scheduledStartAt < now)
        out.push({ exerciseId: ex.id, status: 'scheduled', overdueMs: now - ex.scheduledStartAt });
    const running = new Map(live.filter((e) => e.status === 'running').map((e) => [e.id, e]));
    for (const [exerciseId, next] of await this.deliveries.nextDueOf([...running.keys()])) {
      const overdueMs = Math.round(now - wallTimeFor(clockOf(running.get(exerciseId)!), next));
      if (overdueMs > 0) out.push({ exerciseId, status: 'running', overdueMs });
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
        await this.heal(await this.exercises.get(o.exerciseId));
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
}
