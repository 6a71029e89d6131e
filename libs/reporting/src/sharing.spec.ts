import { describe, expect, it } from '@jest/globals';
import type { AarInputReport } from './model.js';
import { sharingMatrix } from './sharing.js';

const teams = [
  { id: 'a', code: 'A', name: 'Alpha' },
  { id: 'b', code: 'B', name: 'Bravo' },
  { id: 'c', code: 'C', name: 'Charlie' },
];
let n = 0;
const r = (teamId: string | null, to: string[] | 'all', tlp: AarInputReport['tlp']): AarInputReport => ({
  id: `r${n++}`,
  teamId,
  kind: 'notification',
  title: 't',
  injectIds: [],
  tlp,
  recipients: { teams: to },
  submittedAt: '2026-01-01T00:00:00Z',
  submittedScenarioMs: 0,
});

describe('sharingMatrix', () => {
  const m = sharingMatrix(teams, [
    r('a', ['b'], 'TLP:AMBER'),
    r('a', 'all', 'TLP:GREEN'), // → B and C, not A itself
    r('b', [], 'TLP:CLEAR'), // drill control only
    r(null, 'all', 'TLP:CLEAR'), // drill control's own report: not sharing between teams
    r('c', ['c', 'a', 'a', 'zz'], 'TLP:RED'), // self, duplicate and unknown recipients dropped → A once
  ]);

  it('counts author → recipient pairs per TLP, expanding "all" to every other team', () => {
    const z = { 'TLP:CLEAR': 0, 'TLP:GREEN': 0, 'TLP:AMBER': 0, 'TLP:AMBER+STRICT': 0, 'TLP:RED': 0 };
    expect(m.cells).toEqual([
      { from: 'A', to: 'B', total: 2, byTlp: { ...z, 'TLP:AMBER': 1, 'TLP:GREEN': 1 } },
      { from: 'A', to: 'C', total: 1, byTlp: { ...z, 'TLP:GREEN': 1 } },
      { from: 'C', to: 'A', total: 1, byTlp: { ...z, 'TLP:RED': 1 } },
    ]);
    expect(m.teams).toEqual(['A', 'B', 'C']);
  });

  it('counts reports (not pairs) by where they went', () => {
    expect(m.reportsToTeams).toBe(3);
    expect(m.reportsControlOnly).toBe(1);
    expect(m.totalsByTlp).toEqual({
      'TLP:CLEAR': 0,
      'TLP:GREEN': 1,
      'TLP:AMBER': 1,
      'TLP:AMBER+STRICT': 0,
      'TLP:RED': 1,
    });
  });
});
