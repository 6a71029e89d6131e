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

const ANNOTATIONS = new Set(['$ref', 'description', 'default', 'title', 'examples', '$comment']);

/**
 * The schema with every local `$ref` replaced by the definition it names. Ajv compiles a referenced definition into
 * a function of its own and, with allErrors, appends that function's errors to the ones found so far by
 * `concat`: a list of n failing injects (or IOCs, or phases) cost O(n²), 25,000 of them fourteen seconds. Inline,
 * each error is pushed once. The definitions do not refer to themselves, so the result is finite.
 */
export function inlineRefs(schema: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const defs = (schema['$defs'] ?? {}) as Record<string, unknown>;
  const resolved = new Map<string, unknown>();
  const resolving = new Set<string>();
  const inline = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(inline);
    if (typeof node !== 'object' || node === null) return node;
    const obj = node as Record<string, unknown>;
    const ref = obj['$ref'];
    if (typeof ref === 'string' && ref.startsWith('#/$defs/')) {
      const name = ref.slice('#/$defs/'.length);
      if (!resolved.has(name)) {
        if (resolving.has(name) || !(name in defs)) throw new Error(`cannot inline ${ref}`);
        resolving.add(name);
        // One object per definition, shared by every use: errors keep pointing at the definition (x-message).
        resolved.set(name, inline(defs[name]));
        resolving.delete(name);
      }
      const siblings = Object.entries(obj).filter(([k]) => !ANNOTATIONS.has(k));
      if (siblings.length === 0) return resolved.get(name);
      return { ...Object.fromEntries(siblings.map(([k, v]) => [k, inline(v)])), allOf: [resolved.get(name)] };
    }
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(obj)) out[k] = k === '$defs' ? v : inline(v);
    return out;
  };
  const out = inline(schema) as Record<string, unknown>;
  delete out['$defs'];
  return out;
}

// Compiled once: validation of a 500-inject scenario must stay well under a second.
const validate = ajv.compile(inlineRefs(SCENARIO_SCHEMA));

export function schemaErrors(data: unknown): ErrorObject[] {
  return validate(data) ? [] : [...(validate.errors ?? [])];
}

const defs = SCENARIO_SCHEMA['$defs'] as Record<string, { pattern: string }>;
/** Team codes as scenarios name them (one definition, in the schema); useful wherever teams are registered. */
export const TEAM_CODE_PATTERN = new RegExp(defs['teamCode']!.pattern);
export const TEAM_TAG_PATTERN = new RegExp(defs['tag']!.pattern);
