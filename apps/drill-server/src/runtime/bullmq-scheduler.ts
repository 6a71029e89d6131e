import { InjectQueue, Processor, WorkerHost } from '@nestjs/bullmq';
import { Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DelayedError, type Job, type Queue } from 'bullmq';
import { InjectScheduler, type WakeHandler } from './scheduler.js';

export const WAKEUP_QUEUE = 'drill-wakeups';

interface WakeJob {
  exerciseId: string;
  epoch: number;
  /** The planned wall instant (epoch ms); absent in jobs queued before it was recorded. */
  at?: number;
}

/**
 * A job picked up more than this before its instant (clock skew between hosts) is put back until then. 1 ms, not
 * the engine's 2: the instant was rounded to the millisecond, and the engine must find the row due when it runs.
 */
const EARLY_TOLERANCE_MS = 1;

/**
 * Cluster mode: wake-ups are BullMQ delayed jobs in Redis, so they survive a replica's death and any replica's
 * worker may run them. The job id makes the same future wake-up idempotent across replicas.
 */
@Injectable()
export class BullmqScheduler extends InjectScheduler {
  readonly kind = 'bullmq' as const;
  handler: WakeHandler = async () => {};

  constructor(@InjectQueue(WAKEUP_QUEUE) private readonly queue: Queue<WakeJob>) {
    super();
  }

  setHandler(handler: WakeHandler): void {
    this.handler = handler;
  }

  async wakeAt(exerciseId: string, epoch: number, atWallMs: number): Promise<void> {
    const at = Math.round(atWallMs);
    const delay = Math.max(0, at - Date.now());
    // A wake-up that is already due must not share its id with a job of the same instant that is running or
    // has completed (BullMQ keeps those ids and would drop the new job): it gets an id of its own. Ids use '.'
    // because BullMQ refuses custom ids with ':' (except its legacy three-part form).
    const jobId = delay > 0 ? `${exerciseId}.${epoch}.${at}` : `${exerciseId}.${epoch}.${at}.now-${randomUUID()}`;
    await this.queue.add(
      'wake',
      { exerciseId, epoch, at },
      // A failing wake-up is retried with backoff (1 s, 2 s, 4 s, …); past that, the sweep heals the exercise.
      {
        jobId,
        delay,
        removeOnComplete: 1000,
        removeOnFail: 1000,
        attempts: 5,
        backoff: { type: 'exponential', delay: 1000 },
      },
    );
  }

  async cancel(exerciseId: string, beforeEpoch: number): Promise<void> {
    const delayed = await this.queue.getDelayed();
    await Promise.all(
      delayed
        .filter((j) => j.data.exerciseId === exerciseId && j.data.epoch < beforeEpoch)
        .map((j) => j.remove().catch(() => undefined)),
    );
  }

  /** Readiness probe for /health. BullMQ's connection queues commands while Redis is away, hence the timeout. */
  async ping(timeoutMs = 1000): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer from Redis within ${timeoutMs} ms`)), timeoutMs);
    });
    // When the timeout wins, the command may still fail later (connection closed): that must not go unhandled.
    const count = this.queue.getDelayedCount();
    count.catch(() => undefined);
    try {
      await Promise.race([count, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }
}

// A replica killed while running a wake-up leaves the job locked; with these settings another replica takes it
// over within ~15 s rather than BullMQ's default of up to a minute.
export const WAKEUP_WORKER_OPTIONS = { concurrency: 8, lockDuration: 10_000, stalledInterval: 5_000 } as const;

@Processor(WAKEUP_QUEUE, WAKEUP_WORKER_OPTIONS)
export class WakeupProcessor extends WorkerHost {
  private readonly log = new Logger('bullmq-scheduler');

  constructor(private readonly scheduler: BullmqScheduler) {
    super();
  }

  async process(job: Job<WakeJob>, token?: string): Promise<void> {
    const { at } = job.data;
    if (at !== undefined && token !== undefined && Date.now() < at - EARLY_TOLERANCE_MS) {
      // Run now, the engine would find nothing due and its re-arm for the same instant would be dropped as a
      // duplicate of this very job: the exercise would stall. Wait for the instant instead.
      await job.moveToDelayed(at, token);
      throw new DelayedError();
    }
    try {
      await this.scheduler.handler(job.data.exerciseId, job.data.epoch);
    } catch (e) {
      this.log.error(e as Error);
      throw e;
    }
  }
}
