import { formatScenarioTime } from '@drill/exercise';
import { COMPONENT_KEYS } from '@drill/scoring';
import type { Aar, ScorecardRow, TeamScorecard } from './model.js';

export const CSV_COLUMNS = [
  'team_code',
  'team_name',
  'team_percent',
  'inject_id',
  'inject_title',
  'released_at',
  'released_scenario_time',
  'time_to_ack_min',
  'time_to_report_min',
  'timeliness',
  ...COMPONENT_KEYS,
  'completeness',
  'auto_score',
  'override_timeliness',
  'override_completeness',
  'override_by',
  'override_justification',
  'final_score',
] as const;

type Cell = string | number | null | undefined;

/**
 * One field per RFC 4180: quoted when it holds a comma, quote, CR or LF, quotes doubled. Text that a spreadsheet
 * would run as a formula (leading = + - @, tab or CR) gets a leading apostrophe — a report title is data, never
 * a formula. Numbers are written in full precision, exactly the figures the JSON carries.
 */
export function csvField(v: Cell): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : '';
  const s = /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function csvRow(cells: readonly Cell[]): string {
  return cells.map(csvField).join(',');
}

function rowCells(t: TeamScorecard, r: ScorecardRow): Cell[] {
  return [
    t.code,
    t.name,
    t.percent,
    r.injectId,
    r.injectTitle,
    r.releasedAt,
    formatScenarioTime(r.releasedScenarioMs),
    r.timeToAcknowledge,
    r.timeToReport,
    r.timeliness,
    ...COMPONENT_KEYS.map((k) => r.components[k]),
    r.completeness,
    r.auto,
    r.override?.timeliness,
    r.override?.completeness,
    r.override?.by,
    r.override?.justification,
    r.final,
  ];
}

/** The scorecards as CSV: one row per (team, inject) that required a response, CRLF line ends, header first. */
export function renderAarCsv(aar: Aar): string {
  const lines = [csvRow(CSV_COLUMNS)];
  for (const t of aar.scorecards) for (const r of t.injects) lines.push(csvRow(rowCells(t, r)));
  return lines.join('\r\n') + '\r\n';
}
