/**
 * The HSEEP participant feedback form after ENDEX: what a participant may rate (the scenario's objectives and their
 * capabilities, 1–5), the check of a submission against the scenario, and the summary the evaluators and the AAR
 * read. Comments are anonymised unless their writer chose to be named: in a drill of a few analysts per team, a
 * name on "the injects were unclear" is what keeps people from writing it.
 */

export const FEEDBACK_RATING_MIN = 1;
export const FEEDBACK_RATING_MAX = 5;
/** Each free-text answer; a form, not an essay, and the AAR prints every one. */
export const FEEDBACK_TEXT_MAX = 2000;

export const FEEDBACK_RATING_TEXT: Readonly<Record<number, string>> = {
  1: 'Strongly disagree',
  2: 'Disagree',
  3: 'Neutral',
  4: 'Agree',
  5: 'Strongly agree',
};

/** What the form asks to rate: the scenario's objectives and their capabilities. */
export interface FeedbackObjective {
  id: string;
  capability: string;
  description?: string;
}

export interface ObjectiveRating {
  objectiveId: string;
  rating: number;
}

export interface CapabilityRating {
  capability: string;
  rating: number;
}

/** One participant's form as submitted (the DTO has already checked shapes and the 1–5 range). */
export interface FeedbackForm {
  objectiveRatings: readonly ObjectiveRating[];
  capabilityRatings: readonly CapabilityRating[];
  strengths?: string;
  improvements?: string;
  /** Default true: the summary shows the comment without its writer. */
  anonymous?: boolean;
}

/** A stored form with who wrote it, as the summary reads it. */
export interface FeedbackEntry extends FeedbackForm {
  author: string;
  teamCode: string | null;
  submittedAt: string;
}

export interface RatingSummary {
  count: number;
  /** Null when nobody rated it. */
  mean: number | null;
  /** How many gave 1, 2, 3, 4, 5 (index 0 is rating 1). */
  distribution: [number, number, number, number, number];
}

export interface ObjectiveFeedback extends RatingSummary {
  objectiveId: string;
  capability: string;
}

export interface CapabilityFeedback extends RatingSummary {
  capability: string;
}

export interface FeedbackComment {
  strengths?: string;
  improvements?: string;
  /** Only when the writer opted out of anonymity. */
  author?: string;
  teamCode?: string;
  submittedAt: string;
}

export interface FeedbackSummary {
  respondents: number;
  objectives: ObjectiveFeedback[];
  capabilities: CapabilityFeedback[];
  comments: FeedbackComment[];
}

/** A problem with one field of the form, as a JSON path (the shape of @drill/contracts FieldProblem). */
export interface FeedbackProblem {
  path: string;
  message: string;
}

/** The scenario's capabilities, each once, in the order the objectives name them. */
export function feedbackCapabilities(objectives: readonly FeedbackObjective[]): string[] {
  return [...new Set(objectives.map((o) => o.capability))];
}

/**
 * What is wrong with a form against the scenario: an objective or capability it does not have, or one rated twice.
 * Empty when the form may be stored.
 */
export function feedbackProblems(objectives: readonly FeedbackObjective[], form: FeedbackForm): FeedbackProblem[] {
  const problems: FeedbackProblem[] = [];
  const objectiveIds = objectives.map((o) => o.id);
  const capabilities = feedbackCapabilities(objectives);
  const seenObjectives = new Set<string>();
  form.objectiveRatings.forEach((r, i) => {
    const path = `/objectiveRatings/${i}/objectiveId`;
    if (!objectiveIds.includes(r.objectiveId))
      problems.push({ path, message: `the scenario has no objective ${r.objectiveId}; it has ${list(objectiveIds)}` });
    else if (seenObjectives.has(r.objectiveId)) problems.push({ path, message: `${r.objectiveId} is rated twice` });
    seenObjectives.add(r.objectiveId);
  });
  const seenCapabilities = new Set<string>();
  form.capabilityRatings.forEach((r, i) => {
    const path = `/capabilityRatings/${i}/capability`;
    if (!capabilities.includes(r.capability))
      problems.push({
        path,
        message: `no objective of the scenario has capability ${r.capability}; ${list(capabilities)}`,
      });
    else if (seenCapabilities.has(r.capability)) problems.push({ path, message: `${r.capability} is rated twice` });
    seenCapabilities.add(r.capability);
  });
  return problems;
}

const list = (xs: readonly string[]) => (xs.length ? `one of ${xs.join(', ')}` : 'none');

function summarise(ratings: readonly number[]): RatingSummary {
  const distribution: RatingSummary['distribution'] = [0, 0, 0, 0, 0];
  for (const r of ratings) distribution[r - FEEDBACK_RATING_MIN] = (distribution[r - FEEDBACK_RATING_MIN] ?? 0) + 1;
  const mean = ratings.length ? Math.round((ratings.reduce((a, b) => a + b, 0) / ratings.length) * 100) / 100 : null;
  return { count: ratings.length, mean, distribution };
}

/**
 * Per objective and per capability: how many rated it, the mean (two decimals) and the distribution; and the
 * comments, oldest first, named only when their writer chose so. Every objective and capability of the scenario
 * has a row, rated or not, so a reader sees what nobody answered.
 */
export function summariseFeedback(
  objectives: readonly FeedbackObjective[],
  entries: readonly FeedbackEntry[],
): FeedbackSummary {
  const sorted = [...entries].sort((a, b) => a.submittedAt.localeCompare(b.submittedAt));
  const ratingsOf = <R>(pick: (e: FeedbackEntry) => readonly R[], match: (r: R) => boolean, value: (r: R) => number) =>
    sorted.flatMap((e) => pick(e).filter(match).map(value));
  return {
    respondents: sorted.length,
    objectives: objectives.map((o) => ({
      objectiveId: o.id,
      capability: o.capability,
      ...summarise(
        ratingsOf(
          (e) => e.objectiveRatings,
          (r) => r.objectiveId === o.id,
          (r) => r.rating,
        ),
      ),
    })),
    capabilities: feedbackCapabilities(objectives).map((capability) => ({
      capability,
      ...summarise(
        ratingsOf(
          (e) => e.capabilityRatings,
          (r) => r.capability === capability,
          (r) => r.rating,
        ),
      ),
    })),
    comments: sorted
      .filter((e) => e.strengths?.trim() || e.improvements?.trim())
      .map((e) => ({
        ...(e.strengths?.trim() ? { strengths: e.strengths.trim() } : {}),
        ...(e.improvements?.trim() ? { improvements: e.improvements.trim() } : {}),
        ...(e.anonymous === false ? { author: e.author, ...(e.teamCode ? { teamCode: e.teamCode } : {}) } : {}),
        // The day only: an exact time could tell who wrote an anonymous comment from the audit log.
        submittedAt: e.anonymous === false ? e.submittedAt : e.submittedAt.slice(0, 10),
      })),
  };
}

/** A participant's own form as the API returns it. */
export interface FeedbackSubmission extends FeedbackForm {
  anonymous: boolean;
  submittedAt: string;
}

/**
 * `GET /api/exercises/:id/feedback`. `open` once the exercise has ended (completed or aborted); what to rate only
 * then, so the form does not hint at the objectives during play. Drill control gets the summary, a participant
 * only their own form (`mine`, null until they submit).
 */
export interface FeedbackView {
  exerciseId: string;
  status: string;
  open: boolean;
  objectives: FeedbackObjective[];
  capabilities: string[];
  summary?: FeedbackSummary;
  mine?: FeedbackSubmission | null;
}
