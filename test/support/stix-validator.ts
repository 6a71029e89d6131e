// Validates STIX 2.1 bundles against the official OASIS JSON Schemas (test/fixtures copy), plus the checks
// JSON Schema cannot make. Shared by the ISM unit tests and the end-to-end export tests.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { domainToASCII, fileURLToPath } from 'node:url';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import formatsModule from 'ajv-formats';

export type StixObject = { type: string; id: string } & Record<string, unknown>;
export interface StixBundle {
  type: 'bundle';
  id: string;
  objects: StixObject[];
}

// ---- the official OASIS schemas (test/fixtures copy of cti-stix2-json-schemas, draft 2020-12) ----

function findUp(rel: string): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, rel);
    if (existsSync(candidate)) return candidate;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`${rel} not found`);
    dir = parent;
  }
}
export const FIXTURES = findUp('test/fixtures/stix2.1-schemas');
const SCHEMAS = join(FIXTURES, 'schemas');
export const BASE = 'http://raw.githubusercontent.com/oasis-open/cti-stix2-json-schemas/stix2.1/schemas/';

// ajv-formats is CommonJS; under nodenext its default import is the module object.
const addFormats = ((formatsModule as unknown as { default?: unknown }).default ?? formatsModule) as (
  a: Ajv2020,
) => Ajv2020;

// unicodeRegExp off: the schemas' patterns use escapes such as `\-` that are invalid under the `u` flag.
const ajv = new Ajv2020({ strict: false, allErrors: true, unicodeRegExp: false });
addFormats(ajv);
// domain-name:value uses "idn-hostname", which ajv-formats lacks: a host name that converts to valid A-labels.
ajv.addFormat('idn-hostname', (s: string) => {
  const a = domainToASCII(s);
  return a !== '' && a.length <= 253 && a.split('.').every((l) => /^[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?$/.test(l));
});
export const schemaFiles: Record<string, string> = {}; // object type → $id
for (const folder of ['common', 'sdos', 'sros', 'observables']) {
  for (const f of readdirSync(join(SCHEMAS, folder))) {
    const schema = JSON.parse(readFileSync(join(SCHEMAS, folder, f), 'utf8')) as { $id: string; $schema: string };
    if (schema.$schema !== 'https://json-schema.org/draft/2020-12/schema')
      throw new Error(`${f}: unexpected ${schema.$schema}`);
    ajv.addSchema(schema);
    schemaFiles[f.replace(/\.json$/, '')] = schema.$id;
  }
}
const validators = new Map<string, ValidateFunction>();
export function validatorFor(id: string): ValidateFunction {
  let v = validators.get(id);
  if (!v) {
    v = ajv.getSchema(id);
    if (!v) throw new Error(`no schema ${id}`);
    validators.set(id, v);
  }
  return v;
}
export const bundleValidator = () => validatorFor(`${BASE}common/bundle.json`);

export function errorsOf(v: ValidateFunction, data: unknown): string[] {
  return v(data) ? [] : (v.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
}

/** Problems JSON Schema cannot see: ids, timestamps order, dangling references, markings. */
export function semanticProblems(bundle: StixBundle): string[] {
  const problems: string[] = [];
  const ids = new Set<string>();
  for (const o of bundle.objects) {
    if (ids.has(o.id)) problems.push(`duplicate id ${o.id}`);
    ids.add(o.id);
    if (!o.id.startsWith(`${o.type}--`)) problems.push(`${o.id} does not start with its type ${o.type}`);
  }
  const markings = new Set(bundle.objects.filter((o) => o.type === 'marking-definition').map((o) => o.id));
  const walk = (o: StixObject, v: unknown, path: string): void => {
    if (Array.isArray(v)) v.forEach((x, i) => walk(o, x, `${path}/${i}`));
    else if (v !== null && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        const refs = k.endsWith('_ref') ? [x] : k.endsWith('_refs') && Array.isArray(x) ? x : undefined;
        if (refs) {
          for (const r of refs) {
            if (typeof r !== 'string' || !ids.has(r))
              problems.push(`${o.id}${path}/${k} → ${String(r)} is not in the bundle`);
            if (k === 'object_marking_refs' && !markings.has(r as string))
              problems.push(`${o.id} marked by ${String(r)}, not a marking definition`);
          }
        }
        walk(o, x, `${path}/${k}`);
      }
    }
  };
  for (const o of bundle.objects) {
    walk(o, o, '');
    if (
      typeof o['created'] === 'string' &&
      typeof o['modified'] === 'string' &&
      Date.parse(o['modified']) < Date.parse(o['created'])
    ) {
      problems.push(`${o.id}: modified before created`);
    }
  }
  return problems;
}

// ---- fixtures: five labels, every IOC type, toIds both ways, a reply, drill control, an empty acknowledgement ----

/**
 * Every problem with `bundle`: the bundle schema (incidents aside: the official bundle.json refuses every
 * incident, see libs/ism/src/stix.spec.ts), each object against its own schema, and the semantic checks.
 */
export function validateBundle(bundle: StixBundle): string[] {
  const problems = errorsOf(bundleValidator(), {
    ...bundle,
    objects: bundle.objects.filter((o) => o.type !== 'incident'),
  });
  for (const o of bundle.objects) {
    const id = schemaFiles[o.type];
    if (id) problems.push(...errorsOf(validatorFor(id), o).map((e) => `${o.id}${e}`));
    else problems.push(`${o.id}: no official schema for type ${o.type}`);
  }
  return [...problems, ...semanticProblems(bundle)];
}
