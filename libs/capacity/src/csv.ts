import { csvRow } from '@drill/reporting';
import type { CapacityView, Series } from './model.js';

export const CAPACITY_CSV_COLUMNS = [
  'series',
  'tier',
  'team_code',
  'team_name',
  'measure',
  'capability',
  'exercise_id',
  'exercise_name',
  'ended_at',
  'value',
  'rating',
  'change_since_first',
] as const;

type Cell = string | number | null | undefined;

function pointRows(
  lead: Cell[],
  measure: 'score' | 'capability' | 'cooperation',
  capability: string,
  s: Series,
): Cell[][] {
  return s.points.map((p) => [
    ...lead,
    measure,
    capability,
    p.exerciseId,
    p.exerciseName,
    p.endedAt,
    p.value,
    p.rating ?? null,
    p.change,
  ]);
}

/**
 * The capacity view as CSV, one row per point of every series: each team's overall score, capabilities and (when
 * it has any) cooperation score, then
 * each tier's medians (`series` = team | tier; a tier row has no team; an empty tier is a team without one).
 * The numbers are the JSON's own, already rounded (round.ts), so the file and the API never disagree. CRLF line
 * ends, header first, RFC 4180 quoting as the AAR's CSV does it.
 */
export function renderCapacityCsv(view: CapacityView): string {
  const rows: Cell[][] = [];
  for (const t of view.teams) {
    const lead = ['team', t.tier, t.teamCode, t.teamName];
    rows.push(...pointRows(lead, 'score', '', t.score));
    for (const c of t.capabilities) rows.push(...pointRows(lead, 'capability', c.capability, c));
    if (t.cooperation) rows.push(...pointRows(lead, 'cooperation', '', t.cooperation));
  }
  for (const t of view.tiers) {
    const lead = ['tier', t.tier, '', ''];
    rows.push(...pointRows(lead, 'score', '', t.score));
    for (const c of t.capabilities) rows.push(...pointRows(lead, 'capability', c.capability, c));
  }
  return [csvRow(CAPACITY_CSV_COLUMNS), ...rows.map(csvRow)].join('\r\n') + '\r\n';
}
