import { ValidationFailed } from '@drill/contracts';
import { rateObjectives, scoreTeam } from './aggregate.js';
import { validateScoreOverride } from './config.js';
import { scoreTeamInject } from './inject-score.js';
import type {
  ExerciseScores,
  ExerciseScoringInput,
  InjectScore,
  ScoreOverride,
  ScoringInject,
  ScoringReport,
} from './model.js';

const pair = (teamId: string, injectId: string): string => `${teamId}\u0000${injectId}`;

/**
 * Scores a whole exercise: every (team, inject) release of an inject that requires a response, team totals and
 * objective ratings. Reports and overrides are indexed by (team, inject) once, so the cost is linear in
 * releases + reports + IOCs — a full recompute after each report or override is cheap (see test/bench).
 * Injects that need no response are not scored; reports by drill control (teamId null) are ignored, as are
 * reports on injects that were never released to their team.
 */
export function scoreExercise(input: ExerciseScoringInput): ExerciseScores {
  const injects = new Map<string, ScoringInject>();
  for (const i of input.injects) injects.set(i.id, i);

  const reportsByPair = new Map<string, ScoringReport[]>();
  for (const r of input.reports) {
    if (r.teamId === null) continue;
    const seen = r.injectIds.length > 1 ? new Set<string>() : undefined;
    for (const injectId of r.injectIds) {
      if (seen) {
        if (seen.has(injectId)) continue;
        seen.add(injectId);
      }
      const k = pair(r.teamId, injectId);
      const list = reportsByPair.get(k);
      if (list) list.push(r);
      else reportsByPair.set(k, [r]);
    }
  }

  const overrides = new Map<string, ScoreOverride & { teamId: string; injectId: string }>();
  (input.scoreOverrides ?? []).forEach((o, i) => {
    validateScoreOverride(o, `/scoreOverrides/${i}`);
    overrides.set(pair(o.teamId, o.injectId), o); // the latest override of a pair wins
  });

  // One release per pair; should a caller pass duplicates, the earliest release is the one the team saw first.
  const releases = new Map<string, ExerciseScoringInput['releases'][number]>();
  input.releases.forEach((rel, i) => {
    if (!injects.has(rel.injectId)) {
      throw new ValidationFailed('release of an inject the scenario does not have', [
        { path: `/releases/${i}/injectId`, message: `unknown inject ${rel.injectId}` },
      ]);
    }
    const k = pair(rel.teamId, rel.injectId);
    const prev = releases.get(k);
    if (!prev || rel.releasedAtScenarioMin < prev.releasedAtScenarioMin) releases.set(k, rel);
  });

  const teamIds = [...input.teams];
  const byTeam = new Map<string, InjectScore[]>();
  for (const t of teamIds) byTeam.set(t, []);
  const used = new Set<string>();
  for (const [k, rel] of releases) {
    const inject = injects.get(rel.injectId)!;
    if (!inject.responseRequired) continue;
    let list = byTeam.get(rel.teamId);
    if (!list) {
      list = [];
      byTeam.set(rel.teamId, list);
      teamIds.push(rel.teamId);
    }
    const override = overrides.get(k);
    if (override) used.add(k);
    list.push(
      scoreTeamInject({
        teamId: rel.teamId,
        inject,
        releasedAtScenarioMin: rel.releasedAtScenarioMin,
        ackAtScenarioMin: rel.ackAtScenarioMin,
        reports: reportsByPair.get(k) ?? [],
        override: override && stripPair(override),
        config: input.config,
      }),
    );
  }

  return {
    teams: teamIds.map((t) => scoreTeam(t, byTeam.get(t)!, input.config)),
    objectives: rateObjectives(input.objectives ?? [], byTeam, input.config, input.ratingOverrides ?? []),
    unusedScoreOverrides: [...overrides].filter(([k]) => !used.has(k)).map(([, o]) => o),
  };
}

function stripPair(o: ScoreOverride & { teamId: string; injectId: string }): ScoreOverride {
  const { teamId: _t, injectId: _i, ...rest } = o;
  return rest;
}
