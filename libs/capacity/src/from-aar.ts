import { median, type Aar } from '@drill/reporting';
import { RATINGS, type Rating } from '@drill/scoring';
import type { CapabilityFigure, CooperationFigure, TeamDrillResult } from './model.js';
import { round2 } from './round.js';

/** A team's figures in one drill before its current tier is looked up (the tier belongs to the team, not the drill). */
export type DrillFigures = Omit<TeamDrillResult, 'tier'>;

/** The report fields the capacity figures come from: the published copy or the draft assembled now. */
export type AarFigures = Pick<Aar, 'overview' | 'objectives' | 'scorecards' | 'cooperation'>;

type AarCooperationTeam = NonNullable<Aar['cooperation']>['teams'][number];

/** A team's cooperation figures from the report's section; none when it neither asked nor was asked anything. */
export function cooperationFigure(c: AarCooperationTeam | undefined): CooperationFigure | null {
  if (!c || (c.asked === 0 && c.sent === 0)) return null;
  return {
    score: c.score === null ? null : round2(100 * c.score),
    asked: c.asked,
    sent: c.sent,
    answered: c.answered,
    fulfilled: c.fulfilled,
    medianToFirstResponseMinutes: round2(c.medianToFirstResponseMinutes),
    medianToFulfilmentMinutes: round2(c.medianToFulfilmentMinutes),
  };
}

/** The lowest rating of several (U is the lowest); null when none is given. */
export function lowestRating(ratings: readonly (Rating | null)[]): Rating | null {
  let worst: Rating | null = null;
  for (const r of ratings) if (r !== null && (worst === null || RATINGS.indexOf(r) > RATINGS.indexOf(worst))) worst = r;
  return worst;
}

/**
 * Each team's figures in a completed drill, taken from its after-action report so that they are the report's own:
 * the overall percentage, the objective means and ratings grouped by capability, the median times to acknowledge
 * and to report, and the cooperation figures when the report has a cooperation section. Handling faults are not
 * in the report's model; the caller counts them from the same scores
 * (`handlingFaults`, by team id).
 */
export function figuresFromAar(
  aar: AarFigures,
  handlingFaults: ReadonlyMap<string, number> = new Map(),
): DrillFigures[] {
  const ex = aar.overview.exercise;
  if (ex.endedAt === null) throw new RangeError(`exercise ${ex.id} has not ended: it has no capacity figures yet`);
  const byCapability = new Map<string, string[]>();
  for (const o of aar.objectives) {
    const ids = byCapability.get(o.capability) ?? [];
    ids.push(o.id);
    byCapability.set(o.capability, ids);
  }
  return aar.scorecards.map((t) => {
    const ratingOf = new Map(t.objectiveRatings.map((r) => [r.objectiveId, r]));
    const capabilities: CapabilityFigure[] = [...byCapability].map(([capability, objectiveIds]) => {
      const means = objectiveIds.flatMap((id) => {
        const m = ratingOf.get(id)?.mean;
        return m === null || m === undefined ? [] : [m];
      });
      return {
        capability,
        objectiveIds,
        score: means.length ? round2((100 * means.reduce((s, m) => s + m, 0)) / means.length) : null,
        rating: lowestRating(objectiveIds.map((id) => ratingOf.get(id)?.rating ?? null)),
      };
    });
    const acks = t.injects.flatMap((r) => (r.timeToAcknowledge === null ? [] : [r.timeToAcknowledge]));
    return {
      exerciseId: ex.id,
      exerciseName: ex.name,
      endedAt: ex.endedAt!,
      teamId: t.teamId,
      teamCode: t.code,
      teamName: t.name,
      score: round2(t.percent),
      capabilities,
      medianTimeToAcknowledge: round2(median(acks)),
      medianTimeToReport: round2(t.timeToReport?.median),
      handlingFaults: handlingFaults.get(t.teamId) ?? 0,
      cooperation: cooperationFigure(aar.cooperation?.teams.find((c) => c.teamId === t.teamId)),
    };
  });
}

/** Each team's information-handling faults over its scored injects (they are not in the report's model). */
export function handlingFaultsOf(
  teams: readonly { teamId: string; injects: readonly { handling: { faults: readonly unknown[] } }[] }[],
): Map<string, number> {
  return new Map(teams.map((t) => [t.teamId, t.injects.reduce((n, i) => n + i.handling.faults.length, 0)]));
}
