import type { Determination, IocType, ReportKind, RsitClassification, Severity, TlpLabel } from '@drill/contracts';
import type { IocRelation } from '@drill/ioc';

// The engine takes plain structural inputs rather than the scenario/ISM models themselves, so it stays a pure
// function of data and cannot drift with persistence concerns. `Inject` from @drill/scenario and
// `IsmReport & { atScenarioMin }` from @drill/ism satisfy these shapes as they are; the caller only converts
// wall-clock timestamps to scenario minutes and maps recipient team ids to the vocabulary of the answer key.

// ───────────────────────────── configuration ─────────────────────────────

export const COMPONENT_KEYS = ['iocs', 'classification', 'severity', 'actions', 'recipients', 'structure'] as const;
export type ComponentKey = (typeof COMPONENT_KEYS)[number];

/** Same shape as `ComponentWeights` in @drill/scenario. */
export type ComponentWeights = Record<ComponentKey, number>;

export interface RatingThresholds {
  P: number;
  S: number;
  M: number;
}

/** Same shape as `ScoringOverrides` in @drill/scenario: what a scenario may change in the default method. */
export interface ScoringMethodOverrides {
  weights?: Partial<ComponentWeights>;
  timelinessWeight?: number;
  timelinessFloor?: number;
  criticalMissCap?: number;
  ratingThresholds?: RatingThresholds;
}

/** The fully resolved method; build it with `resolveScoringConfig`. */
export interface ScoringConfig {
  weights: ComponentWeights;
  /** Share of T in the inject score; C gets 1 − this. */
  timelinessWeight: number;
  /** T at exactly the deadline. */
  timelinessFloor: number;
  /** Upper bound of the IOC component when a critical IOC is missed. */
  criticalMissCap: number;
  ratingThresholds: RatingThresholds;
  /** Weight of each inject in a team's total, by inject id; absent = 1. */
  injectWeights: Readonly<Record<string, number>>;
}

// ───────────────────────────── inputs ─────────────────────────────

/** An IOC already normalised by @drill/ioc (type + canonical value). */
export interface ScoringIoc {
  type: IocType;
  value: string;
  original?: string;
  /** A domain the key says is also matched by any e-mail address at it (relation `domain-of-email`). */
  matchEmailDomain?: boolean;
}

export interface ScoringExpectedIoc extends ScoringIoc {
  weight: number;
  critical: boolean;
}

export interface ScoringExpectedAction {
  code: string;
  description?: string;
  keywords: readonly string[];
  weight: number;
}

/**
 * Treated as immutable once scored (it belongs to an immutable scenario version): the engine memoises a lookup
 * index per answer key object, so mutate a copy, never the object itself.
 */
export interface ScoringAnswerKey {
  iocs: readonly ScoringExpectedIoc[];
  decoys: readonly ScoringIoc[];
  classification?: RsitClassification;
  severity?: Severity;
  actions: readonly ScoringExpectedAction[];
  /** Recipient identifiers as the caller compares them (team codes or ids), or "control". */
  recipients: readonly string[];
  maxTlp?: TlpLabel;
  weights?: Partial<ComponentWeights>;
}

export interface ScoringInject {
  id: string;
  responseRequired: boolean;
  targetMinutes?: number;
  deadlineMinutes?: number;
  tlp: TlpLabel;
  answerKey?: ScoringAnswerKey;
}

/** One team's ISM report as scoring sees it; `atScenarioMin` is the scenario minute it was submitted. */
export interface ScoringReport {
  id: string;
  kind: ReportKind;
  atScenarioMin: number;
  tlp: TlpLabel;
  recipients: { teams: readonly string[] | 'all' };
  classification?: RsitClassification;
  determination?: Determination;
  severity?: Severity;
  affectedAssets?: readonly unknown[];
  iocs?: readonly ScoringIoc[];
  timeline?: readonly unknown[];
  actions?: readonly { code?: string; text: string }[];
  recommendations?: readonly string[];
}

/** An evaluator's correction of T and/or C (each 0–1). The automatic figures are kept beside it. */
export interface ScoreOverride {
  timeliness?: number;
  completeness?: number;
  justification: string;
  by: string;
  at: string;
}

export const RATINGS = ['P', 'S', 'M', 'U'] as const;
export type Rating = (typeof RATINGS)[number];

/** An evaluator's rating of an objective, for the whole exercise (no teamId) or for one team. */
export interface RatingOverride {
  objectiveId: string;
  teamId?: string;
  rating: Rating;
  justification: string;
  by: string;
  at: string;
}

export interface ScoringObjective {
  id: string;
  capability?: string;
  injects: readonly string[];
}

export interface TeamInjectInput {
  teamId?: string;
  inject: ScoringInject;
  releasedAtScenarioMin: number;
  /** When a person pressed "received" (`inject.ack`), in scenario minutes. */
  ackAtScenarioMin?: number;
  /** The team's reports that answer this inject, in any order. */
  reports: readonly ScoringReport[];
  override?: ScoreOverride;
  config: ScoringConfig;
}

// ───────────────────────────── outputs ─────────────────────────────

export interface Times {
  /** Minutes from release to the first acknowledgement (inject.ack or acknowledgement report), if any. */
  toAcknowledge?: number;
  acknowledgedBy?: { via: 'inject.ack' } | { via: 'report'; reportId: string };
  /** Minutes from release to the first report that is not a bare acknowledgement, if any. */
  toReport?: number;
  firstReportId?: string;
}

export type TimelinessRule =
  'no-report' | 'on-target' | 'linear' | 'after-deadline' | 'after-target-no-deadline' | 'no-target';

export interface TimelinessResult {
  value: number;
  rule: TimelinessRule;
  /** Minutes from release to the first report, when there is one. */
  toReport?: number;
  targetMinutes?: number;
  deadlineMinutes?: number;
  floor: number;
}

interface ComponentBase {
  /** False when the answer key does not define this component; it is then left out and the others rescaled. */
  defined: boolean;
  /** 0..1, or null when not defined. */
  score: number | null;
  /** Configured weight (after scenario and inject overrides). */
  weight: number;
  /** Weight after rescaling over the defined components; 0 when not defined. */
  effectiveWeight: number;
}

export interface MatchedIoc {
  type: IocType;
  value: string;
  original?: string;
  weight: number;
  critical: boolean;
  /** The earliest counted report that carried it. */
  reportId: string;
  /** The type the team used (may differ within the family, e.g. ip-src for an expected ip-dst). */
  reportedType: IocType;
  /** Set when the team's IOC stood for this one through a relation other than `same` (e.g. its ip-dst|port). */
  via?: { relation: IocRelation; type: IocType; value: string };
}

export interface IocsComponent extends ComponentBase {
  matched: MatchedIoc[];
  missed: ScoringExpectedIoc[];
  /** `via` as in MatchedIoc: the decoy was reported in another form (its ip-dst|port, a URL on it). */
  decoysReported: (ScoringIoc & { reportId: string; via?: MatchedIoc['via'] })[];
  /** Distinct reported IOCs that are neither expected nor decoys; they do not lower precision. */
  otherReported: number;
  recall: number | null;
  precision: number | null;
  f2: number | null;
  criticalMissed: boolean;
  /** True when F2 exceeded `cap` and a critical IOC was missed: the score is then `cap`. */
  capped: boolean;
  cap: number;
}

export interface ClassificationComponent extends ComponentBase {
  expected?: RsitClassification;
  given?: RsitClassification;
  givenInReport?: string;
  match: 'exact' | 'class' | 'wrong' | 'none' | 'not-expected';
}

export interface SeverityComponent extends ComponentBase {
  expected?: Severity;
  given?: Severity;
  givenInReport?: string;
  difference?: number;
}

export interface MatchedAction {
  code: string;
  weight: number;
  reportId: string;
  by: 'code' | 'keyword';
  keyword?: string;
  actionText: string;
}

export interface ActionsComponent extends ComponentBase {
  matched: MatchedAction[];
  missed: ScoringExpectedAction[];
  recall: number | null;
}

export interface RecipientsComponent extends ComponentBase {
  reached: { recipient: string; reportId: string }[];
  missed: string[];
  recall: number | null;
  maxTlp: TlpLabel;
  looserTlpReports: { reportId: string; tlp: TlpLabel }[];
  halved: boolean;
}

export const STRUCTURE_FIELDS = [
  'classification',
  'determination',
  'severity',
  'affectedAssets',
  'iocs',
  'timeline',
  'actions',
  'recommendations',
] as const;
export type StructureField = (typeof STRUCTURE_FIELDS)[number];

export interface StructureComponent extends ComponentBase {
  filled: StructureField[];
  missing: StructureField[];
}

export interface CompletenessResult {
  value: number;
  /** Every defined component weighs 0 (a scenario authoring slip): C is 0. */
  weightless: boolean;
  /** Reports that fed C: the team's non-bare reports submitted by the deadline, in time order. */
  reportsCounted: string[];
  /** Reports left out of C because they came after the deadline. */
  reportsAfterDeadline: readonly string[];
  components: {
    iocs: IocsComponent;
    classification: ClassificationComponent;
    severity: SeverityComponent;
    actions: ActionsComponent;
    recipients: RecipientsComponent;
    structure: StructureComponent;
  };
}

export interface ScoreFigures {
  timeliness: number;
  completeness: number;
  /** timelinessWeight·T + (1 − timelinessWeight)·C */
  score: number;
}

/** An information-handling fault in a team's reports on an inject (see handling.ts for what each costs and why). */
export interface HandlingFault {
  kind: 'looser-tlp' | 'widened-audience' | 'decoy-shared';
  reportId: string;
  detail: string;
  cost: number;
}

export interface HandlingResult {
  faults: HandlingFault[];
  /** Σ costs, at most 1. */
  penalty: number;
  /** 1 − penalty: the inject score is multiplied by it. */
  factor: number;
}

export interface InjectScore {
  teamId?: string;
  injectId: string;
  responseRequired: boolean;
  releasedAtScenarioMin: number;
  times: Times;
  timeliness: TimelinessResult;
  completeness: CompletenessResult;
  timelinessWeight: number;
  /** Information-handling faults; they scale the score (auto and final) by `handling.factor`. */
  handling: HandlingResult;
  auto: ScoreFigures;
  override?: ScoreOverride;
  final: ScoreFigures;
}

/** What team totals and objective ratings read of an inject score; the live board is pushed no more than this. */
export type InjectFigures = Pick<InjectScore, 'teamId' | 'injectId' | 'responseRequired' | 'auto' | 'final'>;

export interface TeamScore<S extends InjectFigures = InjectScore> {
  teamId: string;
  /** Scores of the injects that required a response from the team (those released to it). */
  injects: S[];
  totalWeight: number;
  /** Weighted mean of final inject scores × 100; null when no inject required a response. */
  percent: number | null;
  /** Same from the automatic figures, for comparison with evaluator overrides. */
  autoPercent: number | null;
}

export interface RatingResult {
  /** Mean of the final inject scores; null when nothing was scored. */
  mean: number | null;
  /** Mean of the automatic inject scores, before evaluator overrides of T/C. */
  autoMean: number | null;
  /** Pairs (team, inject) that entered the mean. */
  scored: number;
  /** Rating computed from `mean`; null when nothing was scored. */
  computedRating: Rating | null;
  override?: RatingOverride;
  /** The override if any, else the computed rating. */
  rating: Rating | null;
}

export interface ObjectiveRating extends RatingResult {
  objectiveId: string;
  capability?: string;
  injectIds: readonly string[];
  perTeam: (RatingResult & { teamId: string })[];
}

export interface ExerciseScoringInput {
  injects: readonly ScoringInject[];
  teams: readonly string[];
  /** One entry per (team, inject) actually released; injects never released to a team are not scored for it. */
  releases: readonly { teamId: string; injectId: string; releasedAtScenarioMin: number; ackAtScenarioMin?: number }[];
  /** All ISM reports of the exercise; control-authored ones (teamId null) are ignored. */
  reports: readonly (ScoringReport & { teamId: string | null; injectIds: readonly string[] })[];
  objectives?: readonly ScoringObjective[];
  scoreOverrides?: readonly (ScoreOverride & { teamId: string; injectId: string })[];
  ratingOverrides?: readonly RatingOverride[];
  config: ScoringConfig;
}

export interface ExerciseScores {
  teams: TeamScore[];
  objectives: ObjectiveRating[];
  /** Overrides that name a (team, inject) pair that was not scored; reported rather than silently dropped. */
  unusedScoreOverrides: (ScoreOverride & { teamId: string; injectId: string })[];
}
