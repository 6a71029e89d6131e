import { DelayedError, type Job, type Queue } from 'bullmq';
import { afterEach, describe, expect, it, jest } from '@jest/globals';
import { BullmqScheduler, WakeupProcessor } from './bullmq-scheduler.js';

// Only the wall clock is frozen: the scheduler reads Date.now(); promises and timers run as usual.
const fakeNow = (now: number) =>
  jest.useFakeTimers({
    now,
    doNotFake: [
      'nextTick',
      'queueMicrotask',
      'setImmediate',
      'setTimeout',
      'setInterval',
      'clearTimeout',
      'clearInterval',
      'clearImmediate',
    ],
  });

interface Added {
  name: string;
  data: { exerciseId: string; epoch: number; at?: number };
  opts: { jobId: string; delay: number };
}

function fakeQueue() {
  const added: Added[] = [];
  const queue = {
    add: async (name: string, data: Added['data'], opts: Added['opts']) => void added.push({ name, data, opts }),
  };
  return { queue: queue as unknown as Queue, added };
}

describe('BullmqScheduler', () => {
  afterEach(() => {
    jest.useRealTimers();
  });

  it('gives a future wake-up an id that repeats for the same instant, without the ":" BullMQ refuses', async () => {
    fakeNow(1_000_000);
    const { queue, added } = fakeQueue();
    const s = new BullmqScheduler(queue as never);
    await s.wakeAt('ex-1', 3, 1_005_000.4);
    await s.wakeAt('ex-1', 3, 1_005_000);
    expect(added.map((a) => a.opts.jobId)).toEqual(['ex-1.3.1005000', 'ex-1.3.1005000']);
    expect(added[0]!.opts.delay).toBe(5000);
    expect(added[0]!.data).toEqual({ exerciseId: 'ex-1', epoch: 3, at: 1_005_000 });
  });

  it('gives every wake-up that is already due an id of its own, so a finished job of that instant cannot swallow it', async () => {
    fakeNow(2_000_000);
    const { queue, added } = fakeQueue();
    const s = new BullmqScheduler(queue as never);
    await s.wakeAt('ex-1', 0, 1_999_990);
    await s.wakeAt('ex-1', 0, 1_999_990);
    const [a, b] = added.map((x) => x.opts);
    expect(a!.delay).toBe(0);
    expect(a!.jobId).not.toBe(b!.jobId);
    expect(a!.jobId.startsWith('ex-1.0.1999990.')).toBe(true);
    expect(a!.jobId).not.toContain(':');
  });
});

describe('WakeupProcessor', () => {
  afterEach(() => {
    jest.useRealTimers();
  });

  function rig() {
    const { queue } = fakeQueue();
    const scheduler = new BullmqScheduler(queue as never);
    const calls: [string, number][] = [];
    scheduler.setHandler(async (id, epoch) => void calls.push([id, epoch]));
    const moved: [number, string][] = [];
    const job = (at?: number) =>
      ({
        data: { exerciseId: 'ex-1', epoch: 2, ...(at !== undefined ? { at } : {}) },
        moveToDelayed: async (ts: number, token: string) => void moved.push([ts, token]),
      }) as unknown as Job;
    return { processor: new WakeupProcessor(scheduler), calls, moved, job };
  }

  it('puts a job picked up early back until its instant instead of waking the engine', async () => {
    fakeNow(10_000);
    const { processor, calls, moved, job } = rig();
    await expect(processor.process(job(10_050) as never, 'tok')).rejects.toBeInstanceOf(DelayedError);
    expect(moved).toEqual([[10_050, 'tok']]);
    expect(calls).toEqual([]);
  });

  it('wakes the engine at the instant (within 1 ms) and for jobs queued before the instant was recorded', async () => {
    fakeNow(10_000);
    const { processor, calls, moved, job } = rig();
    await processor.process(job(10_001) as never, 'tok');
    await processor.process(job(9_000) as never, 'tok');
    await processor.process(job() as never, 'tok');
    expect(calls).toEqual([
      ['ex-1', 2],
      ['ex-1', 2],
      ['ex-1', 2],
    ]);
    expect(moved).toEqual([]);
  });
});
