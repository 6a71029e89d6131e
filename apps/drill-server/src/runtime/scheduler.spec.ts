import { ConsoleLogger, Logger } from '@nestjs/common';
import { afterEach, describe, expect, it } from '@jest/globals';
import { Queue } from 'bullmq';
import { REDIS_URL, requireService } from '../../../../test/support/services.js';
import { BullmqScheduler } from './bullmq-scheduler.js';
import { redisConnection } from './runtime.module.js';
import { InProcessScheduler, type InjectScheduler } from './scheduler.js';

const redisUp = await requireService('Redis', 6379);
const until = async (p: () => boolean, ms = 2000) => {
  for (const end = Date.now() + ms; !p();) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 5));
  }
};

describe('InProcessScheduler', () => {
  let s: InProcessScheduler;
  afterEach(() => s.onModuleDestroy());

  it('cancels only the wake-ups of older epochs: a resume elsewhere may already have planned the new one', async () => {
    s = new InProcessScheduler();
    const woken: [string, number][] = [];
    s.setHandler(async (id, epoch) => void woken.push([id, epoch]));
    const at = Date.now() + 40;
    await s.wakeAt('ex-1', 1, at);
    await s.wakeAt('ex-1', 2, at);
    await s.wakeAt('ex-2', 1, at);
    await s.cancel('ex-1', 2);
    await until(() => woken.length === 2);
    await new Promise((r) => setTimeout(r, 30));
    expect(woken.sort()).toEqual([
      ['ex-1', 2],
      ['ex-2', 1],
    ]);
  });

  it('survives a handler that throws (the engine heals; the scheduler must not die with it)', async () => {
    Logger.overrideLogger(false); // the error it logs is expected here
    s = new InProcessScheduler();
    let calls = 0;
    s.setHandler(async () => {
      calls++;
      throw new Error('database away');
    });
    await s.wakeAt('ex-1', 0, Date.now());
    await s.wakeAt('ex-1', 0, Date.now() + 20);
    await until(() => calls === 2);
    Logger.overrideLogger(new ConsoleLogger());
  });
});

(redisUp ? describe : describe.skip)('BullmqScheduler on Redis', () => {
  let queue: Queue;
  afterEach(async () => {
    await queue.obliterate({ force: true });
    await queue.close();
  });

  it('cancels only delayed wake-ups of older epochs of that exercise', async () => {
    queue = new Queue('wake-cancel', {
      connection: redisConnection(REDIS_URL),
      prefix: `test-${Math.random().toString(36).slice(2)}`,
    });
    const s: InjectScheduler = new BullmqScheduler(queue as never);
    const at = Date.now() + 60_000;
    await s.wakeAt('ex-1', 1, at);
    await s.wakeAt('ex-1', 2, at);
    await s.wakeAt('ex-1', 3, at + 1);
    await s.wakeAt('ex-2', 1, at);
    await s.cancel('ex-1', 2); // as a pause in epoch 2 does, after a resume elsewhere planned epoch 3
    const left = (await queue.getDelayed()).map((j) => `${j.data.exerciseId}@${j.data.epoch}`).sort();
    expect(left).toEqual(['ex-1@2', 'ex-1@3', 'ex-2@1']);
  });
});
