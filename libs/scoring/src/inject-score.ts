import { completeness, scoreIocs } from './completeness.js';
import { scoreHandling } from './handling.js';
import { injectComponentWeights, validateScoreOverride } from './config.js';
import type { InjectScore, ScoreFigures, ScoringReport, TeamInjectInput, Times } from './model.js';
import { timeliness } from './timeliness.js';

/**
 * A bare acknowledgement is a report of kind `acknowledgement` that carries nothing else. An acknowledgement that
 * does carry content (a classification, IOCs, …) is treated as both: it acknowledges and it reports. Bare
 * acknowledgements are left out of completeness, so that a "received" note sent to 'all' under a loose TLP can
 * neither reach recipients nor halve the recipients score.
 */
export function isBareAcknowledgement(r: ScoringReport): boolean {
  return (
    r.kind === 'acknowledgement' &&
    !r.classification &&
    !r.determination &&
    !r.severity &&
    !(r.affectedAssets?.length ?? 0) &&
    !(r.iocs?.length ?? 0) &&
    !(r.timeline?.length ?? 0) &&
    !(r.actions?.length ?? 0) &&
    !(r.recommendations?.length ?? 0)
  );
}

function byTime(reports: readonly ScoringReport[]): readonly ScoringReport[] {
  for (let i = 1; i < reports.length; i++) {
    if (reports[i]!.atScenarioMin < reports[i - 1]!.atScenarioMin) {
      // Array.prototype.sort is stable, so equal times keep submission order.
      return [...reports].sort((a, b) => a.atScenarioMin - b.atScenarioMin);
    }
  }
  return reports;
}

function figures(t: number, c: number, tw: number, handlingFactor: number): ScoreFigures {
  return { timeliness: t, completeness: c, score: (tw * t + (1 - tw) * c) * handlingFactor };
}

/**
 * Scores one team on one inject. Times are scenario minutes since the inject was released to the team.
 * Time to acknowledge: the earlier of `inject.ack` and the first report of kind `acknowledgement`.
 * Time to report: the first report that is not a bare acknowledgement (it may come after the deadline; T is then 0).
 * Completeness uses the non-bare reports submitted by the deadline (all of them when the inject has no deadline).
 */
export function scoreTeamInject(input: TeamInjectInput): InjectScore {
  const { inject, config } = input;
  const released = input.releasedAtScenarioMin;
  const reports = byTime(input.reports);

  const times: Times = {};
  const ackReport = reports.find((r) => r.kind === 'acknowledgement');
  const ackAt = input.ackAtScenarioMin;
  if (ackAt !== undefined && (ackReport === undefined || ackAt <= ackReport.atScenarioMin)) {
    times.toAcknowledge = ackAt - released;
    times.acknowledgedBy = { via: 'inject.ack' };
  } else if (ackReport !== undefined) {
    times.toAcknowledge = ackReport.atScenarioMin - released;
    times.acknowledgedBy = { via: 'report', reportId: ackReport.id };
  }

  const counted: ScoringReport[] = [];
  const late: string[] = [];
  const substantive: ScoringReport[] = [];
  const deadline = inject.deadlineMinutes;
  for (const r of reports) {
    if (isBareAcknowledgement(r)) continue;
    substantive.push(r);
    if (times.toReport === undefined) {
      times.toReport = r.atScenarioMin - released;
      times.firstReportId = r.id;
    }
    if (deadline === undefined || r.atScenarioMin - released <= deadline) counted.push(r);
    else late.push(r.id);
  }

  const t = timeliness(times.toReport, inject.targetMinutes, deadline, config.timelinessFloor);
  const c = completeness({
    answerKey: inject.answerKey,
    injectTlp: inject.tlp,
    reports: counted,
    reportsAfterDeadline: late,
    weights: injectComponentWeights(config, inject.answerKey?.weights),
    criticalMissCap: config.criticalMissCap,
  });

  // Handling looks at every substantive report, late ones too; decoys are found by the same IOC model as recall.
  const handling = scoreHandling({
    answerKey: inject.answerKey,
    injectTlp: inject.tlp,
    reports: substantive,
    decoys:
      late.length === 0
        ? c.components.iocs.decoysReported
        : scoreIocs(inject.answerKey, substantive, config.criticalMissCap).decoysReported,
  });
  const tw = config.timelinessWeight;
  const auto = figures(t.value, c.value, tw, handling.factor);
  let final = auto;
  const override = input.override;
  if (override !== undefined) {
    validateScoreOverride(override);
    final = figures(override.timeliness ?? t.value, override.completeness ?? c.value, tw, handling.factor);
  }
  return {
    teamId: input.teamId,
    injectId: inject.id,
    responseRequired: inject.responseRequired,
    releasedAtScenarioMin: released,
    times,
    timeliness: t,
    completeness: c,
    timelinessWeight: tw,
    handling,
    auto,
    override,
    final,
  };
}
