import { describe, expect, it } from '@jest/globals';
import { RateLimiter } from './rate-limit.js';

describe('RateLimiter', () => {
  it('allows `limit` events per window and key, then says how long to wait', () => {
    let t = 1_000_000;
    const rl = new RateLimiter(3, 60_000, () => t);
    expect([rl.take('a'), rl.take('a'), rl.take('a')]).toEqual([0, 0, 0]);
    expect(rl.take('a')).toBe(60);
    expect(rl.take('b')).toBe(0); // keys are counted apart
    t += 59_500;
    expect(rl.retryAfter('a')).toBe(1);
    t += 500;
    expect(rl.take('a')).toBe(0); // a new window
  });

  it('counts failures with hit and checks them with retryAfter', () => {
    const rl = new RateLimiter(2, 10_000, () => 0);
    rl.hit('ip');
    expect(rl.retryAfter('ip')).toBe(0);
    rl.hit('ip');
    expect(rl.retryAfter('ip')).toBe(10);
  });

  it('is unlimited at 0', () => {
    const rl = new RateLimiter(0);
    for (let i = 0; i < 100; i++) expect(rl.take('x')).toBe(0);
  });

  it('drops expired windows once it holds many keys', () => {
    let t = 0;
    const rl = new RateLimiter(1, 1000, () => t);
    for (let i = 0; i < 10_000; i++) rl.hit(`k${i}`);
    expect(rl.retryAfter('k1')).toBe(1);
    t = 5000;
    rl.hit('new');
    expect((rl as unknown as { windows: Map<string, unknown> }).windows.size).toBe(1);
  });
});
