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

/** Filters `reports` down to what `viewer` may see, keeping order. */
export function visibleReports(
  reports: readonly IsmReport[],
  viewer: Viewer,
  ctx: { exerciseTeamIds: string[] },
): IsmReport[] {
  return reports.filter((r) => canSeeReport(r, viewer, ctx));
}

/** The source of a report: its team, or the individual controller when drill control wrote it. */
function sameSource(a: IsmReport, b: IsmReport): boolean {
  if (a.teamId !== null || b.teamId !== null) return a.teamId === b.teamId;
  return a.authorUserId === b.authorUserId;
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

/**
 * For replies under AMBER, AMBER+STRICT or RED: the reply must not reach teams or people the parent did not,
 * since a reply usually quotes what it answers. The parent's source is always a legitimate addressee.
 */
export function checkReplyRecipients(parent: IsmReport, child: IsmReport): FieldProblem[] {
  if (parent.tlp === 'TLP:CLEAR' || parent.tlp === 'TLP:GREEN' || sameSource(parent, child)) return [];
  const problems: FieldProblem[] = [];
  const parentUsers = new Set([...parent.recipients.users, parent.authorUserId]);
  if (parent.tlp !== 'TLP:RED' && parent.recipients.teams !== 'all') {
    const parentTeams = new Set(parent.recipients.teams);
    if (parent.teamId !== null) parentTeams.add(parent.teamId);
    const extra =
      child.recipients.teams === 'all' ? ['all'] : child.recipients.teams.filter((t) => !parentTeams.has(t));
    if (extra.length > 0) {
      problems.push({
        path: '/recipients/teams',
        message: `the reply reaches teams the ${parent.tlp} report it answers did not: ${extra.join(', ')}`,
      });
    }
  }
  if (parent.tlp === 'TLP:RED') {
    const extra = child.recipients.users.filter((u) => !parentUsers.has(u));
    if (extra.length > 0) {
      problems.push({
        path: '/recipients/users',
        message: `the reply names people the TLP:RED report it answers did not: ${extra.join(', ')}`,
      });
    }
  }
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
