import { describe, expect, it } from '@jest/globals';
import type { InjectScore } from '@drill/scoring';
import { buildAar, commonMisses } from './build.js';
import { fixtureInput } from './spec-fixture.js';

describe('buildAar', () => {
  const aar = buildAar(fixtureInput());
  const i1 = aar.injects.find((i) => i.id === 'I-1')!;
  const i2 = aar.injects.find((i) => i.id === 'I-2')!;

  it('analyses a scored inject: release, who responded how fast, median and spread', () => {
    expect(i1).toMatchObject({
      firstReleasedScenarioMs: 60_000,
      releasedTo: 3,
      acknowledged: 1,
      scored: 3,
      responded: 2,
      notResponded: ['C'],
      onTarget: 2,
      afterDeadline: 0,
    });
    // Reports 4 and 10 minutes after release: median 7, quartiles at positions .25 and .75 → 5.5 and 8.5.
    expect(i1.timeToReport).toEqual({ n: 2, min: 4, q1: 5.5, median: 7, q3: 8.5, iqr: 3, max: 10, mean: 7 });
    expect(i1.responses.map((r) => [r.teamCode, r.timeToReport, r.timeToAcknowledge])).toEqual([
      ['A', 4, 1],
      ['B', 10, null],
      ['C', null, null],
    ]);
  });

  it('lists as common misses what at least half of the teams missed, and only that', () => {
    // B and C (2 of 3) missed the critical IP and the action; only C missed the domain.
    expect(i1.commonMisses).toEqual([
      { kind: 'action', item: 'ISOLATE', description: 'Isolate the servers', missedBy: 2, of: 3, teams: ['B', 'C'] },
      { kind: 'ioc', item: 'ip-dst 203.0.113.7', critical: true, missedBy: 2, of: 3, teams: ['B', 'C'] },
    ]);
  });

  it('counts exactly half of the teams as common', () => {
    const ioc = { type: 'domain' as const, value: 'evil.example', weight: 1, critical: false };
    const scored = (team: string, missedIocs: (typeof ioc)[]) => ({
      teamCode: team,
      s: {
        completeness: { components: { iocs: { missed: missedIocs }, actions: { missed: [] } } },
      } as unknown as InjectScore,
    });
    const other = { ...ioc, value: 'other.example' };
    // 4 teams: evil.example missed by 2 (half) → common; other.example by 1 → not.
    expect(commonMisses([scored('A', [ioc]), scored('B', [ioc, other]), scored('C', []), scored('D', [])])).toEqual([
      { kind: 'ioc', item: 'domain evil.example', critical: false, missedBy: 2, of: 4, teams: ['A', 'B'] },
    ]);
    expect(commonMisses([])).toEqual([]);
  });

  it('takes times of an unscored inject from deliveries and reports', () => {
    expect(i2).toMatchObject({
      responseRequired: false,
      scored: 0,
      releasedTo: 3,
      responded: 1,
      notResponded: ['A', 'B'],
      meanFinal: null,
      commonMisses: [],
    });
    expect(i2.timeToReport?.median).toBe(3); // C reported at minute 5 on an inject released at minute 2
  });

  it('carries the scorecard figures and puts evaluator names, not ids, into overrides and prose', () => {
    const a = aar.scorecards.find((t) => t.code === 'A')!;
    // A: T = 1 (4 min ≤ 10 min target). C over iocs .35×1 + actions .2×1 + recipients .15×1 + structure .1×(2/8),
    // rescaled by .8 (classification and severity are not in the key) = .90625; score .3 + .7×.90625.
    expect(a.injects[0]!.final).toBeCloseTo(0.3 + 0.7 * 0.90625, 12);
    expect(a.percent).toBeCloseTo(100 * (0.3 + 0.7 * 0.90625), 10);
    const c = aar.scorecards.find((t) => t.code === 'C')!.injects[0]!;
    expect(c.timeToReport).toBeNull();
    expect(c.override).toMatchObject({ completeness: 0.5, by: 'Eva Luator' });
    expect(c.final).toBeCloseTo(0.7 * 0.5, 12); // T 0 without a report
    expect(c.explanation.override).toContain('Eva Luator');
    expect(c.explanation.override).not.toContain('u-eva');
    expect(c.missedIocs).toEqual(['ip-dst 203.0.113.7', 'domain evil.example']);
  });

  it('sums the key figures', () => {
    expect(aar.keyFigures).toMatchObject({
      teams: 3,
      injects: 2,
      injectsReleased: 2,
      pairsScored: 3,
      pairsResponded: 2,
      pairsOnTarget: 2,
      pairsAfterDeadline: 0,
      pairsAcknowledged: 1,
      reports: 3,
      reportsByKind: { notification: 1, 'early-warning': 1, update: 1 },
      reportsSharedWithTeams: 2,
      sharingPairs: 3, // A→B, B→A, B→C
      scoreOverrides: 1,
      strengths: 2,
      improvements: 1,
      planItems: 2,
    });
    expect(aar.keyFigures.responseRate).toBeCloseTo(2 / 3, 12);
    expect(aar.keyFigures.timeToReport?.median).toBe(7);
  });

  it('files evaluator notes under their objective in time order, and orders the plan by due date', () => {
    const o = aar.objectives[0]!;
    expect(o.strengths.map((n) => n.id)).toEqual(['n0', 'n1']);
    expect(o.improvements.map((n) => n.id)).toEqual(['n2']);
    expect(aar.plan.map((p) => p.id)).toEqual(['p1', 'p2']);
    expect(aar.plan[1]).toMatchObject({ responsibleTeamCode: 'C', responsibleTeamName: 'Charlie CERT' });
  });

  it('merges releases, acknowledgements, reports and events into one timeline in time order', () => {
    expect(aar.timeline.map((r) => `${r.kind}:${r.teamCode ?? '-'}:${r.injectId ?? '-'}`)).toEqual([
      'event:-:-',
      'release:A:I-1',
      'release:B:I-1',
      'release:C:I-1',
      'release:A:I-2',
      'release:B:I-2',
      'release:C:I-2',
      'acknowledgement:A:I-1',
      'report:A:I-1',
      'report:C:I-2',
      'report:B:I-1',
    ]);
  });

  it('states the draft and the run', () => {
    expect(aar.state).toEqual({ status: 'draft' });
    expect(aar.overview.exercise).toMatchObject({ scenarioMinutes: 30, wallMinutes: 30 });
    expect(JSON.parse(JSON.stringify(aar))).toEqual(aar); // plain JSON: stored as the frozen copy when published
  });
});
