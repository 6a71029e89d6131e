import { describe, expect, it } from '@jest/globals';
import { comcheckStatus, confirmTime } from '@drill/exercise';
import { pocReachability, reachabilityCsvLines, reachabilitySectionHtml } from './comcheck.js';
import type { Aar } from './model.js';

const T0 = Date.UTC(2026, 11, 2, 7, 30, 0);
const status = comcheckStatus(
  { id: 'c1', sentAt: T0, sentByUserId: 'ctl' },
  [
    { id: 'sg', code: 'SG', name: 'SingCERT' },
    { id: 'kh', code: 'KH', name: 'Cam<CERT>' },
  ],
  [
    { userId: 'u1', name: 'Ana', teamId: 'sg' },
    { userId: 'u2', name: 'Sok', teamId: 'kh' },
  ],
  [{ comcheckId: 'c1', userId: 'u1', reachedAt: T0 + 100, confirmedAt: T0 + 42_500 }],
);

describe('point-of-contact reachability', () => {
  it('keeps teams, not people, and says whether the check came before STARTEX', () => {
    const r = pocReachability(status, new Date(T0 + 1_800_000).toISOString());
    expect(r.beforeStartex).toBe(true);
    expect(r.teams[0]).toEqual({
      teamId: 'sg',
      code: 'SG',
      name: 'SingCERT',
      participants: 1,
      reached: true,
      reachedPeople: 1,
      confirmed: true,
      confirmedPeople: 1,
      confirmMs: 42_500,
    });
    expect(JSON.stringify(r)).not.toContain('Ana');
    expect(pocReachability(status, new Date(T0 - 1).toISOString()).beforeStartex).toBe(false);
  });

  it('renders the same figures in HTML and CSV, escaped', () => {
    const aar = { marking: 'TLP:AMBER', reachability: pocReachability(status, null) } as unknown as Aar;
    const html = reachabilitySectionHtml(aar, '7');
    expect(html).toContain('Point-of-contact reachability');
    expect(html).toContain('42.5 s');
    expect(html).toContain('Cam&lt;CERT&gt;');
    expect(html).toContain('1 of 2 teams confirmed');
    expect(reachabilityCsvLines(aar)).toEqual([
      'report_tlp,comcheck_sent_at,team_code,team_name,participants,reached,people_reached,confirmed,people_confirmed,time_to_confirm_s',
      `TLP:AMBER,${new Date(T0).toISOString()},SG,SingCERT,1,yes,1,yes,1,42.5`,
      `TLP:AMBER,${new Date(T0).toISOString()},KH,Cam<CERT>,1,no,0,no,0,`,
    ]);
  });

  it('says so when no check was sent, and writes no CSV table', () => {
    const aar = { marking: 'TLP:AMBER' } as unknown as Aar;
    expect(reachabilitySectionHtml(aar, '7')).toContain('sent no communications check');
    expect(reachabilityCsvLines(aar)).toEqual([]);
  });

  it('writes times to confirm in seconds, then minutes', () => {
    expect([confirmTime(null), confirmTime(3_000), confirmTime(600_000)]).toEqual(['—', '3.0 s', '10.0 min']);
  });
});
