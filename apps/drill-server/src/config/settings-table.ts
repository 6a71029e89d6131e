import { SETTINGS } from './drill-config.js';

/** The comments that enclose the generated table in README.md's configuration section. */
export const TABLE_START =
  '<!-- settings table: written from SETTINGS (apps/drill-server/src/config/drill-config.ts) by ' +
  '`node --import ./scripts/ts-register.mjs scripts/config-table.mjs`; do not edit by hand -->';
export const TABLE_END = '<!-- end of settings table -->';

type Settings = Record<string, { readonly default: string; readonly help: string }>;

/** A pipe inside a cell would end it. */
const cell = (text: string) => text.replace(/\|/g, '\\|');

/**
 * The configuration table as Markdown, its columns padded the way Prettier pads them, so that `prettier --check`
 * and this generator agree on every byte (settings-table.spec.ts runs Prettier over it to make sure).
 */
export function settingsTable(settings: Settings = SETTINGS): string {
  const rows = [
    ['variable', 'default', 'meaning'],
    ...Object.entries(settings).map(([name, s]) => [
      `\`${name}\``,
      s.default === '' ? 'unset' : `\`${s.default}\``,
      cell(s.help),
    ]),
  ];
  // Prettier pads to the display width; every character in our texts is one column wide.
  const width = (s: string) => [...s].length;
  const widths = rows[0]!.map((_, c) => Math.max(3, ...rows.map((r) => width(r[c]!))));
  const line = (r: string[]) => `| ${r.map((t, c) => t + ' '.repeat(widths[c]! - width(t))).join(' | ')} |`;
  const [header, ...body] = rows;
  return [line(header!), line(widths.map((w) => '-'.repeat(w))), ...body.map(line)].join('\n');
}

/** `readme` with the text between the table's two comments replaced by the current table. */
export function withSettingsTable(readme: string, settings: Settings = SETTINGS): string {
  const start = readme.indexOf(TABLE_START);
  const end = readme.indexOf(TABLE_END);
  if (start < 0 || end < start)
    throw new Error(`README.md has no settings table between "${TABLE_START}" and "${TABLE_END}"`);
  return `${readme.slice(0, start + TABLE_START.length)}\n\n${settingsTable(settings)}\n\n${readme.slice(end)}`;
}
