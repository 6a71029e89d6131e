import { TLP_LABELS, type TlpLabel } from '@drill/contracts';
import { describe, expect, it } from '@jest/globals';
import type { IsmReport, Viewer } from './model.js';
import { canSeeReport, checkRecipients, checkReplyRecipients, checkReplyTlp, visibleReports } from './visibility.js';

// Exercise with three teams: t-author writes, t-rcpt is the named recipient team, t-other is neither.
const ctx = { exerciseTeamIds: ['t-author', 't-rcpt', 't-other'] };

function report(tlp: TlpLabel, over: Partial<IsmReport> = {}): IsmReport {
  return {
    id: 'r1',
    exerciseId: 'x1',
    authorUserId: 'u-author',
    teamId: 't-author',
    kind: 'notification',
    injectIds: ['i1'],
    title: 'Ransomware at bank',
    tlp,
    recipients: { teams: ['t-rcpt'], users: ['u-named'] },
    affectedAssets: [],
    iocs: [],
    timeline: [],
    actions: [],
    recommendations: [],
    assistanceRequests: [],
    submittedAt: '2025-03-01T10:00:00.000Z',
    ...over,
  };
}

const viewers = {
  author: { userId: 'u-author', role: 'participant', teamId: 't-author' },
  teammate: { userId: 'u-mate', role: 'participant', teamId: 't-author' },
  recipientMember: { userId: 'u-rcpt', role: 'participant', teamId: 't-rcpt' },
  otherMember: { userId: 'u-other', role: 'participant', teamId: 't-other' },
  controller: { userId: 'u-ctl', role: 'controller', teamId: null },
  // Named on the report but a member of a team that is not a recipient: the name alone must count.
  namedUser: { userId: 'u-named', role: 'participant', teamId: 't-other' },
  unnamedUser: { userId: 'u-unnamed', role: 'participant', teamId: 't-other' },
} satisfies Record<string, Viewer>;
type Who = keyof typeof viewers;

// Worked out from TLP 2.0 as the drill applies it (see visibility.ts header), one row per label.
const matrix: Record<TlpLabel, Record<Who, boolean>> = {
  'TLP:CLEAR': {
    author: true,
    teammate: true,
    recipientMember: true,
    otherMember: true,
    controller: true,
    namedUser: true,
    unnamedUser: true,
  },
  'TLP:GREEN': {
    author: true,
    teammate: true,
    recipientMember: true,
    otherMember: true,
    controller: true,
    namedUser: true,
    unnamedUser: true,
  },
  'TLP:AMBER': {
    author: true,
    teammate: true,
    recipientMember: true,
    otherMember: false,
    controller: true,
    namedUser: true,
    unnamedUser: false,
  },
  'TLP:AMBER+STRICT': {
    author: true,
    teammate: true,
    recipientMember: true,
    otherMember: false,
    controller: true,
    namedUser: true,
    unnamedUser: false,
  },
  'TLP:RED': {
    author: true,
    teammate: false,
    recipientMember: false,
    otherMember: false,
    controller: true,
    namedUser: true,
    unnamedUser: false,
  },
};

const cases = TLP_LABELS.flatMap((label) =>
  (Object.keys(viewers) as Who[]).map((who) => [label, who, matrix[label][who]] as const),
);

describe('canSeeReport — 5 labels × 7 viewers', () => {
  it('covers every label', () => {
    expect(Object.keys(matrix).sort()).toEqual([...TLP_LABELS].sort());
  });

  it.each(cases)('%s seen by %s → %s', (label, who, expected) => {
    expect(canSeeReport(report(label), viewers[who], ctx)).toBe(expected);
  });
});

describe('canSeeReport — edges', () => {
  it('lets evaluators and observers see even RED, like controllers', () => {
    for (const role of ['evaluator', 'observer'] as const) {
      expect(canSeeReport(report('TLP:RED'), { userId: 'u-x', role, teamId: null }, ctx)).toBe(true);
    }
  });

  it("AMBER to 'all' reaches every exercise team, but not a team outside the exercise", () => {
    const r = report('TLP:AMBER', { recipients: { teams: 'all', users: [] } });
    expect(canSeeReport(r, viewers.otherMember, ctx)).toBe(true);
    expect(canSeeReport(r, { userId: 'u-z', role: 'participant', teamId: 't-outsider' }, ctx)).toBe(false);
  });

  it('GREEN does not reach a participant whose team is not in the exercise', () => {
    expect(canSeeReport(report('TLP:GREEN'), { userId: 'u-z', role: 'participant', teamId: 't-outsider' }, ctx)).toBe(
      false,
    );
  });

  it('AMBER listing a team that is not in the exercise does not open it to that team', () => {
    const r = report('TLP:AMBER', { recipients: { teams: ['t-outsider'], users: [] } });
    expect(canSeeReport(r, { userId: 'u-z', role: 'participant', teamId: 't-outsider' }, ctx)).toBe(false);
  });

  it('RED naming a teammate opens it to that teammate only', () => {
    const r = report('TLP:RED', { recipients: { teams: [], users: ['u-mate'] } });
    expect(canSeeReport(r, viewers.teammate, ctx)).toBe(true);
    expect(canSeeReport(r, { userId: 'u-mate2', role: 'participant', teamId: 't-author' }, ctx)).toBe(false);
  });

  it('a report by drill control (no team) at AMBER reaches recipient teams only', () => {
    const r = report('TLP:AMBER', {
      teamId: null,
      authorUserId: 'u-ctl',
      recipients: { teams: ['t-rcpt'], users: [] },
    });
    expect(canSeeReport(r, viewers.recipientMember, ctx)).toBe(true);
    expect(canSeeReport(r, viewers.author, ctx)).toBe(false);
  });

  it('a participant without a team sees only what names them', () => {
    const loner: Viewer = { userId: 'u-loner', role: 'participant', teamId: null };
    expect(canSeeReport(report('TLP:GREEN'), loner, ctx)).toBe(false);
    expect(canSeeReport(report('TLP:AMBER', { recipients: { teams: [], users: ['u-loner'] } }), loner, ctx)).toBe(true);
  });

  it('visibleReports filters and keeps order', () => {
    const rs = [report('TLP:RED', { id: 'a' }), report('TLP:GREEN', { id: 'b' }), report('TLP:AMBER', { id: 'c' })];
    expect(visibleReports(rs, viewers.recipientMember, ctx).map((r) => r.id)).toEqual(['b', 'c']);
  });
});

describe('checkReplyTlp', () => {
  const parent = report('TLP:AMBER');
  const byOther = { authorUserId: 'u-rcpt', teamId: 't-rcpt' };

  it.each([
    ['TLP:CLEAR', true],
    ['TLP:GREEN', true],
    ['TLP:AMBER', false],
    ['TLP:AMBER+STRICT', false],
    ['TLP:RED', false],
  ] as const)('reply at %s to an AMBER report from another team → problem: %s', (label, problem) => {
    const r = checkReplyTlp(parent, report(label, { id: 'r2', inReplyTo: 'r1', ...byOther }));
    expect(r !== undefined).toBe(problem);
    if (r) {
      expect(r.path).toBe('/tlp');
      expect(r.message).toContain('TLP:AMBER → ' + label);
    }
  });

  it('refuses a looser reply even from the team of the parent', () => {
    expect(checkReplyTlp(parent, report('TLP:GREEN', { id: 'r2', inReplyTo: 'r1', authorUserId: 'u-mate' }))).toEqual({
      path: '/tlp',
      message: expect.stringContaining('cannot loosen'),
    });
  });
});

describe('checkReplyRecipients', () => {
  const people = new Map(Object.values(viewers).map((v) => [v.userId, { role: v.role, teamId: v.teamId }]));
  const check = (parent: IsmReport, reply: IsmReport) =>
    checkReplyRecipients(parent, reply, { exerciseTeamIds: ctx.exerciseTeamIds, people });

  it('refuses an AMBER reply that reaches a team the parent did not', () => {
    const parent = report('TLP:AMBER');
    const reply = report('TLP:AMBER', {
      authorUserId: 'u-rcpt',
      teamId: 't-rcpt',
      recipients: { teams: ['t-author', 't-other'], users: [] },
    });
    expect(check(parent, reply)).toEqual([{ path: '/recipients/teams', message: expect.stringContaining('t-other') }]);
  });

  it("accepts an AMBER reply to the parent's recipients and source", () => {
    const parent = report('TLP:AMBER');
    const reply = report('TLP:AMBER', {
      authorUserId: 'u-rcpt',
      teamId: 't-rcpt',
      recipients: { teams: ['t-author', 't-rcpt'], users: [] },
    });
    expect(check(parent, reply)).toEqual([]);
  });

  it('refuses a RED reply naming someone new, accepts one naming the parent author', () => {
    const parent = report('TLP:RED');
    const base = { authorUserId: 'u-named', teamId: 't-other' };
    expect(check(parent, report('TLP:RED', { ...base, recipients: { teams: [], users: ['u-author'] } }))).toEqual([]);
    expect(
      check(parent, report('TLP:RED', { ...base, recipients: { teams: [], users: ['u-author', 'u-other'] } })),
    ).toEqual([{ path: '/recipients/users/1', message: expect.stringContaining('u-other') }]);
  });

  it("holds RED to its named readers even when the parent's own team replies", () => {
    const parent = report('TLP:RED', { recipients: { teams: [], users: ['u-mate'] } });
    const reply = report('TLP:RED', {
      authorUserId: 'u-mate',
      recipients: { teams: [], users: ['u-author', 'u-other'] },
    });
    expect(check(parent, reply)).toEqual([
      { path: '/recipients/users/1', message: expect.stringContaining('u-other') },
    ]);
  });

  it('refuses an AMBER reply by a reader named from outside, whose own team would read it', () => {
    const parent = report('TLP:AMBER+STRICT');
    const reply = report('TLP:AMBER+STRICT', {
      authorUserId: 'u-named',
      teamId: 't-other',
      recipients: { teams: ['t-author'], users: [] },
    });
    expect(check(parent, reply)).toEqual([
      { path: '/recipients/teams', message: expect.stringContaining('reply under TLP:RED') },
    ]);
  });

  it('refuses an AMBER reply naming a person outside the parent audience', () => {
    const reply = report('TLP:AMBER', {
      authorUserId: 'u-rcpt',
      teamId: 't-rcpt',
      recipients: { teams: ['t-author'], users: ['u-unnamed', 'u-ctl', 'u-mate'] },
    });
    expect(check(report('TLP:AMBER'), reply)).toEqual([
      { path: '/recipients/users/0', message: expect.stringContaining('u-unnamed') },
    ]);
  });

  it('does not restrict replies to GREEN reports', () => {
    const reply = report('TLP:GREEN', {
      authorUserId: 'u-rcpt',
      teamId: 't-rcpt',
      recipients: { teams: 'all', users: [] },
    });
    expect(check(report('TLP:GREEN'), reply)).toEqual([]);
  });

  // The whole matrix, with canSeeReport as the oracle: every label of parent and reply, every kind of replier
  // (author, teammate, recipient team, named reader, drill control), every recipient choice. A reply passes the
  // reply rules exactly when no viewer could read it who could not read its parent.
  it('accepts a reply exactly when its audience stays within its parent', () => {
    const universe = Object.values(viewers);
    const teamChoices: (string[] | 'all')[] = [
      [],
      ['t-author'],
      ['t-rcpt'],
      ['t-other'],
      ['t-author', 't-rcpt'],
      'all',
    ];
    const userChoices = [[], ['u-author'], ['u-named'], ['u-rcpt'], ['u-other'], ['u-ctl'], ['u-mate', 'u-named']];
    const parents = TLP_LABELS.flatMap((tlp) => [
      report(tlp),
      report(tlp, { recipients: { teams: 'all', users: ['u-named'] } }),
      report(tlp, { recipients: { teams: [], users: ['u-mate'] } }),
    ]);
    let accepted = 0;
    let refused = 0;
    for (const parent of parents) {
      for (const replier of universe) {
        if (!canSeeReport(parent, replier, ctx)) continue;
        for (const tlp of TLP_LABELS) {
          for (const teams of teamChoices) {
            for (const users of userChoices) {
              const reply = report(tlp, {
                id: 'r2',
                authorUserId: replier.userId,
                teamId: replier.teamId,
                inReplyTo: parent.id,
                recipients: { teams, users },
              });
              if (checkReplyTlp(parent, reply) || checkRecipients(reply).length) continue;
              const leaks = universe.filter((v) => canSeeReport(reply, v, ctx) && !canSeeReport(parent, v, ctx));
              const problems = check(parent, reply);
              const where = `${parent.tlp} ${JSON.stringify(parent.recipients)} ← ${replier.userId} ${tlp} ${JSON.stringify(reply.recipients)}`;
              expect({ where, refused: problems.length > 0 }).toEqual({ where, refused: leaks.length > 0 });
              if (problems.length) refused++;
              else accepted++;
            }
          }
        }
      }
    }
    // Both outcomes occur often, so the equivalence is tested both ways.
    expect(accepted).toBeGreaterThan(200);
    expect(refused).toBeGreaterThan(200);
  });
});

describe('checkRecipients', () => {
  it('refuses RED without named users', () => {
    expect(checkRecipients(report('TLP:RED', { recipients: { teams: ['t-rcpt'], users: [] } }))).toEqual([
      { path: '/recipients/users', message: expect.stringContaining('must name') },
    ]);
  });

  it('accepts RED with named users, and AMBER addressed to drill control only', () => {
    expect(checkRecipients(report('TLP:RED'))).toEqual([]);
    expect(checkRecipients(report('TLP:AMBER', { recipients: { teams: [], users: [] } }))).toEqual([]);
  });
});
