import type { CooperationView, TeamTier } from '@drill/contracts';
import type { Rating } from '@drill/scoring';

// Capacity figures are plain JSON and already rounded (see round.ts): the API's JSON and its CSV print the very
// same numbers, and a figure read off the page can be found again in the export.

/** How one team did on one HSEEP core capability in one drill (its objectives of that capability, together). */
export interface CapabilityFigure {
  capability: string;
  /** The scenario's objectives of this capability (a scenario may test one capability through several). */
  objectiveIds: string[];
  /** Mean of the team's objective means for this capability, as a percentage (0–100); null when nothing was scored. */
  score: number | null;
  /** The HSEEP rating; with several objectives, the lowest of them (the capability is only as ready as its weakest part). */
  rating: Rating | null;
}

/**
 * A team's cooperation in one drill: the requests for assistance it was asked and sent, from the AAR's cooperation
 * section, without the per-request scores. Times are scenario minutes after the request. Unlike the scorecard's,
 * `score` is a percentage (0–100), like the other capacity scores; null when the team was asked nothing.
 */
export type CooperationFigure = Omit<CooperationView, 'requests' | 'explanation'>;

/** One team's figures in one completed drill, as the drill's after-action report gives them. */
export interface TeamDrillResult {
  exerciseId: string;
  exerciseName: string;
  /** When the drill ended (ISO instant): the order of a team's history. */
  endedAt: string;
  teamId: string;
  /** The same code across drills is the same CERT. */
  teamCode: string;
  teamName: string;
  /** The team's GCI tier as its record says now; null when drill control has not recorded one. */
  tier: TeamTier | null;
  /** The team's overall percentage in the drill (0–100). */
  score: number | null;
  capabilities: CapabilityFigure[];
  /** Medians over the team's scored injects, in scenario minutes after release. */
  medianTimeToAcknowledge: number | null;
  medianTimeToReport: number | null;
  /** Information-handling faults (looser TLP, widened audience, decoy shared) over all its reports. */
  handlingFaults: number;
  /**
   * Requests for assistance asked of and sent by the team; null when the drill's report has no cooperation section
   * or the team neither asked nor was asked anything.
   */
  cooperation: CooperationFigure | null;
}

/** A drill as the capacity views list it. */
export interface DrillRef {
  exerciseId: string;
  exerciseName: string;
  endedAt: string;
}

export interface CapacityFilter {
  /** Inclusive bounds on when a drill ended: a date (YYYY-MM-DD, the whole day) or an ISO instant. */
  from?: string;
  to?: string;
  tier?: TeamTier;
  /** Exact capability name; the others are left out. */
  capability?: string;
}

export interface SeriesPoint extends DrillRef {
  value: number | null;
  /** Capability points of a team carry the HSEEP rating; score and tier-median points have none. */
  rating?: Rating | null;
  /** value − the series' first value; null when either is missing. */
  change: number | null;
}

/** One figure over the drills in range, oldest first, with its change since the first drill that has a value. */
export interface Series {
  points: SeriesPoint[];
  first: number | null;
  last: number | null;
  /** last − first; null with fewer than two valued points (one drill shows no trend). */
  change: number | null;
}

export interface CapabilitySeries extends Series {
  capability: string;
}

export interface TeamCapacity {
  teamId: string;
  teamCode: string;
  teamName: string;
  tier: TeamTier | null;
  /** The overall percentage per drill. */
  score: Series;
  capabilities: CapabilitySeries[];
  /** The cooperation score (0–100) per drill; null when the team has no cooperation figure in any drill in range. */
  cooperation: Series | null;
}

/** A tier's median per drill, over its teams that took part in that drill. */
export interface TierCapacity {
  /** null: the teams without a recorded tier. */
  tier: TeamTier | null;
  teamCodes: string[];
  score: Series;
  capabilities: CapabilitySeries[];
}

/** The heat map: every team of the latest drill in range × every capability that drill tested. */
export interface LatestDrill extends DrillRef {
  capabilities: string[];
  rows: {
    teamCode: string;
    teamName: string;
    tier: TeamTier | null;
    score: number | null;
    cells: CapabilityFigure[];
    cooperation: CooperationFigure | null;
  }[];
}

export interface CapacityView {
  filter: CapacityFilter;
  /** The drills in range, oldest first. */
  drills: DrillRef[];
  /** Every capability in range, in order of first appearance. */
  capabilities: string[];
  teams: TeamCapacity[];
  tiers: TierCapacity[];
  latest: LatestDrill | null;
}

/** A change between a team's drill and its previous one, for the AAR's "since last drill" line. */
export interface SinceLastDrill {
  exerciseId: string;
  previous: DrillRef;
  /** Percentage points. */
  score: number | null;
  capabilities: { capability: string; change: number | null }[];
  /** Minutes; negative is faster. */
  medianTimeToAcknowledge: number | null;
  medianTimeToReport: number | null;
  handlingFaults: number;
  /** Cooperation score points; null unless both drills have one. */
  cooperation: number | null;
  /** The same as one sentence. */
  text: string;
}

/**
 * An improvement-plan item an earlier AAR assigned to a team. The plan has no "done" state yet, so every item
 * counts as open; `overdue` says its due date has passed.
 */
export interface OpenPlanItem {
  id: string;
  exerciseId: string;
  exerciseName: string;
  capability: string;
  issue: string;
  correctiveAction: string;
  capabilityElement: string;
  /** YYYY-MM-DD. */
  dueDate: string;
  overdue: boolean;
}

/** GET /api/capacity: the view, each team with its open improvement-plan items. */
export type CapacityResponse = Omit<CapacityView, 'teams'> & {
  teams: (TeamCapacity & { openPlanItems: OpenPlanItem[] })[];
};

/** GET /api/teams/:id/history. */
export interface TeamHistoryResponse {
  team: { id: string; code: string; name: string; country: string | null; tier: TeamTier | null };
  /** Every completed drill of the team, oldest first. */
  drills: TeamDrillResult[];
  openPlanItems: OpenPlanItem[];
}
