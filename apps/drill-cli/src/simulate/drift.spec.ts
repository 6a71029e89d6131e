import { describe, expect, it } from '@jest/globals';
import { dealDrifts, driftedBehaviour } from './drift.js';
import { BEHAVIOURS } from './profiles.js';

describe('dealDrifts', () => {
  it('deals one of each to three teams, the same for a seed, another order for another seed', () => {
    const codes = ['SG', 'MY', 'LA'];
    const a = dealDrifts(codes, 7);
    expect([...a.values()].sort()).toEqual(['improves', 'slips', 'steady']);
    expect(dealDrifts(codes, 7)).toEqual(a);
    const orders = new Set([1, 2, 3, 4, 5, 6, 7, 8].map((s) => JSON.stringify([...dealDrifts(codes, s)])));
    expect(orders.size).toBeGreaterThan(1);
  });

  it('makes two teams go different ways and one team improve', () => {
    expect([...dealDrifts(['SG', 'MY'], 1).values()].sort()).toEqual(['improves', 'slips']);
    expect([...dealDrifts(['SG'], 1).values()]).toEqual(['improves']);
    const ten = [...dealDrifts(['A', 'B', 'C', 'D', 'E', 'F', 'G', 'H', 'I', 'J'], 3).values()];
    expect(ten.filter((d) => d === 'improves')).toHaveLength(4);
    expect(ten.filter((d) => d === 'slips')).toHaveLength(4);
  });
});

describe('driftedBehaviour', () => {
  it("is the profile's own in the first drill and in a history of one", () => {
    expect(driftedBehaviour('partial', 'improves', 0, 3)).toEqual(BEHAVIOURS.partial);
    expect(driftedBehaviour('partial', 'slips', 0, 1)).toEqual(BEHAVIOURS.partial);
    expect(driftedBehaviour('slow', 'steady', 2, 3)).toEqual(BEHAVIOURS.slow);
  });

  it('moves an improving team towards diligent and a slipping one towards silent, step by step', () => {
    const up = [0, 1, 2].map((k) => driftedBehaviour('partial', 'improves', k, 3));
    expect(up.map((b) => b.quality.critical)).toEqual([0.6, 0.6 + (0.97 - 0.6) * 0.425, 0.6 + (0.97 - 0.6) * 0.85]);
    expect(up[2]!.quality.iocShare[0]).toBeGreaterThan(up[1]!.quality.iocShare[0]);
    expect(up[2]!.timing).toBe('early'); // past half way: diligent's timing
    expect(up[1]!.timing).toBe('anytime');
    const down = [0, 1, 2].map((k) => driftedBehaviour('diligent', 'slips', k, 3));
    expect(down[1]!.report).toBeLessThan(down[0]!.report);
    expect(down[2]!.report).toBeLessThan(down[1]!.report);
    expect(down[2]!.report).toBeGreaterThan(BEHAVIOURS.silent.report); // most of the way, not all
  });

  it('moves how a team cooperates too: a slipping team answers fewer requests and confirms fewer checks', () => {
    const down = [0, 1, 2].map((k) => driftedBehaviour('diligent', 'slips', k, 3).cooperation);
    expect(down.map((c) => c.answer)).toEqual([1, 1 - 0.3, 1 - 0.6]);
    expect(down[2]!.confirm).toBeLessThan(down[1]!.confirm);
    expect(down[2]!.respondAt[0]).toBeGreaterThan(BEHAVIOURS.diligent.cooperation.respondAt[0]);
    const up = driftedBehaviour('silent', 'improves', 2, 3).cooperation;
    expect(up.answer).toBeCloseTo(0.85);
    expect(up.ask).toBeGreaterThan(0);
  });

  it('refuses a drill outside the history', () => {
    expect(() => driftedBehaviour('slow', 'slips', 3, 3)).toThrow(RangeError);
    expect(() => driftedBehaviour('slow', 'slips', -1, 3)).toThrow(RangeError);
  });
});
