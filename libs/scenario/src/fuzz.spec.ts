import { readdirSync, readFileSync } from 'node:fs';
import type { FieldProblem } from '@drill/contracts';
import { describe, expect, it } from '@jest/globals';
import { Ajv2020 } from 'ajv/dist/2020.js';
import fc from 'fast-check';
import {
  isAlias,
  isCollection,
  isMap,
  isScalar,
  isSeq,
  LineCounter,
  parse,
  parseDocument,
  stringify,
  visit,
  type Node,
} from 'yaml';
import { fromAjv } from './ajv-messages.js';
import {
  MAX_REPORTED_PROBLEMS,
  validateScenarioObject,
  validateScenarioText,
  type ScenarioValidation,
} from './index.js';
import { scanJson } from './json-source.js';
import { LineIndex, SourceMap, type Anchor, type PathSegment, type Position } from './positions.js';
import { SCENARIO_SCHEMA, schemaErrors } from './schema.js';
import { pairsPastLimit } from './yaml-source.js';

// Property-based tests of the scenario parser on generated and mutated documents. The seed is fixed so that a run
// can be repeated; a failure prints the smallest input it found. Change SEED (or drop it) to explore further.
const SEED = 20261202;

const dir = new URL('../../../scenarios/', import.meta.url);
const SAMPLES = [
  ...readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => readFileSync(new URL(f, dir), 'utf8')),
  readFileSync(new URL('fixtures/minimal.yaml', dir), 'utf8'),
];

const cpuMs = (f: () => unknown): number => {
  const before = process.cpuUsage();
  f();
  const used = process.cpuUsage(before);
  return (used.user + used.system) / 1000;
};

/**
 * What every answer must be, whatever the text: problems name their field (a JSON pointer) or, for the document as
 * a whole (syntax, a limit, the wrong root), their place; positions are in the text; a model only without problems.
 */
function expectWellFormed(r: ScenarioValidation, text?: string): void {
  expect(Array.isArray(r.errors)).toBe(true);
  expect(r.errors.length).toBeLessThanOrEqual(MAX_REPORTED_PROBLEMS + 1);
  if (r.scenario) expect(r.errors).toEqual([]);
  if (r.exceeded) {
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]!.message).toContain(r.exceeded.name);
  }
  const lines = text === undefined ? 0 : text.split('\n').length;
  for (const e of r.errors) {
    expect(typeof e.path).toBe('string');
    if (e.path !== '') expect(e.path.startsWith('/')).toBe(true);
    expect(typeof e.message).toBe('string');
    expect(e.message).not.toBe('');
    expect(e.line === undefined).toBe(e.column === undefined);
    if (text !== undefined && !r.exceeded) expect(e.path !== '' || e.line !== undefined).toBe(true);
    if (e.line !== undefined) {
      expect(Number.isInteger(e.line) && e.line >= 1 && e.line <= lines).toBe(true);
      expect(Number.isInteger(e.column) && e.column! >= 1).toBe(true);
    }
  }
}

// Pieces of YAML and JSON syntax, and values the schema and the semantic rules care about.
const PIECES = [
  'id',
  'title',
  'injects',
  'offset',
  'phase',
  'trigger',
  'after',
  'inject',
  'answerKey',
  'iocs',
  'type',
  'value',
  ':',
  ': ',
  '- ',
  '-',
  '? ',
  ',',
  '[',
  ']',
  '{',
  '}',
  '"',
  "'",
  '|',
  '>',
  '#',
  '&a ',
  '*a',
  '!!str ',
  '%',
  '---',
  '...',
  '\n',
  '  ',
  '    ',
  '\t',
  ' ',
  'I-01',
  '+00:10',
  '+99:99',
  'null',
  '~',
  '1',
  '1.5',
  'true',
  'x',
  'é',
  '\\',
  'ip-dst',
  '203.0.113.5',
  'hxxp://evil[.]example',
  'TLP:RED',
];
const piece = fc.oneof(
  { weight: 5, arbitrary: fc.constantFrom(...PIECES) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 3 }) },
);
const junk = fc.array(piece, { maxLength: 60 }).map((p) => p.join(''));

describe('validateScenarioText on generated text', () => {
  it('never throws and answers well-formed problems, YAML and JSON', () => {
    fc.assert(
      fc.property(junk, fc.constantFrom<'yaml' | 'json'>('yaml', 'json'), (text, format) => {
        expectWellFormed(validateScenarioText(text, format), text);
      }),
      { seed: SEED, numRuns: 500 },
    );
  });

  it('returns in bounded time however a fragment is repeated up to the text limit', () => {
    // Budget: 3 s of CPU for half a megabyte; the slowest shapes (a full parse of many small nodes) take about a
    // second, while the quadratic paths this replaced took minutes.
    const fragment = fc
      .array(piece, { minLength: 1, maxLength: 8 })
      .map((p) => p.join(''))
      .filter((f) => f.length > 0);
    fc.assert(
      fc.property(fragment, fc.constantFrom<'yaml' | 'json'>('yaml', 'json'), (f, format) => {
        const text = f.repeat(Math.floor(400_000 / f.length));
        let r: ScenarioValidation | undefined;
        expect(cpuMs(() => (r = validateScenarioText(text, format)))).toBeLessThan(3000);
        expectWellFormed(r!, text);
      }),
      { seed: SEED, numRuns: 12 },
    );
  });
});

// Mutations of the sample scenarios, line by line: what an author's slip or a hostile edit does to a real file.
const op = fc.oneof(
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), count: fc.integer({ min: 1, max: 3 }) }),
  fc.record({ kind: fc.constant('duplicate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('swap' as const), at: fc.nat(), with: fc.nat() }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), column: fc.nat(), piece }),
  fc.record({ kind: fc.constant('indent' as const), at: fc.nat(), by: fc.integer({ min: -2, max: 2 }) }),
  fc.record({
    kind: fc.constant('value' as const),
    at: fc.nat(),
    value: fc.constantFrom('', '1', 'null', '[]', '{}', '"x"', '&a x', '*a', '- x', '+99:99', 'hgh', 'TLP:RED', 'I-01'),
  }),
);
type Op = typeof op extends fc.Arbitrary<infer T> ? T : never;

function mutate(text: string, ops: Op[]): string {
  const lines = text.split('\n');
  for (const o of ops) {
    const i = o.at % lines.length;
    const line = lines[i]!;
    if (o.kind === 'delete') lines.splice(i, o.count);
    else if (o.kind === 'duplicate') lines.splice(i, 0, line);
    else if (o.kind === 'swap') [lines[i], lines[o.with % lines.length]] = [lines[o.with % lines.length]!, line];
    else if (o.kind === 'insert') {
      const c = o.column % (line.length + 1);
      lines[i] = line.slice(0, c) + o.piece + line.slice(c);
    } else if (o.kind === 'indent') lines[i] = o.by > 0 ? ' '.repeat(o.by) + line : line.slice(-o.by);
    else lines[i] = line.includes(': ') ? line.slice(0, line.indexOf(': ') + 2) + o.value : line + o.value;
    if (lines.length === 0) lines.push('');
  }
  return lines.join('\n');
}

describe('validateScenarioText on mutated sample scenarios', () => {
  it('never throws, answers well-formed problems and stays fast, YAML', () => {
    fc.assert(
      fc.property(fc.constantFrom(...SAMPLES), fc.array(op, { minLength: 1, maxLength: 4 }), (sample, ops) => {
        const text = mutate(sample, ops);
        let r: ScenarioValidation | undefined;
        expect(cpuMs(() => (r = validateScenarioText(text, 'yaml')))).toBeLessThan(2000);
        expectWellFormed(r!, text);
      }),
      { seed: SEED, numRuns: 40 },
    );
  });

  it('never throws and answers well-formed problems, as JSON text and as an object', () => {
    // Mutations of the value: a field replaced by any JSON value, removed, or a list item repeated.
    const change = fc.record({
      pick: fc.nat(),
      to: fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.constant(undefined), fc.constant('repeat')),
    });
    fc.assert(
      fc.property(
        fc.constantFrom(...SAMPLES),
        fc.array(change, { minLength: 1, maxLength: 3 }),
        fc.constantFrom(0, 2, '\t'),
        (sample, changes, indent) => {
          const doc = parse(sample) as unknown;
          for (const c of changes) changeAt(doc, c.pick, c.to);
          const text = JSON.stringify(doc, null, indent);
          expectWellFormed(validateScenarioText(text, 'json'), text);
          expectWellFormed(validateScenarioObject(doc));
        },
      ),
      { seed: SEED, numRuns: 40 },
    );
  });

  it('locates JSON syntax errors inside the text', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...SAMPLES),
        fc.nat(),
        fc.constantFrom('', ',', '}', ']', '"', ':', 'x', '\\', '\n', '[', '{'),
        fc.integer({ min: 0, max: 3 }),
        (sample, at, insert, cut) => {
          const json = JSON.stringify(parse(sample), null, 2);
          const i = at % json.length;
          const text = json.slice(0, i) + insert + json.slice(i + cut);
          expectWellFormed(validateScenarioText(text, 'json'), text);
        },
      ),
      { seed: SEED, numRuns: 60 },
    );
  });
});

/** Every path into a value, in document order. */
function pathsOf(value: unknown, prefix: PathSegment[] = []): PathSegment[][] {
  const out: PathSegment[][] = [prefix];
  if (Array.isArray(value)) value.forEach((v, i) => out.push(...pathsOf(v, [...prefix, i])));
  else if (typeof value === 'object' && value !== null)
    for (const [k, v] of Object.entries(value)) out.push(...pathsOf(v, [...prefix, k]));
  return out;
}

/** Replaces (or removes, or repeats) the `pick`-th node of `doc` in document order; the root stays. */
function changeAt(doc: unknown, pick: number, to: unknown): void {
  const paths = pathsOf(doc).slice(1);
  if (paths.length === 0) return;
  const path = paths[pick % paths.length]!;
  let parent = doc as Record<string | number, unknown>;
  for (const seg of path.slice(0, -1)) parent = parent[seg] as Record<string | number, unknown>;
  const last = path.at(-1)!;
  if (to === 'repeat' && Array.isArray(parent)) parent.splice(Number(last), 0, parent[Number(last)]);
  else if (to === undefined && Array.isArray(parent)) parent.splice(Number(last), 1);
  else if (to === undefined) delete parent[last];
  else parent[last] = to;
}

// The positions as they were found before issue 15, by reading the text as YAML and searching each mapping for
// each step of the path: the reference the one-pass JSON scan must agree with.
function yamlLocate(text: string): (path: readonly PathSegment[], anchor: Anchor) => Position {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: false });
  return (path, anchor) => oldLocate(doc, lines, path, anchor);
}

function oldLocate(
  doc: ReturnType<typeof parseDocument>,
  lines: LineCounter,
  path: readonly PathSegment[],
  anchor: Anchor,
): Position {
  const deref = (n: Node | null): Node | null => (isAlias(n) ? ((n.resolve(doc) as Node | undefined) ?? n) : n);
  const at = (n: Node | null): Position | undefined => {
    const start = n?.range?.[0];
    if (start === undefined) return undefined;
    const { line, col } = lines.linePos(start);
    return { line, column: col };
  };
  let node = deref(doc.contents as Node | null);
  let via: Node | null = null;
  let complete = true;
  for (const seg of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(seg));
      if (!pair) {
        complete = false;
        break;
      }
      via = pair.key as Node;
      node = deref((pair.value as Node | null) ?? null);
      if (node === null) {
        node = via;
        break;
      }
    } else if (isSeq(node)) {
      const item = node.items[Number(seg)] as Node | undefined;
      if (item === undefined) {
        complete = false;
        break;
      }
      via = item;
      node = deref(item);
    } else {
      complete = false;
      break;
    }
  }
  const fallback = { line: 1, column: 1 };
  if (!complete) return at(via ?? node) ?? at(node) ?? fallback;
  if (anchor !== 'value') return at(via ?? node) ?? fallback;
  if (isCollection(node) && via && !isCollection(via)) return at(via) ?? fallback;
  return at(node) ?? at(via) ?? fallback;
}

describe('the one-pass rules agree with the old ones', () => {
  it('JSON positions from the scan are the positions reading the text as YAML gave', () => {
    const container = fc.oneof(
      fc.dictionary(fc.string({ maxLength: 4 }), fc.jsonValue({ maxDepth: 3 }), { maxKeys: 6 }),
      fc.array(fc.jsonValue({ maxDepth: 3 }), { maxLength: 6 }),
    );
    fc.assert(
      fc.property(
        container,
        fc.constantFrom(0, 1, 2, '\t'),
        fc.constantFrom<Anchor>('value', 'key'),
        (v, indent, a) => {
          const text = JSON.stringify(v, null, indent);
          fc.pre(parseDocument(text, { uniqueKeys: false }).errors.length === 0);
          const scan = scanJson(text);
          expect(scan.ok).toBe(true);
          const map = new SourceMap(scan.ok ? scan.root : null, new LineIndex(text));
          const old = yamlLocate(text);
          for (const path of pathsOf(v)) {
            expect(map.locate(path, a)).toEqual(old(path, a));
            expect(map.locate([...path, 'missing'], 'container')).toEqual(old([...path, 'missing'], a));
          }
        },
      ),
      { seed: SEED, numRuns: 200 },
    );
  });

  it('duplicate keys are the ones, and where, the library reported them', () => {
    // Block and flow mappings whose keys repeat, as scalars that are equal or only look equal (1 and "1").
    const KEYS = ['a', 'b', '"a"', "'b'", '1', '"1"', 'null', '~', 'true', '"true"', '.nan'];
    const entry = fc.tuple(fc.constantFrom(...KEYS), fc.constantFrom('x', '{a: 1, a: 2}', '{a: 1, b: 2}', '[1]'));
    const block = fc
      .array(fc.tuple(entry, fc.boolean()), { minLength: 1, maxLength: 12 })
      .map((es) => es.map(([[k, v], nested]) => (nested ? `${k}:\n  ${k}: ${v}\n  b: ${v}` : `${k}: ${v}`)).join('\n'));
    fc.assert(
      fc.property(block, (text) => {
        const old = oldSyntaxProblems(text);
        const now = validateScenarioText(text, 'yaml').errors.filter((e) => e.message.startsWith('YAML syntax'));
        expect(now).toEqual(old);
      }),
      { seed: SEED, numRuns: 300 },
    );
  });

  it('the fast count of pairs never counts more nodes than a well-formed document has', () => {
    // Values whose strings hold what the count must not mistake for pairs (`: ` in quotes, comments, block
    // scalars, anchors), written by the library in whatever style it picks, and mutated samples.
    const tricky = fc.constantFrom('a: b', 'x #: y', "it's: 1", 'q"w: e', '|', '> x: y', 'l1: a\nl2: b', ': ', '&a: b');
    const text = fc.oneof(
      {
        weight: 4,
        arbitrary: fc
          .jsonValue({ maxDepth: 3, stringUnit: fc.constantFrom('a', ':', ' ', '\n', '#', '"', "'", '|', '>', '-') })
          .map((v) => stringify(v)),
      },
      {
        weight: 4,
        arbitrary: fc.dictionary(tricky, fc.oneof(tricky, fc.array(tricky, { maxLength: 3 }))).map((v) => stringify(v)),
      },
      {
        weight: 1,
        arbitrary: fc
          .tuple(fc.constantFrom(...SAMPLES), fc.array(op, { maxLength: 3 }))
          .map(([sample, ops]) => mutate(sample, ops)),
      },
    );
    fc.assert(
      fc.property(text, (t) => {
        const doc = parseDocument(t, { uniqueKeys: false });
        fc.pre(doc.errors.length === 0);
        let nodes = 0;
        visit(doc, { Node: () => void nodes++ });
        expect(pairsPastLimit(t, nodes)).toBe(-1);
      }),
      { seed: SEED, numRuns: 150 },
    );
  });

  it('the schema with its definitions inlined finds the problems the schema finds', () => {
    const ajv = new Ajv2020({
      allErrors: true,
      verbose: true,
      strict: true,
      strictTypes: false,
      strictRequired: false,
    });
    ajv.addKeyword({ keyword: 'x-message', schemaType: 'object' });
    const original = ajv.compile(SCENARIO_SCHEMA);
    const problems = (errors: Parameters<typeof fromAjv>[0]) =>
      fromAjv(errors)
        .map((p) => `${p.path.join('/')} ${p.anchor} ${p.message}`)
        .sort();
    const change = fc.record({ pick: fc.nat(), to: fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.constant(undefined)) });
    fc.assert(
      fc.property(fc.constantFrom(...SAMPLES), fc.array(change, { maxLength: 4 }), (sample, changes) => {
        const doc = parse(sample) as unknown;
        for (const c of changes) changeAt(doc, c.pick, c.to);
        original(doc);
        expect(problems(schemaErrors(doc))).toEqual(problems(original.errors ?? []));
      }),
      { seed: SEED, numRuns: 100 },
    );
  });
});

/** The syntax problems as the parser's own duplicate-key check (uniqueKeys) reported them. */
function oldSyntaxProblems(text: string): FieldProblem[] {
  const doc = parseDocument(text, { lineCounter: new LineCounter(), prettyErrors: true, uniqueKeys: true });
  const seen = new Set<number>();
  const out: FieldProblem[] = [];
  for (const e of doc.errors) {
    const pos = e.linePos?.[0];
    if (pos && seen.has(pos.line)) continue;
    if (pos) seen.add(pos.line);
    out.push({
      path: '',
      message: `YAML syntax: ${e.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '')}`,
      ...(pos && { line: pos.line, column: pos.col }),
    });
    if (out.length === 10) break;
  }
  return out.sort((a, b) => a.line! - b.line! || a.column! - b.column!);
}
