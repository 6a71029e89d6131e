import { TLP_LABELS } from '@drill/contracts';
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import type { IsmReport, Viewer } from './model.js';
import { canSeeReport, inReportAudience, reportAudience } from './visibility.js';

// Small pools, so that random reports and viewers keep meeting: the author is a viewer, a named user belongs to a
// recipient team or not, a team outside the exercise shows up on either side.
const TEAMS = ['t1', 't2', 't3', 't-outside'];
const USERS = ['u1', 'u2', 'u3', 'u4', 'u5'];
const ROLES = ['controller', 'evaluator', 'participant', 'observer'] as const;

const exerciseTeamIds = fc.subarray(TEAMS.slice(0, 3), { minLength: 0 });
const report = fc.record({
  authorUserId: fc.constantFrom(...USERS),
  teamId: fc.option(fc.constantFrom(...TEAMS), { nil: null }),
  tlp: fc.constantFrom(...TLP_LABELS),
  teams: fc.oneof(fc.constant('all' as const), fc.subarray(TEAMS)),
  users: fc.subarray(USERS),
});
const viewer = fc.record({
  userId: fc.constantFrom(...USERS),
  role: fc.constantFrom(...ROLES),
  teamId: fc.option(fc.constantFrom(...TEAMS), { nil: null }),
});

interface Shape {
  authorUserId: string;
  teamId: string | null;
  tlp: IsmReport['tlp'];
  teams: string[] | 'all';
  users: string[];
}

function toReport(r: Shape): IsmReport {
  return {
    id: 'r1',
    exerciseId: 'x1',
    authorUserId: r.authorUserId,
    teamId: r.teamId,
    kind: 'notification',
    injectIds: [],
    title: 'a report',
    tlp: r.tlp,
    recipients: { teams: r.teams, users: r.users },
    affectedAssets: [],
    iocs: [],
    timeline: [],
    actions: [],
    recommendations: [],
    assistanceRequests: [],
    submittedAt: '2025-03-01T10:00:00.000Z',
  };
}

describe('reportAudience', () => {
  it('holds exactly the viewers canSeeReport lets see the report', () => {
    fc.assert(
      fc.property(report, viewer, exerciseTeamIds, (r, v: Viewer, teamIds) => {
        const rep = toReport(r);
        const ctx = { exerciseTeamIds: teamIds };
        expect(inReportAudience(reportAudience(rep, ctx), v, ctx)).toBe(canSeeReport(rep, v, ctx));
      }),
      { numRuns: 20_000 },
    );
  });

  it('names the teams a push goes to: none under RED, every team under CLEAR, recipients and author under AMBER', () => {
    const ctx = { exerciseTeamIds: ['t1', 't2', 't3'] };
    const r = (tlp: IsmReport['tlp'], teams: string[] | 'all') =>
      toReport({ authorUserId: 'u1', teamId: 't1', tlp, teams, users: ['u4'] });
    expect(reportAudience(r('TLP:RED', ['t2']), ctx)).toEqual({ control: true, teams: [], users: ['u1', 'u4'] });
    expect(reportAudience(r('TLP:CLEAR', []), ctx).teams).toBe('all');
    expect(reportAudience(r('TLP:AMBER', ['t2', 't-outside']), ctx).teams).toEqual(['t2', 't1']);
    expect(reportAudience(r('TLP:AMBER+STRICT', 'all'), ctx).teams).toBe('all');
  });
});
