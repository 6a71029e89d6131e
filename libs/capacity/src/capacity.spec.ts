import { parse } from 'csv-parse/sync';
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import type { AssistanceRequestView, TeamTier } from '@drill/contracts';
import { aarCooperation, buildAar, median, roundTo, syntheticAarInput } from '@drill/reporting';
import { RATINGS, type Rating } from '@drill/scoring';
import { capacityView, isRangeBound, rangeBound, series, sinceLastDrill, teamHistory } from './capacity.js';
import { CAPACITY_CSV_COLUMNS, renderCapacityCsv } from './csv.js';
import { cooperationFigure, figuresFromAar, lowestRating } from './from-aar.js';
import type { CapabilityFigure, CapacityView, CooperationFigure, TeamDrillResult } from './model.js';

const DRILLS = [
  { exerciseId: 'ex-1', exerciseName: 'ACID 2025', endedAt: '2025-08-20T09:00:00.000Z' },
  { exerciseId: 'ex-2', exerciseName: 'ACID 2026 spring', endedAt: '2026-03-10T09:00:00.000Z' },
  { exerciseId: 'ex-3', exerciseName: 'ACID 2026', endedAt: '2026-08-19T09:00:00.000Z' },
];

const cap = (capability: string, score: number | null, rating: Rating | null = null): CapabilityFigure => ({
  capability,
  objectiveIds: [`OBJ-${capability.length}`],
  score,
  rating,
});

const coop = (score: number | null, over: Partial<CooperationFigure> = {}): CooperationFigure => ({
  score,
  asked: 2,
  sent: 1,
  answered: 2,
  fulfilled: 1,
  medianToFirstResponseMinutes: 12.5,
  medianToFulfilmentMinutes: 60,
  ...over,
});

function result(
  code: string,
  tier: TeamTier | null,
  drill: number,
  score: number | null,
  caps: CapabilityFigure[],
  extra: Partial<TeamDrillResult> = {},
): TeamDrillResult {
  return {
    ...DRILLS[drill]!,
    teamId: `id-${code}`,
    teamCode: code,
    teamName: `${code} CERT`,
    tier,
    score,
    capabilities: caps,
    medianTimeToAcknowledge: 2,
    medianTimeToReport: 20,
    handlingFaults: 0,
    cooperation: null,
    ...extra,
  };
}

// SG improves, MY holds, LA (tier 4) slips; LA skipped the spring drill. Listed out of order on purpose.
const RESULTS: TeamDrillResult[] = [
  result('LA', 4, 2, 40, [cap('Cybersecurity', 35, 'M'), cap('Operational Coordination', 50, 'S')]),
  result('SG', 1, 0, 70, [cap('Cybersecurity', 60, 'S'), cap('Operational Coordination', 80, 'S')]),
  result('MY', 1, 0, 80, [cap('Cybersecurity', 80, 'S'), cap('Operational Coordination', 90, 'P')]),
  result('LA', 4, 0, 55, [cap('Cybersecurity', 50, 'S'), cap('Operational Coordination', 60, 'S')]),
  result('SG', 1, 1, 75, [cap('Cybersecurity', 70, 'S'), cap('Operational Coordination', 80, 'S')]),
  result('MY', 1, 1, 80, [cap('Cybersecurity', 82, 'S'), cap('Operational Coordination', 88, 'P')]),
  result('SG', 1, 2, 86.5, [cap('Cybersecurity', 90, 'P'), cap('Operational Coordination', 83, 'S')]),
  result('MY', 1, 2, 79, [cap('Cybersecurity', 78, 'S'), cap('Operational Coordination', 91, 'P')]),
];

describe('range bounds', () => {
  it('takes a date as its whole UTC day and an instant as it is; anything else is not a bound', () => {
    expect(rangeBound('2026-08-19', 'from')).toBe(Date.parse('2026-08-19T00:00:00Z'));
    expect(rangeBound('2026-08-19', 'to')).toBe(Date.parse('2026-08-19T23:59:59.999Z'));
    expect(rangeBound('2026-08-19T10:00:00+07:00', 'to')).toBe(Date.parse('2026-08-19T03:00:00Z'));
    for (const bad of ['2027-02-30', '2026-13-01', 'yesterday', '2026-8-1', '2026-08-19T10:00', ''])
      expect(isRangeBound(bad)).toBe(false);
  });
});

describe('teamHistory', () => {
  it("is one team's drills, oldest first, found by code", () => {
    expect(teamHistory(RESULTS, 'LA').map((r) => r.exerciseId)).toEqual(['ex-1', 'ex-3']);
    expect(teamHistory(RESULTS, 'SG').map((r) => r.score)).toEqual([70, 75, 86.5]);
    expect(teamHistory(RESULTS, 'XX')).toEqual([]);
  });
});

describe('capacityView', () => {
  const view = capacityView(RESULTS);
  const team = (code: string) => view.teams.find((t) => t.teamCode === code)!;
  const capOf = (code: string, c: string) => team(code).capabilities.find((s) => s.capability === c)!;

  it('lists the drills oldest first and each capability once', () => {
    expect(view.drills.map((d) => d.exerciseId)).toEqual(['ex-1', 'ex-2', 'ex-3']);
    expect(view.capabilities).toEqual(['Cybersecurity', 'Operational Coordination']);
    expect(view.teams.map((t) => t.teamCode)).toEqual(['MY', 'SG', 'LA']); // by tier, then code
  });

  it("gives each team's points per capability with the change since its first drill", () => {
    const sg = capOf('SG', 'Cybersecurity');
    expect(sg.points.map((p) => [p.value, p.rating, p.change])).toEqual([
      [60, 'S', 0],
      [70, 'S', 10],
      [90, 'P', 30],
    ]);
    expect([sg.first, sg.last, sg.change]).toEqual([60, 90, 30]);
    expect(capOf('LA', 'Cybersecurity').change).toBe(-15);
    expect(capOf('LA', 'Cybersecurity').points).toHaveLength(2);
    expect(team('SG').score.change).toBe(16.5);
    expect(team('MY').score.change).toBe(-1);
  });

  it('has tier medians per drill over the teams of the tier that took part', () => {
    const t1 = view.tiers.find((t) => t.tier === 1)!;
    expect(t1.teamCodes).toEqual(['MY', 'SG']);
    const cyber = t1.capabilities.find((c) => c.capability === 'Cybersecurity')!;
    expect(cyber.points.map((p) => p.value)).toEqual([70, 76, 84]);
    expect(cyber.change).toBe(14);
    const t4 = view.tiers.find((t) => t.tier === 4)!;
    expect(t4.score.points.map((p) => [p.exerciseId, p.value])).toEqual([
      ['ex-1', 55],
      ['ex-3', 40],
    ]);
  });

  it('has a cooperation series only for teams with cooperation figures, and shows them in the heat map', () => {
    expect(view.teams.every((t) => t.cooperation === null)).toBe(true);
    const withCoop = RESULTS.map((r) =>
      r.teamCode !== 'SG' || r.exerciseId === 'ex-2'
        ? r
        : { ...r, cooperation: coop(r.exerciseId === 'ex-1' ? 50 : 87.5) },
    );
    const v = capacityView(withCoop);
    const sg = v.teams.find((t) => t.teamCode === 'SG')!;
    expect(sg.cooperation!.points.map((p) => [p.exerciseId, p.value, p.change])).toEqual([
      ['ex-1', 50, 0],
      ['ex-2', null, null],
      ['ex-3', 87.5, 37.5],
    ]);
    expect(sg.cooperation!.change).toBe(37.5);
    expect(v.teams.find((t) => t.teamCode === 'MY')!.cooperation).toBeNull();
    expect(v.latest!.rows.map((r) => [r.teamCode, r.cooperation?.score ?? null])).toEqual([
      ['MY', null],
      ['SG', 87.5],
      ['LA', null],
    ]);
  });

  it("shows the latest drill's heat map, team × capability", () => {
    expect(view.latest?.exerciseId).toBe('ex-3');
    expect(view.latest?.rows.map((r) => [r.teamCode, ...r.cells.map((c) => c.score)])).toEqual([
      ['MY', 78, 91],
      ['SG', 90, 83],
      ['LA', 35, 50],
    ]);
  });

  it('filters by range, tier and capability', () => {
    const spring = capacityView(RESULTS, { from: '2026-01-01', to: '2026-08-19' });
    expect(spring.drills.map((d) => d.exerciseId)).toEqual(['ex-2', 'ex-3']);
    // The change counts from the first drill in range.
    expect(spring.teams.find((t) => t.teamCode === 'SG')!.score.change).toBe(11.5);
    expect(capacityView(RESULTS, { to: '2026-08-18' }).latest?.exerciseId).toBe('ex-2');
    const t4 = capacityView(RESULTS, { tier: 4, capability: 'Cybersecurity' });
    expect(t4.teams.map((t) => t.teamCode)).toEqual(['LA']);
    expect(t4.capabilities).toEqual(['Cybersecurity']);
    expect(t4.latest?.capabilities).toEqual(['Cybersecurity']);
    expect(t4.tiers.map((t) => t.tier)).toEqual([4]);
    expect(capacityView(RESULTS, { from: '2030-01-01' })).toMatchObject({ drills: [], teams: [], latest: null });
    expect(() => capacityView(RESULTS, { from: '2026-02-30' })).toThrow(RangeError);
  });

  it('names a CERT as in its latest drill, and a team without a tier goes in the tier-less group, last', () => {
    const renamed = [
      ...RESULTS,
      result('SG', 1, 2, 50, [], { exerciseId: 'ex-4', endedAt: '2026-09-01T00:00:00Z', teamName: 'CSA SingCERT' }),
      result('TO', null, 2, 30, [cap('Cybersecurity', 30, 'U')]),
    ];
    const v = capacityView(renamed);
    expect(v.teams.find((t) => t.teamCode === 'SG')!.teamName).toBe('CSA SingCERT');
    expect(v.teams.at(-1)!.teamCode).toBe('TO');
    expect(v.tiers.at(-1)).toMatchObject({ tier: null, teamCodes: ['TO'] });
    // ex-4 tested no capability: SG has a score point for it but no capability point.
    expect(v.teams.find((t) => t.teamCode === 'SG')!.score.points).toHaveLength(4);
    expect(v.teams.find((t) => t.teamCode === 'SG')!.capabilities[0]!.points).toHaveLength(3);
    expect(v.latest!.rows.map((r) => r.teamCode)).toEqual(['SG']);
  });
});

describe('series', () => {
  it('has no change with one valued point, and counts from the first valued one', () => {
    const d = DRILLS[0]!;
    expect(series([{ ...d, value: 40 }]).change).toBeNull();
    const s = series([
      { ...d, value: null },
      { ...d, value: 40 },
      { ...d, value: null },
      { ...d, value: 52.25 },
    ]);
    expect(s.points.map((p) => p.change)).toEqual([null, 0, null, 12.25]);
    expect([s.first, s.last, s.change]).toEqual([40, 52.25, 12.25]);
    expect(series([]).change).toBeNull();
  });
});

describe('sinceLastDrill', () => {
  it("compares a team's drill with its previous one, figures and sentence", () => {
    const la = RESULTS.filter((r) => r.teamCode === 'LA').map((r) =>
      r.exerciseId === 'ex-3' ? { ...r, medianTimeToReport: 26.5, handlingFaults: 2 } : r,
    );
    expect(sinceLastDrill(la, 'ex-1')).toBeNull();
    expect(sinceLastDrill(la, 'ex-9')).toBeNull();
    const s = sinceLastDrill(la, 'ex-3')!;
    expect(s.previous.exerciseId).toBe('ex-1');
    expect(s.score).toBe(-15);
    expect(s.capabilities).toEqual([
      { capability: 'Cybersecurity', change: -15 },
      { capability: 'Operational Coordination', change: -10 },
    ]);
    expect(s.medianTimeToAcknowledge).toBe(0);
    expect(s.medianTimeToReport).toBe(6.5);
    expect(s.handlingFaults).toBe(2);
    expect(s.text).toBe(
      'Since ACID 2025 (2025-08-20): score −15 points; Cybersecurity −15; Operational Coordination −10; ' +
        'median time to acknowledge ±0 min; median time to report +6.5 min; handling faults 0 → 2.',
    );
  });
});

describe('sinceLastDrill with cooperation', () => {
  it('adds the change of the cooperation score when both drills have one', () => {
    const sg = RESULTS.filter((r) => r.teamCode === 'SG').map((r) =>
      r.exerciseId === 'ex-1' ? r : { ...r, cooperation: coop(r.exerciseId === 'ex-2' ? 40 : 72.25) },
    );
    expect(sinceLastDrill(sg, 'ex-2')!.cooperation).toBeNull();
    expect(sinceLastDrill(sg, 'ex-2')!.text).not.toContain('cooperation');
    const s = sinceLastDrill(sg, 'ex-3')!;
    expect(s.cooperation).toBe(32.25);
    expect(s.text).toMatch(/; handling faults 0 → 0; cooperation \+32\.25 points\.$/);
  });
});

describe('figuresFromAar', () => {
  const aar = buildAar(syntheticAarInput({ teams: 3, injects: 12, seed: 5 }));

  it("takes each team's figures from the report, capabilities grouped over their objectives", () => {
    const faults = new Map([[aar.scorecards[0]!.teamId, 3]]);
    const figures = figuresFromAar(aar, faults);
    expect(figures).toHaveLength(3);
    for (const [i, f] of figures.entries()) {
      const card = aar.scorecards[i]!;
      expect(f).toMatchObject({
        exerciseId: aar.overview.exercise.id,
        endedAt: aar.overview.exercise.endedAt,
        teamCode: card.code,
        score: roundTo(card.percent!, 2),
        medianTimeToReport: roundTo(card.timeToReport!.median, 2),
        handlingFaults: i === 0 ? 3 : 0,
        cooperation: null,
      });
      const acks = card.injects.map((r) => r.timeToAcknowledge).filter((x): x is number => x !== null);
      expect(f.medianTimeToAcknowledge).toBe(roundTo(median(acks)!, 2));
      expect(f.capabilities.map((c) => c.capability)).toEqual([...new Set(aar.objectives.map((o) => o.capability))]);
      for (const c of f.capabilities) {
        const ratings = card.objectiveRatings.filter((r) => c.objectiveIds.includes(r.objectiveId));
        const means = ratings.map((r) => r.mean!);
        expect(c.score).toBe(roundTo((100 * means.reduce((a, b) => a + b, 0)) / means.length, 2));
        expect(c.rating).toBe(lowestRating(ratings.map((r) => r.rating)));
      }
    }
  });

  it("takes each team's cooperation from the report's section, the score as a percentage", () => {
    expect(figuresFromAar(aar).every((f) => f.cooperation === null)).toBe(true); // no section
    const [a, b, c] = aar.scorecards.map((t) => ({ teamId: t.teamId, code: t.code, name: t.name }));
    const req = (id: string, min: number, toFirst: number | null, fulfil: number | null): AssistanceRequestView => ({
      id,
      exerciseId: aar.overview.exercise.id,
      from: a!,
      to: b!,
      requestedBy: null,
      injectId: null,
      kind: 'block',
      text: 'block it',
      tlp: 'TLP:AMBER',
      iocs: [],
      scripted: false,
      status: fulfil === null ? 'accepted' : 'fulfilled',
      requestedAt: new Date(Date.UTC(2026, 0, 1, 0, min)).toISOString(),
      requestedScenarioTime: `T+00:${String(min).padStart(2, '0')}:00`,
      toFirstResponseMinutes: toFirst,
      toFulfilmentMinutes: fulfil,
      targets: { respondMinutes: 30, fulfilMinutes: 120 },
      responses: [],
    });
    const cooperation = aarCooperation({
      teams: aar.overview.teams,
      assistance: [req('r1', 1, 10.004, 40), req('r2', 2, 20, null)],
      cooperation: new Map([
        [
          b!.teamId,
          {
            score: 0.123456,
            asked: 2,
            sent: 0,
            answered: 2,
            fulfilled: 1,
            medianToFirstResponseMinutes: 15,
            medianToFulfilmentMinutes: 40,
            requests: [],
            explanation: 'fine',
          },
        ],
      ]),
      marking: 'TLP:AMBER',
    });
    const figures = figuresFromAar({ ...aar, cooperation });
    const of = (id: string) => figures.find((f) => f.teamId === id)!.cooperation;
    expect(of(b!.teamId)).toEqual({
      score: 12.35,
      asked: 2,
      sent: 0,
      answered: 2,
      fulfilled: 1,
      medianToFirstResponseMinutes: 15, // (10.004 + 20) / 2, rounded to two places
      medianToFulfilmentMinutes: 40,
    });
    // A asked but was asked nothing: figures without a score; C took no part: none.
    expect(of(a!.teamId)).toEqual({
      score: null,
      asked: 0,
      sent: 2,
      answered: 0,
      fulfilled: 0,
      medianToFirstResponseMinutes: null,
      medianToFulfilmentMinutes: null,
    });
    expect(of(c!.teamId)).toBeNull();
    expect(cooperationFigure(undefined)).toBeNull();
  });

  it('refuses a drill that has not ended', () => {
    const running = { ...aar, overview: { ...aar.overview, exercise: { ...aar.overview.exercise, endedAt: null } } };
    expect(() => figuresFromAar(running)).toThrow(/has not ended/);
  });

  it('rates a capability by its lowest objective', () => {
    expect(lowestRating(['P', 'M', 'S'])).toBe('M');
    expect(lowestRating([null, 'S'])).toBe('S');
    expect(lowestRating([])).toBeNull();
  });
});

// ─── the CSV carries exactly the JSON's figures ───

const figure = fc.option(
  fc.double({ min: -1000, max: 1000, noNaN: true }).map((x) => Math.round(x * 100) / 100),
  { nil: null, freq: 5 },
);
const rating = fc.option(fc.constantFrom(...RATINGS), { nil: null });
const capabilityName = fc.stringMatching(/^[A-Za-z][A-Za-z ,"'\n]{0,20}$/);

const results = fc
  .record({
    caps: fc.uniqueArray(capabilityName, { minLength: 1, maxLength: 3 }),
    teams: fc.uniqueArray(fc.stringMatching(/^[A-Z]{2}$/), { minLength: 1, maxLength: 4 }),
    drills: fc.integer({ min: 1, max: 4 }),
  })
  .chain(({ caps, teams, drills }) =>
    fc.array(
      fc.record({
        team: fc.constantFrom(...teams),
        drill: fc.integer({ min: 0, max: drills - 1 }),
        tier: fc.option(fc.constantFrom<TeamTier>(1, 2, 3, 4), { nil: null }),
        score: figure,
        cooperation: fc.option(figure, { nil: undefined }),
        caps: fc.subarray(caps).chain((cs) => fc.tuple(...cs.map((c) => fc.tuple(fc.constant(c), figure, rating)))),
      }),
      { maxLength: 12 },
    ),
  )
  .map((rows) => {
    const seen = new Set<string>();
    const tierOf = new Map<string, TeamTier | null>();
    return rows.flatMap((r) => {
      const key = `${r.team}/${r.drill}`;
      if (seen.has(key)) return [];
      seen.add(key);
      if (!tierOf.has(r.team)) tierOf.set(r.team, r.tier);
      return [
        result(
          r.team,
          tierOf.get(r.team)!,
          0,
          r.score,
          r.caps.map(([c, score, rt]) => cap(c, score, rt)),
          {
            exerciseId: `ex-${r.drill}`,
            exerciseName: `Drill, "${r.drill}"`,
            endedAt: new Date(Date.UTC(2026, 0, 1 + r.drill)).toISOString(),
            cooperation: r.cooperation === undefined ? null : coop(r.cooperation),
          },
        ),
      ];
    });
  });

/** Every point of the JSON, keyed as a CSV row names it. */
function jsonPoints(
  view: CapacityView,
): Map<string, { value: number | null; rating: string | null; change: number | null }> {
  const out = new Map<string, { value: number | null; rating: string | null; change: number | null }>();
  const add = (
    prefix: string,
    s: { points: { exerciseId: string; value: number | null; rating?: Rating | null; change: number | null }[] },
  ) => {
    for (const p of s.points)
      out.set(`${prefix}|${p.exerciseId}`, { value: p.value, rating: p.rating ?? null, change: p.change });
  };
  for (const t of view.teams) {
    add(`team|${t.teamCode}|score|`, t.score);
    for (const c of t.capabilities) add(`team|${t.teamCode}|capability|${c.capability}`, c);
    if (t.cooperation) add(`team|${t.teamCode}|cooperation|`, t.cooperation);
  }
  for (const t of view.tiers) {
    add(`tier|${t.tier ?? ''}|score|`, t.score);
    for (const c of t.capabilities) add(`tier|${t.tier ?? ''}|capability|${c.capability}`, c);
  }
  return out;
}

const num = (s: string) => (s === '' ? null : Number(s));

describe('renderCapacityCsv', () => {
  it('parses back to exactly the figures of the JSON, row for point (property)', () => {
    fc.assert(
      fc.property(results, (rs) => {
        const view = JSON.parse(JSON.stringify(capacityView(rs))) as CapacityView; // as the API sends it
        const rows = parse(renderCapacityCsv(view), { columns: true, relax_quotes: false }) as Record<string, string>[];
        const expected = jsonPoints(view);
        expect(rows).toHaveLength(expected.size);
        for (const row of rows) {
          expect(Object.keys(row)).toEqual([...CAPACITY_CSV_COLUMNS]);
          const who = row.series === 'team' ? row.team_code : row.tier;
          const key = `${row.series}|${who}|${row.measure}|${row.capability}|${row.exercise_id}`;
          expect({ value: num(row.value!), rating: row.rating || null, change: num(row.change_since_first!) }).toEqual(
            expected.get(key),
          );
          const drill = view.drills.find((d) => d.exerciseId === row.exercise_id)!;
          expect([row.exercise_name, row.ended_at]).toEqual([drill.exerciseName, drill.endedAt]);
        }
      }),
      { numRuns: 150 },
    );
  });

  it('quotes names with commas, quotes and line breaks, and ends lines with CRLF', () => {
    const csv = renderCapacityCsv(capacityView([result('SG', 1, 0, 70, [cap('Detection, "triage"', 60.5, 'S')])]));
    expect(csv.split('\r\n')[0]).toBe(CAPACITY_CSV_COLUMNS.join(','));
    expect(csv).toContain(
      'team,1,SG,SG CERT,capability,"Detection, ""triage""",ex-1,ACID 2025,2025-08-20T09:00:00.000Z,60.5,S,0',
    );
    expect(csv.endsWith('\r\n')).toBe(true);
  });
});
