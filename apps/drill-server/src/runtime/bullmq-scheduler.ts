import { InjectQueue, Processor, WorkerHost } from '@nestjs/bullmq';
import { Injectable, Logger } from '@nestjs/common';
import type { Job, Queue } from 'bullmq';
import { InjectScheduler, type WakeHandler } from './scheduler.js';

export const WAKEUP_QUEUE = 'drill-wakeups';

interface WakeJob {
  exerciseId: string;
  epoch: number;
}

/**
 * Cluster mode: wake-ups are BullMQ delayed jobs in Redis, so they survive a replica's death and any replica's
 * worker may run them. The job id makes the same wake-up idempotent across replicas.
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
    await this.queue.add(
      'wake',
      { exerciseId, epoch },
      { jobId: `${exerciseId}:${epoch}:${at}`, delay: Math.max(0, at - Date.now()), removeOnComplete: 1000, removeOnFail: 1000, attempts: 3 },
    );
  }

  async cancel(exerciseId: string): Promise<void> {
    const delayed = await this.queue.getDelayed();
    await Promise.all(delayed.filter((j) => j.data.exerciseId === exerciseId).map((j) => j.remove().catch(() => undefined)));
  }
}

@Processor(WAKEUP_QUEUE, { concurrency: 8 })
export class WakeupProcessor extends WorkerHost {
  private readonly log = new Logger('bullmq-scheduler');

  constructor(private readonly scheduler: BullmqScheduler) {
    super();
  }

  async process(job: Job<WakeJob>): Promise<void> {
    try {
      await this.scheduler.handler(job.data.exerciseId, job.data.epoch);
    } catch (e) {
      this.log.error(e as Error);
      throw e;
    }
  }
}
