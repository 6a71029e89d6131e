import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { format } from 'prettier';
import { repoRoot } from '../common/repo-files.js';
import { SETTINGS } from './drill-config.js';
import { settingsTable, TABLE_END, TABLE_START, withSettingsTable } from './settings-table.js';

const readme = readFileSync(join(repoRoot(), 'README.md'), 'utf8');

/** The rows of README.md's settings table as [variable, default] with the Markdown code marks removed. */
function readmeRows(): [string, string][] {
  const table = readme.slice(readme.indexOf(TABLE_START) + TABLE_START.length, readme.indexOf(TABLE_END));
  return table
    .split('\n')
    .filter((l) => l.startsWith('|'))
    .slice(2) // header and delimiter
    .map((l) => {
      const [name, def] = l.split(' | ').map((c) => c.replace(/^\|/, '').trim().replace(/^`|`$/g, ''));
      return [name!, def === 'unset' ? '' : def!];
    });
}

describe("README.md's configuration table", () => {
  it('lies in the Configuration section', () => {
    const section = readme.indexOf('\n## Configuration\n');
    const next = readme.indexOf('\n## ', section + 1);
    expect(section).toBeGreaterThan(0);
    expect(readme.indexOf(TABLE_START)).toBeGreaterThan(section);
    expect(readme.indexOf(TABLE_END)).toBeGreaterThan(readme.indexOf(TABLE_START));
    expect(readme.indexOf(TABLE_END)).toBeLessThan(next);
  });

  it('has one row per setting with its default, and no row for a setting that does not exist', () => {
    expect(readmeRows()).toEqual(Object.entries(SETTINGS).map(([name, s]) => [name, s.default]));
  });

  it('holds exactly what scripts/config-table.mjs writes from SETTINGS', () => {
    // On failure: node --import ./scripts/ts-register.mjs scripts/config-table.mjs
    expect(withSettingsTable(readme)).toBe(readme);
  });
});

describe('settingsTable', () => {
  it('is already formatted as Prettier formats the README', async () => {
    const table = settingsTable();
    expect(await format(table, { parser: 'markdown', printWidth: 120 })).toBe(`${table}\n`);
  });

  it('escapes a pipe in a meaning and pads short columns as Prettier does', async () => {
    const table = settingsTable({ A: { default: '', help: 'x | y' }, LONGER_NAME: { default: '1', help: 'z' } });
    expect(table.split('\n')).toEqual([
      '| variable      | default | meaning |',
      '| ------------- | ------- | ------- |',
      '| `A`           | unset   | x \\| y  |',
      '| `LONGER_NAME` | `1`     | z       |',
    ]);
    expect(await format(table, { parser: 'markdown', printWidth: 120 })).toBe(`${table}\n`);
  });

  it('refuses a README without the two comments around the table', () => {
    expect(() => withSettingsTable('# README\n\n| variable | default |\n')).toThrow(/no settings table/);
    expect(() => withSettingsTable(`${TABLE_END}\n${TABLE_START}\n`)).toThrow(/no settings table/);
  });
});
