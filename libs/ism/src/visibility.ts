// TLP 2.0 (FIRST, https://www.first.org/tlp/) applied to the drill's audiences:
//   CLEAR, GREEN        every team in the exercise (the "community"; the drill is never a public channel)
//   AMBER, AMBER+STRICT the recipient teams (the drill has no "clients", so the two differ only in name here)
//   RED                 the named individuals only
// Drill control (controller, evaluator, observer) receives every report, and the author's own team always sees
// what it sent — except RED, where only the author himself and the named users do.
import { isLooserTlp, type FieldProblem } from '@drill/contracts';
import type { IsmReport, Viewer } from './model.js';

const DRILL_CONTROL_ROLES: ReadonlySet<Viewer['role']> = new Set(['controller', 'evaluator', 'observer']);

export function isDrillControl(viewer: Viewer): boolean {
  return DRILL_CONTROL_ROLES.has(viewer.role);
}

function isRecipientTeam(report: IsmReport, teamId: string, exerciseTeamIds: readonly string[]): boolean {
  if (!exerciseTeamIds.includes(teamId)) return false;
  return report.recipients.teams === 'all' || report.recipients.teams.includes(teamId);
}

/**
 * Whether `viewer` may see `report`. The caller has already checked that the viewer belongs to the report's
 * exercise; `exerciseTeamIds` are that exercise's teams.
 */
export function canSeeReport(report: IsmReport, viewer: Viewer, ctx: { exerciseTeamIds: string[] }): boolean {
  if (isDrillControl(viewer)) return true;
  if (viewer.userId === report.authorUserId) return true;
  // Named individuals are the narrowest audience TLP knows; naming someone on any label addresses it to them.
  if (report.recipients.users.includes(viewer.userId)) return true;
  if (report.tlp === 'TLP:RED') return false;
  const team = viewer.teamId;
  if (team === null) return false;
  if (report.teamId !== null && team === report.teamId) return true;
  switch (report.tlp) {
    case 'TLP:CLEAR':
    case 'TLP:GREEN':
      return ctx.exerciseTeamIds.includes(team);
    case 'TLP:AMBER':
    case 'TLP:AMBER+STRICT':
      return isRecipientTeam(report, team, ctx.exerciseTeamIds);
  }
}

/**
 * Who may see a report, as groups to push it to: drill control always, the teams (`'all'`: every team of the
 * exercise) and the named users. The same rule as `canSeeReport`: a viewer may see the report exactly when
 * `inReportAudience` says so.
 */
export interface ReportAudience {
  control: true;
  teams: string[] | 'all';
  users: string[];
}

export function reportAudience(report: IsmReport, ctx: { exerciseTeamIds: readonly string[] }): ReportAudience {
  const users = [...new Set([report.authorUserId, ...report.recipients.users])];
  if (report.tlp === 'TLP:RED') return { control: true, teams: [], users };
  const own = report.teamId;
  const everyTeam = report.tlp === 'TLP:CLEAR' || report.tlp === 'TLP:GREEN' || report.recipients.teams === 'all';
  if (everyTeam) {
    // 'all' names the exercise's teams; an author's team outside them (not a case the drill creates) is listed.
    if (own === null || ctx.exerciseTeamIds.includes(own)) return { control: true, teams: 'all', users };
    return { control: true, teams: [...ctx.exerciseTeamIds, own], users };
  }
  const teams = new Set((report.recipients.teams as string[]).filter((t) => ctx.exerciseTeamIds.includes(t)));
  if (own !== null) teams.add(own);
  return { control: true, teams: [...teams], users };
}

/** Whether `viewer` belongs to the audience (`ctx` as for `reportAudience`). */
export function inReportAudience(
  audience: ReportAudience,
  viewer: Viewer,
  ctx: { exerciseTeamIds: readonly string[] },
): boolean {
  if (isDrillControl(viewer)) return audience.control;
  if (audience.users.includes(viewer.userId)) return true;
  const team = viewer.teamId;
  if (team === null) return false;
  return audience.teams === 'all' ? ctx.exerciseTeamIds.includes(team) : audience.teams.includes(team);
}

/** Filters `reports` down to what `viewer` may see, keeping order. */
export function visibleReports(
  reports: readonly IsmReport[],
  viewer: Viewer,
  ctx: { exerciseTeamIds: string[] },
): IsmReport[] {
  return reports.filter((r) => canSeeReport(r, viewer, ctx));
}

/** The teams a report reaches (drill control and named people aside): none under RED, every team under CLEAR/GREEN. */
function audienceTeams(report: IsmReport, exerciseTeamIds: readonly string[]): ReadonlySet<string> {
  if (report.tlp === 'TLP:RED') return new Set();
  if (report.tlp === 'TLP:CLEAR' || report.tlp === 'TLP:GREEN') return new Set(exerciseTeamIds);
  const teams = new Set(report.recipients.teams === 'all' ? exerciseTeamIds : report.recipients.teams);
  if (report.teamId !== null) teams.add(report.teamId);
  return teams;
}

/**
 * A reply may keep or tighten its parent's label, never loosen it — not even when the parent's own team
 * replies: a thread reads as one conversation, and a looser reply would re-share the parent's content.
 */
export function checkReplyTlp(parent: IsmReport, child: IsmReport): FieldProblem | undefined {
  if (!isLooserTlp(child.tlp, parent.tlp)) return undefined;
  return {
    path: '/tlp',
    message: `a reply cannot loosen the label of the report it answers (${parent.tlp} → ${child.tlp})`,
  };
}

/** What the reply check needs to know of each person the reply names. */
export type Person = Pick<Viewer, 'role' | 'teamId'>;

/**
 * A reply usually quotes what it answers, so its audience must stay within its parent's, whoever replies — the
 * parent's author, a teammate, a named reader or drill control. Under AMBER that bounds the teams it reaches
 * (its author's own team included: a reader named from outside the parent's teams must reply under RED); under
 * RED it must name only people who could read the parent. `people` holds the child's named users.
 */
export function checkReplyRecipients(
  parent: IsmReport,
  child: IsmReport,
  ctx: { exerciseTeamIds: readonly string[]; people: ReadonlyMap<string, Person> },
): FieldProblem[] {
  if (parent.tlp === 'TLP:CLEAR' || parent.tlp === 'TLP:GREEN') return [];
  const problems: FieldProblem[] = [];
  const parentTeams = audienceTeams(parent, ctx.exerciseTeamIds);
  const extraTeams = [...audienceTeams(child, ctx.exerciseTeamIds)].filter((t) => !parentTeams.has(t));
  if (extraTeams.length > 0) {
    const own = child.teamId !== null && extraTeams.includes(child.teamId);
    problems.push({
      path: '/recipients/teams',
      message:
        `the reply reaches teams the ${parent.tlp} report it answers did not: ${extraTeams.join(', ')}` +
        (own ? ' (your own team reads what you send under AMBER; reply under TLP:RED to the people named)' : ''),
    });
  }
  const parentPeople = new Set([...parent.recipients.users, parent.authorUserId]);
  child.recipients.users.forEach((userId, n) => {
    if (parentPeople.has(userId)) return;
    const person = ctx.people.get(userId);
    if (person && isDrillControl({ userId, ...person })) return;
    if (person?.teamId && parentTeams.has(person.teamId)) return;
    problems.push({
      path: `/recipients/users/${n}`,
      message: `the reply names ${userId}, who cannot read the ${parent.tlp} report it answers`,
    });
  });
  return problems;
}

/** Recipient rules that hold for every report, reply or not. */
export function checkRecipients(report: IsmReport): FieldProblem[] {
  const problems: FieldProblem[] = [];
  if (report.tlp === 'TLP:RED' && report.recipients.users.length === 0) {
    problems.push({
      path: '/recipients/users',
      message: 'a TLP:RED report must name the people it is for (recipients.users); teams cannot receive RED',
    });
  }
  return problems;
}
