import type { FieldProblem } from '@drill/contracts';

// What an MSEL may hold. A real MSEL has tens to a few hundred injects in a dozen or two columns; the limits leave
// a wide margin above that and stop a hostile sheet (a value in cell Z20000, a 300 MB cell, a zip bomb) before it
// costs minutes of CPU or gigabytes of memory. Every refusal names the limit and, where there is one, the cell.

/** Largest MSEL file read (CSV, or XLSX as uploaded). The server also caps uploads at BODY_LIMIT. */
export const MSEL_MAX_FILE_BYTES = 8 * 1024 * 1024;
/** Largest total of the parts of an XLSX once unzipped, as declared and as actually inflated. */
export const MSEL_MAX_UNPACKED_BYTES = 16 * 1024 * 1024;
/** Most parts (files) in an XLSX zip; Excel writes about a dozen. */
export const MSEL_MAX_ZIP_ENTRIES = 500;
/** Last spreadsheet row that may hold a value (title rows and the header row count). */
export const MSEL_MAX_ROWS = 5000;
/** Last spreadsheet column that may hold a value (column CV). */
export const MSEL_MAX_COLUMNS = 100;
/** Longest cell text, in characters: Excel's own limit for a cell. */
export const MSEL_MAX_CELL_CHARS = 32_767;
/** Most merged ranges in a workbook; each merge is checked against every other one while the workbook loads. */
export const MSEL_MAX_MERGES = 2000;
/** Most cells all merged ranges together may cover (within A1:CV5000), each one an object while it loads. */
export const MSEL_MAX_MERGED_CELLS = 100_000;

/** A limit the file broke or a part it cannot be read from: reported as it is, not as a parse error. */
export class MselRefusal extends Error {
  constructor(readonly problem: FieldProblem) {
    super(problem.message);
    this.name = 'MselRefusal';
  }
}

/** Sizes as operators write them (BODY_LIMIT=2mb): 1 MB is 1,048,576 bytes. */
export function formatBytes(n: number): string {
  if (n >= 1024 * 1024) return `${Number((n / (1024 * 1024)).toFixed(1))} MB`;
  if (n >= 1024) return `${Number((n / 1024).toFixed(1))} KB`;
  return `${n} bytes`;
}

/** `actual` as formatBytes shows it, in bytes when that would read the same as the limit it exceeds. */
export function formatExcess(actual: number, limit: number): string {
  const shown = formatBytes(actual);
  return shown === formatBytes(limit) ? `${actual} bytes` : shown;
}

/** Spreadsheet column letters: 1 → A, 27 → AA. */
export function columnLetter(n: number): string {
  let s = '';
  for (let x = n; x > 0; x = Math.floor((x - 1) / 26)) s = String.fromCharCode(65 + ((x - 1) % 26)) + s;
  return s;
}

export const cellRef = (row: number, column: number): string => `${columnLetter(column)}${row}`;

/** The cap checks every reader applies to a cell that holds a value; `sheet` prefixes the reference. */
export function checkCellLimits(row: number, column: number, text: string, sheet?: string): void {
  const ref = `${sheet === undefined ? '' : `${sheet}!`}${cellRef(row, column)}`;
  const at = { path: `cell ${ref}`, line: row, column };
  if (row > MSEL_MAX_ROWS)
    throw new MselRefusal({
      ...at,
      message: `${ref} holds a value in row ${row}; an MSEL may use at most ${MSEL_MAX_ROWS} rows (MSEL_MAX_ROWS)`,
    });
  if (column > MSEL_MAX_COLUMNS)
    throw new MselRefusal({
      ...at,
      message: `${ref} holds a value in column ${columnLetter(column)}; an MSEL may use at most ${MSEL_MAX_COLUMNS} columns, A to ${columnLetter(MSEL_MAX_COLUMNS)} (MSEL_MAX_COLUMNS)`,
    });
  if (text.length > MSEL_MAX_CELL_CHARS)
    throw new MselRefusal({
      ...at,
      message: `${ref} holds ${text.length} characters; a cell may hold at most ${MSEL_MAX_CELL_CHARS} (MSEL_MAX_CELL_CHARS)`,
    });
}
