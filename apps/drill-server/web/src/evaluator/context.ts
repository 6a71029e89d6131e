// What every part of the evaluator review shares: who reviews, which exercise, the scorecards as last read, and
// what the reviewer has open or half-typed.
import type { CooperationView, ExerciseStatus, TlpLabel } from '@drill/contracts';
import type { AarNote, AarState, ImprovementItem } from '@drill/reporting';
import type {
  InjectExplanation,
  InjectScore,
  ObjectiveRating,
  RatingResult,
  ScoringConfig,
  TeamScore,
} from '@drill/scoring';
import { exerciseIdFromUrl, requireUser, setupHeader } from '../common/page.js';
import type { ExerciseView } from '../common/views.js';

export const exerciseId = exerciseIdFromUrl();
export const me = await requireUser(['evaluator', 'controller']);
setupHeader(me);
/** Controllers read the review; evaluators score. */
export const canEdit = me.role === 'evaluator';

/** One inject of a team's scorecard (GET …/scorecards), with the explanation the server wrote for it. */
export interface ScorecardInject extends Pick<InjectScore, 'injectId' | 'auto' | 'final' | 'override'> {
  title?: string;
  overrideBy?: string;
  explanation?: Partial<InjectExplanation>;
}

export interface ScorecardTeam extends Pick<TeamScore, 'teamId' | 'percent' | 'autoPercent'> {
  code: string;
  name?: string;
  injects: ScorecardInject[];
  /** How the team answered the requests for assistance it was asked. */
  cooperation?: CooperationView;
}

export interface Scorecards {
  method?: Partial<Pick<ScoringConfig, 'timelinessWeight' | 'timelinessFloor' | 'ratingThresholds'>>;
  teams: ScorecardTeam[];
  objectives?: (ObjectiveRating & { explanation: string; perTeam: (RatingResult & { teamId: string })[] })[];
  /** A published AAR freezes scores: the server refuses overrides (409) until an evaluator reopens it. */
  scoresFrozen: boolean;
}

/** GET …/aar: the report's state and TLP marking, the evaluators' notes and the improvement plan. */
export interface AarWorkspace {
  state: AarState;
  marking: TlpLabel;
  notes: AarNote[];
  plan: ImprovementItem[];
}

export const state: {
  exercise: ExerciseView | null;
  status: ExerciseStatus | undefined;
  cards: Scorecards | null;
  /** The team whose scorecard is shown. */
  team: string;
  /** `${teamId}|${injectId}` of the scorecard entries open, and the objectives open, kept across refreshes. */
  open: Set<string>;
  openObjectives: Set<string>;
  /** Set by any edit in the scorecard or objective forms; cleared when they are rebuilt. */
  dirty: boolean;
  aar: { available: boolean; workspace: AarWorkspace | null };
} = {
  exercise: null,
  status: undefined,
  cards: null,
  team: '',
  open: new Set(),
  openObjectives: new Set(),
  dirty: false,
  aar: { available: false, workspace: null },
};

export const canOverride = () => canEdit && !state.cards?.scoresFrozen;

/** A 0–1 figure with two decimals. */
export const fmt = (x: number | null | undefined) => (x == null ? '—' : Number(x).toFixed(2));
export const pct = (x: number | null | undefined) => (x == null ? '—' : `${Math.round(x)}%`);
