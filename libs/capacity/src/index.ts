/**
 * @drill/capacity — capacity across drills: from each completed drill's after-action report, every team's figures
 * (score, HSEEP capability scores and ratings, median times, handling faults, cooperation), and over drills each team's and each
 * GCI tier's trend per capability with the change since the first drill in range, the latest drill's heat map, the
 * CSV export of the same figures, and the AAR's "since last drill" comparison. The same team code across exercises
 * is one CERT. Pure TypeScript; no framework or persistence imports.
 */
export * from './model.js';
export {
  cooperationFigure,
  figuresFromAar,
  handlingFaultsOf,
  lowestRating,
  type AarFigures,
  type DrillFigures,
} from './from-aar.js';
export {
  capacityView,
  inFilter,
  isRangeBound,
  rangeBound,
  series,
  signed,
  sinceLastDrill,
  teamHistory,
} from './capacity.js';
export { CAPACITY_CSV_COLUMNS, renderCapacityCsv } from './csv.js';
export { round2 } from './round.js';
