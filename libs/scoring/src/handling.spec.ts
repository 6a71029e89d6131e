import { describe, expect, it } from '@jest/globals';
import type { TlpLabel } from '@drill/contracts';
import { HANDLING_COSTS, scoreHandling } from './handling.js';
import type { ScoringAnswerKey, ScoringReport } from './model.js';

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
