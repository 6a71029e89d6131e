import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv2020, type ErrorObject } from 'ajv/dist/2020.js';

// The schema lives in scenarios/ for editors; it is found by walking up from this module so that the same code
// works from the sources (libs/scenario/src) and from the build (dist/libs/scenario/src).
function findSchemaFile(): string {
  const fromEnv = process.env['SCENARIO_SCHEMA_PATH'];
  if (fromEnv) return fromEnv;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, 'scenarios', 'scenario.schema.json');
    if (existsSync(candidate)) return candidate;
    const parent = dirname(dir);
    if (parent === dir)
      throw new Error('scenarios/scenario.schema.json not found above ' + fileURLToPath(import.meta.url));
    dir = parent;
  }
}

export const SCENARIO_SCHEMA_PATH = findSchemaFile();
export const SCENARIO_SCHEMA: Readonly<Record<string, unknown>> = JSON.parse(
  readFileSync(SCENARIO_SCHEMA_PATH, 'utf8'),
);

const ajv = new Ajv2020({ allErrors: true, verbose: true, strict: true, strictTypes: false, strictRequired: false });
// Annotation only: the friendly message for a keyword, kept in the schema next to the rule it explains.
ajv.addKeyword({ keyword: 'x-message', schemaType: 'object' });

// Compiled once: validation of a 500-inject scenario must stay well under a second.
const validate = ajv.compile(SCENARIO_SCHEMA);

export function schemaErrors(data: unknown): ErrorObject[] {
  return validate(data) ? [] : [...(validate.errors ?? [])];
}

const defs = SCENARIO_SCHEMA['$defs'] as Record<string, { pattern: string }>;
/** Team codes as scenarios name them (one definition, in the schema); useful wherever teams are registered. */
export const TEAM_CODE_PATTERN = new RegExp(defs['teamCode']!.pattern);
export const TEAM_TAG_PATTERN = new RegExp(defs['tag']!.pattern);
