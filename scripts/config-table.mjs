// Writes README.md's configuration table from SETTINGS (apps/drill-server/src/config/drill-config.ts), the list
// the server validates its environment against, so that the two cannot drift apart:
//   node --import ./scripts/ts-register.mjs scripts/config-table.mjs          rewrite the table
//   node --import ./scripts/ts-register.mjs scripts/config-table.mjs --check  exit 1 if it is out of date
// The unit test apps/drill-server/src/config/settings-table.spec.ts makes the same check in every test run.
import { readFileSync, writeFileSync } from 'node:fs';
import { withSettingsTable } from '../apps/drill-server/src/config/settings-table.ts';

const readmeUrl = new URL('../README.md', import.meta.url);
const readme = readFileSync(readmeUrl, 'utf8');
const written = withSettingsTable(readme);

if (process.argv.includes('--check')) {
  if (written !== readme) {
    process.stderr.write('README.md: the configuration table differs from SETTINGS; run scripts/config-table.mjs\n');
    process.exit(1);
  }
  process.stdout.write('README.md: the configuration table matches SETTINGS\n');
} else if (written === readme) {
  process.stdout.write('README.md: the configuration table is up to date\n');
} else {
  writeFileSync(readmeUrl, written);
  process.stdout.write('README.md: configuration table rewritten from SETTINGS\n');
}
