import { Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';

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
  /**
   * Drops pending wake-ups of an exercise planned in epochs before `beforeEpoch` (paused, retimed, completed). Never
   * newer ones: a resume on another replica may already have planned its wake-up. A stale wake-up that still
   * arrives is ignored anyway; this only saves the work.
   */
  abstract cancel(exerciseId: string, beforeEpoch: number): Promise<void>;
}

// setTimeout overflows past 2^31-1 ms (~24.8 days); a far wake-up is re-armed when this one fires.
const MAX_TIMER_MS = 2_147_000_000;

@Injectable()
export class InProcessScheduler extends InjectScheduler implements OnModuleDestroy {
  readonly kind = 'in-process' as const;
  private readonly log = new Logger('scheduler');
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
      // The engine retries its own failures; one that still escapes is logged, and the sweep heals the exercise.
      this.handler(exerciseId, epoch).catch((e: unknown) => this.log.error(e as Error));
    }, delay);
    forExercise.set(key, timer);
  }

  async cancel(exerciseId: string, beforeEpoch: number): Promise<void> {
    const forExercise = this.timers.get(exerciseId);
    for (const [key, t] of forExercise ?? []) {
      if (Number(key.split(':')[0]) >= beforeEpoch) continue;
      clearTimeout(t);
      forExercise!.delete(key);
    }
    if (forExercise?.size === 0) this.timers.delete(exerciseId);
  }

  onModuleDestroy(): void {
    for (const id of [...this.timers.keys()]) void this.cancel(id, Infinity);
  }
}
