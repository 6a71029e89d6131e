import type { ReportKind, Severity, TlpLabel } from '@drill/contracts';
import type { ComcheckStatus } from '@drill/exercise';
import type {
  ComponentKey,
  ComponentWeights,
  ExerciseScores,
  InjectExplanation,
  Rating,
  RatingThresholds,
} from '@drill/scoring';
import type { AssistanceRequestView, CooperationView } from '@drill/contracts';
import type { PocReachability } from './comcheck.js';
import type { AarCooperation } from './cooperation.js';
import type { FeedbackEntry, FeedbackSummary } from './feedback.js';

// The AAR model is plain JSON (ISO strings, no Dates, no Maps): the server stores it as the frozen copy of a
// published report and renders HTML/CSV from that copy, so everything a renderer needs must be in here.

export const AAR_SCHEMA = 'acid-aar/1' as const;

export const AAR_STATUSES = ['draft', 'published'] as const;

/**
 * The report's own TLP marking until an evaluator picks another: an AAR names teams and how well they did, which is
 * for the participating organisations and their constituents, not the public.
 */
export const DEFAULT_AAR_MARKING = 'TLP:AMBER' satisfies TlpLabel;
export type AarStatus = (typeof AAR_STATUSES)[number];

export const NOTE_KINDS = ['strength', 'improvement'] as const;
export type NoteKind = (typeof NOTE_KINDS)[number];

/** HSEEP capability elements of an improvement-plan item. */
export const CAPABILITY_ELEMENTS = ['planning', 'organisation', 'equipment', 'training', 'exercise'] as const;
export type CapabilityElement = (typeof CAPABILITY_ELEMENTS)[number];

// ───────────────────────────── inputs ─────────────────────────────

/** An evaluator's strength or area for improvement on one objective. */
export interface AarNote {
  id: string;
  objectiveId: string;
  kind: NoteKind;
  text: string;
  /** Display name of the evaluator. */
  author: string;
  authorId?: string;
  at: string;
}

/** One row of the HSEEP improvement plan (Appendix A). Dates are ISO calendar dates (YYYY-MM-DD). */
export interface ImprovementItem {
  id: string;
  objectiveId?: string;
  capability: string;
  issue: string;
  correctiveAction: string;
  capabilityElement: CapabilityElement;
  /** The responsible participating team, or `organisation` for anyone else (e.g. "Drill control"). */
  responsibleTeamId?: string;
  organisation?: string;
  poc?: string;
  startDate?: string;
  dueDate: string;
  createdBy?: string;
  createdAt?: string;
}

export interface AarScenarioInject {
  id: string;
  offset: string;
  phase?: string;
  title: string;
  severity: Severity;
  tlp: TlpLabel;
  responseRequired: boolean;
  targetMinutes?: number;
  deadlineMinutes?: number;
}

export interface AarInputObjective {
  id: string;
  capability: string;
  description?: string;
  injects: readonly string[];
}

export interface AarInputTeam {
  id: string;
  code: string;
  name: string;
  country?: string | null;
}

/** One (exercise, inject, team) delivery row; only `released` ones count as releases. */
export interface AarInputDelivery {
  teamId: string;
  injectId: string;
  status: string;
  releasedAt?: string | null;
  releasedScenarioMs?: number | null;
  acknowledgedAt?: string | null;
  acknowledgedScenarioMs?: number | null;
}

export interface AarInputReport {
  id: string;
  /** null: written by drill control. */
  teamId: string | null;
  kind: ReportKind;
  title: string;
  injectIds: readonly string[];
  tlp: TlpLabel;
  /** Recipient team ids, or 'all'. */
  recipients: { teams: readonly string[] | 'all' };
  submittedAt: string;
  submittedScenarioMs: number;
}

/** Audited events for the raw timeline (lifecycle, overrides, …); releases and reports come from the rows above. */
export interface AarInputEvent {
  at: string;
  action: string;
  actor?: string | null;
  actorRole?: string | null;
  targetType?: string | null;
  targetId?: string | null;
}

export interface AarInput {
  exercise: {
    id: string;
    name: string;
    status: string;
    speed: number;
    createdAt?: string | null;
    startedAt?: string | null;
    endedAt?: string | null;
    /** Scenario time reached when the exercise ended (or now, if it has not). */
    scenarioMsAtEnd?: number | null;
  };
  scenario: {
    id: string;
    version: number;
    title: string;
    summary: string;
    plannedDurationMinutes: number;
    objectives: readonly AarInputObjective[];
    phases?: readonly { id: string; title: string }[];
    injects: readonly AarScenarioInject[];
  };
  teams: readonly AarInputTeam[];
  deliveries: readonly AarInputDelivery[];
  reports: readonly AarInputReport[];
  events?: readonly AarInputEvent[];
  scores: ExerciseScores;
  method: { timelinessWeight: number; ratingThresholds: RatingThresholds; weights: ComponentWeights };
  notes: readonly AarNote[];
  plan: readonly ImprovementItem[];
  state: AarState;
  /** The report's own TLP marking; DEFAULT_AAR_MARKING when absent. */
  marking?: TlpLabel;
  /** Display names of users by id (evaluators who overrode scores or ratings). */
  userNames?: Readonly<Record<string, string>>;
  generatedAt: string;
  /** Participant feedback forms (HSEEP), when the exercise has ended; writers named only where they chose to be. */
  feedback?: readonly FeedbackEntry[];
  /** The communications check of record: the latest sent before the drill ended (none: never sent). */
  comcheck?: ComcheckStatus;
  /** Every request for assistance of the exercise, as drill control sees them; absent: no cooperation section. */
  assistance?: readonly AssistanceRequestView[];
  /** Each team's cooperation score and figures (the scorecards' `cooperation`), by team id. */
  cooperation?: ReadonlyMap<string, CooperationView>;
}

export interface AarState {
  status: AarStatus;
  publishedAt?: string;
  /** Display name of the evaluator who published. */
  publishedBy?: string;
}

// ───────────────────────────── the report ─────────────────────────────

/** Five-number summary plus mean; quartiles by linear interpolation between order statistics. */
export interface Stats {
  n: number;
  min: number;
  q1: number;
  median: number;
  q3: number;
  iqr: number;
  max: number;
  mean: number;
}

export interface AarTeam {
  id: string;
  code: string;
  name: string;
  country?: string;
}

export interface AarOverview {
  exercise: {
    id: string;
    name: string;
    status: string;
    speed: number;
    startedAt: string | null;
    endedAt: string | null;
    /** Scenario minutes covered by the run. */
    scenarioMinutes: number | null;
    /** Wall-clock minutes from start to end (pauses included). */
    wallMinutes: number | null;
  };
  scenario: {
    id: string;
    version: number;
    title: string;
    summary: string;
    plannedDurationMinutes: number;
    phases: { id: string; title: string }[];
    injectCount: number;
  };
  teams: AarTeam[];
  objectives: { id: string; capability: string; description?: string; injectIds: string[] }[];
}

export interface KeyFigures {
  teams: number;
  injects: number;
  injectsReleased: number;
  /** (team, inject) pairs that required a response. */
  pairsScored: number;
  pairsResponded: number;
  /** pairsResponded / pairsScored, null when nothing was scored. */
  responseRate: number | null;
  /** Pairs whose first report met the target (or needed none). */
  pairsOnTarget: number;
  pairsAfterDeadline: number;
  pairsAcknowledged: number;
  timeToReport: Stats | null;
  timeToAcknowledge: Stats | null;
  /** Mean of the teams' percentages (teams with something scored). */
  meanTeamPercent: number | null;
  teamPercent: Stats | null;
  reports: number;
  reportsByKind: Partial<Record<ReportKind, number>>;
  /** Team-authored reports addressed to at least one other team. */
  reportsSharedWithTeams: number;
  /** Distinct (author team → recipient team) pairs with at least one report. */
  sharingPairs: number;
  ratings: Record<Rating, number>;
  scoreOverrides: number;
  ratingOverrides: number;
  strengths: number;
  improvements: number;
  planItems: number;
}

export interface AarOverride {
  timeliness?: number;
  completeness?: number;
  justification: string;
  by: string;
  at: string;
}

/** The figures of one (team, inject) pair: the CSV row and the scorecard row. Scores 0..1, times in minutes. */
export interface ScorecardRow {
  teamId: string;
  teamCode: string;
  injectId: string;
  injectTitle: string;
  releasedAt: string | null;
  releasedScenarioMs: number;
  timeToAcknowledge: number | null;
  timeToReport: number | null;
  timeliness: number;
  timelinessRule: string;
  components: Record<ComponentKey, number | null>;
  completeness: number;
  auto: number;
  override: AarOverride | null;
  final: number;
  missedIocs: string[];
  missedActions: string[];
  explanation: InjectExplanation;
}

export interface TeamScorecard {
  teamId: string;
  code: string;
  name: string;
  /** Weighted mean of final scores × 100 (as @drill/scoring computes it). */
  percent: number | null;
  autoPercent: number | null;
  scored: number;
  responded: number;
  timeToReport: Stats | null;
  /** Mean of each component over the team's scored injects where the answer key defines it. */
  components: Record<ComponentKey, number | null>;
  meanTimeliness: number | null;
  meanCompleteness: number | null;
  objectiveRatings: { objectiveId: string; rating: Rating | null; mean: number | null }[];
  injects: ScorecardRow[];
  /**
   * How the team did against its previous completed drill (score, capabilities, median times, handling faults), in
   * one sentence; absent when the drill has not ended or is the team's first.
   */
  sinceLastDrill?: string;
}

export interface RatingView {
  mean: number | null;
  autoMean: number | null;
  scored: number;
  computedRating: Rating | null;
  rating: Rating | null;
  override: (AarOverride & { rating: Rating }) | null;
  explanation: string;
}

export interface ObjectiveAnalysis extends RatingView {
  id: string;
  capability: string;
  description?: string;
  injectIds: string[];
  perTeam: (RatingView & { teamId: string; teamCode: string })[];
  strengths: AarNote[];
  improvements: AarNote[];
}

export interface CommonMiss {
  kind: 'ioc' | 'action';
  /** `type value` for an IOC, the action code for an action. */
  item: string;
  description?: string;
  critical?: boolean;
  missedBy: number;
  of: number;
  teams: string[];
}

export interface InjectResponse {
  teamId: string;
  teamCode: string;
  releasedScenarioMs: number;
  timeToAcknowledge: number | null;
  timeToReport: number | null;
  timeliness: number | null;
  final: number | null;
}

export interface InjectAnalysis {
  id: string;
  title: string;
  phase?: string;
  offset: string;
  severity: Severity;
  tlp: TlpLabel;
  responseRequired: boolean;
  targetMinutes?: number;
  deadlineMinutes?: number;
  /** Earliest release to any team; null when it was never released. */
  firstReleasedScenarioMs: number | null;
  firstReleasedAt: string | null;
  releasedTo: number;
  acknowledged: number;
  scored: number;
  responded: number;
  notResponded: string[];
  onTarget: number;
  afterDeadline: number;
  timeToReport: Stats | null;
  timeToAcknowledge: Stats | null;
  meanFinal: number | null;
  responses: InjectResponse[];
  commonMisses: CommonMiss[];
}

export interface SharingCell {
  from: string;
  to: string;
  total: number;
  byTlp: Record<TlpLabel, number>;
}

export interface SharingMatrix {
  /** Team codes, in the order of the axes. */
  teams: string[];
  /** Every author → recipient pair with at least one report (no self-pairs). */
  cells: SharingCell[];
  totalsByTlp: Record<TlpLabel, number>;
  /** Team-authored reports by recipients: to other teams, or to drill control only. */
  reportsToTeams: number;
  reportsControlOnly: number;
}

export interface TimelineRow {
  at: string | null;
  scenarioMs: number | null;
  kind: 'release' | 'acknowledgement' | 'report' | 'event';
  teamCode: string | null;
  injectId: string | null;
  detail: string;
}

export interface Aar {
  schema: typeof AAR_SCHEMA;
  generatedAt: string;
  state: AarState;
  /** The report's own TLP marking, printed in its header and footer and carried by every format. */
  marking: TlpLabel;
  overview: AarOverview;
  method: { timelinessWeight: number; ratingThresholds: RatingThresholds; weights: ComponentWeights };
  keyFigures: KeyFigures;
  objectives: ObjectiveAnalysis[];
  scorecards: TeamScorecard[];
  injects: InjectAnalysis[];
  sharing: SharingMatrix;
  plan: (ImprovementItem & {
    responsibleTeamCode?: string;
    responsibleTeamName?: string;
    objectiveCapability?: string;
  })[];
  timeline: TimelineRow[];
  /** Participant feedback summarised, anonymised unless a writer chose to be named. */
  feedback?: FeedbackSummary;
  /** Point-of-contact reachability per team, from the communications check of record. */
  reachability?: PocReachability;
  /** Requests for assistance between teams and with drill control, and how they were answered. */
  cooperation?: AarCooperation;
}
