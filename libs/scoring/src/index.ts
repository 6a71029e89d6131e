/**
 * @drill/scoring — the scoring method: timeliness and completeness of each team's response to each inject,
 * with a per-item explanation, evaluator overrides kept beside the automatic figures, team totals and HSEEP
 * objective ratings. Pure functions over plain inputs; no I/O, no framework imports.
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
export { timeliness } from './timeliness.js';
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
export { isBareAcknowledgement, scoreTeamInject } from './inject-score.js';
export { ratingFor, rateObjectives, scoreTeam } from './aggregate.js';
export { scoreExercise } from './exercise.js';
