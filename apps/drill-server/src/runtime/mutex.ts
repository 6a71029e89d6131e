import { Injectable } from '@nestjs/common';

/** Runs tasks one after another per key: two wake-ups of one exercise never interleave in this process. */
export class KeyedMutex {
  private readonly tails = new Map<string, Promise<unknown>>();

  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const prev = this.tails.get(key) ?? Promise.resolve();
    const next = prev.then(task, task);
    const tail = next.catch(() => undefined);
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return next;
  }
}

/**
 * Lifecycle transitions, release passes and controller edits of one exercise run one at a time per process: one
 * instance, shared by the runtime's parts, keyed by exercise id.
 */
@Injectable()
export class ExerciseMutex extends KeyedMutex {}
