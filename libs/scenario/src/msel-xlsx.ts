import type { FieldProblem } from '@drill/contracts';
import ExcelJS from 'exceljs';
import { cellRef, checkCellLimits, MSEL_MAX_COLUMNS } from './msel-limits.js';
import { boundWorksheets, packZip, unpackZip } from './msel-zip.js';

// Reading an MSEL workbook: each cell for what it is (the saved result of a formula, the text of a hyperlink or of
// rich text, the value of a merged range), in one pass over the cells that hold something.

/** A cell that cannot be imported as it stands (an error value, a formula Excel never calculated). */
export class BadCell {
  constructor(readonly message: string) {}
}

export type CellValue = string | number | boolean | Date | BadCell | undefined;

export interface SheetRow {
  /** Spreadsheet row number, 1-based. */
  number: number;
  cells: CellValue[];
  /** 0-based indexes of cells that carry the value of a merged range from above, not a value of their own. */
  filled?: ReadonlySet<number>;
}

export interface XlsxContent {
  rows: SheetRow[];
  /** Key (as written) → value of the "Scenario" sheet. */
  meta: [string, string][];
  /** Cells of the "Scenario" sheet that cannot be read. */
  metaProblems: FieldProblem[];
  /** The workbook counts dates from 1904 (older Mac Excel): its time cells need the 1904 epoch. */
  date1904: boolean;
}

const { ValueType } = ExcelJS;
function errorCell(ref: string, code: string): BadCell {
  return new BadCell(`${ref}: the cell shows the error ${code}; correct it in the spreadsheet, or type the value`);
}

/** A value exceljs gives (or a formula's saved result) as the import reads it. */
function plain(v: unknown, ref: string): CellValue {
  if (v === null || v === undefined) return undefined;
  if (typeof v !== 'object' || v instanceof Date) return v as string | number | boolean | Date;
  const o = v as Record<string, unknown>;
  if ('error' in o) return errorCell(ref, String(o['error']));
  // Hyperlinks: the text shown, which may itself be rich text.
  if ('hyperlink' in o) return plain(o['text'], ref);
  if (Array.isArray(o['richText'])) return (o['richText'] as { text: string }[]).map((r) => r.text).join('');
  return new BadCell(`${ref}: the cell holds a kind of value an MSEL cannot take`);
}

/** The cell's value; `filled` when it comes from the master cell of a merged range above it. */
function readCell(cell: ExcelJS.Cell): { value: CellValue; filled: boolean } {
  const ref = cell.address;
  switch (cell.type) {
    case ValueType.Null:
      return { value: undefined, filled: false };
    case ValueType.Merge: {
      // Merged vertically, a Move or Phase cell stands for every row it spans; merged across, a wide title is
      // one value and the columns it covers stay empty.
      const master = cell.master;
      if (master.col !== cell.col) return { value: undefined, filled: false };
      return { value: readCell(master).value, filled: true };
    }
    case ValueType.Formula: {
      const result: unknown = cell.result;
      if (result === undefined || result === null) {
        return {
          value: new BadCell(
            `${ref}: formula =${cell.formula} has no saved result; open and save the file in Excel, or type the value`,
          ),
          filled: false,
        };
      }
      return { value: plain(result, ref), filled: false };
    }
    case ValueType.Error:
      return { value: errorCell(ref, String((cell.value as ExcelJS.CellErrorValue).error)), filled: false };
    default:
      return { value: plain(cell.value, ref), filled: false };
  }
}

const isBlankValue = (v: CellValue): boolean => v === undefined || (typeof v === 'string' && v.trim() === '');

/** Rows that hold a value, each cell checked against the MSEL limits. */
function readRows(ws: ExcelJS.Worksheet, sheet?: string): SheetRow[] {
  const rows: SheetRow[] = [];
  ws.eachRow((row, r) => {
    const cells: CellValue[] = [];
    const filled = new Set<number>();
    row.eachCell((cell, c) => {
      const read = readCell(cell);
      if (isBlankValue(read.value)) return;
      checkCellLimits(r, c, typeof read.value === 'string' ? read.value : '', sheet);
      while (cells.length < c - 1) cells.push(undefined);
      cells[c - 1] = read.value;
      if (read.filled) filled.add(c - 1);
    });
    if (cells.length) rows.push({ number: r, cells, ...(filled.size > 0 && { filled }) });
  });
  return rows;
}

/** The first rows, for finding the header, without the limits (the sheet may not be the MSEL). */
function peekRows(ws: ExcelJS.Worksheet, count: number): SheetRow[] {
  const rows: SheetRow[] = [];
  for (let r = 1; r <= count; r++) {
    const row = ws.findRow(r);
    if (!row) continue;
    const cells: CellValue[] = [];
    row.eachCell((cell, c) => {
      if (c <= MSEL_MAX_COLUMNS) cells[c - 1] = readCell(cell).value;
    });
    rows.push({ number: r, cells: Array.from(cells) });
  }
  return rows;
}

const sheetName = (ws: ExcelJS.Worksheet): string => ws.name.trim().toLowerCase();

/**
 * Loads the workbook within the MSEL limits and reads its MSEL sheet: the sheet named MSEL, else the first sheet
 * with a header row (`hasHeader` looks at its first `peek` rows), else the first sheet that is not `metaSheet`.
 */
export async function readXlsx(
  data: Buffer,
  hasHeader: (rows: SheetRow[]) => boolean,
  options: { metaSheet: string; peek: number },
): Promise<XlsxContent> {
  const parts = boundWorksheets(unpackZip(data));
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(packZip(parts) as unknown as ExcelJS.Buffer);
  const sheets = wb.worksheets;
  const metaName = options.metaSheet.toLowerCase();
  const msel =
    sheets.find((s) => sheetName(s) === 'msel') ??
    sheets.find((s) => sheetName(s) !== metaName && hasHeader(peekRows(s, options.peek))) ??
    sheets.find((s) => sheetName(s) !== metaName) ??
    sheets[0];
  if (!msel) throw new Error('the workbook has no worksheet');

  const rows = readRows(msel);
  const meta: [string, string][] = [];
  const metaProblems: FieldProblem[] = [];
  const metaSheet = sheets.find((s) => s !== msel && sheetName(s) === metaName);
  if (metaSheet) {
    for (const row of readRows(metaSheet, metaSheet.name)) {
      const [k, v] = row.cells;
      for (const [i, x] of [k, v].entries()) {
        if (x instanceof BadCell)
          metaProblems.push({
            path: `sheet "${metaSheet.name}", cell ${cellRef(row.number, i + 1)}`,
            message: `${metaSheet.name}!${x.message}`,
            line: row.number,
            column: i + 1,
          });
      }
      const key = cellString(k);
      const value = cellString(v);
      if (key !== undefined && value !== undefined) meta.push([key, value]);
    }
  }
  return { rows, meta, metaProblems, date1904: wb.properties.date1904 === true };
}

/** A cell as text (a date in ISO form); undefined for empty cells and cells that cannot be read. */
export function cellString(v: CellValue): string | undefined {
  if (v === undefined || v instanceof BadCell) return undefined;
  if (v instanceof Date) return v.toISOString();
  return String(v);
}
