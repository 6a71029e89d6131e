// Requests for assistance (RFA): the bilateral side of the ISM. A request is between two parties, a team or drill
// control on each side, and nobody else reads it — whatever its label, a request names what one CERT asks of
// another, which is the asking team's business. TLP still applies within that: under TLP:RED only the person who
// asked (not their teammates) and the asked team read it; and a request tied to an inject may not be marked looser
// than the inject, whose content it usually repeats.
import {
  isLooserTlp,
  type AssistanceAnswer,
  type AssistanceStatus,
  type FieldProblem,
  type TlpLabel,
} from '@drill/contracts';
import type { Viewer } from './model.js';
import { isDrillControl } from './visibility.js';

/** The parties and label of a request, as the rules need them; a null team is drill control. */
export interface AssistanceParties {
  fromTeamId: string | null;
  toTeamId: string | null;
  requestedByUserId: string | null;
  tlp: TlpLabel;
}

/** Whether `viewer` may read the request (drill control always; then the asked team, then the asking side). */
export function canSeeAssistance(r: AssistanceParties, viewer: Viewer): boolean {
  if (isDrillControl(viewer)) return true;
  if (viewer.teamId === null) return false;
  if (r.toTeamId !== null && viewer.teamId === r.toTeamId) return true;
  if (r.fromTeamId === null || viewer.teamId !== r.fromTeamId) return false;
  return r.tlp !== 'TLP:RED' || viewer.userId === r.requestedByUserId;
}

/** Who a request's events go to: drill control, the asked team, and the asking team or, under RED, its asker. */
export interface AssistanceAudience {
  teams: string[];
  users: string[];
}

export function assistanceAudience(r: AssistanceParties): AssistanceAudience {
  const teams: string[] = [];
  const users: string[] = [];
  if (r.toTeamId !== null) teams.push(r.toTeamId);
  if (r.fromTeamId !== null && r.fromTeamId !== r.toTeamId) {
    if (r.tlp !== 'TLP:RED') teams.push(r.fromTeamId);
    else if (r.requestedByUserId !== null) users.push(r.requestedByUserId);
  }
  return { teams, users };
}

/** Whether `viewer` answers for the asked party: its team's participants, or drill control's controllers. */
export function answersAssistance(r: Pick<AssistanceParties, 'toTeamId'>, viewer: Viewer): boolean {
  if (r.toTeamId === null) return viewer.role === 'controller';
  return viewer.role === 'participant' && viewer.teamId === r.toTeamId;
}

/**
 * The answers a request may take next. An accepted request can still be fulfilled or declined (the takedown
 * failed, the hoster refused); a declined or fulfilled one is settled.
 */
export function nextAssistanceAnswers(status: AssistanceStatus): readonly AssistanceAnswer[] {
  switch (status) {
    case 'open':
      return ['accepted', 'declined', 'fulfilled'];
    case 'accepted':
      return ['declined', 'fulfilled'];
    case 'declined':
    case 'fulfilled':
      return [];
  }
}

/** A request tied to an inject keeps at least the inject's label. */
export function checkAssistanceTlp(
  tlp: TlpLabel,
  inject: { id: string; tlp: TlpLabel } | undefined,
): FieldProblem | undefined {
  if (!inject || !isLooserTlp(tlp, inject.tlp)) return undefined;
  return {
    path: '/tlp',
    message: `a request about ${inject.id} cannot be marked looser than the inject (${inject.tlp}); use ${inject.tlp} or stricter`,
  };
}
