import { isLooserTlp, tlpRank, type TlpLabel } from '@drill/contracts';
import type {
  HandlingFault,
  HandlingResult,
  MatchedIoc,
  ScoringAnswerKey,
  ScoringIoc,
  ScoringReport,
} from './model.js';

/**
 * What each information-handling fault costs, as a fraction of the inject's score. Sharing is the product of a
 * CERT network, and careless sharing does harm completeness cannot measure, so a fault reduces the whole inject
 * score (timeliness and completeness alike) rather than one component: a quick, loud report must not outscore a
 * careful one.
 *  - looserTlp: a report labelled more widely than the inject allows breaks the originator's sharing restriction,
 *    which under FIRST TLP 2.0 the recipient must respect; the most serious fault in CERT-to-CERT sharing.
 *  - widenedAudience: a restricted report (AMBER or stricter) sent to every team, or to teams the answer key does
 *    not name, discloses beyond need-to-know even when the label itself is right.
 *  - decoyShared: an indicator the scenario planted as benign (a CDN address, a shared host) shared as a detection
 *    indicator gets legitimate infrastructure blocked by the teams that act on it; per decoy.
 * Faults add up; the inject keeps at least nothing (the factor never goes below 0).
 */
export const HANDLING_COSTS = Object.freeze({ looserTlp: 1, widenedAudience: 0.75, decoyShared: 0.5 });

const RESTRICTED: TlpLabel = 'TLP:AMBER';

/**
 * Handling faults in a team's reports on one inject. `reports` are all its non-bare reports on the inject, late ones
 * included (a leak after the deadline is still a leak); `decoys` the decoys they carried (found by the IOC model).
 */
export function scoreHandling(input: {
  answerKey?: ScoringAnswerKey;
  injectTlp: TlpLabel;
  reports: readonly ScoringReport[];
  decoys: readonly (ScoringIoc & { reportId: string; via?: MatchedIoc['via'] })[];
}): HandlingResult {
  const maxTlp = input.answerKey?.maxTlp ?? input.injectTlp;
  const named = new Set((input.answerKey?.recipients ?? []).filter((r) => r.toLowerCase() !== 'control'));
  const faults: HandlingFault[] = [];
  for (const r of input.reports) {
    if (isLooserTlp(r.tlp, maxTlp))
      faults.push({
        kind: 'looser-tlp',
        reportId: r.id,
        detail: `${r.tlp} is looser than ${maxTlp}`,
        cost: HANDLING_COSTS.looserTlp,
      });
    if (tlpRank(r.tlp) >= tlpRank(RESTRICTED)) {
      const teams = r.recipients.teams;
      const beyond = teams === 'all' ? ['all'] : named.size > 0 ? teams.filter((t) => !named.has(t)) : [];
      if (beyond.length)
        faults.push({
          kind: 'widened-audience',
          reportId: r.id,
          detail: `${r.tlp} report sent to ${beyond.join(', ')}`,
          cost: HANDLING_COSTS.widenedAudience,
        });
    }
  }
  for (const d of input.decoys)
    faults.push({
      kind: 'decoy-shared',
      reportId: d.reportId,
      detail: `decoy ${d.type} ${d.original ?? d.value}${d.via ? ` (as ${d.via.type} ${d.via.value})` : ''} shared as an indicator`,
      cost: HANDLING_COSTS.decoyShared,
    });
  const penalty = Math.min(
    1,
    faults.reduce((s, f) => s + f.cost, 0),
  );
  return { faults, penalty, factor: 1 - penalty };
}
