// The AAR's point-of-contact reachability: from the communications check drill control sent last before the drill
// ended, per team, whether anyone could be reached, whether anyone answered, and how fast. Model, HTML section and
// CSV lines together, so the three say the same thing.
import { confirmTime, type ComcheckStatus, type ComcheckTeamStatus } from '@drill/exercise';
import { csvRow, roundTo } from './csv.js';
import { escapeHtml as esc, utc } from './format.js';
import type { Aar } from './model.js';

/** A team's reachability as the AAR shows it: the communications check's figures, without the people's names. */
export type ReachabilityTeam = Omit<ComcheckTeamStatus, 'people'>;

export interface PocReachability {
  comcheckId: string;
  sentAt: string;
  /** The check was sent before STARTEX (the usual practice) rather than during the drill. */
  beforeStartex: boolean;
  teams: ReachabilityTeam[];
}

/** The AAR's view of a check: per team, without the people (the report names teams, not analysts). */
export function pocReachability(check: ComcheckStatus, startedAt: string | null | undefined): PocReachability {
  return {
    comcheckId: check.id,
    sentAt: check.sentAt,
    beforeStartex: !startedAt || Date.parse(check.sentAt) < Date.parse(startedAt),
    teams: check.teams.map((t) => ({
      teamId: t.teamId,
      code: t.code,
      name: t.name,
      participants: t.participants,
      reached: t.reached,
      reachedPeople: t.reachedPeople,
      confirmed: t.confirmed,
      confirmedPeople: t.confirmedPeople,
      confirmMs: t.confirmMs,
    })),
  };
}

const yesNo = (b: boolean) => (b ? 'yes' : '<strong>no</strong>');

/** The AAR section; without a check it says none was sent, which is itself a finding. */
export function reachabilitySectionHtml(aar: Aar, number: string): string {
  const r = aar.reachability;
  const body = !r
    ? '<p class="empty">Drill control sent no communications check before or during the drill.</p>'
    : `<p class="lead">From the communications check sent ${utc(r.sentAt)} (${r.beforeStartex ? 'before STARTEX' : 'during the drill'}):
  ${r.teams.filter((t) => t.confirmed).length} of ${r.teams.length} teams confirmed. Reached: a console of someone on the team received it;
  confirmed: someone answered; time to confirm: the team's first answer after sending.</p>
  <table class="grid compact reachability"><thead><tr><th scope="col">Team</th><th scope="col">Reached</th><th scope="col">Confirmed</th><th class="num" scope="col">People reached</th><th class="num" scope="col">People confirmed</th><th class="num" scope="col">Time to confirm</th></tr></thead><tbody>
${r.teams
  .map(
    (t) =>
      `<tr><th scope="row">${esc(t.code)} <span class="muted">${esc(t.name)}</span></th><td>${yesNo(t.reached)}</td><td>${yesNo(t.confirmed)}</td>` +
      `<td class="num">${t.reachedPeople} / ${t.participants}</td><td class="num">${t.confirmedPeople} / ${t.participants}</td><td class="num">${confirmTime(t.confirmMs)}</td></tr>`,
  )
  .join('\n')}
  </tbody></table>`;
  return `
<section id="reachability" class="section">
  <h2><span class="sec-no">${esc(number)}</span> Point-of-contact reachability</h2>
  ${body}
</section>`;
}

export const REACHABILITY_CSV_COLUMNS = [
  'report_tlp',
  'comcheck_sent_at',
  'team_code',
  'team_name',
  'participants',
  'reached',
  'people_reached',
  'confirmed',
  'people_confirmed',
  'time_to_confirm_s',
] as const;

/** The reachability as a second CSV table (header first), or nothing when no check was sent. */
export function reachabilityCsvLines(aar: Aar): string[] {
  const r = aar.reachability;
  if (!r) return [];
  return [
    csvRow(REACHABILITY_CSV_COLUMNS),
    ...r.teams.map((t) =>
      csvRow([
        aar.marking,
        r.sentAt,
        t.code,
        t.name,
        t.participants,
        t.reached ? 'yes' : 'no',
        t.reachedPeople,
        t.confirmed ? 'yes' : 'no',
        t.confirmedPeople,
        t.confirmMs === null ? null : roundTo(t.confirmMs / 1000, 3),
      ]),
    ),
  ];
}
