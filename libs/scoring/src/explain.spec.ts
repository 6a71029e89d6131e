import { describe, expect, it } from '@jest/globals';
import { DEFAULT_SCORING_CONFIG } from './config.js';
import { explainInjectScore, explainRating, explainTimeliness, fmt } from './explain.js';
import { timeliness } from './timeliness.js';
import { HANDLING_COSTS } from './handling.js';
import { scoreTeamInject } from './inject-score.js';
import type { ScoringInject, ScoringReport } from './model.js';

const inject: ScoringInject = {
  id: 'INJ-7',
  responseRequired: true,
  targetMinutes: 30,
  deadlineMinutes: 60,
  tlp: 'TLP:AMBER',
  answerKey: {
    iocs: [
      { type: 'ip-dst', value: '203.0.113.5', original: '203.0.113[.]5', weight: 1, critical: true },
      { type: 'domain', value: 'evil.example', weight: 1, critical: false },
    ],
    decoys: [{ type: 'domain', value: 'decoy.example' }],
    classification: { class: 'malicious-code', type: 'infected-system' },
    severity: 'high',
    actions: [
      { code: 'ISOLATE', keywords: ['isolat'], weight: 1 },
      { code: 'BLOCK', keywords: ['block'], weight: 1 },
    ],
    recipients: ['control', 'TEAM-B'],
    maxTlp: 'TLP:AMBER',
  },
};

const base = { kind: 'notification' as const, tlp: 'TLP:AMBER' as const, recipients: { teams: [] as string[] } };
const reports: ScoringReport[] = [
  { ...base, id: 'ack', kind: 'acknowledgement', atScenarioMin: 102 },
  {
    ...base,
    id: 'n1',
    atScenarioMin: 145,
    tlp: 'TLP:GREEN',
    recipients: { teams: ['TEAM-B'] },
    iocs: [
      { type: 'hostname', value: 'evil.example' },
      { type: 'domain', value: 'decoy.example' },
      { type: 'md5', value: 'c'.repeat(32) },
    ],
    classification: { class: 'malicious-code', type: 'c2-server' },
    severity: 'medium',
    actions: [{ text: 'Isolated the host' }],
  },
  { ...base, id: 'late', atScenarioMin: 170, severity: 'high' },
];

describe('explainInjectScore', () => {
  // Worked by hand: T = 1 − 0.8·15/30 = 0.6.
  // IOCs R = .5, P = 1/(1+1) = .5, F2 = 1.25/2.5 = .5 (equal to the cap, so not "capped"); classification .5;
  // severity 1 − 1/3; actions .5; recipients 2/2 halved for GREEN = .5; structure 4/8.
  // C = .35·.5 + .15·.5 + .05·(2/3) + .2·.5 + .15·.5 + .1·.5 = 0.508333…; score = .3·.6 + .7·C = 0.535833…
  const C = 0.35 * 0.5 + 0.15 * 0.5 + 0.05 * (2 / 3) + 0.2 * 0.5 + 0.15 * 0.5 + 0.1 * 0.5;
  // n1 is GREEN where AMBER is the most allowed, and carries the decoy: two handling faults scale the whole score.
  const factor = Math.max(0, 1 - HANDLING_COSTS.looserTlp - HANDLING_COSTS.decoyShared);

  it('renders every reason', () => {
    const s = scoreTeamInject({
      teamId: 'TEAM-A',
      inject,
      releasedAtScenarioMin: 100,
      reports,
      config: DEFAULT_SCORING_CONFIG,
    });
    expect(s.final.score).toBeCloseTo((0.3 * 0.6 + 0.7 * C) * factor, 12);
    expect(s.handling.faults.map((f) => [f.kind, f.reportId])).toEqual([
      ['looser-tlp', 'n1'],
      ['decoy-shared', 'n1'],
    ]);
    const e = explainInjectScore(s);
    expect(e.times).toBe('acknowledged after 2 min (report ack); first report n1 after 45 min');
    expect(e.timeliness).toBe(
      'first report after 45 min, between the 30 min target and the 60 min deadline: T = 1 − (1 − 0.2)·(45 − 30)/(60 − 30) = 0.6',
    );
    expect(e.components).toEqual({
      iocs:
        'matched 1/2 expected IOCs (domain evil.example as hostname from n1); missed ip-dst 203.0.113[.]5 [critical]; ' +
        'decoys reported: domain decoy.example in n1; 1 other IOC reported (not held against precision); R = 0.5, P = 0.5, F2 = 5PR/(4P+R) = 0.5',
      classification:
        'given malicious-code/c2-server in n1, expected malicious-code/infected-system: right class, wrong type, 0.5',
      severity: 'given medium in n1, expected high: 1 − 1/3 = 0.667',
      actions: 'matched 1/2 expected actions (ISOLATE by keyword "isolat" in n1); missed BLOCK; weighted recall 0.5',
      recipients:
        'reached 2/2 expected recipients (control via n1, TEAM-B via n1); halved: n1 used TLP:GREEN, looser than TLP:AMBER; score 0.5',
      structure: '4/8 fields filled; missing determination, affectedAssets, timeline, recommendations',
    });
    expect(e.completeness).toBe(
      'C = iocs 0.35×0.5 + classification 0.15×0.5 + severity 0.05×0.667 + actions 0.2×0.5 + recipients 0.15×0.5 + structure 0.1×0.5 = 0.508; ' +
        'from 1 report (n1); after the deadline, not counted: late',
    );
    expect(e.override).toBeUndefined();
    expect(e.handling).toBe(
      `handling faults: looser TLP (TLP:GREEN is looser than TLP:AMBER, in n1) −${fmt(HANDLING_COSTS.looserTlp)}, ` +
        `decoy shared (decoy domain decoy.example shared as an indicator, in n1) −${fmt(HANDLING_COSTS.decoyShared)}; score × ${fmt(factor)}`,
    );
    expect(e.final).toBe(
      `score = (0.3·T + 0.7·C)·${fmt(factor)} = (0.3·0.6 + 0.7·0.508)·${fmt(factor)} = ${fmt((0.3 * 0.6 + 0.7 * C) * factor)}`,
    );
  });

  it('shows an override beside the automatic figure', () => {
    const s = scoreTeamInject({
      inject,
      releasedAtScenarioMin: 100,
      reports,
      config: DEFAULT_SCORING_CONFIG,
      override: { completeness: 0.7, justification: 'shared the IP by phone', by: 'e1', at: '2025-01-01T10:00:00Z' },
    });
    const e = explainInjectScore(s);
    expect(e.override).toBe('evaluator e1 at 2025-01-01T10:00:00Z: C 0.508 → 0.7 — shared the IP by phone');
    // (.3·.6 + .7·.7)·factor = .67·factor: the evaluator overrides C, not the handling faults.
    expect(e.final).toBe(
      `score = (0.3·T + 0.7·C)·${fmt(factor)} = (0.3·0.6 + 0.7·0.7)·${fmt(factor)} = ${fmt((0.3 * 0.6 + 0.7 * 0.7) * factor)} (automatic ${fmt((0.3 * 0.6 + 0.7 * C) * factor)})`,
    );
  });

  it('explains an empty response and left-out components', () => {
    const bare: ScoringInject = { id: 'X', responseRequired: true, tlp: 'TLP:CLEAR' };
    const e = explainInjectScore(
      scoreTeamInject({ inject: bare, releasedAtScenarioMin: 0, reports: [], config: DEFAULT_SCORING_CONFIG }),
    );
    expect(e.times).toBe('not acknowledged; no report');
    expect(e.timeliness).toBe('no report on this inject: T = 0');
    expect(e.completeness).toBe(
      'C = structure 1×0 = 0; no report counted; left out (not in the answer key): iocs, classification, severity, actions, recipients, weights rescaled',
    );
  });
});

describe('explainRating', () => {
  const t = DEFAULT_SCORING_CONFIG.ratingThresholds;
  it('gives the mean, the thresholds and any evaluator rating', () => {
    expect(explainRating({ mean: 0.72, autoMean: 0.7, scored: 4, computedRating: 'S', rating: 'S' }, t)).toBe(
      'mean inject score 0.72 over 4 → S (P ≥ 0.85, S ≥ 0.65, M ≥ 0.4); 0.7 before evaluator score overrides',
    );
    expect(
      explainRating(
        {
          mean: 0.9,
          autoMean: 0.9,
          scored: 2,
          computedRating: 'P',
          rating: 'M',
          override: { objectiveId: 'O', rating: 'M', justification: 'only with heavy HiCON help', by: 'e2', at: 'T' },
        },
        t,
      ),
    ).toBe(
      'mean inject score 0.9 over 2 → P (P ≥ 0.85, S ≥ 0.65, M ≥ 0.4); rated M by evaluator e2 at T — only with heavy HiCON help',
    );
    expect(explainRating({ mean: null, autoMean: null, scored: 0, computedRating: null, rating: null }, t)).toBe(
      'no scored inject: not rated',
    );
  });
  it('rounds for display only', () => {
    expect(fmt(2 / 3)).toBe('0.667');
    expect(fmt(45)).toBe('45');
  });
});

describe('explainTimeliness', () => {
  it.each([
    [5, undefined, undefined, 'the inject sets no target or deadline: T = 1'],
    [25, 10, 20, 'past the 20 min deadline: T = 0'],
    [15, 10, undefined, 'past the 10 min target with no deadline: T = 0.2'],
    [5, 10, 20, 'within the 10 min target: T = 1'],
  ] as const)('reported after %s min (target %s, deadline %s)', (at, target, deadline, says) => {
    expect(explainTimeliness(timeliness(at, target, deadline, 0.2))).toContain(says);
  });
});
