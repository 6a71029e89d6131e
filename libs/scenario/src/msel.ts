import { ASSISTANCE_ANSWERS, ASSISTANCE_KINDS, IOC_TYPES, parseTlp, type FieldProblem } from '@drill/contracts';
import ExcelJS from 'exceljs';
import type { Problem } from './ajv-messages.js';
import type { Inject, Scenario } from './model.js';
import { readCsv, unescapeFormula, writeCsv } from './msel-csv.js';
import {
  checkCellLimits,
  columnLetter,
  formatBytes,
  formatExcess,
  MSEL_MAX_FILE_BYTES,
  MselRefusal,
} from './msel-limits.js';
import { BadCell, readXlsx, type CellValue, type SheetRow } from './msel-xlsx.js';
import { formatOffset } from './offset.js';
import type { PathSegment } from './positions.js';
import { validateDocument, sortProblems } from './validate.js';
import { scenarioToYaml } from './yaml-out.js';

// MSEL spreadsheets as drills already keep them (CSV or XLSX), mapped to the scenario format.
//
// Decisions:
// - Headers are matched case-insensitively after trimming; for each field the first synonym in the list below
//   wins, so a sheet with both "Delivery Time" and "Simulated Time" takes the former as the offset.
// - Columns the format has no field for (Status, Assumptions, Measure of Performance, a second time column, …)
//   are kept per inject in `extraColumns` by header and written back on export. They are not put into the
//   inject body: those columns are controller notes and the body is delivered to teams.
// - Moves become phases. "P1: Detection" gives phase id P1 titled Detection; any other text gives a phase titled
//   with the text and identified by its slug ("Move 1" → Move-1). Export writes the form that reads back the same.
// - Without a "Scenario" sheet (written by exportMsel for XLSX) the planned duration is the last offset rounded up
//   to a whole hour (at least +01:00).
// - Every problem names the spreadsheet row (`line`) and column (`column`, 1-based) it is about.
// - Limits (msel-limits.ts) bound the file, the unpacked workbook, rows, columns and cell text; a file over one is
//   refused with the limit named, before the work it would cost.
// - XLSX cells are read for what they are (msel-xlsx.ts). A cell showing an error (#REF!, #N/A, …) or a formula
//   Excel never calculated is refused by cell, not imported as text; the MSEL sheet is the one named MSEL, else the
//   first sheet with a header row.
// - A scripted request for assistance (`assistance`) has columns of its own: RFA Kind, RFA Text, RFA IOCs (one
//   `type: value` a line), RFA Expect (the expected answer), RFA Respond Minutes, RFA Fulfil Minutes and RFA
//   Mentions (separated by ";" or line breaks). Export writes them only when some inject has assistance, so that
//   other scenarios keep the sheet they had. The scenario's cooperation targets go in the "Scenario" sheet (XLSX);
//   a CSV, like the other scenario-wide fields, does not carry them.

type Field =
  | 'id'
  | 'phase'
  | 'time'
  | 'title'
  | 'body'
  | 'from'
  | 'to'
  | 'expectedActions'
  | 'severity'
  | 'tlp'
  | 'responseRequired'
  | 'targetMinutes'
  | 'deadlineMinutes'
  | RfaField;

/** The columns of a scripted request for assistance; they fill the inject's `assistance` together. */
type RfaField =
  'rfaKind' | 'rfaText' | 'rfaIocs' | 'rfaExpect' | 'rfaRespondMinutes' | 'rfaFulfilMinutes' | 'rfaMentions';
const RFA_FIELDS: readonly RfaField[] = [
  'rfaKind',
  'rfaText',
  'rfaIocs',
  'rfaExpect',
  'rfaRespondMinutes',
  'rfaFulfilMinutes',
  'rfaMentions',
];
const isRfaField = (f: Field): f is RfaField => (RFA_FIELDS as readonly string[]).includes(f);

// First entry = the header exportMsel writes.
const HEADERS: Record<Field, readonly string[]> = {
  id: [
    'Control Number',
    'ID',
    'Inject ID',
    '#',
    'Control No',
    'Control No.',
    'Inject No',
    'Inject No.',
    'Inject Number',
  ],
  phase: ['Move', 'Phase'],
  time: ['Delivery Time', 'Time', 'Offset', 'T+', 'Simulated Time'],
  title: ['Title', 'Subject'],
  body: ['Description', 'Details', 'Body'],
  from: ['From', 'From Org'],
  to: ['To', 'To Org', 'Target', 'Targets', 'Assigned To'],
  expectedActions: ['Expected Actions', 'Expected Action'],
  severity: ['Severity'],
  tlp: ['TLP'],
  responseRequired: ['Response Required'],
  targetMinutes: ['Target Minutes'],
  deadlineMinutes: ['Deadline Minutes'],
  rfaKind: ['RFA Kind', 'Assistance Kind'],
  rfaText: ['RFA Text', 'Assistance Text'],
  rfaIocs: ['RFA IOCs', 'RFA Indicators', 'Assistance IOCs'],
  rfaExpect: ['RFA Expect', 'RFA Expected Answer', 'Assistance Expect'],
  rfaRespondMinutes: ['RFA Respond Minutes', 'Assistance Respond Minutes'],
  rfaFulfilMinutes: ['RFA Fulfil Minutes', 'RFA Fulfill Minutes', 'Assistance Fulfil Minutes'],
  rfaMentions: ['RFA Mentions', 'Assistance Mentions'],
};
const FIELDS = Object.keys(HEADERS) as Field[];
const BASE_FIELDS = FIELDS.filter((f) => !isRfaField(f));

/** Authored inject property each column fills. */
const PROPERTY: Record<Field, string> = {
  id: 'id',
  phase: 'phase',
  time: 'offset',
  title: 'title',
  body: 'body',
  from: 'from',
  to: 'targets',
  expectedActions: 'expectedActions',
  severity: 'severity',
  tlp: 'tlp',
  responseRequired: 'responseRequired',
  targetMinutes: 'targetMinutes',
  deadlineMinutes: 'deadlineMinutes',
  rfaKind: 'assistance',
  rfaText: 'assistance',
  rfaIocs: 'assistance',
  rfaExpect: 'assistance',
  rfaRespondMinutes: 'assistance',
  rfaFulfilMinutes: 'assistance',
  rfaMentions: 'assistance',
};
const FIELD_OF_PROPERTY = new Map(BASE_FIELDS.map((f) => [PROPERTY[f], f]));

/** The RFA column a problem inside `assistance` is about (path after the property); none for the block itself. */
function rfaFieldOf(rest: readonly (string | number)[]): RfaField | undefined {
  const [a, b] = rest.map(String);
  if (a === 'kind') return 'rfaKind';
  if (a === 'text') return 'rfaText';
  if (a === 'iocs') return 'rfaIocs';
  if (a !== 'expect') return undefined;
  if (b === 'respondMinutes') return 'rfaRespondMinutes';
  if (b === 'fulfilMinutes') return 'rfaFulfilMinutes';
  if (b === 'mentions') return 'rfaMentions';
  return 'rfaExpect';
}

const META_SHEET = 'Scenario';
const META_KEYS = {
  id: 'Id',
  title: 'Title',
  summary: 'Summary',
  plannedDuration: 'Planned Duration',
  respondMinutes: 'Cooperation Respond Minutes',
  fulfilMinutes: 'Cooperation Fulfil Minutes',
} as const;

const norm = (h: string): string => h.trim().replace(/\s+/g, ' ').replace(/:$/, '').toLowerCase();
const SYNONYM = new Map<string, Field>();
for (const f of FIELDS) for (const h of HEADERS[f]) SYNONYM.set(norm(h), f);

export interface MselImport {
  scenario?: Scenario;
  yaml?: string;
  errors: FieldProblem[];
}

type Row = SheetRow;

// ───────────────────────────── cells ─────────────────────────────

/** Text of a cell as the readers give it (msel-xlsx.ts has turned rich text, hyperlinks and formulas into values). */
function cellText(v: unknown): string | undefined {
  if (v === null || v === undefined || v instanceof BadCell) return undefined;
  if (v instanceof Date) return v.toISOString();
  return String(v);
}

function isBlank(v: unknown): boolean {
  const t = cellText(v);
  return t === undefined || t.trim() === '';
}

const EXCEL_EPOCH = Date.UTC(1899, 11, 30);
const EXCEL_EPOCH_1904 = Date.UTC(1904, 0, 1);
const DAY = 86_400;
// An offset beyond a week is not a drill offset but a calendar date read as one.
const MAX_OFFSET = 7 * DAY;

/**
 * The lenient time forms drills use, to an authored offset. `date1904`: the cell comes from a workbook that counts
 * days from 1904 (older Mac Excel), where exceljs gives a time of day as a Date on 1904-01-01.
 */
export function parseMselTime(
  v: unknown,
  options: { date1904?: boolean } = {},
): { offset: string } | { error: string } {
  if (typeof v === 'object' && v !== null && !(v instanceof Date) && 'result' in v)
    return parseMselTime((v as { result: unknown }).result, options);
  if (v instanceof Date || typeof v === 'number') {
    // Excel keeps times as fractions of a day; exceljs returns formatted ones as Dates counted from the epoch.
    const epoch = options.date1904 ? EXCEL_EPOCH_1904 : EXCEL_EPOCH;
    const seconds = v instanceof Date ? (v.getTime() - epoch) / 1000 : v * DAY;
    if (!Number.isFinite(seconds) || seconds < 0 || seconds > MAX_OFFSET) {
      const shown = v instanceof Date ? v.toISOString() : String(v);
      return { error: `${shown} is a date, not an offset from the start; write the offset as +HH:MM` };
    }
    return { offset: formatOffset(seconds) };
  }
  const text = cellText(v)?.trim() ?? '';
  const m = /^(?:T\s*)?\+?\s*(\d{1,3}):([0-5]\d)(?::([0-5]\d))?$/i.exec(text);
  if (!m) return { error: `'${text}' is not an offset; write +HH:MM, T+HH:MM, HH:MM or H:MM:SS` };
  return { offset: `+${m[1]!.padStart(2, '0')}:${m[2]}${m[3] === undefined ? '' : `:${m[3]}`}` };
}

const SEVERITY_WORDS: Record<string, string> = {
  low: 'low',
  medium: 'medium',
  moderate: 'medium',
  med: 'medium',
  high: 'high',
  critical: 'critical',
};
const ALL_WORDS = new Set(['all', 'all teams', 'everyone', 'all participants']);
const YES = new Set(['yes', 'y', 'true', '1', 'x', 'required']);
const NO = new Set(['no', 'n', 'false', '0', '-']);

function slug(s: string): string {
  return s
    .trim()
    .replace(/[^A-Za-z0-9_.-]+/g, '-')
    .replace(/^[^A-Za-z0-9]+/, '')
    .replace(/-+$/, '');
}

function parseMove(text: string): { id: string; title: string } {
  const m = /^([A-Za-z0-9][A-Za-z0-9_.-]*)\s*:\s*(.+)$/.exec(text);
  if (m) return { id: m[1]!, title: m[2]!.trim() };
  return { id: slug(text) || 'move', title: text };
}

function moveLabel(id: string, title: string): string {
  return slug(title) === id ? title : `${id}: ${title}`;
}

// ───────────────────────────── requests for assistance ─────────────────────────────

const IOC_TYPE_OF = new Map(IOC_TYPES.map((t) => [t.toLowerCase(), t]));
// A line may hold several indicators separated by ";" when the next one starts with a type (URLs may hold ";").
const IOC_SPLIT = new RegExp(`;\\s*(?=(?:${IOC_TYPES.map((t) => t.replace(/[|]/g, '\\$&')).join('|')})\\s*:)`, 'i');

/** "type: value" a line (or separated by ";"), as RFA IOCs holds them. */
function parseRfaIocs(text: string): { iocs: { type: string; value: string }[] } | { error: string } {
  const iocs: { type: string; value: string }[] = [];
  for (const piece of text.split(/\r?\n/).flatMap((l) => l.split(IOC_SPLIT))) {
    if (piece.trim() === '') continue;
    const colon = piece.indexOf(':');
    const type = colon < 0 ? undefined : IOC_TYPE_OF.get(piece.slice(0, colon).trim().toLowerCase());
    const value = colon < 0 ? '' : piece.slice(colon + 1).trim();
    if (type === undefined || value === '')
      return {
        error:
          `'${piece.trim()}' is not an indicator: write one a line as type: value, e.g. domain: evil[.]example ` +
          `(types: ${IOC_TYPES.join(', ')})`,
      };
    iocs.push({ type, value });
  }
  return { iocs };
}

/** Mentions separated by line breaks, or by ";" in a one-line cell. */
function splitMentions(text: string): string[] {
  const parts = /\r?\n/.test(text) ? text.split(/\r?\n/) : text.split(';');
  return parts.map((m) => m.trim()).filter((m) => m !== '');
}

function joinMentions(mentions: readonly string[]): string {
  return mentions.some((m) => m.includes(';')) ? mentions.join('\n') : mentions.join('; ');
}

function rfaCells(i: Inject): Record<RfaField, string | number> {
  const a = i.assistance;
  if (!a)
    return {
      rfaKind: '',
      rfaText: '',
      rfaIocs: '',
      rfaExpect: '',
      rfaRespondMinutes: '',
      rfaFulfilMinutes: '',
      rfaMentions: '',
    };
  return {
    rfaKind: a.kind,
    rfaText: a.text ?? '',
    rfaIocs: a.iocs.map((x) => `${x.type}: ${x.original}`).join('\n'),
    rfaExpect: a.expect.status,
    rfaRespondMinutes: a.expect.respondMinutes ?? '',
    rfaFulfilMinutes: a.expect.fulfilMinutes ?? '',
    rfaMentions: joinMentions(a.expect.mentions),
  };
}

// ───────────────────────────── import ─────────────────────────────

/** CSV records as rows, each cell checked against the MSEL limits; blank rows and cells left out. */
function readCsvRows(data: Buffer): Row[] {
  const rows: Row[] = [];
  readCsv(data).forEach((record, i) => {
    const cells: CellValue[] = [];
    record.forEach((raw, c) => {
      if (raw.trim() === '') return;
      const text = unescapeFormula(raw);
      checkCellLimits(i + 1, c + 1, text);
      while (cells.length < c) cells.push(undefined);
      cells[c] = text;
    });
    if (cells.length) rows.push({ number: i + 1, cells });
  });
  return rows;
}

// A title or notes block may sit above the header row; the header is within the first rows.
const HEADER_WITHIN = 30;

function findHeader(rows: readonly Row[]): Row | undefined {
  // The header is the first row naming a time or title column and at least one other known column.
  return rows.find((r) => {
    if (r.number > HEADER_WITHIN) return false;
    const fields = new Set(r.cells.map((c) => SYNONYM.get(norm(cellText(c) ?? ''))).filter((f) => f !== undefined));
    return fields.size >= 2 && (fields.has('time') || fields.has('title'));
  });
}

/** Reads an MSEL spreadsheet into a scenario; row-numbered problems when it does not fit. */
export async function importMsel(
  data: Buffer,
  format: 'csv' | 'xlsx',
  meta?: { id?: string; title?: string },
): Promise<MselImport> {
  if (data.length > MSEL_MAX_FILE_BYTES) {
    return {
      errors: [
        {
          path: 'file',
          message: `the file is ${formatExcess(data.length, MSEL_MAX_FILE_BYTES)}; an MSEL file may be at most ${formatBytes(MSEL_MAX_FILE_BYTES)} (MSEL_MAX_FILE_BYTES)`,
        },
      ],
    };
  }
  let rows: Row[];
  const sheetMeta: Record<string, string> = {};
  let date1904 = false;
  try {
    if (format === 'csv') rows = readCsvRows(data);
    else {
      const content = await readXlsx(data, (peeked) => findHeader(peeked) !== undefined, {
        metaSheet: META_SHEET,
        peek: HEADER_WITHIN,
      });
      if (content.metaProblems.length) return { errors: content.metaProblems };
      rows = content.rows;
      date1904 = content.date1904;
      for (const [k, v] of content.meta) sheetMeta[norm(k)] = v;
    }
  } catch (e) {
    if (e instanceof MselRefusal) return { errors: [e.problem] };
    const lines = (e as { lines?: number }).lines;
    return {
      errors: [
        {
          path: 'file',
          message: `not a readable ${format.toUpperCase()} file: ${(e as Error).message}`,
          ...(lines !== undefined && { line: lines }),
        },
      ],
    };
  }

  const header = findHeader(rows);
  if (!header) {
    return {
      errors: [
        {
          path: 'header',
          message: 'no header row found: expected columns such as Control Number, Delivery Time and Title',
        },
      ],
    };
  }

  const lastColumn = rows.reduce((n, r) => Math.max(n, r.cells.length), 0);
  const headerName = (c: number): string => cellText(header.cells[c])?.trim() || `Column ${columnLetter(c + 1)}`;
  // A cell that cannot be read is refused before anything is made of its row: importing "#REF!" as a title, or an
  // empty title for an uncalculated formula, would hide the fault until the drill.
  const unreadable: FieldProblem[] = [];
  for (const row of rows) {
    if (row.number < header.number) continue;
    row.cells.forEach((c, i) => {
      if (c instanceof BadCell)
        unreadable.push({
          path: `row ${row.number}, column "${headerName(i)}"`,
          message: c.message,
          line: row.number,
          column: i + 1,
        });
    });
  }
  if (unreadable.length) return { errors: unreadable };
  // Each field takes the column whose header comes first in its synonym list (leftmost on a tie).
  const column = new Map<Field, number>(); // field → 0-based cell index
  const rank = new Map<Field, number>();
  for (let c = 0; c < lastColumn; c++) {
    const h = norm(cellText(header.cells[c]) ?? '');
    const f = SYNONYM.get(h);
    if (f === undefined) continue;
    const r = HEADERS[f].findIndex((x) => norm(x) === h);
    if (!rank.has(f) || r < rank.get(f)!) {
      rank.set(f, r);
      column.set(f, c);
    }
  }
  // Unknown or second-choice headers, and untitled columns that hold data, are kept rather than dropped.
  const mapped = new Set(column.values());
  const extras: { index: number; name: string }[] = [];
  for (let c = 0; c < lastColumn; c++) {
    if (mapped.has(c)) continue;
    if (isBlank(header.cells[c]) && rows.every((r) => r.number <= header.number || isBlank(r.cells[c]))) continue;
    extras.push({ index: c, name: headerName(c) });
  }
  const usedNames = new Set<string>();
  for (const x of extras) {
    let name = x.name;
    for (let n = 2; usedNames.has(name); n++) name = `${x.name} (${n})`;
    usedNames.add(name);
    x.name = name;
  }

  const errors: FieldProblem[] = [];
  const headerLabel = (f: Field): string => (column.has(f) ? headerName(column.get(f)!) : HEADERS[f][0]!);
  for (const f of ['time', 'title'] as const) {
    if (!column.has(f)) {
      errors.push({
        path: 'header',
        message: `missing column "${HEADERS[f][0]}" (or ${HEADERS[f].slice(1).join(', ')})`,
        line: header.number,
      });
    }
  }
  if (errors.length) return { errors };

  const cellProblem = (row: Row, f: Field, message: string): FieldProblem => ({
    path: `row ${row.number}, column "${headerLabel(f)}"`,
    message,
    line: row.number,
    column: column.get(f)! + 1,
  });

  /** The RFA columns of one row to `assistance`; nothing when they are all empty or one of them is wrong. */
  const readRfa = (
    row: Row,
    k: number,
    text: (f: Field) => string | undefined,
    fail: (f: Field, message: string) => void,
    inject: Record<string, unknown>,
  ): void => {
    if (RFA_FIELDS.every((f) => text(f) === undefined)) return;
    const kind = text('rfaKind')?.trim().toLowerCase().replace(/\s+/g, '-');
    if (kind === undefined) fail('rfaKind', `"${headerLabel('rfaKind')}" is empty, but the row has other RFA columns`);
    else if (!(ASSISTANCE_KINDS as readonly string[]).includes(kind))
      fail('rfaKind', `'${text('rfaKind')!.trim()}' must be one of ${ASSISTANCE_KINDS.join(', ')}`);
    const status = text('rfaExpect')?.trim().toLowerCase();
    if (status === undefined)
      fail(
        'rfaExpect',
        `"${headerLabel('rfaExpect')}" is empty: say which answer is expected (accepted, declined or fulfilled)`,
      );
    else if (!(ASSISTANCE_ANSWERS as readonly string[]).includes(status))
      fail('rfaExpect', `'${text('rfaExpect')!.trim()}' must be one of ${ASSISTANCE_ANSWERS.join(', ')}`);
    const expect: Record<string, unknown> = { status };
    for (const [f, key] of [
      ['rfaRespondMinutes', 'respondMinutes'],
      ['rfaFulfilMinutes', 'fulfilMinutes'],
    ] as const) {
      const v = column.has(f) ? row.cells[column.get(f)!] : undefined;
      if (isBlank(v)) continue;
      const n = typeof v === 'number' ? v : Number(cellText(v)!.trim());
      if (!Number.isFinite(n) || n <= 0) fail(f, `'${cellText(v)!.trim()}' must be a number of minutes above 0`);
      else expect[key] = n;
    }
    const mentions = text('rfaMentions');
    if (mentions !== undefined) expect['mentions'] = splitMentions(mentions);
    const assistance: Record<string, unknown> = { kind };
    const body = text('rfaText');
    if (body !== undefined) assistance['text'] = body;
    const iocs = text('rfaIocs');
    if (iocs !== undefined) {
      const parsed = parseRfaIocs(iocs);
      if ('error' in parsed) fail('rfaIocs', parsed.error);
      else assistance['iocs'] = parsed.iocs;
    }
    assistance['expect'] = expect;
    // A wrong cell has been reported by its column; the rest of the request is not checked again without it.
    if (!failed.has(`${k}/assistance`)) inject['assistance'] = assistance;
  };

  const phases: { id: string; title: string }[] = [];
  const injects: Record<string, unknown>[] = [];
  const rowOf: Row[] = [];
  const failed = new Set<string>(); // `${inject index}/${property}` already reported by the cell reader
  let maxSeconds = 0;

  for (const row of rows) {
    // Values a merged range fills down do not make a row of their own.
    if (row.number <= header.number || row.cells.every((c, i) => isBlank(c) || row.filled?.has(i))) continue;
    const k = injects.length;
    const inject: Record<string, unknown> = {};
    const text = (f: Field): string | undefined => {
      if (!column.has(f)) return undefined;
      const t = cellText(row.cells[column.get(f)!]);
      return t === undefined || t.trim() === '' ? undefined : t;
    };
    const fail = (f: Field, message: string) => {
      errors.push(cellProblem(row, f, message));
      failed.add(`${k}/${PROPERTY[f]}`);
    };

    if (column.has('id')) {
      const id = text('id')?.trim();
      if (id !== undefined) inject['id'] = id;
    } else inject['id'] = `I-${String(k + 1).padStart(2, '0')}`;

    const move = text('phase')?.trim();
    if (move !== undefined) {
      const p = parseMove(move);
      if (!phases.some((x) => x.id === p.id)) phases.push(p);
      inject['phase'] = p.id;
    }

    const time = column.has('time') ? row.cells[column.get('time')!] : undefined;
    if (isBlank(time)) fail('time', `"${headerLabel('time')}" is empty`);
    else {
      const t = parseMselTime(time, { date1904 });
      if ('error' in t) fail('time', t.error);
      else {
        inject['offset'] = t.offset;
        const [h, m, s] = t.offset.slice(1).split(':').map(Number);
        maxSeconds = Math.max(maxSeconds, h! * 3600 + m! * 60 + (s ?? 0));
      }
    }

    const title = text('title')?.trim();
    if (title !== undefined) inject['title'] = title;
    const body = text('body');
    if (body !== undefined) inject['body'] = body;
    const from = text('from')?.trim();
    if (from !== undefined) inject['from'] = from;
    const expected = text('expectedActions')?.trim();
    if (expected !== undefined) inject['expectedActions'] = expected;

    const to = text('to');
    if (to !== undefined) {
      const tokens = to
        .split(/[,;\n]/)
        .map((t) => t.trim())
        .filter((t) => t !== '');
      const all = tokens.filter((t) => ALL_WORDS.has(t.toLowerCase()));
      if (all.length && all.length < tokens.length)
        fail('to', `'${all[0]}' cannot be combined with team codes or tags in '${to.trim()}'`);
      else if (all.length || tokens.length === 0) inject['targets'] = 'all';
      else {
        const teams = tokens.filter((t) => !/^tag:/i.test(t)).map((t) => t.toUpperCase());
        const tags = tokens.filter((t) => /^tag:/i.test(t)).map((t) => t.slice(4).trim().toLowerCase());
        const targets: Record<string, string[]> = {};
        if (teams.length) targets['teams'] = teams;
        if (tags.length) targets['tags'] = tags;
        inject['targets'] = targets;
      }
    }

    const severity = text('severity')?.trim();
    if (severity !== undefined) {
      const s = SEVERITY_WORDS[severity.toLowerCase()];
      if (s === undefined) fail('severity', `severity '${severity}' must be low, medium, high or critical`);
      else inject['severity'] = s;
    }

    const tlp = text('tlp')?.trim();
    if (tlp !== undefined) {
      const t = parseTlp(tlp);
      if (t === undefined)
        fail('tlp', `'${tlp}' is not a TLP label (TLP:CLEAR, TLP:GREEN, TLP:AMBER, TLP:AMBER+STRICT, TLP:RED)`);
      else inject['tlp'] = t;
    }

    const rr = text('responseRequired')?.trim().toLowerCase();
    if (rr !== undefined) {
      if (YES.has(rr)) inject['responseRequired'] = true;
      else if (NO.has(rr)) inject['responseRequired'] = false;
      else fail('responseRequired', `'${rr}' must be yes or no`);
    }

    for (const f of ['targetMinutes', 'deadlineMinutes'] as const) {
      const v = column.has(f) ? row.cells[column.get(f)!] : undefined;
      if (isBlank(v)) continue;
      const n = typeof v === 'number' ? v : Number(cellText(v)!.trim());
      if (!Number.isInteger(n)) fail(f, `'${cellText(v)!.trim()}' must be a whole number of minutes`);
      else inject[f] = n;
    }

    readRfa(row, k, text, fail, inject);

    const extra: Record<string, string> = {};
    for (const x of extras) {
      const t = cellText(row.cells[x.index]);
      if (t !== undefined && t.trim() !== '') extra[x.name] = t;
    }
    if (Object.keys(extra).length) inject['extraColumns'] = extra;

    injects.push(inject);
    rowOf.push(row);
  }

  const title = meta?.title ?? sheetMeta[norm(META_KEYS.title)] ?? 'Imported MSEL';
  const summary = sheetMeta[norm(META_KEYS.summary)];
  const cooperation: Record<string, unknown> = {};
  for (const key of ['respondMinutes', 'fulfilMinutes'] as const) {
    const v = sheetMeta[norm(META_KEYS[key])]?.trim();
    // Numbers as numbers; anything else as written, for the schema to name.
    if (v !== undefined && v !== '') cooperation[key] = Number.isFinite(Number(v)) ? Number(v) : v;
  }
  const doc: Record<string, unknown> = {
    id:
      meta?.id ?? sheetMeta[norm(META_KEYS.id)] ?? (slug(title).toLowerCase().replace(/[._]+/g, '-') || 'msel-import'),
    title,
    ...(summary !== undefined && { summary }),
    plannedDuration:
      sheetMeta[norm(META_KEYS.plannedDuration)] ?? formatOffset(Math.max(1, Math.ceil(maxSeconds / 3600)) * 3600),
    ...(phases.length > 0 && { phases }),
    ...(Object.keys(cooperation).length > 0 && { cooperation }),
    injects,
  };

  const describe = (path: readonly PathSegment[]): string =>
    path[0] === 'injects' && rowOf[Number(path[1])] ? `row ${rowOf[Number(path[1])]!.number}` : pointerOf(path);
  const { scenario, problems } = validateDocument(doc, describe);
  for (const p of problems) {
    const mapped = toRowProblem(p);
    if (mapped) errors.push(mapped);
  }

  function toRowProblem(p: Problem): FieldProblem | undefined {
    if (p.path[0] !== 'injects' || p.path.length < 2) return { path: pointerOf(p.path), message: p.message };
    const k = Number(p.path[1]);
    const row = rowOf[k];
    if (!row) return { path: pointerOf(p.path), message: p.message };
    const prop = p.path[2] === undefined ? undefined : String(p.path[2]);
    if (prop !== undefined && failed.has(`${k}/${prop}`)) return undefined;
    // The one problem about the request as a whole is its missing sender: the From column.
    const f =
      prop === 'assistance'
        ? (rfaFieldOf(p.path.slice(3)) ?? 'from')
        : prop === undefined
          ? undefined
          : FIELD_OF_PROPERTY.get(prop);
    if (prop === 'extraColumns' && p.path[3] !== undefined) {
      const x = extras.find((e) => e.name === String(p.path[3]));
      return {
        path: `row ${row.number}, column "${String(p.path[3])}"`,
        message: p.message,
        line: row.number,
        ...(x && { column: x.index + 1 }),
      };
    }
    if (f === undefined) return { path: `row ${row.number}`, message: p.message, line: row.number };
    const message = p.anchor === 'container' && p.path.length === 3 ? `"${headerLabel(f)}" is empty` : p.message;
    return {
      path: `row ${row.number}, column "${headerLabel(f)}"`,
      message,
      line: row.number,
      ...(column.has(f) && { column: column.get(f)! + 1 }),
    };
  }

  if (errors.length || !scenario) return { errors: sortProblems(errors) };
  return { scenario, yaml: scenarioToYaml(scenario), errors: [] };
}

function pointerOf(path: readonly PathSegment[]): string {
  return path.map((s) => `/${String(s)}`).join('');
}

// ───────────────────────────── export ─────────────────────────────

function table(s: Scenario): { header: string[]; rows: (string | number)[][] } {
  const extraNames: string[] = [];
  for (const i of s.injects)
    for (const k of Object.keys(i.extraColumns ?? {})) if (!extraNames.includes(k)) extraNames.push(k);
  // RFA columns only for a scenario that scripts requests: other sheets stay as they were.
  const fields = s.injects.some((i) => i.assistance) ? FIELDS : BASE_FIELDS;
  const header = [...fields.map((f) => HEADERS[f][0]!), ...extraNames];
  const phases = new Map(s.phases.map((p) => [p.id, p]));
  const rows = s.injects.map((i) => {
    const phase = i.phase === undefined ? undefined : phases.get(i.phase);
    const to = i.targets.all ? 'all' : [...i.targets.teams, ...i.targets.tags.map((t) => `tag:${t}`)].join(', ');
    const byField: Record<Field, string | number> = {
      id: i.id,
      phase: i.phase === undefined ? '' : phase ? moveLabel(phase.id, phase.title) : i.phase,
      // "T+" keeps spreadsheets from reading the cell as a formula or a clock time.
      time: `T${i.offset}`,
      title: i.title,
      body: i.body,
      from: i.from ?? '',
      to,
      expectedActions: i.expectedActions ?? '',
      severity: i.severity,
      tlp: i.tlp,
      responseRequired: i.responseRequired ? 'yes' : 'no',
      targetMinutes: i.targetMinutes ?? '',
      deadlineMinutes: i.deadlineMinutes ?? '',
      ...rfaCells(i),
    };
    return [...fields.map((f) => byField[f]), ...extraNames.map((n) => i.extraColumns?.[n] ?? '')];
  });
  return { header, rows };
}

/**
 * The scenario as an MSEL spreadsheet. Everything the MSEL columns carry reads back through importMsel unchanged,
 * scripted requests for assistance included (RFA columns); answer keys, triggers, artefacts, objectives and scoring
 * overrides have no MSEL column and stay in the YAML. The XLSX "Scenario" sheet also carries id, title, summary,
 * planned duration and cooperation targets; a CSV carries none of these scenario-wide fields.
 */
export async function exportMsel(s: Scenario, format: 'csv' | 'xlsx'): Promise<Buffer> {
  const { header, rows } = table(s);
  if (format === 'csv') return writeCsv([header, ...rows.map((r) => r.map(String))]);

  const wb = new ExcelJS.Workbook();
  wb.creator = 'ACID Drill Orchestrator';
  const ws = wb.addWorksheet('MSEL', { views: [{ state: 'frozen', ySplit: 1 }] });
  ws.addRow(header).font = { bold: true };
  for (const r of rows) ws.addRow(r.map((v) => (v === '' ? null : v)));
  const widths: Record<string, number> = {
    Title: 40,
    Description: 60,
    'Expected Actions': 40,
    To: 20,
    From: 24,
    'RFA Text': 40,
    'RFA IOCs': 40,
  };
  const wrapped = new Set(['Description', 'Expected Actions', 'RFA Text', 'RFA IOCs', 'RFA Mentions']);
  header.forEach((h, i) => {
    const col = ws.getColumn(i + 1);
    col.width = widths[h] ?? Math.max(12, h.length + 2);
    if (wrapped.has(h)) col.alignment = { wrapText: true, vertical: 'top' };
  });
  const meta = wb.addWorksheet(META_SHEET);
  meta.addRow(['Field', 'Value']).font = { bold: true };
  meta.addRow([META_KEYS.id, s.id]);
  meta.addRow([META_KEYS.title, s.title]);
  if (s.summary !== '') meta.addRow([META_KEYS.summary, s.summary]);
  meta.addRow([META_KEYS.plannedDuration, formatOffset(s.plannedDurationMinutes * 60)]);
  if (s.cooperation) {
    meta.addRow([META_KEYS.respondMinutes, s.cooperation.respondMinutes]);
    meta.addRow([META_KEYS.fulfilMinutes, s.cooperation.fulfilMinutes]);
  }
  meta.getColumn(1).width = 18;
  meta.getColumn(2).width = 60;
  return Buffer.from(await wb.xlsx.writeBuffer());
}
