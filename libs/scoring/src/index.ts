/**
 * @drill/scoring — the scoring method: timeliness and completeness of each team's response to each inject,
 * with the reasons for every figure (structured in the scores, rendered as sentences by explain*), evaluator
 * overrides kept beside the automatic figures, team totals and HSEEP objective ratings, and the cooperation
 * component (answering requests for assistance).
 * Pure functions over plain inputs; no I/O, no framework imports.
 */
export * from './model.js';
export {
  DEFAULT_COMPONENT_WEIGHTS,
  DEFAULT_SCORING_CONFIG,
  injectComponentWeights,
  resolveScoringConfig,
  validateRatingOverride,
  validateScoreOverride,
} from './config.js';
export { effectiveTarget, timeliness } from './timeliness.js';
export {
  completeness,
  scoreActions,
  scoreClassification,
  scoreIocs,
  scoreRecipients,
  scoreSeverity,
  scoreStructure,
  type CompletenessInput,
} from './completeness.js';
export { HANDLING_COSTS, scoreHandling } from './handling.js';
export {
  COOPERATION_LATE_FACTOR,
  COOPERATION_WEIGHTS,
  scoreCooperation,
  scoreCooperationRequest,
  type CooperationRequestInput,
  type TeamCooperationScore,
} from './cooperation.js';
export { isBareAcknowledgement, scoreTeamInject } from './inject-score.js';
export { ratingFor, rateObjectives, scoreTeam } from './aggregate.js';
export { IncrementalScores, scoreExercise, type ScoresOptions } from './exercise.js';
export {
  explainActions,
  explainClassification,
  explainCompleteness,
  explainHandling,
  explainInjectScore,
  explainIocs,
  explainRating,
  explainRecipients,
  explainSeverity,
  explainStructure,
  explainTimeliness,
  explainTimes,
  fmt,
  type InjectExplanation,
} from './explain.js';
export * from './redact.js';
