import { ValidationFailed } from '@drill/contracts';
import { describe, expect, it } from '@jest/globals';
import { DEFAULT_SCORING_CONFIG, resolveScoringConfig } from './config.js';
import { isBareAcknowledgement, scoreTeamInject } from './inject-score.js';
import type { ScoringInject, ScoringReport } from './model.js';
import { timeliness } from './timeliness.js';

describe('timeliness', () => {
  // target 30, deadline 90, floor 0.2: T = 1 − 0.8·(t − 30)/60 in between
  it.each([
    { t: undefined, T: 0, rule: 'no-report' },
    { t: 0, T: 1, rule: 'on-target' },
    { t: 30, T: 1, rule: 'on-target' },
    { t: 45, T: 1 - (0.8 * 15) / 60, rule: 'linear' },
    { t: 60, T: 1 - (0.8 * 30) / 60, rule: 'linear' },
    { t: 90, T: 0.2, rule: 'linear' },
    { t: 90.01, T: 0, rule: 'after-deadline' },
    { t: -2, T: 1, rule: 'on-target' },
  ])('target 30 / deadline 90, reported at $t → $T', ({ t, T, rule }) => {
    const r = timeliness(t, 30, 90, 0.2);
    expect(r.value).toBeCloseTo(T, 12);
    expect(r.rule).toBe(rule);
  });

  it.each([
    { name: 'no bounds, reported', t: 500, target: undefined, deadline: undefined, T: 1 },
    { name: 'deadline only, on the deadline', t: 60, target: undefined, deadline: 60, T: 1 },
    { name: 'deadline only, after it', t: 61, target: undefined, deadline: 60, T: 0 },
    { name: 'target only, after it: floor', t: 45, target: 30, deadline: undefined, T: 0.2 },
    { name: 'target = deadline, on it', t: 60, target: 60, deadline: 60, T: 1 },
    { name: 'target past the deadline is clipped', t: 50, target: 90, deadline: 60, T: 1 },
  ])('$name', ({ t, target, deadline, T }) => {
    expect(timeliness(t, target, deadline, 0.2).value).toBeCloseTo(T, 12);
  });

  it('uses the configured floor', () => {
    // floor 0: T = 1 − 1·(75 − 30)/60
    expect(timeliness(75, 30, 90, 0).value).toBeCloseTo(1 - 45 / 60, 12);
  });
});

let seq = 0;
function rep(p: Partial<ScoringReport> = {}): ScoringReport {
  seq += 1;
  return { id: `r${seq}`, kind: 'notification', atScenarioMin: 0, tlp: 'TLP:AMBER', recipients: { teams: [] }, ...p };
}

// Released at scenario minute 100; target 30, deadline 60 → T falls from 1 at 130 to 0.2 at 160.
const inject: ScoringInject = {
  id: 'INJ-1',
  responseRequired: true,
  targetMinutes: 30,
  deadlineMinutes: 60,
  tlp: 'TLP:AMBER',
  answerKey: {
    iocs: [
      { type: 'ip-dst', value: '203.0.113.5', weight: 1, critical: true },
      { type: 'domain', value: 'evil.example', weight: 1, critical: false },
    ],
    decoys: [],
    classification: { class: 'malicious-code', type: 'infected-system' },
    actions: [],
    recipients: [],
  },
};
// Defined components: iocs .35, classification .15, structure .10 → total .60
const C = (iocs: number, cls: number, structure: number): number => (0.35 * iocs + 0.15 * cls + 0.1 * structure) / 0.6;
const config = DEFAULT_SCORING_CONFIG;

const goodContent = {
  classification: { class: 'malicious-code', type: 'infected-system' },
  iocs: [
    { type: 'ip-dst', value: '203.0.113.5' },
    { type: 'domain', value: 'evil.example' },
  ],
} as const;

describe('scoreTeamInject', () => {
  it('no report: T = 0, C = 0, score 0, no times', () => {
    const s = scoreTeamInject({ inject, releasedAtScenarioMin: 100, reports: [], config });
    expect(s.times).toEqual({});
    expect(s.final).toEqual({ timeliness: 0, completeness: 0, score: 0 });
    expect(s.timeliness.rule).toBe('no-report');
  });

  it('a bare acknowledgement is an acknowledgement, not a report', () => {
    const ack = rep({ id: 'ack', kind: 'acknowledgement', atScenarioMin: 103, recipients: { teams: 'all' } });
    expect(isBareAcknowledgement(ack)).toBe(true);
    const s = scoreTeamInject({ inject, releasedAtScenarioMin: 100, reports: [ack], config });
    expect(s.times).toEqual({ toAcknowledge: 3, acknowledgedBy: { via: 'report', reportId: 'ack' } });
    expect(s.final.score).toBe(0);
    expect(s.completeness.reportsCounted).toEqual([]);
  });

  it('takes the earlier of inject.ack and an acknowledgement report', () => {
    const ack = rep({ id: 'ack', kind: 'acknowledgement', atScenarioMin: 103 });
    const viaEvent = scoreTeamInject({
      inject,
      releasedAtScenarioMin: 100,
      ackAtScenarioMin: 101.5,
      reports: [ack],
      config,
    });
    expect(viaEvent.times).toMatchObject({ toAcknowledge: 1.5, acknowledgedBy: { via: 'inject.ack' } });
    const viaReport = scoreTeamInject({
      inject,
      releasedAtScenarioMin: 100,
      ackAtScenarioMin: 104,
      reports: [ack],
      config,
    });
    expect(viaReport.times).toMatchObject({ toAcknowledge: 3, acknowledgedBy: { via: 'report', reportId: 'ack' } });
  });

  it('an acknowledgement with content also counts as the first report', () => {
    const r = rep({ id: 'rich-ack', kind: 'acknowledgement', atScenarioMin: 110, ...goodContent });
    const s = scoreTeamInject({ inject, releasedAtScenarioMin: 100, reports: [r], config });
    expect(s.times).toEqual({
      toAcknowledge: 10,
      acknowledgedBy: { via: 'report', reportId: 'rich-ack' },
      toReport: 10,
      firstReportId: 'rich-ack',
    });
    expect(s.final.timeliness).toBe(1);
    // iocs all (F2 1), classification exact, structure 2/8
    expect(s.final.completeness).toBeCloseTo(C(1, 1, 2 / 8), 12);
  });

  it('linear timeliness, later reports by the deadline add to C, reports after it do not', () => {
    const first = rep({ id: 'first', atScenarioMin: 145, iocs: [{ type: 'domain', value: 'evil.example' }] });
    const update = rep({
      id: 'update',
      kind: 'update',
      atScenarioMin: 160,
      classification: { class: 'malicious-code', type: 'c2-server' },
    });
    const late = rep({ id: 'late', kind: 'final', atScenarioMin: 161, ...goodContent });
    // Given out of order on purpose.
    const s = scoreTeamInject({ inject, releasedAtScenarioMin: 100, reports: [late, update, first], config });
    expect(s.times).toMatchObject({ toReport: 45, firstReportId: 'first' });
    const T = 1 - (0.8 * (45 - 30)) / (60 - 30);
    expect(s.timeliness.value).toBeCloseTo(T, 12);
    // IOCs: domain only (critical IP missed) → R = .5, P = 1, F2 = 2.5/4.5 = .5556 → capped .5
    // classification class only .5; structure: iocs, classification = 2/8
    const c = C(0.5, 0.5, 2 / 8);
    expect(s.completeness.value).toBeCloseTo(c, 12);
    expect(s.completeness.components.iocs.capped).toBe(true);
    expect(s.completeness.reportsCounted).toEqual(['first', 'update']);
    expect(s.completeness.reportsAfterDeadline).toEqual(['late']);
    expect(s.auto.score).toBeCloseTo(0.3 * T + 0.7 * c, 12);
    expect(s.final).toEqual(s.auto);
  });

  it('only a report after the deadline: time recorded, T = 0, C = 0', () => {
    const s = scoreTeamInject({
      inject,
      releasedAtScenarioMin: 100,
      reports: [rep({ id: 'late', atScenarioMin: 175, ...goodContent })],
      config,
    });
    expect(s.times).toEqual({ toReport: 75, firstReportId: 'late' });
    expect(s.final).toEqual({ timeliness: 0, completeness: 0, score: 0 });
    expect(s.timeliness.rule).toBe('after-deadline');
  });

  it('without a deadline every report counts and any report is on time', () => {
    const open: ScoringInject = { ...inject, targetMinutes: undefined, deadlineMinutes: undefined };
    const s = scoreTeamInject({
      inject: open,
      releasedAtScenarioMin: 100,
      reports: [rep({ atScenarioMin: 600, ...goodContent })],
      config,
    });
    expect(s.final.timeliness).toBe(1);
    expect(s.final.completeness).toBeCloseTo(C(1, 1, 2 / 8), 12);
    expect(s.final.score).toBeCloseTo(0.3 + 0.7 * C(1, 1, 2 / 8), 12);
  });

  it('uses the scenario timeliness weight', () => {
    const cfg = resolveScoringConfig({ timelinessWeight: 0.5 });
    const s = scoreTeamInject({
      inject,
      releasedAtScenarioMin: 100,
      reports: [rep({ atScenarioMin: 120, ...goodContent })],
      config: cfg,
    });
    expect(s.final.score).toBeCloseTo(0.5 * 1 + 0.5 * C(1, 1, 2 / 8), 12);
  });

  it('evaluator overrides replace T and/or C in the final figure and keep the automatic one', () => {
    const reports = [rep({ atScenarioMin: 145, iocs: [{ type: 'domain', value: 'evil.example' }] })];
    const T = 1 - (0.8 * 15) / 30;
    const c = C(0.5, 0, 1 / 8);
    const base = { inject, releasedAtScenarioMin: 100, reports, config };
    const who = { justification: 'phoned in the IP at +20, ISM was down', by: 'eval-1', at: '2025-01-01T10:00:00Z' };

    const tOnly = scoreTeamInject({ ...base, override: { timeliness: 0.9, ...who } });
    expect(tOnly.auto.score).toBeCloseTo(0.3 * T + 0.7 * c, 12);
    expect(tOnly.final.timeliness).toBe(0.9);
    expect(tOnly.final.completeness).toBeCloseTo(c, 12);
    expect(tOnly.final.score).toBeCloseTo(0.3 * 0.9 + 0.7 * c, 12);
    expect(tOnly.override?.justification).toBe(who.justification);

    const both = scoreTeamInject({ ...base, override: { timeliness: 1, completeness: 0.8, ...who } });
    expect(both.final.score).toBeCloseTo(0.3 + 0.7 * 0.8, 12);
    expect(both.auto.timeliness).toBeCloseTo(T, 12);
  });

  it.each([
    { name: 'out of range', o: { timeliness: 1.2, justification: 'x', by: 'e', at: 't' }, path: '/timeliness' },
    { name: 'negative', o: { completeness: -0.1, justification: 'x', by: 'e', at: 't' }, path: '/completeness' },
    {
      name: 'no justification',
      o: { completeness: 0.5, justification: '  ', by: 'e', at: 't' },
      path: '/justification',
    },
    { name: 'nothing overridden', o: { justification: 'x', by: 'e', at: 't' }, path: '/timeliness' },
  ])('rejects an override: $name', ({ o, path }) => {
    let err: unknown;
    try {
      scoreTeamInject({ inject, releasedAtScenarioMin: 0, reports: [], config, override: o });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ValidationFailed);
    expect((err as ValidationFailed).details?.map((d) => d.path)).toContain(path);
  });
});
