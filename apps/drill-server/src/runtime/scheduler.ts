import { Injectable, type OnModuleDestroy } from '@nestjs/common';

/** Called when an exercise wants attention: release what is due, start a scheduled exercise. */
export type WakeHandler = (exerciseId: string, epoch: number) => Promise<void>;

/**
 * Wakes the release engine at a wall-clock instant. Two implementations: in-process timers (embedded mode)
 * and BullMQ delayed jobs (cluster mode). A wake-up carries the exercise's schedule epoch; the engine ignores
 * wake-ups from older epochs and releases only what is due, so a duplicate or stale wake-up is harmless.
 */
export abstract class InjectScheduler {
  abstract readonly kind: 'in-process' | 'bullmq';
  abstract setHandler(handler: WakeHandler): void;
  abstract wakeAt(exerciseId: string, epoch: number, atWallMs: number): Promise<void>;
  /** Drops pending wake-ups of an exercise (paused, completed); a stale one still arriving is ignored anyway. */
  abstract cancel(exerciseId: string): Promise<void>;
}

// setTimeout overflows past 2^31-1 ms (~24.8 days); a far wake-up is re-armed when this one fires.
const MAX_TIMER_MS = 2_147_000_000;

@Injectable()
export class InProcessScheduler extends InjectScheduler implements OnModuleDestroy {
  readonly kind = 'in-process' as const;
  private handler: WakeHandler = async () => {};
  private readonly timers = new Map<string, Map<string, NodeJS.Timeout>>();

  setHandler(handler: WakeHandler): void {
    this.handler = handler;
  }

  async wakeAt(exerciseId: string, epoch: number, atWallMs: number): Promise<void> {
    const key = `${epoch}:${Math.round(atWallMs)}`;
    const forExercise = this.timers.get(exerciseId) ?? new Map<string, NodeJS.Timeout>();
    this.timers.set(exerciseId, forExercise);
    if (forExercise.has(key)) return;
    const delay = Math.min(Math.max(0, atWallMs - Date.now()), MAX_TIMER_MS);
    const timer = setTimeout(() => {
      forExercise.delete(key);
      if (Date.now() < atWallMs - 1) {
        void this.wakeAt(exerciseId, epoch, atWallMs);
        return;
      }
      this.handler(exerciseId, epoch).catch(() => {
        /* the engine logs its own failures; the next wake-up retries */
      });
    }, delay);
    forExercise.set(key, timer);
  }

  async cancel(exerciseId: string): Promise<void> {
    for (const t of this.timers.get(exerciseId)?.values() ?? []) clearTimeout(t);
    this.timers.delete(exerciseId);
  }

  onModuleDestroy(): void {
    for (const id of [...this.timers.keys()]) void this.cancel(id);
  }
}
