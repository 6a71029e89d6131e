import { formatScenarioTime } from '@drill/exercise';
import { COMPONENT_KEYS } from '@drill/scoring';
import { reachabilityCsvLines } from './comcheck.js';
import { cooperationCsvLines } from './cooperation-render.js';
import { feedbackCsvLines } from './feedback-render.js';
import type { Aar, ScorecardRow, TeamScorecard } from './model.js';

export const CSV_COLUMNS = [
  'report_tlp',
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
 * a formula. Numbers are written as given: renderAarCsv rounds them first (see `roundTo`).
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

/**
 * `x` rounded half away from zero to `decimals` places, as the nearest double to that decimal, so that it prints
 * as written (2.49, never 2.4899999999999998). Missing figures stay missing.
 */
export function roundTo(x: number | null | undefined, decimals: number): number | null | undefined {
  if (x === null || x === undefined || !Number.isFinite(x)) return x;
  const f = 10 ** decimals;
  const r = Math.sign(x) * (Math.round(Math.abs(x) * f + Number.EPSILON * f) / f);
  return r === 0 ? 0 : r; // no "-0"
}

// The CSV is for spreadsheets and for people, so its figures are those the HTML report prints, to one more place
// where the HTML would lose information: scores (0–1) to three decimals as the report and the scorecards show them,
// percentages to two, times in scenario minutes to two (0.01 min = 0.6 s). The JSON keeps every figure unrounded.
const score = (x: number | null | undefined) => roundTo(x, 3);
const pct = (x: number | null | undefined) => roundTo(x, 2);
const min = (x: number | null | undefined) => roundTo(x, 2);

function rowCells(aar: Aar, t: TeamScorecard, r: ScorecardRow): Cell[] {
  return [
    aar.marking,
    t.code,
    t.name,
    pct(t.percent),
    r.injectId,
    r.injectTitle,
    r.releasedAt,
    formatScenarioTime(r.releasedScenarioMs),
    min(r.timeToAcknowledge),
    min(r.timeToReport),
    score(r.timeliness),
    ...COMPONENT_KEYS.map((k) => score(r.components[k])),
    score(r.completeness),
    score(r.auto),
    score(r.override?.timeliness),
    score(r.override?.completeness),
    r.override?.by,
    r.override?.justification,
    score(r.final),
  ];
}

/**
 * The scorecards as CSV: one row per (team, inject) that required a response, CRLF line ends, header first. Every
 * row carries the report's TLP marking (`report_tlp`), so a row copied out of the file keeps its handling rule.
 * When participants gave feedback, its figures follow as a second table after one empty line (feedback-render.ts);
 * so do the point-of-contact reachability (comcheck.ts) and the cooperation tables (cooperation-render.ts).
 */
export function renderAarCsv(aar: Aar): string {
  const lines = [csvRow(CSV_COLUMNS)];
  for (const t of aar.scorecards) for (const r of t.injects) lines.push(csvRow(rowCells(aar, t, r)));
  const feedback = feedbackCsvLines(aar);
  if (feedback.length) lines.push('', ...feedback); // a second table: participant feedback per objective, capability
  const reachability = reachabilityCsvLines(aar); // then each team's point-of-contact reachability, when checked
  if (reachability.length) lines.push('', ...reachability);
  const cooperation = cooperationCsvLines(aar); // then requests for assistance: teams, requests, pairs
  if (cooperation.length) lines.push('', ...cooperation);
  return lines.join('\r\n') + '\r\n';
}
