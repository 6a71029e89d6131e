import { ValidationFailed, type FieldProblem } from '@drill/contracts';
import {
  COMPONENT_KEYS,
  RATINGS,
  type ComponentWeights,
  type RatingOverride,
  type ScoreOverride,
  type ScoringConfig,
  type ScoringMethodOverrides,
} from './model.js';

// The default method as the issue specifies it; a scenario may override every figure here.
export const DEFAULT_COMPONENT_WEIGHTS: Readonly<ComponentWeights> = Object.freeze({
  iocs: 0.35,
  classification: 0.15,
  severity: 0.05,
  actions: 0.2,
  recipients: 0.15,
  structure: 0.1,
});

export const DEFAULT_SCORING_CONFIG: Readonly<ScoringConfig> = Object.freeze({
  weights: DEFAULT_COMPONENT_WEIGHTS,
  timelinessWeight: 0.3,
  timelinessFloor: 0.2,
  criticalMissCap: 0.5,
  ratingThresholds: Object.freeze({ P: 0.85, S: 0.65, M: 0.4 }),
  injectWeights: Object.freeze({}),
});

function isUnit(x: unknown): x is number {
  return typeof x === 'number' && Number.isFinite(x) && x >= 0 && x <= 1;
}

function isNonNegative(x: unknown): x is number {
  return typeof x === 'number' && Number.isFinite(x) && x >= 0;
}

function checkWeights(w: Partial<ComponentWeights> | undefined, path: string, problems: FieldProblem[]): void {
  if (w === undefined) return;
  for (const [k, v] of Object.entries(w)) {
    if (!(COMPONENT_KEYS as readonly string[]).includes(k)) {
      problems.push({
        path: `${path}/${k}`,
        message: `unknown component (expected one of ${COMPONENT_KEYS.join(', ')})`,
      });
    } else if (v !== undefined && !isNonNegative(v)) {
      problems.push({ path: `${path}/${k}`, message: 'weight must be a finite number ≥ 0' });
    }
  }
}

/**
 * Merges scenario-wide overrides and per-inject weights (for team totals) over the defaults.
 * Throws ValidationFailed listing every bad figure, so a scenario cannot silently score with NaN.
 */
export function resolveScoringConfig(
  overrides?: ScoringMethodOverrides,
  injectWeights?: Readonly<Record<string, number>>,
): ScoringConfig {
  const problems: FieldProblem[] = [];
  const o = overrides ?? {};
  checkWeights(o.weights, '/scoring/weights', problems);
  for (const key of ['timelinessWeight', 'timelinessFloor', 'criticalMissCap'] as const) {
    if (o[key] !== undefined && !isUnit(o[key]))
      problems.push({ path: `/scoring/${key}`, message: 'must be between 0 and 1' });
  }
  const thresholds = o.ratingThresholds ?? DEFAULT_SCORING_CONFIG.ratingThresholds;
  if (o.ratingThresholds !== undefined) {
    let inRange = true;
    for (const r of ['P', 'S', 'M'] as const) {
      if (!isUnit(thresholds[r])) {
        inRange = false;
        problems.push({ path: `/scoring/ratingThresholds/${r}`, message: 'must be between 0 and 1' });
      }
    }
    if (inRange && !(thresholds.P >= thresholds.S && thresholds.S >= thresholds.M)) {
      problems.push({ path: '/scoring/ratingThresholds', message: 'thresholds must satisfy P ≥ S ≥ M' });
    }
  }
  for (const [id, w] of Object.entries(injectWeights ?? {})) {
    if (!isNonNegative(w))
      problems.push({ path: `/injectWeights/${id}`, message: 'inject weight must be a finite number ≥ 0' });
  }
  if (problems.length > 0) throw new ValidationFailed('invalid scoring configuration', problems);
  return {
    weights: { ...DEFAULT_COMPONENT_WEIGHTS, ...definedOnly(o.weights) },
    timelinessWeight: o.timelinessWeight ?? DEFAULT_SCORING_CONFIG.timelinessWeight,
    timelinessFloor: o.timelinessFloor ?? DEFAULT_SCORING_CONFIG.timelinessFloor,
    criticalMissCap: o.criticalMissCap ?? DEFAULT_SCORING_CONFIG.criticalMissCap,
    ratingThresholds: { ...thresholds },
    injectWeights: { ...(injectWeights ?? {}) },
  };
}

/** Component weights for one inject: its answer key's own weights over the resolved config. */
export function injectComponentWeights(config: ScoringConfig, perInject?: Partial<ComponentWeights>): ComponentWeights {
  if (perInject === undefined) return config.weights;
  const problems: FieldProblem[] = [];
  checkWeights(perInject, '/answerKey/weights', problems);
  if (problems.length > 0) throw new ValidationFailed('invalid inject scoring weights', problems);
  return { ...config.weights, ...definedOnly(perInject) };
}

function definedOnly<T extends object>(o: T | undefined): Partial<T> {
  const out: Partial<T> = {};
  if (o === undefined) return out;
  for (const [k, v] of Object.entries(o)) if (v !== undefined) (out as Record<string, unknown>)[k] = v;
  return out;
}

/** Rejects overrides outside 0–1 or without a written justification (the AAR must be able to say why). */
export function validateScoreOverride(o: ScoreOverride, path = ''): void {
  const problems: FieldProblem[] = [];
  if (o.timeliness === undefined && o.completeness === undefined) {
    problems.push({ path: `${path}/timeliness`, message: 'an override must set timeliness and/or completeness' });
  }
  if (o.timeliness !== undefined && !isUnit(o.timeliness))
    problems.push({ path: `${path}/timeliness`, message: 'must be between 0 and 1' });
  if (o.completeness !== undefined && !isUnit(o.completeness)) {
    problems.push({ path: `${path}/completeness`, message: 'must be between 0 and 1' });
  }
  if (typeof o.justification !== 'string' || o.justification.trim() === '') {
    problems.push({ path: `${path}/justification`, message: 'a justification is required' });
  }
  if (problems.length > 0) throw new ValidationFailed('invalid score override', problems);
}

export function validateRatingOverride(o: RatingOverride, path = ''): void {
  const problems: FieldProblem[] = [];
  if (!(RATINGS as readonly string[]).includes(o.rating))
    problems.push({ path: `${path}/rating`, message: 'must be P, S, M or U' });
  if (typeof o.justification !== 'string' || o.justification.trim() === '') {
    problems.push({ path: `${path}/justification`, message: 'a justification is required' });
  }
  if (problems.length > 0) throw new ValidationFailed('invalid rating override', problems);
}
