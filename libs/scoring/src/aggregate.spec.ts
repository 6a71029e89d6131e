import { ValidationFailed } from '@drill/contracts';
import { describe, expect, it } from '@jest/globals';
import { rateObjectives, ratingFor, scoreTeam } from './aggregate.js';
import { DEFAULT_SCORING_CONFIG, resolveScoringConfig } from './config.js';
import type { InjectScore, RatingOverride } from './model.js';

// Only the fields aggregation reads; the rest of an InjectScore is irrelevant here.
function s(injectId: string, final: number, auto = final, responseRequired = true): InjectScore {
  return {
    injectId,
    responseRequired,
    final: { timeliness: 0, completeness: 0, score: final },
    auto: { timeliness: 0, completeness: 0, score: auto },
  } as unknown as InjectScore;
}

describe('ratingFor (HSEEP, default thresholds .85 / .65 / .40)', () => {
  const t = DEFAULT_SCORING_CONFIG.ratingThresholds;
  it.each([
    { mean: 1, rating: 'P' },
    { mean: 0.85, rating: 'P' },
    { mean: 0.8499, rating: 'S' },
    { mean: 0.65, rating: 'S' },
    // (0.6 + 0.7)/2 is 0.6499999999999999 in binary floating point: on the line, so S.
    { mean: (0.6 + 0.7) / 2, rating: 'S' },
    { mean: 0.6499, rating: 'M' },
    { mean: 0.4, rating: 'M' },
    { mean: 0.3999, rating: 'U' },
    { mean: 0, rating: 'U' },
  ])('$mean → $rating', ({ mean, rating }) => {
    expect(ratingFor(mean, t)).toBe(rating);
  });
  it('uses scenario thresholds', () => {
    const cfg = resolveScoringConfig({ ratingThresholds: { P: 0.9, S: 0.7, M: 0.5 } });
    expect(ratingFor(0.85, cfg.ratingThresholds)).toBe('S');
    expect(ratingFor(0.45, cfg.ratingThresholds)).toBe('U');
  });
});

describe('scoreTeam', () => {
  it('weighted mean of the required injects, as a percentage', () => {
    const cfg = resolveScoringConfig(undefined, { A: 2, C: 0.5 });
    const t = scoreTeam('T1', [s('A', 0.9, 0.6), s('B', 0.3), s('C', 1), s('INFO', 0, 0, false)], cfg);
    // weights A 2, B 1, C .5 → total 3.5; INFO needs no response
    expect(t.totalWeight).toBe(3.5);
    expect(t.percent).toBeCloseTo((100 * (2 * 0.9 + 1 * 0.3 + 0.5 * 1)) / 3.5, 10);
    expect(t.autoPercent).toBeCloseTo((100 * (2 * 0.6 + 1 * 0.3 + 0.5 * 1)) / 3.5, 10);
    expect(t.injects.map((i) => i.injectId)).toEqual(['A', 'B', 'C']);
  });
  it('is null when nothing required a response', () => {
    expect(scoreTeam('T1', [s('INFO', 1, 1, false)], DEFAULT_SCORING_CONFIG).percent).toBeNull();
  });
});

describe('rateObjectives', () => {
  const byTeam = new Map<string, InjectScore[]>([
    ['T1', [s('A', 0.9), s('B', 0.8, 0.4), s('X', 0.1)]],
    ['T2', [s('A', 0.5), s('B', 0.8)]],
    ['T3', []],
  ]);
  const objectives = [
    { id: 'OBJ-1', capability: 'Operational Coordination', injects: ['A', 'B'] },
    { id: 'OBJ-2', injects: ['NEVER'] },
  ];

  it('rates over all pairs and per team, from final scores, with the automatic mean beside', () => {
    const [o1, o2] = rateObjectives(objectives, byTeam, DEFAULT_SCORING_CONFIG);
    // pairs: .9, .8, .5, .8 → 3.0/4 = .75 → S; auto .9, .4, .5, .8 → 2.6/4 = .65
    expect(o1!.mean).toBeCloseTo(3.0 / 4, 12);
    expect(o1!.autoMean).toBeCloseTo(2.6 / 4, 12);
    expect(o1!.scored).toBe(4);
    expect(o1!.rating).toBe('S');
    const t1 = o1!.perTeam.find((p) => p.teamId === 'T1')!;
    expect(t1.mean).toBeCloseTo((0.9 + 0.8) / 2, 12);
    expect(t1.rating).toBe('P');
    const t2 = o1!.perTeam.find((p) => p.teamId === 'T2')!;
    expect(t2.mean).toBeCloseTo((0.5 + 0.8) / 2, 12);
    expect(t2.rating).toBe('S');
    expect(o1!.perTeam.find((p) => p.teamId === 'T3')).toMatchObject({ mean: null, rating: null, scored: 0 });
    expect(o2).toMatchObject({ mean: null, computedRating: null, rating: null });
  });

  it('an evaluator rating replaces the computed one, which stays beside it', () => {
    const who = { justification: 'coordination broke down off-system', by: 'eval', at: '2025-01-01T12:00:00Z' };
    const overrides: RatingOverride[] = [
      { objectiveId: 'OBJ-1', rating: 'P', ...who },
      { objectiveId: 'OBJ-1', rating: 'M', ...who }, // later wins
      { objectiveId: 'OBJ-1', teamId: 'T2', rating: 'U', ...who },
      { objectiveId: 'OBJ-2', rating: 'U', ...who },
    ];
    const [o1, o2] = rateObjectives(objectives, byTeam, DEFAULT_SCORING_CONFIG, overrides);
    expect(o1).toMatchObject({ computedRating: 'S', rating: 'M' });
    expect(o1!.override?.rating).toBe('M');
    expect(o1!.perTeam.find((p) => p.teamId === 'T2')).toMatchObject({ computedRating: 'S', rating: 'U' });
    expect(o1!.perTeam.find((p) => p.teamId === 'T1')).toMatchObject({
      computedRating: 'P',
      rating: 'P',
      override: undefined,
    });
    expect(o2).toMatchObject({ computedRating: null, rating: 'U' });
  });

  it('accepts a plain record and rejects an override without justification', () => {
    expect(rateObjectives(objectives, { T1: [s('A', 0.3)] }, DEFAULT_SCORING_CONFIG)[0]!.rating).toBe('U');
    expect(() =>
      rateObjectives(objectives, byTeam, DEFAULT_SCORING_CONFIG, [
        { objectiveId: 'OBJ-1', rating: 'P', justification: '', by: 'e', at: 't' },
      ]),
    ).toThrow(ValidationFailed);
  });
});

describe('resolveScoringConfig', () => {
  it('merges overrides over the defaults', () => {
    const c = resolveScoringConfig({ weights: { iocs: 0.5 }, criticalMissCap: 0.3 }, { A: 2 });
    expect(c.weights).toEqual({
      iocs: 0.5,
      classification: 0.15,
      severity: 0.05,
      actions: 0.2,
      recipients: 0.15,
      structure: 0.1,
    });
    expect(c.criticalMissCap).toBe(0.3);
    expect(c.timelinessWeight).toBe(0.3);
    expect(c.timelinessFloor).toBe(0.2);
    expect(c.ratingThresholds).toEqual({ P: 0.85, S: 0.65, M: 0.4 });
    expect(c.injectWeights).toEqual({ A: 2 });
  });
  it('lists every bad figure', () => {
    let err: ValidationFailed | undefined;
    try {
      resolveScoringConfig(
        { weights: { iocs: -1 }, timelinessWeight: 2, ratingThresholds: { P: 0.5, S: 0.6, M: 0.1 } },
        { A: Number.NaN },
      );
    } catch (e) {
      err = e as ValidationFailed;
    }
    expect(err).toBeInstanceOf(ValidationFailed);
    expect(err!.details!.map((d) => d.path)).toEqual([
      '/scoring/weights/iocs',
      '/scoring/timelinessWeight',
      '/scoring/ratingThresholds',
      '/injectWeights/A',
    ]);
    expect(() => resolveScoringConfig({ ratingThresholds: { P: 0.5, S: 0.6, M: 0.1 } })).toThrow(/invalid scoring/);
  });
});
