import { ValidationFailed } from '@drill/contracts';
import { rateObjectives, scoreTeam } from './aggregate.js';
import { validateScoreOverride } from './config.js';
import { scoreTeamInject } from './inject-score.js';
import type {
  ExerciseScores,
  ExerciseScoringInput,
  InjectScore,
  RatingOverride,
  ScoreOverride,
  ScoringInject,
} from './model.js';

const pair = (teamId: string, injectId: string): string => `${teamId}\u0000${injectId}`;

type Release = ExerciseScoringInput['releases'][number];
/** `submittedAt` (ISO) orders reports of equal scenario time as they were submitted; absent, arrival order does. */
type Report = ExerciseScoringInput['reports'][number] & { submittedAt?: string };
type PairOverride = ScoreOverride & { teamId: string; injectId: string };

/** Reports of one pair in submission order: by submittedAt, then id; ones without submittedAt after, as they came. */
function insertInOrder(list: Report[], r: Report): void {
  let i = list.length;
  if (r.submittedAt !== undefined)
    while (i > 0) {
      const prev = list[i - 1]!;
      if (prev.submittedAt === undefined || prev.submittedAt < r.submittedAt) break;
      if (prev.submittedAt === r.submittedAt && prev.id < r.id) break;
      i--;
    }
  list.splice(i, 0, r);
}

/**
 * The scores of one exercise, kept current as releases, acknowledgements, reports and overrides arrive: a change
 * re-scores only the (team, inject) pairs it touches, then the team totals and objective ratings are re-aggregated
 * from the kept inject scores. The result equals a full `scoreExercise` over everything added so far (a property
 * test checks it), so the live board can follow a drill of thousands of reports without re-reading it.
 *
 * Releases, reports and score overrides are indexed by (team, inject). A report counts once however often it is
 * added; of two releases of one pair the earlier counts (an acknowledgement arriving later updates it).
 */
export class IncrementalScores {
  private readonly injects = new Map<string, ScoringInject>();
  private readonly injectOrder = new Map<string, number>();
  private readonly releases = new Map<string, Release>();
  private readonly reportsByPair = new Map<string, Report[]>();
  private readonly reportIds = new Set<string>();
  private overrides = new Map<string, PairOverride>();
  private ratingOverrides: readonly RatingOverride[] = [];
  private readonly scored = new Map<string, InjectScore>();
  private readonly dirty = new Set<string>();

  constructor(private readonly base: Pick<ExerciseScoringInput, 'injects' | 'teams' | 'objectives' | 'config'>) {
    base.injects.forEach((i, n) => {
      this.injects.set(i.id, i);
      this.injectOrder.set(i.id, n);
    });
  }

  setReleases(releases: readonly Release[]): this {
    releases.forEach((rel, i) => {
      if (!this.injects.has(rel.injectId)) {
        throw new ValidationFailed('release of an inject the scenario does not have', [
          { path: `/releases/${i}/injectId`, message: `unknown inject ${rel.injectId}` },
        ]);
      }
    });
    for (const rel of releases) {
      const k = pair(rel.teamId, rel.injectId);
      const prev = this.releases.get(k);
      // One release per pair: the earliest is the one the team saw first; the same release again may carry its ack.
      const newer =
        !prev ||
        rel.releasedAtScenarioMin < prev.releasedAtScenarioMin ||
        (rel.releasedAtScenarioMin === prev.releasedAtScenarioMin && rel.ackAtScenarioMin !== prev.ackAtScenarioMin);
      if (!newer) continue;
      this.releases.set(k, rel);
      this.dirty.add(k);
    }
    return this;
  }

  /** Reports by drill control (teamId null) are ignored, as are reports on injects never released to their team. */
  addReports(reports: readonly Report[]): this {
    for (const r of reports) {
      if (r.teamId === null || this.reportIds.has(r.id)) continue;
      this.reportIds.add(r.id);
      for (const injectId of new Set(r.injectIds)) {
        const k = pair(r.teamId, injectId);
        const list = this.reportsByPair.get(k);
        if (list) insertInOrder(list, r);
        else this.reportsByPair.set(k, [r]);
        this.dirty.add(k);
      }
    }
    return this;
  }

  /** The whole current list of score overrides; the latest of a pair wins. */
  setScoreOverrides(list: readonly PairOverride[]): this {
    list.forEach((o, i) => validateScoreOverride(o, `/scoreOverrides/${i}`));
    const next = new Map<string, PairOverride>();
    for (const o of list) next.set(pair(o.teamId, o.injectId), o);
    for (const k of new Set([...this.overrides.keys(), ...next.keys()]))
      if (JSON.stringify(this.overrides.get(k)) !== JSON.stringify(next.get(k))) this.dirty.add(k);
    this.overrides = next;
    return this;
  }

  setRatingOverrides(list: readonly RatingOverride[]): this {
    this.ratingOverrides = list;
    return this;
  }

  scores(): ExerciseScores {
    for (const k of this.dirty) {
      const rel = this.releases.get(k);
      const inject = rel && this.injects.get(rel.injectId)!;
      if (!rel || !inject?.responseRequired) continue;
      const override = this.overrides.get(k);
      this.scored.set(
        k,
        scoreTeamInject({
          teamId: rel.teamId,
          inject,
          releasedAtScenarioMin: rel.releasedAtScenarioMin,
          ackAtScenarioMin: rel.ackAtScenarioMin,
          reports: this.reportsByPair.get(k) ?? [],
          override: override && stripPair(override),
          config: this.base.config,
        }),
      );
    }
    this.dirty.clear();

    const byTeam = new Map<string, InjectScore[]>();
    for (const t of this.base.teams) byTeam.set(t, []);
    const extra: string[] = [];
    for (const [k, s] of this.scored) {
      const teamId = this.releases.get(k)!.teamId;
      let list = byTeam.get(teamId);
      if (!list) {
        list = [];
        byTeam.set(teamId, list);
        extra.push(teamId);
      }
      list.push(s);
    }
    // Scenario order within a team, whatever order the releases arrived in: the scorecard reads like the MSEL.
    for (const list of byTeam.values())
      list.sort((a, b) => this.injectOrder.get(a.injectId)! - this.injectOrder.get(b.injectId)!);
    const teamIds = [...this.base.teams, ...extra.sort()];
    return {
      teams: teamIds.map((t) => scoreTeam(t, byTeam.get(t)!, this.base.config)),
      objectives: rateObjectives(this.base.objectives ?? [], byTeam, this.base.config, this.ratingOverrides),
      unusedScoreOverrides: [...this.overrides].filter(([k]) => !this.scored.has(k)).map(([, o]) => o),
    };
  }
}

/**
 * Scores a whole exercise: every (team, inject) release of an inject that requires a response, team totals and
 * objective ratings. The cost is linear in releases + reports + IOCs. Reports are taken in the order given
 * (submission order) unless they carry `submittedAt`.
 */
export function scoreExercise(input: ExerciseScoringInput): ExerciseScores {
  return new IncrementalScores(input)
    .setScoreOverrides(input.scoreOverrides ?? [])
    .setRatingOverrides(input.ratingOverrides ?? [])
    .setReleases(input.releases)
    .addReports(input.reports)
    .scores();
}

function stripPair(o: PairOverride): ScoreOverride {
  const { teamId: _t, injectId: _i, ...rest } = o;
  return rest;
}
