import type { ErrorObject } from 'ajv/dist/2020.js';
import { fromPointer, type Anchor, type PathSegment } from './positions.js';

export interface Problem {
  path: PathSegment[];
  message: string;
  anchor: Anchor;
}

function label(path: readonly PathSegment[]): string {
  for (let i = path.length - 1; i >= 0; i--) {
    const seg = path[i]!;
    if (!/^\d+$/.test(String(seg)))
      return i === path.length - 1 ? String(seg) : `${String(seg)}[${path.slice(i + 1).join('][')}]`;
  }
  return 'scenario';
}

/** A value as a message quotes it: long ones cut, so that a message stays a line however large the value. */
function quoted(v: unknown): string {
  const s = String(v);
  return s.length > 200 ? s.slice(0, 197) + '...' : s;
}

function show(v: unknown): string {
  if (v === null) return 'null';
  if (v === undefined) return 'nothing';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  if (typeof v === 'string') return `'${v.length > 60 ? v.slice(0, 57) + '...' : v}'`;
  return `${typeof v} ${String(v)}`;
}

const TYPE_NAMES: Record<string, string> = {
  string: 'a string',
  integer: 'a whole number',
  number: 'a number',
  boolean: 'true or false',
  object: 'a mapping (key: value)',
  array: 'a list',
  null: 'null',
};

function levenshtein(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length]!;
}

function suggest(unknown: string, allowed: readonly string[]): string {
  const lower = unknown.toLowerCase();
  const tolerance = unknown.length <= 3 ? 1 : unknown.length <= 6 ? 2 : 3;
  // The distance is at least the difference in length: names too long or too short to be within tolerance are
  // not compared at all, so a key of a million characters costs nothing here.
  const best = allowed
    .filter((a) => Math.abs(a.length - unknown.length) <= tolerance)
    .map((a) => ({ a, d: a.toLowerCase() === lower ? 0 : levenshtein(lower, a.toLowerCase()) }))
    .sort((x, y) => x.d - y.d)[0];
  if (best && best.d <= tolerance) return ` (did you mean '${best.a}'?)`;
  return allowed.length > 0 ? ` (allowed: ${allowed.join(', ')})` : '';
}

/** Turns Ajv's errors into messages a controller can act on, each with the path it is about. */
export function fromAjv(errors: readonly ErrorObject[]): Problem[] {
  const out: Problem[] = [];
  const seen = new Set<string>();
  for (const e of errors) {
    // if/then/else report the failing branch's own errors too; the `if` error itself adds nothing.
    if (e.keyword === 'if') continue;
    const base: PathSegment[] = fromPointer(e.instancePath);
    const custom = (e.parentSchema as Record<string, unknown> | undefined)?.['x-message'] as
      Record<string, string> | undefined;
    const template = custom?.[e.keyword];
    const p = e.params as Record<string, unknown>;
    let path = base;
    let anchor: Anchor = 'value';
    let message: string;
    const field = label(base);
    if (template !== undefined) {
      message = template.replace('{value}', () => quoted(e.data));
    } else {
      switch (e.keyword) {
        case 'required':
          path = [...base, String(p['missingProperty'])];
          anchor = 'container';
          message = `missing required field '${String(p['missingProperty'])}'`;
          break;
        case 'additionalProperties': {
          const extra = String(p['additionalProperty']);
          path = [...base, extra];
          anchor = 'key';
          const allowed = Object.keys(((e.parentSchema as Record<string, unknown>)['properties'] as object) ?? {});
          message = `unknown field '${quoted(extra)}'${suggest(extra, allowed)}`;
          break;
        }
        case 'type': {
          const want = String(p['type']);
          message = `${field} must be ${TYPE_NAMES[want] ?? want}, not ${show(e.data)}`;
          if (want === 'string' && (typeof e.data === 'number' || typeof e.data === 'boolean')) {
            message += ` (quote it: "${String(e.data)}")`;
          }
          break;
        }
        case 'enum':
          message = `${field} ${show(e.data)} must be one of: ${(p['allowedValues'] as unknown[]).join(', ')}`;
          break;
        case 'const':
          message = `${field} must be ${JSON.stringify(p['allowedValue'])}`;
          break;
        case 'pattern':
          message = `${field} ${show(e.data)} must match ${String(p['pattern'])}`;
          break;
        case 'minLength':
          message =
            p['limit'] === 1
              ? `${field} must not be empty`
              : `${field} must have at least ${String(p['limit'])} characters`;
          break;
        case 'maxLength':
          message = `${field} must have at most ${String(p['limit'])} characters`;
          break;
        case 'minimum':
        case 'maximum':
        case 'exclusiveMinimum':
        case 'exclusiveMaximum':
          message = `${field} must be ${String(p['comparison'])} ${String(p['limit'])}, not ${String(e.data)}`;
          break;
        case 'minItems':
          message = `${field} must have at least ${String(p['limit'])} item${p['limit'] === 1 ? '' : 's'}`;
          break;
        case 'minProperties':
          message = `${field} must not be empty`;
          break;
        default:
          message = `${field} ${e.message ?? 'is invalid'}`;
      }
    }
    const key = `${path.join('/')}\u0000${message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ path, message, anchor });
  }
  return out;
}
