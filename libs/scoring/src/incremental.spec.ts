import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { DEFAULT_SCORING_CONFIG } from './config.js';
import { IncrementalScores, scoreExercise } from './exercise.js';
import type { ExerciseScoringInput, ScoringInject } from './model.js';

// The live board scores incrementally; the scorecards and the AAR trust that this equals a full recompute. Random
// drills (releases, acknowledgements, reports in any order, overrides changing) are fed piece by piece, with scores
// read in between as the board does, and the end result is compared with scoreExercise over everything at once.

const TEAMS = ['T1', 'T2', 'T3'];
const INJECTS: ScoringInject[] = [
  {
    id: 'A',
    responseRequired: true,
    targetMinutes: 30,
    deadlineMinutes: 60,
    tlp: 'TLP:AMBER',
    answerKey: {
      iocs: [
        { type: 'domain', value: 'evil.example', weight: 1, critical: true },
        { type: 'ip-dst', value: '203.0.113.7', weight: 1, critical: false },
      ],
      decoys: [{ type: 'domain', value: 'decoy.example' }],
      classification: { class: 'malicious-code', type: 'infected-system' },
      severity: 'high',
      actions: [],
      recipients: ['control', 'T2'],
      maxTlp: 'TLP:AMBER',
    },
  },
  { id: 'B', responseRequired: true, targetMinutes: 10, tlp: 'TLP:GREEN' },
  {
    id: 'C',
    responseRequired: true,
    tlp: 'TLP:CLEAR',
    answerKey: { iocs: [], decoys: [], actions: [], recipients: ['T1'] },
  },
  { id: 'INFO', responseRequired: false, tlp: 'TLP:CLEAR' },
];
const base = {
  teams: TEAMS,
  injects: INJECTS,
  objectives: [
    { id: 'O1', capability: 'Operational Communications', injects: ['A', 'B'] },
    { id: 'O2', capability: 'Cyber Incident Handling', injects: ['C'] },
  ],
  config: DEFAULT_SCORING_CONFIG,
};

type Report = ExerciseScoringInput['reports'][number] & { submittedAt: string };
type Event =
  | { kind: 'release'; teamId: string; injectId: string; at: number; ack?: number }
  | { kind: 'report'; report: Report }
  | { kind: 'overrides'; list: NonNullable<ExerciseScoringInput['scoreOverrides']> }
  | { kind: 'read' };

const team = fc.constantFrom(...TEAMS, 'T9'); // T9 is not enrolled: scored anyway, listed after the others
const injectId = fc.constantFrom('A', 'B', 'C', 'INFO');
const minute = fc.integer({ min: 0, max: 120 });
const report = fc
  .record({
    id: fc.uuid(),
    teamId: fc.option(team, { nil: null, freq: 6 }),
    injectIds: fc.array(injectId, { minLength: 1, maxLength: 3 }),
    atScenarioMin: fc.constantFrom(10, 20, 30, 70), // few distinct times: ties in one pair are common
    second: fc.integer({ min: 0, max: 5 }),
    kind: fc.constantFrom('acknowledgement', 'notification', 'update', 'final'),
    tlp: fc.constantFrom('TLP:CLEAR', 'TLP:GREEN', 'TLP:AMBER', 'TLP:RED'),
    teams: fc.oneof(fc.constant('all' as const), fc.subarray(['T1', 'T2', 'T3', 'control'])),
    iocs: fc.subarray([
      { type: 'domain' as const, value: 'evil.example' },
      { type: 'ip-dst' as const, value: '203.0.113.7' },
      { type: 'domain' as const, value: 'decoy.example' },
    ]),
    classification: fc.option(
      fc.constantFrom({ class: 'malicious-code', type: 'infected-system' }, { class: 'fraud', type: 'phishing' }),
      { nil: undefined },
    ),
    severity: fc.option(fc.constantFrom('low', 'high', 'critical'), { nil: undefined }),
  })
  .map((r): Report => ({
    id: r.id,
    teamId: r.teamId,
    injectIds: r.injectIds,
    atScenarioMin: r.atScenarioMin,
    submittedAt: new Date(Date.UTC(2026, 0, 1, 0, r.atScenarioMin, r.second)).toISOString(),
    kind: r.kind as Report['kind'],
    tlp: r.tlp as Report['tlp'],
    recipients: { teams: r.teams },
    iocs: r.iocs,
    ...(r.classification && { classification: r.classification as Report['classification'] }),
    ...(r.severity && { severity: r.severity as Report['severity'] }),
  }));
const override = fc.record({
  teamId: team,
  injectId,
  timeliness: fc.option(fc.constantFrom(0, 0.5, 1), { nil: undefined }),
  completeness: fc.option(fc.constantFrom(0, 0.25, 1), { nil: undefined }),
  justification: fc.constant('checked the phone log'),
  by: fc.constantFrom('e1', 'e2'),
  at: fc.constant('2026-01-01T12:00:00Z'),
});
const event: fc.Arbitrary<Event> = fc.oneof(
  fc.record({
    kind: fc.constant('release' as const),
    teamId: team,
    injectId,
    at: minute,
    ack: fc.option(minute, { nil: undefined }),
  }),
  fc.record({ kind: fc.constant('report' as const), report }),
  fc.record({
    kind: fc.constant('overrides' as const),
    list: fc.array(override, { maxLength: 3 }).map((l) =>
      l.map(({ timeliness, completeness, ...o }) => ({
        ...o,
        ...(timeliness !== undefined && { timeliness }),
        ...(completeness !== undefined || timeliness === undefined ? { completeness: completeness ?? 0.5 } : {}),
      })),
    ),
  }),
  fc.constant({ kind: 'read' as const }),
);

/** What the database would hold after `events`: one row per release pair (its latest state), all reports. */
function finalInput(events: readonly Event[]): ExerciseScoringInput {
  const releases = new Map<string, ExerciseScoringInput['releases'][number]>();
  const reports = new Map<string, Report>();
  let overrides: NonNullable<ExerciseScoringInput['scoreOverrides']> = [];
  for (const e of events) {
    if (e.kind === 'release') {
      const k = `${e.teamId}/${e.injectId}`;
      const prev = releases.get(k);
      const rel = { teamId: e.teamId, injectId: e.injectId, releasedAtScenarioMin: e.at, ackAtScenarioMin: e.ack };
      if (
        !prev ||
        e.at < prev.releasedAtScenarioMin ||
        (e.at === prev.releasedAtScenarioMin && e.ack !== prev.ackAtScenarioMin)
      )
        releases.set(k, rel);
    } else if (e.kind === 'report') {
      if (!reports.has(e.report.id)) reports.set(e.report.id, e.report);
    } else if (e.kind === 'overrides') overrides = e.list;
  }
  // The full recompute reads reports ordered by submission, as the server's query does.
  const sorted = [...reports.values()].sort((a, b) =>
    a.submittedAt < b.submittedAt ? -1 : a.submittedAt > b.submittedAt ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0,
  );
  return { ...base, releases: [...releases.values()], reports: sorted, scoreOverrides: overrides };
}

describe('IncrementalScores', () => {
  it('equals a full recompute for random sequences of releases, reports and overrides', () => {
    fc.assert(
      fc.property(fc.array(event, { maxLength: 60 }), (events) => {
        const live = new IncrementalScores(base);
        for (const e of events) {
          if (e.kind === 'release')
            live.setReleases([
              { teamId: e.teamId, injectId: e.injectId, releasedAtScenarioMin: e.at, ackAtScenarioMin: e.ack },
            ]);
          else if (e.kind === 'report') live.addReports([e.report]);
          else if (e.kind === 'overrides') live.setScoreOverrides(e.list);
          else live.scores();
        }
        expect(live.scores()).toEqual(scoreExercise(finalInput(events)));
      }),
      { numRuns: 400, seed: 17 },
    );
  });

  it('orders reports of one time by submission, whatever order they arrive in', () => {
    const at = (sec: number) => new Date(Date.UTC(2026, 0, 1, 0, 10, sec)).toISOString();
    const r = (id: string, sec: number, type: string) => ({
      id,
      teamId: 'T1',
      injectIds: ['A'],
      atScenarioMin: 10,
      submittedAt: at(sec),
      kind: 'update' as const,
      tlp: 'TLP:AMBER' as const,
      recipients: { teams: [] },
      classification: { class: 'malicious-code', type },
    });
    const live = new IncrementalScores(base).setReleases([{ teamId: 'T1', injectId: 'A', releasedAtScenarioMin: 0 }]);
    live.addReports([r('late', 40, 'infected-system')]);
    live.addReports([r('early', 5, 'worm')]); // arrives last, was submitted first
    const c = live.scores().teams[0]!.injects[0]!.completeness;
    expect(c.components.classification.givenInReport).toBe('late');
  });

  it('re-scores only the pairs a change touches', () => {
    const live = new IncrementalScores(base).setReleases([
      { teamId: 'T1', injectId: 'A', releasedAtScenarioMin: 0 },
      { teamId: 'T2', injectId: 'A', releasedAtScenarioMin: 0 },
    ]);
    const first = live.totals();
    live.addReports([
      {
        id: 'r',
        teamId: 'T1',
        injectIds: ['A'],
        atScenarioMin: 5,
        kind: 'notification',
        tlp: 'TLP:AMBER',
        recipients: { teams: [] },
      },
    ]);
    const second = live.totals();
    // T2's figures are the very object computed before: it was not recomputed.
    expect(second[1]!.injects[0]).toBe(first[1]!.injects[0]);
    expect(second[0]!.injects[0]).not.toBe(first[0]!.injects[0]);
    expect(live.scores().teams[0]!.injects[0]!.times.firstReportId).toBe('r');
  });

  it('keeps figures only, and builds the full scores of the teams asked for', () => {
    const live = new IncrementalScores(base)
      .setReleases([
        { teamId: 'T1', injectId: 'A', releasedAtScenarioMin: 0 },
        { teamId: 'T2', injectId: 'A', releasedAtScenarioMin: 0 },
      ])
      .addReports([
        {
          id: 'r',
          teamId: 'T2',
          injectIds: ['A'],
          atScenarioMin: 5,
          kind: 'notification',
          tlp: 'TLP:AMBER',
          recipients: { teams: [] },
          classification: { class: 'malicious-code', type: 'worm' },
        },
      ]);
    const all = live.scores();
    const totals = live.totals();
    expect(Object.keys(totals[1]!.injects[0]!).sort()).toEqual([
      'auto',
      'final',
      'injectId',
      'responseRequired',
      'teamId',
    ]);
    expect(totals.map((t) => [t.teamId, t.percent, t.autoPercent])).toEqual(
      all.teams.map((t) => [t.teamId, t.percent, t.autoPercent]),
    );
    const t2 = live.scores({ teams: ['T2'] });
    expect(t2.teams).toEqual([all.teams[1]]);
    expect(t2.objectives).toEqual(all.objectives);
    expect(live.scores({ teams: [] }).teams).toEqual([]);
  });

  it('refuses a release of an inject the scenario does not have, naming it', () => {
    expect(() =>
      new IncrementalScores(base).setReleases([{ teamId: 'T1', injectId: 'ZZ', releasedAtScenarioMin: 0 }]),
    ).toThrow('release of an inject the scenario does not have');
  });
});
