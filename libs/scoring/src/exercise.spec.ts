import { ValidationFailed } from '@drill/contracts';
import { describe, expect, it } from '@jest/globals';
import { DEFAULT_SCORING_CONFIG } from './config.js';
import { scoreExercise } from './exercise.js';
import type { ExerciseScoringInput, ScoringReport } from './model.js';

type Report = ExerciseScoringInput['reports'][number];
function rep(
  p: Partial<ScoringReport> & { id: string; teamId: string | null; injectIds: string[]; atScenarioMin: number },
): Report {
  return { kind: 'notification', tlp: 'TLP:AMBER', recipients: { teams: [] }, ...p };
}

const who = { justification: 'reviewed the phone log', by: 'eval-1', at: '2025-01-01T12:00:00Z' };

const input: ExerciseScoringInput = {
  teams: ['T1', 'T2'],
  injects: [
    {
      id: 'A',
      responseRequired: true,
      targetMinutes: 30,
      deadlineMinutes: 60,
      tlp: 'TLP:AMBER',
      answerKey: {
        iocs: [{ type: 'domain', value: 'evil.example', weight: 1, critical: false }],
        decoys: [],
        actions: [],
        recipients: ['control', 'T2'],
      },
    },
    { id: 'B', responseRequired: true, tlp: 'TLP:GREEN' },
    { id: 'INFO', responseRequired: false, tlp: 'TLP:CLEAR' },
  ],
  releases: [
    { teamId: 'T1', injectId: 'A', releasedAtScenarioMin: 10, ackAtScenarioMin: 12 },
    { teamId: 'T1', injectId: 'B', releasedAtScenarioMin: 20 },
    { teamId: 'T1', injectId: 'INFO', releasedAtScenarioMin: 0 },
    { teamId: 'T2', injectId: 'A', releasedAtScenarioMin: 10 },
  ],
  reports: [
    rep({
      id: 'r1',
      teamId: 'T1',
      injectIds: ['A', 'B', 'A'],
      atScenarioMin: 25,
      iocs: [{ type: 'hostname', value: 'evil.example' }],
      actions: [{ text: 'blocked it' }],
      recipients: { teams: ['T2'] },
    }),
    rep({
      id: 'r2',
      teamId: 'T2',
      injectIds: ['A'],
      atScenarioMin: 80,
      iocs: [{ type: 'domain', value: 'evil.example' }],
    }),
    rep({
      id: 'r3',
      teamId: null,
      injectIds: ['A'],
      atScenarioMin: 11,
      iocs: [{ type: 'domain', value: 'evil.example' }],
    }),
    rep({ id: 'r4', teamId: 'T2', injectIds: ['B'], atScenarioMin: 30, recommendations: ['patch'] }),
    rep({ id: 'r5', teamId: 'T1', injectIds: ['INFO'], atScenarioMin: 5 }),
  ],
  objectives: [{ id: 'OBJ', capability: 'Cyber Incident Handling', injects: ['A', 'B'] }],
  scoreOverrides: [
    { teamId: 'T2', injectId: 'A', completeness: 0.5, ...who },
    { teamId: 'T2', injectId: 'B', timeliness: 1, ...who },
  ],
  config: DEFAULT_SCORING_CONFIG,
};

describe('scoreExercise', () => {
  const out = scoreExercise(input);
  const t1 = out.teams.find((t) => t.teamId === 'T1')!;
  const t2 = out.teams.find((t) => t.teamId === 'T2')!;

  // T1/A: reported 15 min after release → T = 1. IOCs F2 = 1; recipients control + T2 = 1; structure iocs + actions 2/8.
  // Defined: iocs .35, recipients .15, structure .10 → total .60.
  const cA1 = (0.35 * 1 + 0.15 * 1 + 0.1 * (2 / 8)) / 0.6;
  const sA1 = 0.3 * 1 + 0.7 * cA1;
  // T1/B: no answer key → C = structure 2/8; no target or deadline → T = 1.
  const sB1 = 0.3 * 1 + 0.7 * (2 / 8);
  // T2/A: reported 70 min after release, past the 60 min deadline → auto 0; evaluator sets C = .5.
  const sA2 = 0.3 * 0 + 0.7 * 0.5;

  it('scores only the required injects released to each team, with reports indexed by (team, inject)', () => {
    expect(t1.injects.map((i) => i.injectId)).toEqual(['A', 'B']);
    expect(t2.injects.map((i) => i.injectId)).toEqual(['A']);
    const a1 = t1.injects[0]!;
    expect(a1.times).toEqual({
      toAcknowledge: 2,
      acknowledgedBy: { via: 'inject.ack' },
      toReport: 15,
      firstReportId: 'r1',
    });
    expect(a1.completeness.reportsCounted).toEqual(['r1']); // control's r3 is not T1's
    expect(a1.final.score).toBeCloseTo(sA1, 12);
    expect(t1.injects[1]!.final.score).toBeCloseTo(sB1, 12);
  });

  it('applies overrides and reports those that name nothing scored', () => {
    const a2 = t2.injects[0]!;
    expect(a2.auto).toEqual({ timeliness: 0, completeness: 0, score: 0 });
    expect(a2.completeness.reportsAfterDeadline).toEqual(['r2']);
    expect(a2.final.score).toBeCloseTo(sA2, 12);
    expect(a2.override).toEqual({ completeness: 0.5, ...who });
    expect(out.unusedScoreOverrides).toEqual([{ teamId: 'T2', injectId: 'B', timeliness: 1, ...who }]);
  });

  it('totals teams and rates objectives', () => {
    expect(t1.percent).toBeCloseTo((100 * (sA1 + sB1)) / 2, 10);
    expect(t2.percent).toBeCloseTo(100 * sA2, 10);
    expect(t2.autoPercent).toBe(0);
    const o = out.objectives[0]!;
    expect(o.scored).toBe(3);
    expect(o.mean).toBeCloseTo((sA1 + sB1 + sA2) / 3, 12);
    // (0.9125 + 0.475 + 0.35)/3 ≈ 0.579 → M
    expect(o.rating).toBe('M');
  });

  it('refuses a release of an unknown inject', () => {
    expect(() =>
      scoreExercise({ ...input, releases: [{ teamId: 'T1', injectId: 'NOPE', releasedAtScenarioMin: 0 }] }),
    ).toThrow(ValidationFailed);
  });
});
