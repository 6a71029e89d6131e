import { wasReleased, type ReportKind } from '@drill/contracts';
import {
  COMPONENT_KEYS,
  explainInjectScore,
  explainRating,
  RATINGS,
  type ComponentKey,
  type InjectScore,
  type Rating,
  type RatingResult,
} from '@drill/scoring';
import {
  AAR_SCHEMA,
  DEFAULT_AAR_MARKING,
  type Aar,
  type AarInput,
  type AarInputDelivery,
  type AarOverride,
  type CommonMiss,
  type InjectAnalysis,
  type InjectResponse,
  type KeyFigures,
  type ObjectiveAnalysis,
  type RatingView,
  type ScorecardRow,
  type TeamScorecard,
  type TimelineRow,
} from './model.js';
import { pocReachability } from './comcheck.js';
import { aarCooperation } from './cooperation.js';
import { summariseFeedback } from './feedback.js';
import { sharingMatrix } from './sharing.js';
import { mean, summarize } from './stats.js';

const MIN = 60_000;
const pairKey = (teamId: string, injectId: string) => `${teamId}\u0000${injectId}`;
const iocLabel = (i: { type: string; value: string; original?: string }) => `${i.type} ${i.original ?? i.value}`;
const ON_TARGET = new Set(['on-target', 'no-target']);

/**
 * Assembles the after-action report from what the drill recorded and what the scoring engine computed. Pure: the
 * same input gives the same report, and every figure in it is derived here (the renderers only format).
 */
export function buildAar(input: AarInput): Aar {
  const codeOf = new Map(input.teams.map((t) => [t.id, t.code]));
  const teamName = new Map(input.teams.map((t) => [t.id, t.name]));
  const code = (teamId: string) => codeOf.get(teamId) ?? teamId;
  const nameOf = (userId: string) => input.userNames?.[userId] ?? userId;
  const injectTitle = new Map(input.scenario.injects.map((i) => [i.id, i.title]));

  const released = input.deliveries.filter((d) => wasReleased(d.status));
  const releaseOf = new Map<string, AarInputDelivery>();
  for (const d of released) releaseOf.set(pairKey(d.teamId, d.injectId), d);

  // Scorecards: the engine's figures, with user ids in overrides replaced by names for the prose.
  const scoresByInject = new Map<string, { teamId: string; s: InjectScore; row: ScorecardRow }[]>();
  const scorecards: TeamScorecard[] = input.scores.teams.map((t) => {
    const rows = t.injects.map((s) => {
      const named: InjectScore = s.override ? { ...s, override: { ...s.override, by: nameOf(s.override.by) } } : s;
      const comps = s.completeness.components;
      const row: ScorecardRow = {
        teamId: t.teamId,
        teamCode: code(t.teamId),
        injectId: s.injectId,
        injectTitle: injectTitle.get(s.injectId) ?? s.injectId,
        releasedAt: releaseOf.get(pairKey(t.teamId, s.injectId))?.releasedAt ?? null,
        releasedScenarioMs: s.releasedAtScenarioMin * MIN,
        timeToAcknowledge: s.times.toAcknowledge ?? null,
        timeToReport: s.times.toReport ?? null,
        timeliness: s.auto.timeliness,
        timelinessRule: s.timeliness.rule,
        components: Object.fromEntries(
          COMPONENT_KEYS.map((k) => [k, comps[k].defined ? comps[k].score : null]),
        ) as Record<ComponentKey, number | null>,
        completeness: s.auto.completeness,
        auto: s.auto.score,
        override: named.override ? toOverride(named.override) : null,
        final: s.final.score,
        missedIocs: comps.iocs.missed.map(iocLabel),
        missedActions: comps.actions.missed.map((a) => a.code),
        explanation: explainInjectScore(named),
      };
      let list = scoresByInject.get(s.injectId);
      if (!list) scoresByInject.set(s.injectId, (list = []));
      list.push({ teamId: t.teamId, s, row });
      return row;
    });
    const componentMean = (k: ComponentKey) =>
      mean(rows.map((r) => r.components[k]).filter((x): x is number => x !== null));
    return {
      teamId: t.teamId,
      code: code(t.teamId),
      name: teamName.get(t.teamId) ?? t.teamId,
      percent: t.percent,
      autoPercent: t.autoPercent,
      scored: rows.length,
      responded: rows.filter((r) => r.timeToReport !== null).length,
      timeToReport: summarize(rows.flatMap((r) => (r.timeToReport === null ? [] : [r.timeToReport]))),
      components: Object.fromEntries(COMPONENT_KEYS.map((k) => [k, componentMean(k)])) as Record<
        ComponentKey,
        number | null
      >,
      meanTimeliness: mean(rows.map((r) => r.override?.timeliness ?? r.timeliness)),
      meanCompleteness: mean(rows.map((r) => r.override?.completeness ?? r.completeness)),
      objectiveRatings: input.scores.objectives.map((o) => {
        const mine = o.perTeam.find((p) => p.teamId === t.teamId);
        return { objectiveId: o.objectiveId, rating: mine?.rating ?? null, mean: mine?.mean ?? null };
      }),
      injects: rows,
    };
  });

  const thresholds = input.method.ratingThresholds;
  const ratingView = (r: RatingResult): RatingView => {
    const o = r.override ? { ...r.override, by: nameOf(r.override.by) } : undefined;
    return {
      mean: r.mean,
      autoMean: r.autoMean,
      scored: r.scored,
      computedRating: r.computedRating,
      rating: r.rating,
      override: o ? { ...toOverride(o), rating: o.rating } : null,
      explanation: explainRating({ ...r, override: o }, thresholds),
    };
  };
  const byTime = <T extends { at: string }>(a: T, b: T) => Date.parse(a.at) - Date.parse(b.at);
  const ratingsOf = new Map(input.scores.objectives.map((o) => [o.objectiveId, o]));
  const objectives: ObjectiveAnalysis[] = input.scenario.objectives.map((obj) => {
    const r = ratingsOf.get(obj.id);
    const empty: RatingResult = { mean: null, autoMean: null, scored: 0, computedRating: null, rating: null };
    const notes = input.notes.filter((n) => n.objectiveId === obj.id).sort(byTime);
    return {
      id: obj.id,
      capability: obj.capability,
      ...(obj.description !== undefined ? { description: obj.description } : {}),
      injectIds: [...obj.injects],
      ...ratingView(r ?? empty),
      perTeam: (r?.perTeam ?? []).map((p) => ({ teamId: p.teamId, teamCode: code(p.teamId), ...ratingView(p) })),
      strengths: notes.filter((n) => n.kind === 'strength'),
      improvements: notes.filter((n) => n.kind === 'improvement'),
    };
  });

  const releasedByInject = new Map<string, AarInputDelivery[]>();
  for (const d of released) {
    let list = releasedByInject.get(d.injectId);
    if (!list) releasedByInject.set(d.injectId, (list = []));
    list.push(d);
  }
  const reportsByPair = new Map<string, number[]>();
  for (const r of input.reports) {
    if (r.teamId === null || r.kind === 'acknowledgement') continue;
    for (const injectId of new Set(r.injectIds)) {
      const k = pairKey(r.teamId, injectId);
      const list = reportsByPair.get(k);
      if (list) list.push(r.submittedScenarioMs);
      else reportsByPair.set(k, [r.submittedScenarioMs]);
    }
  }

  const injects: InjectAnalysis[] = input.scenario.injects.map((inj) => {
    const rels = releasedByInject.get(inj.id) ?? [];
    let first: AarInputDelivery | undefined;
    for (const d of rels)
      if (first === undefined || (d.releasedScenarioMs ?? 0) < (first.releasedScenarioMs ?? 0)) first = d;
    const scored = scoresByInject.get(inj.id) ?? [];
    let responses: InjectResponse[];
    if (scored.length > 0) {
      responses = scored.map(({ teamId, s }) => ({
        teamId,
        teamCode: code(teamId),
        releasedScenarioMs: s.releasedAtScenarioMin * MIN,
        timeToAcknowledge: s.times.toAcknowledge ?? null,
        timeToReport: s.times.toReport ?? null,
        timeliness: s.final.timeliness,
        final: s.final.score,
      }));
    } else {
      // Not scored (no response required): times straight from the deliveries and the teams' reports.
      responses = rels.map((d) => {
        const rel = d.releasedScenarioMs ?? 0;
        const times = reportsByPair.get(pairKey(d.teamId, inj.id));
        const firstReport = times ? Math.min(...times) : undefined;
        return {
          teamId: d.teamId,
          teamCode: code(d.teamId),
          releasedScenarioMs: rel,
          timeToAcknowledge: d.acknowledgedScenarioMs != null ? (d.acknowledgedScenarioMs - rel) / MIN : null,
          timeToReport: firstReport !== undefined ? (firstReport - rel) / MIN : null,
          timeliness: null,
          final: null,
        };
      });
    }
    responses.sort(
      (a, b) => (a.timeToReport ?? Infinity) - (b.timeToReport ?? Infinity) || a.teamCode.localeCompare(b.teamCode),
    );
    const toReport = responses.flatMap((r) => (r.timeToReport === null ? [] : [r.timeToReport]));
    const toAck = responses.flatMap((r) => (r.timeToAcknowledge === null ? [] : [r.timeToAcknowledge]));
    return {
      id: inj.id,
      title: inj.title,
      ...(inj.phase !== undefined ? { phase: inj.phase } : {}),
      offset: inj.offset,
      severity: inj.severity,
      tlp: inj.tlp,
      responseRequired: inj.responseRequired,
      ...(inj.targetMinutes !== undefined ? { targetMinutes: inj.targetMinutes } : {}),
      ...(inj.deadlineMinutes !== undefined ? { deadlineMinutes: inj.deadlineMinutes } : {}),
      firstReleasedScenarioMs: first ? (first.releasedScenarioMs ?? 0) : null,
      firstReleasedAt: first?.releasedAt ?? null,
      releasedTo: rels.length,
      acknowledged: rels.filter((d) => d.acknowledgedAt != null).length,
      scored: scored.length,
      responded: toReport.length,
      notResponded: responses
        .filter((r) => r.timeToReport === null)
        .map((r) => r.teamCode)
        .sort(),
      onTarget: scored.filter(({ s }) => ON_TARGET.has(s.timeliness.rule)).length,
      afterDeadline: scored.filter(({ s }) => s.timeliness.rule === 'after-deadline').length,
      timeToReport: summarize(toReport),
      timeToAcknowledge: summarize(toAck),
      meanFinal: mean(scored.map(({ s }) => s.final.score)),
      responses,
      commonMisses: commonMisses(scored.map(({ teamId, s }) => ({ teamCode: code(teamId), s }))),
    };
  });

  const allRows = scorecards.flatMap((t) => t.injects);
  const percents = scorecards.flatMap((t) => (t.percent === null ? [] : [t.percent]));
  const teamReports = input.reports.filter((r) => r.teamId !== null);
  const reportsByKind: Partial<Record<ReportKind, number>> = {};
  for (const r of teamReports) reportsByKind[r.kind] = (reportsByKind[r.kind] ?? 0) + 1;
  const sharing = sharingMatrix(input.teams, input.reports);
  const ratings = Object.fromEntries(RATINGS.map((r) => [r, 0])) as Record<Rating, number>;
  for (const o of objectives) if (o.rating) ratings[o.rating]++;
  const keyFigures: KeyFigures = {
    teams: input.teams.length,
    injects: input.scenario.injects.length,
    injectsReleased: injects.filter((i) => i.releasedTo > 0).length,
    pairsScored: allRows.length,
    pairsResponded: allRows.filter((r) => r.timeToReport !== null).length,
    responseRate: allRows.length > 0 ? allRows.filter((r) => r.timeToReport !== null).length / allRows.length : null,
    pairsOnTarget: allRows.filter((r) => r.timeToReport !== null && ON_TARGET.has(r.timelinessRule)).length,
    pairsAfterDeadline: allRows.filter((r) => r.timelinessRule === 'after-deadline').length,
    pairsAcknowledged: allRows.filter((r) => r.timeToAcknowledge !== null).length,
    timeToReport: summarize(allRows.flatMap((r) => (r.timeToReport === null ? [] : [r.timeToReport]))),
    timeToAcknowledge: summarize(allRows.flatMap((r) => (r.timeToAcknowledge === null ? [] : [r.timeToAcknowledge]))),
    meanTeamPercent: mean(percents),
    teamPercent: summarize(percents),
    reports: teamReports.length,
    reportsByKind,
    reportsSharedWithTeams: sharing.reportsToTeams,
    sharingPairs: sharing.cells.length,
    ratings,
    scoreOverrides: allRows.filter((r) => r.override !== null).length,
    ratingOverrides: input.scores.objectives.reduce(
      (n, o) => n + (o.override ? 1 : 0) + o.perTeam.filter((p) => p.override).length,
      0,
    ),
    strengths: input.notes.filter((n) => n.kind === 'strength').length,
    improvements: input.notes.filter((n) => n.kind === 'improvement').length,
    planItems: input.plan.length,
  };

  const capabilityOf = new Map(input.scenario.objectives.map((o) => [o.id, o.capability]));
  const plan = [...input.plan]
    .sort((a, b) => a.dueDate.localeCompare(b.dueDate) || (a.createdAt ?? '').localeCompare(b.createdAt ?? ''))
    .map((p) => ({
      ...p,
      ...(p.responsibleTeamId !== undefined ? { responsibleTeamCode: code(p.responsibleTeamId) } : {}),
      ...(p.responsibleTeamId !== undefined && teamName.has(p.responsibleTeamId)
        ? { responsibleTeamName: teamName.get(p.responsibleTeamId)! }
        : {}),
      ...(p.objectiveId !== undefined && capabilityOf.has(p.objectiveId)
        ? { objectiveCapability: capabilityOf.get(p.objectiveId)! }
        : {}),
    }));

  const startedMs = input.exercise.startedAt ? Date.parse(input.exercise.startedAt) : null;
  const endedMs = input.exercise.endedAt ? Date.parse(input.exercise.endedAt) : null;
  return {
    schema: AAR_SCHEMA,
    generatedAt: input.generatedAt,
    state: { ...input.state },
    marking: input.marking ?? DEFAULT_AAR_MARKING,
    overview: {
      exercise: {
        id: input.exercise.id,
        name: input.exercise.name,
        status: input.exercise.status,
        speed: input.exercise.speed,
        startedAt: input.exercise.startedAt ?? null,
        endedAt: input.exercise.endedAt ?? null,
        scenarioMinutes: input.exercise.scenarioMsAtEnd != null ? input.exercise.scenarioMsAtEnd / MIN : null,
        wallMinutes: startedMs !== null && endedMs !== null ? (endedMs - startedMs) / MIN : null,
      },
      scenario: {
        id: input.scenario.id,
        version: input.scenario.version,
        title: input.scenario.title,
        summary: input.scenario.summary,
        plannedDurationMinutes: input.scenario.plannedDurationMinutes,
        phases: (input.scenario.phases ?? []).map((p) => ({ id: p.id, title: p.title })),
        injectCount: input.scenario.injects.length,
      },
      teams: input.teams.map((t) => ({
        id: t.id,
        code: t.code,
        name: t.name,
        ...(t.country ? { country: t.country } : {}),
      })),
      objectives: input.scenario.objectives.map((o) => ({
        id: o.id,
        capability: o.capability,
        ...(o.description !== undefined ? { description: o.description } : {}),
        injectIds: [...o.injects],
      })),
    },
    method: {
      timelinessWeight: input.method.timelinessWeight,
      ratingThresholds: { ...thresholds },
      weights: { ...input.method.weights },
    },
    keyFigures,
    objectives,
    scorecards,
    injects,
    sharing,
    plan,
    timeline: rawTimeline(input, code),
    ...(input.feedback ? { feedback: summariseFeedback(input.scenario.objectives, input.feedback) } : {}),
    ...(input.comcheck ? { reachability: pocReachability(input.comcheck, input.exercise.startedAt) } : {}),
    ...(input.assistance
      ? {
          cooperation: aarCooperation({
            teams: input.teams,
            assistance: input.assistance,
            ...(input.cooperation ? { cooperation: input.cooperation } : {}),
            marking: input.marking ?? DEFAULT_AAR_MARKING,
          }),
        }
      : {}),
  };
}

function toOverride(o: {
  timeliness?: number;
  completeness?: number;
  justification: string;
  by: string;
  at: string;
}): AarOverride {
  return {
    ...(o.timeliness !== undefined ? { timeliness: o.timeliness } : {}),
    ...(o.completeness !== undefined ? { completeness: o.completeness } : {}),
    justification: o.justification,
    by: o.by,
    at: o.at,
  };
}

/**
 * Expected IOCs and actions that at least half of the teams scored on the inject missed. Teams that did not report
 * at all count as missing everything: the AAR asks what the community as a whole failed to find.
 */
export function commonMisses(scored: readonly { teamCode: string; s: InjectScore }[]): CommonMiss[] {
  const n = scored.length;
  if (n === 0) return [];
  const misses = new Map<string, CommonMiss>();
  const add = (key: string, base: Omit<CommonMiss, 'missedBy' | 'of' | 'teams'>, team: string) => {
    let m = misses.get(key);
    if (!m) misses.set(key, (m = { ...base, missedBy: 0, of: n, teams: [] }));
    m.missedBy++;
    m.teams.push(team);
  };
  for (const { teamCode, s } of scored) {
    const c = s.completeness.components;
    for (const i of c.iocs.missed)
      add(`ioc\u0000${i.type}\u0000${i.value}`, { kind: 'ioc', item: iocLabel(i), critical: i.critical }, teamCode);
    for (const a of c.actions.missed)
      add(
        `action\u0000${a.code}`,
        { kind: 'action', item: a.code, ...(a.description ? { description: a.description } : {}) },
        teamCode,
      );
  }
  return [...misses.values()]
    .filter((m) => 2 * m.missedBy >= n)
    .map((m) => ({ ...m, teams: m.teams.sort() }))
    .sort((a, b) => b.missedBy - a.missedBy || a.kind.localeCompare(b.kind) || a.item.localeCompare(b.item));
}

const KIND_ORDER = { release: 0, acknowledgement: 1, report: 2, event: 3 } as const;

function rawTimeline(input: AarInput, code: (teamId: string) => string): TimelineRow[] {
  const rows: TimelineRow[] = [];
  for (const d of input.deliveries) {
    if (!wasReleased(d.status)) continue;
    rows.push({
      at: d.releasedAt ?? null,
      scenarioMs: d.releasedScenarioMs ?? null,
      kind: 'release',
      teamCode: code(d.teamId),
      injectId: d.injectId,
      detail: 'released',
    });
    if (d.acknowledgedAt) {
      rows.push({
        at: d.acknowledgedAt,
        scenarioMs: d.acknowledgedScenarioMs ?? null,
        kind: 'acknowledgement',
        teamCode: code(d.teamId),
        injectId: d.injectId,
        detail: 'acknowledged (inject.ack)',
      });
    }
  }
  const codes = new Map(input.teams.map((t) => [t.id, t.code]));
  for (const r of input.reports) {
    const to =
      r.recipients.teams === 'all' ? 'all teams' : r.recipients.teams.map((id) => codes.get(id) ?? id).join(', ');
    rows.push({
      at: r.submittedAt,
      scenarioMs: r.submittedScenarioMs,
      kind: 'report',
      teamCode: r.teamId === null ? null : code(r.teamId),
      injectId: r.injectIds.length > 0 ? r.injectIds.join(', ') : null,
      detail: `${r.kind} "${r.title}" ${r.tlp}${to ? ` to control, ${to}` : ' to control'}`,
    });
  }
  for (const e of input.events ?? []) {
    const who = [e.actor, e.actorRole ? `(${e.actorRole})` : null].filter(Boolean).join(' ');
    const what = [e.targetType, e.targetId].filter(Boolean).join(' ');
    rows.push({
      at: e.at,
      scenarioMs: null,
      kind: 'event',
      teamCode: null,
      injectId: null,
      detail: `${e.action}${what ? ` ${what}` : ''}${who ? ` by ${who}` : ''}`,
    });
  }
  // Parsed once: a drill of 30 teams × 200 injects has some 20 000 rows to sort.
  const keyed = rows.map((r) => ({ r, t: r.at === null ? Infinity : Date.parse(r.at) }));
  keyed.sort(
    (a, b) =>
      a.t - b.t ||
      KIND_ORDER[a.r.kind] - KIND_ORDER[b.r.kind] ||
      (a.r.teamCode ?? '').localeCompare(b.r.teamCode ?? ''),
  );
  return keyed.map((k) => k.r);
}
