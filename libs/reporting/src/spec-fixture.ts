import { DEFAULT_SCORING_CONFIG, scoreExercise, type ExerciseScoringInput, type ScoringInject } from '@drill/scoring';
import type { AarInput, AarInputReport } from './model.js';

// A small drill for the unit specs, small enough to work every figure out by hand:
// teams A, B, C; I-1 needs a response (target 10 min, deadline 20 min) and expects two IOCs (one critical) and one
// action; I-2 needs no response. Everything is released at scenario minute 1 (I-1) and 2 (I-2).
//   A reports on I-1 at minute 5 (4 min after release) with both IOCs and the action, shared with B.
//   B reports on I-1 at minute 11 (10 min after release) with the non-critical IOC only, no action, to all teams.
//   C never reports on I-1; C sends one report on I-2 at minute 5 (3 min after release) to drill control only.

export const T0 = Date.parse('2026-11-25T01:00:00.000Z');
const MIN = 60_000;
export const at = (scenarioMin: number) => new Date(T0 + scenarioMin * MIN).toISOString();

export const I1: ScoringInject = {
  id: 'I-1',
  responseRequired: true,
  targetMinutes: 10,
  deadlineMinutes: 20,
  tlp: 'TLP:AMBER',
  answerKey: {
    iocs: [
      { type: 'ip-dst', value: '203.0.113.7', weight: 2, critical: true },
      { type: 'domain', value: 'evil.example', weight: 1, critical: false },
    ],
    decoys: [],
    actions: [{ code: 'ISOLATE', description: 'Isolate the servers', keywords: ['isolate'], weight: 1 }],
    recipients: ['control'],
  },
};
export const I2: ScoringInject = { id: 'I-2', responseRequired: false, tlp: 'TLP:GREEN' };

type Rep = AarInputReport & ExerciseScoringInput['reports'][number];
const rep = (p: Omit<Rep, 'atScenarioMin' | 'submittedAt'> & { min: number }): Rep => {
  const { min, ...rest } = p;
  return { ...rest, atScenarioMin: min, submittedAt: at(min), submittedScenarioMs: min * MIN };
};

export const REPORTS: Rep[] = [
  rep({
    id: 'rA',
    teamId: 'tA',
    kind: 'notification',
    title: 'Ransomware at the hospital',
    injectIds: ['I-1'],
    tlp: 'TLP:AMBER',
    recipients: { teams: ['tB'] },
    min: 5,
    submittedScenarioMs: 5 * MIN,
    iocs: [
      { type: 'ip-dst', value: '203.0.113.7' },
      { type: 'domain', value: 'evil.example' },
    ],
    actions: [{ code: 'ISOLATE', text: 'isolated the servers' }],
  }),
  rep({
    id: 'rB',
    teamId: 'tB',
    kind: 'early-warning',
    title: 'Early warning',
    injectIds: ['I-1'],
    tlp: 'TLP:GREEN',
    recipients: { teams: 'all' },
    min: 11,
    submittedScenarioMs: 11 * MIN,
    iocs: [{ type: 'domain', value: 'evil.example' }],
  }),
  rep({
    id: 'rC',
    teamId: 'tC',
    kind: 'update',
    title: 'Status',
    injectIds: ['I-2'],
    tlp: 'TLP:CLEAR',
    recipients: { teams: [] },
    min: 5,
    submittedScenarioMs: 5 * MIN,
  }),
];

export function fixtureInput(over: Partial<AarInput> = {}): AarInput {
  const teams = [
    { id: 'tA', code: 'A', name: 'Alpha CERT' },
    { id: 'tB', code: 'B', name: 'Bravo CERT' },
    { id: 'tC', code: 'C', name: 'Charlie CERT' },
  ];
  const deliveries = teams.flatMap((t) => [
    {
      teamId: t.id,
      injectId: 'I-1',
      status: 'released',
      releasedAt: at(1),
      releasedScenarioMs: 1 * MIN,
      acknowledgedAt: t.id === 'tA' ? at(2) : null,
      acknowledgedScenarioMs: t.id === 'tA' ? 2 * MIN : null,
    },
    { teamId: t.id, injectId: 'I-2', status: 'released', releasedAt: at(2), releasedScenarioMs: 2 * MIN },
  ]);
  const objectives = [
    { id: 'OBJ-1', capability: 'Operational Communications', description: 'Report in time.', injects: ['I-1'] },
  ];
  const scores = scoreExercise({
    injects: [I1, I2],
    teams: teams.map((t) => t.id),
    releases: deliveries.map((d) => ({
      teamId: d.teamId,
      injectId: d.injectId,
      releasedAtScenarioMin: d.releasedScenarioMs / MIN,
      ...(d.acknowledgedScenarioMs ? { ackAtScenarioMin: d.acknowledgedScenarioMs / MIN } : {}),
    })),
    reports: REPORTS,
    objectives,
    scoreOverrides: [
      { teamId: 'tC', injectId: 'I-1', completeness: 0.5, justification: 'Phoned it in', by: 'u-eva', at: at(30) },
    ],
    config: DEFAULT_SCORING_CONFIG,
  });
  return {
    exercise: {
      id: 'ex-1',
      name: 'Drill <One>',
      status: 'completed',
      speed: 60,
      startedAt: at(0),
      endedAt: at(30),
      scenarioMsAtEnd: 30 * MIN,
    },
    scenario: {
      id: 'fixture-drill',
      version: 2,
      title: 'Fixture drill',
      summary: 'A **small** drill.',
      plannedDurationMinutes: 30,
      objectives,
      phases: [{ id: 'P1', title: 'Detection' }],
      injects: [
        {
          id: 'I-1',
          offset: '+00:01',
          title: 'Ransomware note',
          severity: 'high',
          tlp: 'TLP:AMBER',
          responseRequired: true,
          targetMinutes: 10,
          deadlineMinutes: 20,
        },
        {
          id: 'I-2',
          offset: '+00:02',
          title: 'Closing call',
          severity: 'low',
          tlp: 'TLP:GREEN',
          responseRequired: false,
        },
      ],
    },
    teams,
    deliveries,
    reports: REPORTS,
    events: [{ at: at(0), action: 'exercise.start', actor: 'Ctl', actorRole: 'controller' }],
    scores,
    method: {
      timelinessWeight: 0.3,
      ratingThresholds: DEFAULT_SCORING_CONFIG.ratingThresholds,
      weights: DEFAULT_SCORING_CONFIG.weights,
    },
    notes: [
      { id: 'n2', objectiveId: 'OBJ-1', kind: 'improvement', text: 'C did not report', author: 'Eva', at: at(40) },
      { id: 'n1', objectiveId: 'OBJ-1', kind: 'strength', text: 'A was fast', author: 'Eva', at: at(35) },
      { id: 'n0', objectiveId: 'OBJ-1', kind: 'strength', text: 'B warned everyone', author: 'Eva', at: at(33) },
    ],
    plan: [
      {
        id: 'p2',
        capability: 'Operational Communications',
        issue: 'Late',
        correctiveAction: 'Train',
        capabilityElement: 'training',
        responsibleTeamId: 'tC',
        dueDate: '2027-03-01',
      },
      {
        id: 'p1',
        capability: 'Operational Communications',
        issue: 'No POC',
        correctiveAction: 'Plan',
        capabilityElement: 'planning',
        organisation: 'Drill control',
        dueDate: '2027-01-15',
      },
    ],
    state: { status: 'draft' },
    userNames: { 'u-eva': 'Eva Luator' },
    generatedAt: at(60),
    ...over,
  };
}
