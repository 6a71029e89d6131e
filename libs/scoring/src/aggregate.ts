import { validateRatingOverride } from './config.js';
import type {
  InjectFigures,
  ObjectiveRating,
  Rating,
  RatingOverride,
  RatingResult,
  RatingThresholds,
  ScoringConfig,
  ScoringObjective,
  TeamScore,
} from './model.js';

/**
 * Tolerance for threshold comparisons only: a mean that is 0.85 on paper may be 0.8499999999999999 in binary
 * floating point, and a team on the line must get the higher rating. Stored figures are never rounded.
 */
const THRESHOLD_EPSILON = 1e-9;

/** HSEEP rating of a mean inject score: ≥ P performed, ≥ S some challenges, ≥ M major challenges, else unable. */
export function ratingFor(mean: number, t: RatingThresholds): Rating {
  if (mean >= t.P - THRESHOLD_EPSILON) return 'P';
  if (mean >= t.S - THRESHOLD_EPSILON) return 'S';
  if (mean >= t.M - THRESHOLD_EPSILON) return 'M';
  return 'U';
}

/**
 * A team's total: the weighted mean of its final inject scores, as a percentage, over the injects that required a
 * response from it (the caller passes only injects released to the team; those not requiring a response are
 * skipped here). Weights come from `config.injectWeights` (default 1). Null when nothing counts.
 */
export function scoreTeam<S extends InjectFigures>(
  teamId: string,
  injectScores: readonly S[],
  config: ScoringConfig,
): TeamScore<S> {
  const injects = injectScores.filter((s) => s.responseRequired);
  let totalWeight = 0;
  let sum = 0;
  let autoSum = 0;
  for (const s of injects) {
    const w = config.injectWeights[s.injectId] ?? 1;
    totalWeight += w;
    sum += w * s.final.score;
    autoSum += w * s.auto.score;
  }
  return {
    teamId,
    injects,
    totalWeight,
    percent: totalWeight > 0 ? (100 * sum) / totalWeight : null,
    autoPercent: totalWeight > 0 ? (100 * autoSum) / totalWeight : null,
  };
}

function rate(
  scores: readonly InjectFigures[],
  t: RatingThresholds,
  override: RatingOverride | undefined,
): RatingResult {
  let sum = 0;
  let autoSum = 0;
  for (const s of scores) {
    sum += s.final.score;
    autoSum += s.auto.score;
  }
  const n = scores.length;
  const mean = n > 0 ? sum / n : null;
  const computedRating = mean === null ? null : ratingFor(mean, t);
  return {
    mean,
    autoMean: n > 0 ? autoSum / n : null,
    scored: n,
    computedRating,
    override,
    rating: override?.rating ?? computedRating,
  };
}

type ScoresByTeam = ReadonlyMap<string, readonly InjectFigures[]> | Readonly<Record<string, readonly InjectFigures[]>>;

/**
 * Rates every objective from the mean (unweighted) of the final scores of its injects: over all (team, inject)
 * pairs for the exercise-wide rating, and per team. Only injects that required a response enter the mean; an
 * objective with nothing scored gets a null mean and rating (no evidence) unless an evaluator rates it.
 * Rating overrides without `teamId` apply to the exercise-wide rating; with it, to that team's. When several
 * overrides name the same target the last one wins, so callers pass them in the order they were made.
 */
export function rateObjectives(
  objectives: readonly ScoringObjective[],
  injectScoresByTeam: ScoresByTeam,
  config: ScoringConfig,
  ratingOverrides: readonly RatingOverride[] = [],
): ObjectiveRating[] {
  const overrides = new Map<string, RatingOverride>();
  ratingOverrides.forEach((o, i) => {
    validateRatingOverride(o, `/ratingOverrides/${i}`);
    overrides.set(`${o.objectiveId}\u0000${o.teamId ?? ''}`, o);
  });
  const entries: [string, readonly InjectFigures[]][] =
    injectScoresByTeam instanceof Map
      ? [...injectScoresByTeam.entries()]
      : Object.entries(injectScoresByTeam as Record<string, readonly InjectFigures[]>);
  const t = config.ratingThresholds;
  return objectives.map((obj) => {
    const ids = new Set(obj.injects);
    const all: InjectFigures[] = [];
    const perTeam = entries.map(([teamId, scores]) => {
      const mine = scores.filter((s) => s.responseRequired && ids.has(s.injectId));
      for (const s of mine) all.push(s);
      return { teamId, ...rate(mine, t, overrides.get(`${obj.id}\u0000${teamId}`)) };
    });
    return {
      objectiveId: obj.id,
      capability: obj.capability,
      injectIds: obj.injects,
      ...rate(all, t, overrides.get(`${obj.id}\u0000`)),
      perTeam,
    };
  });
}
