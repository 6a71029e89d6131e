import { describe, expect, it } from '@jest/globals';
import type { TlpLabel } from '@drill/contracts';
import { DEFAULT_SCORING_CONFIG } from './config.js';
import { explainHandling, explainInjectScore, fmt } from './explain.js';
import { HANDLING_COSTS, scoreHandling } from './handling.js';
import { scoreTeamInject } from './inject-score.js';
import { explainRedactedInjectScore, redactInjectScore } from './redact.js';
import type { ScoringAnswerKey, ScoringInject, ScoringReport } from './model.js';

const key: ScoringAnswerKey = {
  iocs: [],
  decoys: [{ type: 'ip-dst', value: '198.51.100.10' }],
  actions: [],
  recipients: ['control', 'MY'],
  maxTlp: 'TLP:AMBER',
};

const report = (id: string, tlp: TlpLabel, teams: string[] | 'all'): ScoringReport => ({
  id,
  kind: 'notification',
  atScenarioMin: 10,
  tlp,
  recipients: { teams },
});

describe('information-handling faults', () => {
  it.each([
    ['a report under the allowed label to the named teams', report('r', 'TLP:AMBER', ['MY']), []],
    ['a stricter label', report('r', 'TLP:RED', ['MY']), []],
    ['a looser label', report('r', 'TLP:GREEN', ['MY']), ['looser-tlp']],
    ['a restricted report to every team', report('r', 'TLP:AMBER', 'all'), ['widened-audience']],
    [
      'a restricted report to a team the key does not name',
      report('r', 'TLP:AMBER', ['MY', 'TH']),
      ['widened-audience'],
    ],
    ['a looser label to every team (GREEN may go to all)', report('r', 'TLP:GREEN', 'all'), ['looser-tlp']],
    ['AMBER+STRICT to every team', report('r', 'TLP:AMBER+STRICT', 'all'), ['widened-audience']],
  ] as const)('%s', (_, r, kinds) => {
    const h = scoreHandling({ answerKey: key, injectTlp: 'TLP:AMBER', reports: [r], decoys: [] });
    expect(h.faults.map((f) => f.kind)).toEqual(kinds);
    expect(h.factor).toBeCloseTo(1 - h.faults.reduce((s, f) => s + f.cost, 0), 12);
  });

  it('costs each decoy shared, adds the faults up and never takes the score below 0', () => {
    const decoy = { type: 'ip-dst' as const, value: '198.51.100.10', original: '198.51.100[.]10:443', reportId: 'r' };
    const one = scoreHandling({ answerKey: key, injectTlp: 'TLP:AMBER', reports: [], decoys: [decoy] });
    expect(one.faults).toEqual([
      {
        kind: 'decoy-shared',
        reportId: 'r',
        detail: 'decoy ip-dst 198.51.100[.]10:443 shared as an indicator',
        cost: HANDLING_COSTS.decoyShared,
      },
    ]);
    const all = scoreHandling({
      answerKey: key,
      injectTlp: 'TLP:AMBER',
      reports: [report('a', 'TLP:GREEN', ['MY']), report('b', 'TLP:AMBER', 'all'), report('c', 'TLP:CLEAR', 'all')],
      decoys: [decoy, { ...decoy, reportId: 'b' }, { ...decoy, reportId: 'c' }],
    });
    expect(all.faults).toHaveLength(6);
    expect(all.penalty).toBe(1);
    expect(all.factor).toBe(0);
  });

  it('takes the inject’s own label as the ceiling when the key sets none, and names no teams without recipients', () => {
    const bare: ScoringAnswerKey = { iocs: [], decoys: [], actions: [], recipients: [] };
    const h = scoreHandling({
      answerKey: bare,
      injectTlp: 'TLP:AMBER+STRICT',
      reports: [report('a', 'TLP:AMBER', ['MY', 'TH'])],
      decoys: [],
    });
    expect(h.faults.map((f) => f.kind)).toEqual(['looser-tlp']);
    expect(
      scoreHandling({ injectTlp: 'TLP:GREEN', reports: [report('a', 'TLP:GREEN', 'all')], decoys: [] }).faults,
    ).toEqual([]);
  });
});

describe('handling in the inject score and its explanation', () => {
  const inject: ScoringInject = {
    id: 'H-1',
    responseRequired: true,
    targetMinutes: 10,
    deadlineMinutes: 20,
    tlp: 'TLP:AMBER',
    answerKey: {
      iocs: [{ type: 'ip-dst', value: '203.0.113.45', weight: 1, critical: true }],
      decoys: [{ type: 'ip-dst', value: '198.51.100.10' }],
      actions: [],
      recipients: ['control', 'MY'],
      maxTlp: 'TLP:AMBER',
    },
  };
  const base = { kind: 'notification' as const, tlp: 'TLP:AMBER' as const, recipients: { teams: ['MY'] } };

  it('counts a decoy in a late report too, names it in the form the team used, and explains the factor', () => {
    const s = scoreTeamInject({
      inject,
      releasedAtScenarioMin: 0,
      reports: [
        { ...base, id: 'on-time', atScenarioMin: 5, iocs: [{ type: 'ip-dst|port', value: '203.0.113.45|443' }] },
        { ...base, id: 'late', atScenarioMin: 30, iocs: [{ type: 'ip-dst|port', value: '198.51.100.10|443' }] },
      ],
      config: DEFAULT_SCORING_CONFIG,
    });
    expect(s.completeness.components.iocs.decoysReported).toEqual([]); // the late report does not count for C…
    expect(s.handling.faults.map((f) => [f.kind, f.reportId])).toEqual([['decoy-shared', 'late']]); // …but leaks
    expect(s.handling.faults[0]!.detail).toContain('(as ip-dst|port 198.51.100.10|443)');
    const e = explainInjectScore(s);
    expect(e.components.iocs).toContain('ip-dst 203.0.113.45 via ip-dst|port 203.0.113.45|443 from on-time');
    expect(e.handling).toContain(`decoy shared`);
    expect(e.final).toContain(`·${fmt(s.handling.factor)} =`);
  });

  it('says so when there is no fault, and labels a widened audience', () => {
    const clean = scoreTeamInject({
      inject,
      releasedAtScenarioMin: 0,
      reports: [{ ...base, id: 'r', atScenarioMin: 5 }],
      config: DEFAULT_SCORING_CONFIG,
    });
    expect(explainHandling(clean)).toBe('no information-handling fault');
    expect(explainInjectScore(clean).handling).toBeUndefined();
    const wide = scoreTeamInject({
      inject,
      releasedAtScenarioMin: 0,
      reports: [{ ...base, id: 'r', atScenarioMin: 5, recipients: { teams: 'all' } }],
      config: DEFAULT_SCORING_CONFIG,
    });
    expect(explainHandling(wide)).toContain('widened audience (TLP:AMBER report sent to all, in r)');
  });
});

describe('a handling adjustment before ENDEX', () => {
  it('shows the team that its score was adjusted, and an evaluator’s T override, without saying why', () => {
    const s = scoreTeamInject({
      inject: {
        id: 'H-2',
        responseRequired: true,
        targetMinutes: 10,
        deadlineMinutes: 20,
        tlp: 'TLP:AMBER',
        answerKey: { iocs: [], decoys: [], actions: [], recipients: ['MY'], maxTlp: 'TLP:AMBER' },
      },
      releasedAtScenarioMin: 0,
      reports: [
        { kind: 'notification', id: 'r', atScenarioMin: 5, tlp: 'TLP:AMBER', recipients: { teams: 'all' } },
        { kind: 'notification', id: 'late', atScenarioMin: 25, tlp: 'TLP:AMBER', recipients: { teams: ['MY'] } },
      ],
      config: DEFAULT_SCORING_CONFIG,
      override: { timeliness: 0.5, justification: 'phoned in first', by: 'e1', at: '2026-12-02T00:00:00Z' },
    });
    const r = redactInjectScore(s);
    expect(r).not.toHaveProperty('teamId');
    expect(r).not.toHaveProperty('handling');
    expect(r.override).toEqual({ timeliness: 0.5, at: '2026-12-02T00:00:00Z' });
    const e = explainRedactedInjectScore(r);
    expect(JSON.stringify(e)).not.toMatch(/widened|handling|phoned/);
    expect(e.final).toContain('adjusted to');
  });
});
