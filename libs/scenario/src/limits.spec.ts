import { describe, expect, it } from '@jest/globals';
import {
  MAX_REPORTED_PROBLEMS,
  MAX_SCENARIO_ALIASES,
  MAX_SCENARIO_DEPTH,
  MAX_SCENARIO_NODES,
  MAX_SCENARIO_TEXT_LENGTH,
  syntheticScenarioYaml,
  validateScenarioObject,
  validateScenarioText,
  type ScenarioLimitName,
} from './index.js';
import { inlineRefs } from './schema.js';

const HEAD = ['id: drill-a', 'title: Drill A', 'plannedDuration: "+03:00"'];
const yaml = (...lines: string[]): string => lines.join('\n') + '\n';

/** CPU time of `f` (see the note on budgets in libs/ioc/src/hostile.spec.ts). */
const cpuMs = (f: () => unknown): number => {
  const before = process.cpuUsage();
  f();
  const used = process.cpuUsage(before);
  return (used.user + used.system) / 1000;
};

function refusedFor(text: string, format: 'yaml' | 'json', name: ScenarioLimitName) {
  const r = validateScenarioText(text, format);
  expect(r.scenario).toBeUndefined();
  expect(r.exceeded?.name).toBe(name);
  expect(r.errors).toHaveLength(1);
  expect(r.errors[0]!.message).toContain(name);
  return r.errors[0]!;
}

describe('MAX_SCENARIO_TEXT_LENGTH', () => {
  it('refuses a longer text in either format before reading it', () => {
    const long = '#'.repeat(MAX_SCENARIO_TEXT_LENGTH + 1);
    expect(refusedFor(long, 'yaml', 'MAX_SCENARIO_TEXT_LENGTH')).toEqual({
      path: '',
      message: `the scenario is longer than ${MAX_SCENARIO_TEXT_LENGTH} characters; the limit is MAX_SCENARIO_TEXT_LENGTH = ${MAX_SCENARIO_TEXT_LENGTH}`,
    });
    refusedFor(' '.repeat(MAX_SCENARIO_TEXT_LENGTH + 1), 'json', 'MAX_SCENARIO_TEXT_LENGTH');
  });

  it('refuses a short text whose aliases repeat a long string past it', () => {
    const text = yaml(`s: &s "${'x'.repeat(20_000)}"`, `l: [${Array(60).fill('*s').join(', ')}]`);
    const e = refusedFor(text, 'yaml', 'MAX_SCENARIO_TEXT_LENGTH');
    expect(e.message).toMatch(/^once its aliases are expanded, the scenario is longer than/);
    expect(e).toMatchObject({ line: 2 });
  });
});

describe('MAX_SCENARIO_NODES', () => {
  it('refuses 40,000 keys (YAML), having read the text only up to the limit', () => {
    const text = Array.from({ length: 40_000 }, (_, i) => `k${i}: 1`).join('\n') + '\n';
    // Each line is a pair, two nodes: the count passes the limit at the colon on line 25,001 (`k25000: 1`).
    expect(refusedFor(text, 'yaml', 'MAX_SCENARIO_NODES')).toEqual({
      path: '',
      message: `the scenario has more than ${MAX_SCENARIO_NODES} nodes (keys, values, list items, mappings and lists, aliases expanded); the limit is MAX_SCENARIO_NODES = ${MAX_SCENARIO_NODES}`,
      line: MAX_SCENARIO_NODES / 2 + 1,
      column: 7,
    });
  });

  it('refuses 40,000 keys (JSON) and as an object', () => {
    const doc = Object.fromEntries(Array.from({ length: 40_000 }, (_, i) => [`k${i}`, 1]));
    refusedFor(JSON.stringify(doc), 'json', 'MAX_SCENARIO_NODES');
    expect(validateScenarioObject(doc).exceeded?.name).toBe('MAX_SCENARIO_NODES');
  });

  it('counts nodes the lexer alone cannot name: empty list items', () => {
    refusedFor('-\n'.repeat(MAX_SCENARIO_NODES + 1), 'yaml', 'MAX_SCENARIO_NODES');
  });

  it('counts what aliases repeat ("billion laughs")', () => {
    const lines = ['a0: &a0 [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 9; i++)
      lines.push(
        `a${i}: &a${i} [${Array(10)
          .fill(`*a${i - 1}`)
          .join(', ')}]`,
      );
    // a4 alone stands for 111,111 nodes.
    expect(refusedFor(yaml(...lines), 'yaml', 'MAX_SCENARIO_NODES')).toMatchObject({ line: 5 });
  });

  it('accepts the 500-inject scenario of the benchmark, with room to spare', () => {
    const r = validateScenarioText(syntheticScenarioYaml(500), 'yaml');
    expect(r.exceeded).toBeUndefined();
    expect(r.errors).toEqual([]);
  });

  it('refuses a cyclic object (only code can make one) rather than walking it for ever', () => {
    const doc: Record<string, unknown> = { id: 'a' };
    doc['self'] = doc;
    expect(validateScenarioObject(doc).exceeded?.name).toBe('MAX_SCENARIO_DEPTH');
  });
});

describe('MAX_SCENARIO_DEPTH', () => {
  const over = MAX_SCENARIO_DEPTH + 1;

  it.each([
    ['flow lists', '['.repeat(100_000) + ']'.repeat(100_000)],
    ['compact lists', '- '.repeat(40_000) + 'x\n'],
    ['indented mappings', Array.from({ length: over + 1 }, (_, i) => ' '.repeat(i) + 'a:').join('\n') + ' x\n'],
    ['lists of mappings', Array.from({ length: over }, (_, i) => ' '.repeat(2 * i) + '- a:').join('\n') + ' x\n'],
  ])('refuses %s nested past the limit', (_, text) => {
    expect(refusedFor(text, 'yaml', 'MAX_SCENARIO_DEPTH').message).toBe(
      `the scenario nests mappings and lists more than ${MAX_SCENARIO_DEPTH} deep; the limit is MAX_SCENARIO_DEPTH = ${MAX_SCENARIO_DEPTH}`,
    );
  });

  it('accepts nesting exactly at the limit', () => {
    const r = validateScenarioText('['.repeat(MAX_SCENARIO_DEPTH) + ']'.repeat(MAX_SCENARIO_DEPTH), 'yaml');
    expect(r.exceeded).toBeUndefined();
  });

  it('refuses nesting that only an alias makes deep', () => {
    const deep = '['.repeat(20) + 'x' + ']'.repeat(20);
    const text = yaml(`a: &d ${deep}`, `b: ${'['.repeat(15)}*d${']'.repeat(15)}`);
    expect(refusedFor(text, 'yaml', 'MAX_SCENARIO_DEPTH')).toMatchObject({ line: 2 });
  });

  it('refuses deep JSON, and deep objects', () => {
    refusedFor('['.repeat(over) + ']'.repeat(over), 'json', 'MAX_SCENARIO_DEPTH');
    let deep: unknown = 1;
    for (let i = 0; i < over; i++) deep = [deep];
    expect(validateScenarioObject({ id: 'a', deep }).exceeded?.name).toBe('MAX_SCENARIO_DEPTH');
  });
});

describe('MAX_SCENARIO_ALIASES', () => {
  it('refuses more aliases, at the first one past the limit', () => {
    const text = yaml(
      'a: &a 1',
      `b: [${Array(MAX_SCENARIO_ALIASES + 1)
        .fill('*a')
        .join(', ')}]`,
    );
    expect(refusedFor(text, 'yaml', 'MAX_SCENARIO_ALIASES')).toEqual({
      path: '',
      message: `the scenario has more than ${MAX_SCENARIO_ALIASES} YAML aliases (*name); the limit is MAX_SCENARIO_ALIASES = ${MAX_SCENARIO_ALIASES}`,
      line: 2,
      column: 5 + 4 * MAX_SCENARIO_ALIASES,
    });
  });

  it('still reads aliases within the limit, positions included', () => {
    const r = validateScenarioText(
      yaml(...HEAD, 'injects:', '  - &first {id: I-01, offset: "+00:10", title: A, severity: hgh}', '  - *first'),
      'yaml',
    );
    // What an alias repeats is pointed at where the anchored value says it, as before this module walked aliases.
    expect(r.errors.map((e) => [e.path, e.line, e.column])).toEqual([
      ['/injects/1/id', 5, 17],
      ['/injects/0/severity', 5, 61],
      ['/injects/1/severity', 5, 61],
    ]);
  });

  it('refuses an alias to a node that contains it, and one to an anchor not yet set', () => {
    expect(validateScenarioText('a: &x [1, *x]\n', 'yaml').errors).toEqual([
      { path: '', message: 'YAML syntax: alias *x refers to a node that contains it', line: 1, column: 11 },
    ]);
    expect(validateScenarioText('a: *nope\nb: &nope 1\n', 'yaml').errors).toEqual([
      {
        path: '',
        message: 'YAML syntax: Unresolved alias (the anchor must be set before the alias): nope',
        line: 1,
        column: 4,
      },
    ]);
  });
});

describe('MAX_REPORTED_PROBLEMS', () => {
  const manyBad = (n: number) =>
    yaml(...HEAD, 'injects:', ...Array.from({ length: n }, (_, i) => `  - {id: I-${i}, offset: "+00:10", titel: x}`));

  it('reports the first problems in text order, then one that counts the rest and says where they start', () => {
    // Each inject has two problems: a missing title (at the item) and an unknown field (at its key).
    const r = validateScenarioText(manyBad(MAX_REPORTED_PROBLEMS), 'yaml');
    expect(r.errors).toHaveLength(MAX_REPORTED_PROBLEMS + 1);
    expect(r.errors[MAX_REPORTED_PROBLEMS - 1]).toMatchObject({
      path: `/injects/${MAX_REPORTED_PROBLEMS / 2 - 1}/titel`,
    });
    expect(r.errors.at(-1)).toEqual({
      path: '',
      message: `and ${MAX_REPORTED_PROBLEMS} more problems, not listed: at most ${MAX_REPORTED_PROBLEMS} are reported (MAX_REPORTED_PROBLEMS); the next is at /injects/${MAX_REPORTED_PROBLEMS / 2}/title`,
      line: 5 + MAX_REPORTED_PROBLEMS / 2,
      column: 5,
    });
  });

  it('lists all problems up to the limit', () => {
    expect(validateScenarioText(manyBad(MAX_REPORTED_PROBLEMS / 2), 'yaml').errors).toHaveLength(MAX_REPORTED_PROBLEMS);
  });

  it('counts one left-out problem in the singular, and bounds the problems of an object too', () => {
    const doc = {
      id: 'drill-a',
      title: 'A',
      plannedDuration: '+01:00',
      injects: [{ id: 'I-0', offset: '+00:01', title: 't' }],
      ...Object.fromEntries(Array.from({ length: MAX_REPORTED_PROBLEMS + 1 }, (_, i) => [`x${i}`, 1])),
    };
    const r = validateScenarioObject(doc);
    expect(r.errors).toHaveLength(MAX_REPORTED_PROBLEMS + 1);
    expect(r.errors.at(-1)!.message).toMatch(/^and 1 more problem, not listed: .* the next is at \/x1000$/);
  });
});

describe('linear time where it was quadratic', () => {
  it('checks 20,000 duplicate keys with a set per mapping, not by comparing each key with all before it', () => {
    let r: ReturnType<typeof validateScenarioText> | undefined;
    const ms = cpuMs(() => (r = validateScenarioText('a: 1\n'.repeat(20_000), 'yaml')));
    // One problem per line, ten at most, as the parser's own check reported them.
    expect(r!.errors).toHaveLength(10);
    expect(r!.errors[0]).toEqual({ path: '', message: 'YAML syntax: Map keys must be unique', line: 2, column: 1 });
    // Before: the library's check, 20,000²/2 comparisons (about 10 s). Now under half a second.
    expect(ms).toBeLessThan(3000);
  });

  it('validates 30,000 failing injects without Ajv copying the errors found so far for each (10 s → 0.5 s)', () => {
    const text = JSON.stringify({
      id: 'a',
      title: 'A',
      plannedDuration: '+01:00',
      injects: Array.from({ length: 30_000 }, (_, i) => i),
    });
    let r: ReturnType<typeof validateScenarioText> | undefined;
    const ms = cpuMs(() => (r = validateScenarioText(text, 'json')));
    expect(r!.errors[0]).toEqual({
      path: '/injects/0',
      message: 'injects[0] must be a mapping (key: value), not number 0',
      line: 1,
      column: text.indexOf('[0,') + 2,
    });
    expect(ms).toBeLessThan(2500);
  });

  it('follows a chain of 3,500 triggers (as many as MAX_SCENARIO_NODES allows) without recursion', () => {
    const injects = [
      '  - {id: I0, title: t, offset: "+00:01"}',
      ...Array.from(
        { length: 3500 },
        (_, i) => `  - {id: I${i + 1}, title: t, trigger: {after: {inject: I${i}, delayMinutes: 1}}}`,
      ),
    ];
    const r = validateScenarioText(
      yaml('id: a', 'title: A', 'plannedDuration: "+01:00"', 'injects:', ...injects),
      'yaml',
    );
    // Past the planned hour from the 60th trigger on: each reported, none a stack overflow.
    expect(r.exceeded).toBeUndefined();
    expect(r.errors[0]).toEqual({
      path: '/injects/60/trigger/after',
      message: 'the trigger releases this inject at +01:01 at the earliest, past the planned duration +01:00',
      line: 65,
      column: 35,
    });
    expect(r.errors.filter((e) => /past the planned duration/.test(e.message))).toHaveLength(MAX_REPORTED_PROBLEMS);
  });

  it('lists a few phases, not all of them, in each unknown-phase message', () => {
    const phases = Array.from({ length: 500 }, (_, i) => `  - {id: P${i}, title: t}`);
    const r = validateScenarioText(
      yaml(...HEAD, 'phases:', ...phases, 'injects:', '  - {id: I-01, offset: "+00:10", title: A, phase: nope}'),
      'yaml',
    );
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]!.message).toBe(
      `phase 'nope' is not defined (phases: ${Array.from({ length: 20 }, (_, i) => `P${i}`).join(', ')}, …)`,
    );
  });

  it('does not compare a huge unknown key with every field name', () => {
    let r: ReturnType<typeof validateScenarioText> | undefined;
    const ms = cpuMs(() => (r = validateScenarioText(JSON.stringify({ ['k'.repeat(400_000)]: 1 }), 'json')));
    expect(r!.errors.find((e) => e.message.startsWith('unknown field'))!.message).toBe(
      `unknown field '${'k'.repeat(197)}...' (allowed: $schema, id, title, summary, plannedDuration, objectives, phases, scoring, cooperation, injects)`,
    );
    expect(ms).toBeLessThan(2000);
  });

  it('quotes at most 200 characters of a value in a message', () => {
    const r = validateScenarioText(JSON.stringify({ plannedDuration: '+'.repeat(1000) }), 'json');
    const m = r.errors.find((e) => e.path === '/plannedDuration')!.message;
    expect(m).toBe(`offset '${'+'.repeat(197)}...' must look like +HH:MM or +HH:MM:SS`);
  });
});

describe('JSON positions and syntax errors, from one scan of the text', () => {
  it('finds the position of a syntax error V8 does not name', () => {
    expect(validateScenarioText('[1,\n 2,\n ]', 'json').errors).toEqual([
      { path: '', message: expect.stringMatching(/^JSON syntax: Unexpected token/), line: 3, column: 2 },
    ]);
    expect(validateScenarioText('{"a": "x\\q"}', 'json').errors[0]).toMatchObject({ line: 1, column: 10 });
    expect(validateScenarioText('{"a": "x', 'json').errors[0]).toMatchObject({ line: 1, column: 9 });
    expect(validateScenarioText('{"a" 1}', 'json').errors[0]).toMatchObject({ line: 1, column: 6 });
  });

  it('points at keys written with escapes, and at the first of two equal keys (JSON.parse keeps the last)', () => {
    const r = validateScenarioText(
      '{"id": "drill-a", "ti\\u0074le": 5, "title": 6, "plannedDuration": "+01:00"}',
      'json',
    );
    expect(r.errors).toContainEqual({
      path: '/title',
      message: 'title must be a string, not number 6 (quote it: "6")',
      line: 1,
      column: 33,
    });
  });
});

describe('the parser without the library’s own quadratic checks', () => {
  it('still refuses a second document in one text', () => {
    expect(validateScenarioText('a: 1\n---\nb: 2\n', 'yaml').errors).toEqual([
      {
        path: '',
        message: 'YAML syntax: Source contains multiple documents; please use YAML.parseAllDocuments()',
        line: 2,
        column: 1,
      },
    ]);
  });

  it('inlines every definition the schema refers to, keeping what a reference adds to it', () => {
    const schema = {
      $defs: {
        code: { type: 'string', pattern: '^[A-Z]+$' },
        list: { type: 'array', items: { $ref: '#/$defs/code' } },
      },
      properties: {
        a: { $ref: '#/$defs/code', description: 'an annotation only' },
        b: { $ref: '#/$defs/list', minItems: 1 },
      },
    };
    const code = { type: 'string', pattern: '^[A-Z]+$' };
    expect(inlineRefs(schema)).toEqual({
      properties: { a: code, b: { minItems: 1, allOf: [{ type: 'array', items: code }] } },
    });
    expect(() => inlineRefs({ $defs: { a: { items: { $ref: '#/$defs/a' } } }, $ref: '#/$defs/a' })).toThrow(
      'cannot inline #/$defs/a',
    );
    expect(() => inlineRefs({ $ref: '#/$defs/missing' })).toThrow('cannot inline #/$defs/missing');
  });
});
