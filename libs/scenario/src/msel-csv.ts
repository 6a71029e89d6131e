import { parse } from 'csv-parse/sync';

// CSV as spreadsheets write it: RFC 4180 quoting, CRLF records, a UTF-8 byte-order mark so that Excel shows
// non-Latin text (Thai, Vietnamese, …) correctly.

/** Text cells that a spreadsheet would run as a formula (CSV injection) get a leading apostrophe on export. */
const FORMULA_START = /^[=+\-@\t\r]/;
const ESCAPED = /^'[=+\-@\t\r']/;

export function escapeFormula(s: string): string {
  return FORMULA_START.test(s) || ESCAPED.test(s) ? `'${s}` : s;
}

/** Undoes escapeFormula, and only that: a hand-written "'Tis" keeps its apostrophe. */
export function unescapeFormula(s: string): string {
  return ESCAPED.test(s) ? s.slice(1) : s;
}

function quote(field: string): string {
  return /[",\r\n]|^\s|\s$/.test(field) ? `"${field.replace(/"/g, '""')}"` : field;
}

export function writeCsv(rows: readonly (readonly string[])[]): Buffer {
  const text = rows.map((r) => r.map((c) => quote(escapeFormula(c))).join(',')).join('\r\n') + '\r\n';
  return Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text, 'utf8')]);
}

function decode(data: Buffer): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(data);
  } catch {
    // Older Excel versions save CSV in the Windows code page; better read it than refuse it.
    return new TextDecoder('windows-1252').decode(data);
  }
}

function guessDelimiter(text: string): string {
  // Locales with a decimal comma save CSV with semicolons; look at the first line outside quotes.
  const counts: Record<string, number> = { ',': 0, ';': 0, '\t': 0 };
  let quoted = false;
  for (const ch of text) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && (ch === '\n' || ch === '\r')) break;
    else if (!quoted && ch in counts) counts[ch]!++;
  }
  const [best, n] = Object.entries(counts).sort((a, b) => b[1] - a[1])[0]!;
  return n > 0 ? best : ',';
}

/** Records as arrays of cells; record n (1-based) is spreadsheet row n. */
export function readCsv(data: Buffer): string[][] {
  const text = decode(data);
  return parse(text, {
    bom: true,
    delimiter: guessDelimiter(text.replace(/^\uFEFF/, '')),
    relax_column_count: true,
    skip_empty_lines: false,
  }) as string[][];
}
