import { TLP_LABELS, type TlpLabel } from '@drill/contracts';
import type { AarInputReport, AarInputTeam, SharingCell, SharingMatrix } from './model.js';

const zeroByTlp = (): Record<TlpLabel, number> =>
  Object.fromEntries(TLP_LABELS.map((l) => [l, 0])) as Record<TlpLabel, number>;

/**
 * Who shared with whom: one count per (author team, recipient team, report), split by the report's TLP.
 * Recipients are the teams a report was addressed to; 'all' means every team of the exercise. The author's own
 * team and drill control are not sharing partners, so self-pairs are left out and control-authored reports
 * (teamId null) are not counted. Recipients that are not teams of the exercise are ignored.
 */
export function sharingMatrix(teams: readonly AarInputTeam[], reports: readonly AarInputReport[]): SharingMatrix {
  const codeOf = new Map(teams.map((t) => [t.id, t.code]));
  const cells = new Map<string, SharingCell>();
  const totalsByTlp = zeroByTlp();
  let reportsToTeams = 0;
  let reportsControlOnly = 0;
  for (const r of reports) {
    if (r.teamId === null) continue;
    const from = codeOf.get(r.teamId);
    if (from === undefined) continue;
    const ids = r.recipients.teams === 'all' ? teams.map((t) => t.id) : r.recipients.teams;
    const to = [...new Set(ids)].filter((id) => id !== r.teamId && codeOf.has(id));
    if (to.length === 0) {
      reportsControlOnly++;
      continue;
    }
    reportsToTeams++;
    totalsByTlp[r.tlp]++;
    for (const id of to) {
      const code = codeOf.get(id)!;
      const key = `${from}\u0000${code}`;
      let cell = cells.get(key);
      if (!cell) {
        cell = { from, to: code, total: 0, byTlp: zeroByTlp() };
        cells.set(key, cell);
      }
      cell.total++;
      cell.byTlp[r.tlp]++;
    }
  }
  const order = teams.map((t) => t.code);
  const rank = new Map(order.map((c, i) => [c, i]));
  return {
    teams: order,
    cells: [...cells.values()].sort(
      (a, b) => rank.get(a.from)! - rank.get(b.from)! || rank.get(a.to)! - rank.get(b.to)!,
    ),
    totalsByTlp,
    reportsToTeams,
    reportsControlOnly,
  };
}
