import { readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import { IOC_TYPES, RSIT, SEVERITIES, TLP_LABELS } from '@drill/contracts';
import { normaliseIoc } from '@drill/ioc';
import {
  SCENARIO_SCHEMA,
  SCENARIO_SCHEMA_PATH,
  scenarioToYaml,
  syntheticScenarioYaml,
  validateScenarioObject,
  validateScenarioText,
} from './index.js';

// Documents are written as arrays of lines so that the line numbers in the expectations can be counted by eye:
// element k is line k + 1. Columns are 1-based.
const yaml = (...lines: string[]): string => lines.join('\n') + '\n';

const HEAD = ['id: drill-a', 'title: Drill A', 'plannedDuration: "+03:00"'];

function only(text: string, format: 'yaml' | 'json' = 'yaml') {
  const r = validateScenarioText(text, format);
  expect(r.scenario).toBeUndefined();
  return r.errors;
}

describe('validateScenarioText — schema problems', () => {
  it('points an unknown (misspelt) field at its key and suggests the right one', () => {
    const errors = only(yaml(...HEAD, 'injects:', '  - id: I-01', '    offset: "+00:20"', '    titel: First'));
    expect(errors).toContainEqual({
      path: '/injects/0/titel',
      message: "unknown field 'titel' (did you mean 'title'?)",
      line: 7,
      column: 5,
    });
  });

  it('points a missing required field at the object that lacks it', () => {
    const errors = only(yaml(...HEAD, 'injects:', '  - id: I-01', '    offset: "+00:20"', '    titel: First'));
    // The sequence item starts at `id` on line 5 ("  - id": the key is in column 5).
    expect(errors).toContainEqual({
      path: '/injects/0/title',
      message: "missing required field 'title'",
      line: 5,
      column: 5,
    });
  });

  it('points a missing top-level field at the document', () => {
    const errors = only(
      yaml('id: drill-a', 'plannedDuration: "+03:00"', 'injects:', '  - {id: I-01, offset: "+00:20", title: A}'),
    );
    expect(errors).toEqual([{ path: '/title', message: "missing required field 'title'", line: 1, column: 1 }]);
  });

  it('requires an offset unless the inject has a trigger', () => {
    const errors = only(yaml(...HEAD, 'injects:', '  - id: I-01', '    title: First'));
    expect(errors).toEqual([
      { path: '/injects/0/offset', message: "missing required field 'offset'", line: 5, column: 5 },
    ]);
  });

  it('explains a malformed offset', () => {
    const errors = only(yaml(...HEAD, 'injects:', '  - id: I-01', '    offset: "+3:00"', '    title: First'));
    expect(errors).toEqual([
      { path: '/injects/0/offset', message: "offset '+3:00' must look like +HH:MM or +HH:MM:SS", line: 6, column: 13 },
    ]);
  });

  it('explains a value outside an enumeration', () => {
    const errors = only(
      yaml(...HEAD, 'injects:', '  - id: I-01', '    offset: "+00:20"', '    title: First', '    severity: hgh'),
    );
    expect(errors).toEqual([
      {
        path: '/injects/0/severity',
        message: "severity 'hgh' must be one of: low, medium, high, critical",
        line: 8,
        column: 15,
      },
    ]);
  });

  it('asks for quotes when YAML read an id as a number', () => {
    const errors = only(yaml(...HEAD, 'injects:', '  - id: 7', '    offset: "+00:20"', '    title: First'));
    expect(errors).toEqual([
      { path: '/injects/0/id', message: 'id must be a string, not number 7 (quote it: "7")', line: 5, column: 9 },
    ]);
  });

  it('checks the format of team codes and tags', () => {
    const errors = only(
      yaml(
        ...HEAD,
        'injects:',
        '  - id: I-01',
        '    offset: "+00:20"',
        '    title: First',
        '    targets: {teams: [sg], tags: [Tier1]}',
      ),
    );
    expect(errors).toEqual([
      {
        path: '/injects/0/targets/teams/0',
        message: "team code 'sg' must be 2–32 upper-case letters, digits, '-' or '_' (e.g. SG, MYCERT)",
        line: 8,
        column: 23,
      },
      {
        path: '/injects/0/targets/tags/0',
        message: "tag 'Tier1' must be lower-case letters, digits, '-' or '_' (at most 32)",
        line: 8,
        column: 35,
      },
    ]);
  });

  it('refuses targets that are neither "all" nor teams/tags', () => {
    const errors = only(
      yaml(...HEAD, 'injects:', '  - id: I-01', '    offset: "+00:20"', '    title: First', '    targets: everyone'),
    );
    expect(errors).toEqual([
      {
        path: '/injects/0/targets',
        message: 'targets must be "all" or an object {teams: [...], tags: [...]}',
        line: 8,
        column: 14,
      },
    ]);
  });

  it('refuses a trigger with two conditions', () => {
    const errors = only(
      yaml(
        ...HEAD,
        'injects:',
        '  - {id: I-01, offset: "+00:20", title: First, deadlineMinutes: 30}',
        '  - id: I-02',
        '    title: Second',
        '    trigger: {after: {inject: I-01, delayMinutes: 5}, ifNoReport: {inject: I-01}}',
      ),
    );
    expect(errors).toEqual([
      {
        path: '/injects/1/trigger',
        message: 'trigger must have exactly one of after, ifNoReport, ifReportMatches',
        line: 8,
        column: 5,
      },
    ]);
  });
});

describe('validateScenarioText — semantic problems', () => {
  it('reports a duplicate inject id with the line of the first one', () => {
    const errors = only(
      yaml(
        ...HEAD,
        'injects:',
        '  - id: I-01',
        '    offset: "+00:20"',
        '    title: First',
        '  - id: I-01',
        '    offset: "+00:30"',
        '    title: Second',
      ),
    );
    expect(errors).toEqual([
      { path: '/injects/1/id', message: "duplicate inject id 'I-01' (first defined at line 5)", line: 8, column: 9 },
    ]);
  });

  it('reports an offset past the planned duration', () => {
    const errors = only(yaml(...HEAD, 'injects:', '  - id: I-01', '    offset: "+04:10"', '    title: First'));
    expect(errors).toEqual([
      { path: '/injects/0/offset', message: 'offset +04:10 is past the planned duration +03:00', line: 6, column: 13 },
    ]);
  });

  it('accepts an offset exactly at the planned duration', () => {
    const r = validateScenarioText(
      yaml(...HEAD, 'injects:', '  - id: I-01', '    offset: "+03:00"', '    title: First'),
      'yaml',
    );
    expect(r.errors).toEqual([]);
  });

  it('reports a trigger naming an unknown inject', () => {
    const errors = only(
      yaml(
        ...HEAD,
        'injects:',
        '  - id: I-01',
        '    offset: "+00:20"',
        '    title: First',
        '  - id: I-02',
        '    title: Second',
        '    trigger:',
        '      after: {inject: I-99, delayMinutes: 10}',
      ),
    );
    expect(errors).toEqual([
      {
        path: '/injects/1/trigger/after/inject',
        message: "trigger refers to unknown inject 'I-99'",
        line: 11,
        column: 23,
      },
    ]);
  });

  it('reports a cycle of triggers once, at its first member', () => {
    const errors = only(
      yaml(
        ...HEAD,
        'injects:',
        '  - id: I-01',
        '    offset: "+00:20"',
        '    title: First',
        '  - id: I-03',
        '    title: Third',
        '    trigger: {after: {inject: I-05, delayMinutes: 5}}',
        '  - id: I-05',
        '    title: Fifth',
        '    trigger: {after: {inject: I-03, delayMinutes: 5}}',
      ),
    );
    expect(errors).toEqual([
      {
        path: '/injects/1/trigger/after/inject',
        message: 'triggers form a cycle: I-03 → I-05 → I-03',
        line: 10,
        column: 31,
      },
    ]);
  });

  it('reports an inject triggered by itself', () => {
    const errors = only(
      yaml(
        ...HEAD,
        'injects:',
        '  - id: I-02',
        '    title: Second',
        '    trigger: {after: {inject: I-02, delayMinutes: 5}}',
      ),
    );
    expect(errors).toEqual([
      { path: '/injects/0/trigger/after/inject', message: 'triggers form a cycle: I-02 → I-02', line: 7, column: 31 },
    ]);
  });

  it('reports a trigger whose earliest release is past the planned duration', () => {
    const errors = only(
      yaml(
        ...HEAD,
        'injects:',
        '  - {id: I-01, offset: "+02:50", title: First}',
        '  - id: I-02',
        '    title: Second',
        '    trigger: {after: {inject: I-01, delayMinutes: 20}}',
      ),
    );
    // +02:50 + 20 min = +03:10; the problem is the trigger, so it points at its first key (`after`, column 15).
    expect(errors).toEqual([
      {
        path: '/injects/1/trigger/after',
        message: 'the trigger releases this inject at +03:10 at the earliest, past the planned duration +03:00',
        line: 8,
        column: 15,
      },
    ]);
  });

  it('requires a deadline on the inject an ifNoReport trigger watches', () => {
    const errors = only(
      yaml(
        ...HEAD,
        'injects:',
        '  - {id: I-01, offset: "+00:20", title: First}',
        '  - id: I-02',
        '    title: Second',
        '    trigger: {ifNoReport: {inject: I-01}}',
      ),
    );
    expect(errors).toEqual([
      {
        path: '/injects/1/trigger/ifNoReport/inject',
        message: "ifNoReport needs inject 'I-01' to have deadlineMinutes (the trigger fires at that deadline)",
        line: 8,
        column: 36,
      },
    ]);
  });

  it('reports an IOC the normaliser refuses, with its message', () => {
    const errors = only(
      yaml(
        ...HEAD,
        'injects:',
        '  - id: I-01',
        '    offset: "+00:20"',
        '    title: First',
        '    answerKey:',
        '      iocs:',
        '        - {type: md5, value: not-a-hash}',
      ),
    );
    const refused = normaliseIoc('md5', 'not-a-hash');
    expect(refused.ok).toBe(false);
    expect(errors).toEqual([
      {
        path: '/injects/0/answerKey/iocs/0/value',
        message: `md5 value 'not-a-hash' is invalid: ${refused.ok ? '' : refused.message}`,
        line: 10,
        column: 30,
      },
    ]);
  });

  it('reports a decoy that is also an expected IOC (after normalisation)', () => {
    const errors = only(
      yaml(
        ...HEAD,
        'injects:',
        '  - id: I-01',
        '    offset: "+00:20"',
        '    title: First',
        '    answerKey:',
        '      iocs: [{type: ip-dst, value: 203.0.113.5}]',
        '      decoys: [{type: ip-src, value: "203.0.113[.]5"}]',
      ),
    );
    expect(errors).toEqual([
      {
        path: '/injects/0/answerKey/decoys/0/value',
        message: "decoy '203.0.113.5' is also an expected IOC (iocs[0])",
        line: 10,
        column: 38,
      },
    ]);
  });

  it('reports an RSIT type that does not belong to its class', () => {
    const errors = only(
      yaml(
        ...HEAD,
        'injects:',
        '  - id: I-01',
        '    offset: "+00:20"',
        '    title: First',
        '    answerKey:',
        '      classification: {class: malicious-code, type: phishing}',
      ),
    );
    expect(errors).toEqual([
      {
        path: '/injects/0/answerKey/classification/type',
        message:
          "type 'phishing' does not belong to RSIT class 'malicious-code' (allowed: infected-system, c2-server, malware-distribution, malware-configuration)",
        line: 9,
        column: 53,
      },
    ]);
  });

  it('checks the RSIT pair of an ifReportMatches trigger too', () => {
    const errors = only(
      yaml(
        ...HEAD,
        'injects:',
        '  - {id: I-01, offset: "+00:20", title: First}',
        '  - id: I-02',
        '    title: Second',
        '    trigger:',
        '      ifReportMatches: {inject: I-01, classification: {class: fraud, type: ddos}}',
      ),
    );
    expect(errors).toEqual([
      {
        path: '/injects/1/trigger/ifReportMatches/classification/type',
        message:
          "type 'ddos' does not belong to RSIT class 'fraud' (allowed: unauthorised-use-of-resources, copyright, masquerade, phishing)",
        line: 9,
        column: 76,
      },
    ]);
  });

  it('reports a deadline before the target', () => {
    const errors = only(
      yaml(
        ...HEAD,
        'injects:',
        '  - id: I-01',
        '    offset: "+00:20"',
        '    title: First',
        '    targetMinutes: 30',
        '    deadlineMinutes: 20',
      ),
    );
    expect(errors).toEqual([
      {
        path: '/injects/0/deadlineMinutes',
        message: 'deadlineMinutes (20) is before targetMinutes (30)',
        line: 9,
        column: 22,
      },
    ]);
  });

  it('reports an objective naming an unknown inject', () => {
    const errors = only(
      yaml(
        ...HEAD,
        'objectives:',
        '  - id: OBJ-1',
        '    capability: Operational Coordination',
        '    injects: [I-01, I-99]',
        'injects:',
        '  - id: I-01',
        '    offset: "+00:20"',
        '    title: First',
      ),
    );
    expect(errors).toEqual([
      { path: '/objectives/0/injects/1', message: "objective refers to unknown inject 'I-99'", line: 7, column: 21 },
    ]);
  });

  it('reports duplicate objective ids', () => {
    const errors = only(
      yaml(
        ...HEAD,
        'objectives:',
        '  - {id: OBJ-1, capability: A}',
        '  - {id: OBJ-1, capability: B}',
        'injects:',
        '  - {id: I-01, offset: "+00:20", title: A}',
      ),
    );
    expect(errors).toEqual([
      {
        path: '/objectives/1/id',
        message: "duplicate objective id 'OBJ-1' (first defined at line 5)",
        line: 6,
        column: 10,
      },
    ]);
  });

  it('reports an unknown phase', () => {
    const errors = only(
      yaml(
        ...HEAD,
        'phases:',
        '  - {id: P1, title: Detection}',
        'injects:',
        '  - id: I-01',
        '    offset: "+00:20"',
        '    phase: P9',
        '    title: First',
      ),
    );
    expect(errors).toEqual([
      { path: '/injects/0/phase', message: "phase 'P9' is not defined (phases: P1)", line: 9, column: 12 },
    ]);
  });

  it('reports empty targets, repeated IOCs (after normalisation) and repeated action codes', () => {
    const errors = only(
      yaml(
        ...HEAD,
        'injects:',
        '  - id: I-01',
        '    offset: "+00:20"',
        '    title: First',
        '    targets: {teams: []}',
        '    answerKey:',
        '      iocs: [{type: domain, value: evil.example}, {type: hostname, value: EVIL.example}]',
        '      actions: [{code: A, keywords: [a]}, {code: A, keywords: [b]}]',
      ),
    );
    expect(errors).toEqual([
      {
        path: '/injects/0/targets',
        message: 'targets must name at least one team or tag (or be "all")',
        line: 8,
        column: 5,
      },
      {
        path: '/injects/0/answerKey/iocs/1/value',
        message: "IOC 'evil.example' is already expected at iocs[0]",
        line: 10,
        column: 75,
      },
      {
        path: '/injects/0/answerKey/actions/1/code',
        message: "duplicate action code 'A' (also actions[0])",
        line: 11,
        column: 50,
      },
    ]);
  });

  it('reports rating thresholds out of order', () => {
    const errors = only(
      yaml(
        ...HEAD,
        'scoring:',
        '  ratingThresholds: {P: 0.6, S: 0.65, M: 0.4}',
        'injects:',
        '  - {id: I-01, offset: "+00:20", title: A}',
      ),
    );
    expect(errors).toEqual([
      {
        path: '/scoring/ratingThresholds',
        message: 'ratingThresholds must satisfy P > S > M (got P 0.6, S 0.65, M 0.4)',
        line: 5,
        column: 3,
      },
    ]);
  });
});

describe('validateScenarioText — behaviour', () => {
  it('reports all problems at once, schema and semantic, sorted by line', () => {
    const errors = only(
      yaml(
        'id: Drill_A', //                                    1: slug
        'title: Drill A',
        'plannedDuration: "+03:00"',
        'injects:',
        '  - id: I-01', //                                   5
        '    offset: "+04:00"', //                           6: past duration
        '    title: First',
        '    severity: hgh', //                              8: enum
        '    targetMinutes: 30',
        '    deadlineMinutes: 10', //                        10: deadline
        '  - id: I-01', //                                   11: duplicate
        '    titel: Second', //                              12: unknown field (+ missing title/offset at 11)
        '    trigger: {after: {inject: I-77, delayMinutes: 1}}', // 13: unknown inject
      ),
    );
    expect(errors.map((e) => [e.line, e.path])).toEqual([
      [1, '/id'],
      [6, '/injects/0/offset'],
      [8, '/injects/0/severity'],
      [10, '/injects/0/deadlineMinutes'],
      [11, '/injects/1/title'],
      [11, '/injects/1/id'],
      [12, '/injects/1/titel'],
      [13, '/injects/1/trigger/after/inject'],
    ]);
  });

  it('gives lines and columns for JSON input', () => {
    const errors = only(
      [
        '{',
        '  "id": "drill-a",',
        '  "title": "Drill A",',
        '  "plannedDuration": "+03:00",',
        '  "injects": [',
        '    {"id": "I-01", "offset": "+3:00", "title": "First", "severity": "hgh"}',
        '  ]',
        '}',
      ].join('\n'),
      'json',
    );
    expect(errors).toEqual([
      { path: '/injects/0/offset', message: "offset '+3:00' must look like +HH:MM or +HH:MM:SS", line: 6, column: 30 },
      {
        path: '/injects/0/severity',
        message: "severity 'hgh' must be one of: low, medium, high, critical",
        line: 6,
        column: 69,
      },
    ]);
  });

  it('reads valid JSON, tab-indented too', () => {
    const doc = {
      id: 'drill-a',
      title: 'Drill A',
      plannedDuration: '+03:00',
      injects: [{ id: 'I-01', offset: '+00:20', title: 'First' }],
    };
    const r = validateScenarioText(JSON.stringify(doc, null, '\t'), 'json');
    expect(r.errors).toEqual([]);
    expect(r.scenario?.injects[0]?.offsetSeconds).toBe(1200);
  });

  it('reports a JSON syntax error rather than guessing', () => {
    const r = validateScenarioText('{"id": "drill-a",\n "title": }', 'json');
    expect(r.scenario).toBeUndefined();
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]!.message).toMatch(/^JSON syntax: /);
  });

  it('reports a YAML syntax error with its position', () => {
    const r = validateScenarioText(yaml('id: drill-a', 'title: A', 'title: B'), 'yaml');
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]).toMatchObject({ path: '', line: 3, column: 1 });
    expect(r.errors[0]!.message).toMatch(/^YAML syntax: .*unique/);
  });

  it('validates parsed objects with paths only', () => {
    const r = validateScenarioObject({
      id: 'drill-a',
      title: 'Drill A',
      plannedDuration: '+03:00',
      injects: [
        { id: 'I-01', offset: '+00:20', title: 'A' },
        { id: 'I-01', offset: '+00:30', title: 'B' },
      ],
    });
    expect(r.scenario).toBeUndefined();
    expect(r.errors).toEqual([
      { path: '/injects/1/id', message: "duplicate inject id 'I-01' (first defined at /injects/0/id)" },
    ]);
  });

  // Speed is measured by `npm run bench -- validation` on the same text; here only the results are checked.
  it('validates a 500-inject scenario, and locates 500 problems in it', () => {
    const text = syntheticScenarioYaml(500);
    validateScenarioText(text, 'yaml'); // warm-up: module-level compilation is not what is measured

    // Other jobs share this machine, so wall time says as much about them as about this code: the bound is on
    // the CPU time the validation itself uses; wall time is logged.
    const measure = (t: string) => {
      const cpu0 = process.cpuUsage();
      const t0 = performance.now();
      const result = validateScenarioText(t, 'yaml');
      const wall = performance.now() - t0;
      const cpu = process.cpuUsage(cpu0);
      return { result, wall, cpu: (cpu.user + cpu.system) / 1000 };
    };
    const ok = measure(text);
    console.log(
      `500-inject scenario (${text.length} bytes) validated in ${ok.cpu.toFixed(0)} ms CPU, ${ok.wall.toFixed(0)} ms wall`,
    );
    expect(ok.result.errors).toEqual([]);
    expect(ok.result.scenario?.injects).toHaveLength(500);

    // The error path costs more (every problem is located in the source): one error per inject.
    const broken = measure(text.replace(/deadlineMinutes: 60/g, 'deadlineMinutes: 10'));
    console.log(`500 problems found and located in ${broken.cpu.toFixed(0)} ms CPU, ${broken.wall.toFixed(0)} ms wall`);
    expect(broken.result.errors).toHaveLength(500);
  });

  it('validates a 500-inject JSON scenario', () => {
    const injects = Array.from({ length: 500 }, (_, i) => ({
      id: `I-${i}`,
      offset: `+${String(Math.floor(i / 60)).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}`,
      title: `Inject ${i}`,
      body: `Something happened at host-${i}.example.`,
      targets: { teams: ['SG', 'MY'] },
      severity: 'high',
      responseRequired: true,
      targetMinutes: 30,
      deadlineMinutes: 60,
      answerKey: {
        iocs: [
          { type: 'ip-dst', value: `198.51.100[.]${i % 250}`, critical: true },
          { type: 'domain', value: `c2-${i}[.]example` },
        ],
        classification: { class: 'malicious-code', type: 'infected-system' },
        actions: [{ code: 'BLOCK', keywords: ['block'] }],
      },
    }));
    const text = JSON.stringify({ id: 'drill-a', title: 'A', plannedDuration: '+10:00', injects }, null, 2);
    validateScenarioText(text, 'json');
    const cpu0 = process.cpuUsage();
    const r = validateScenarioText(text, 'json');
    const cpu = process.cpuUsage(cpu0);
    const ms = (cpu.user + cpu.system) / 1000;
    console.log(`500-inject JSON scenario validated in ${ms.toFixed(0)} ms CPU`);
    expect(r.errors).toEqual([]);
  });
});

describe('the model built from a valid document', () => {
  const fixture = readFileSync(new URL('../../../scenarios/fixtures/minimal.yaml', import.meta.url), 'utf8');

  it('applies the documented defaults and normalises TLP, IOCs and triggers', () => {
    const r = validateScenarioText(fixture, 'yaml');
    expect(r.errors).toEqual([]);
    const s = r.scenario!;
    expect(s.id).toBe('fixture-minimal');
    expect(s.plannedDurationMinutes).toBe(120);
    expect(s.objectives).toEqual([
      {
        id: 'OBJ-1',
        capability: 'Operational Coordination',
        description: 'Share indicators with the affected peers within the hour.',
        injects: ['I-01', 'I-02'],
      },
    ]);
    expect(s.scoring).toEqual({ timelinessWeight: 0.25, ratingThresholds: { P: 0.9, S: 0.7, M: 0.4 } });

    const [i1, i2, i3, i4] = s.injects;
    expect(i1!.tlp).toBe('TLP:CLEAR'); // authored as TLP:WHITE
    expect(i1!.offsetSeconds).toBe(1200);
    expect(i1!.artefacts).toEqual([
      {
        name: 'fw-edge-01.log',
        mediaType: 'text/plain',
        content: '2026-05-01T09:12:03Z ALLOW 10.0.0.5 -> 203.0.113.5:443',
      },
    ]);
    expect(i1!.answerKey!.iocs).toEqual([
      { type: 'ip-dst', value: '203.0.113.5', original: '203.0.113[.]5', weight: 2, critical: true },
      { type: 'domain', value: 'evil-update.example', original: 'Evil-Update.example.', weight: 1, critical: false },
    ]);
    expect(i1!.answerKey!.decoys).toEqual([
      { type: 'domain', value: 'update-check.example', original: 'update-check[.]example' },
    ]);
    expect(i1!.answerKey!.actions).toEqual([
      { code: 'BLOCK', description: 'Block the C2 address', keywords: ['block', 'blackhole'], weight: 1 },
      { code: 'ISOLATE', keywords: ['isolate', 'quarantine'], weight: 0.5 },
    ]);
    expect(i1!.answerKey!.maxTlp).toBe('TLP:AMBER');
    expect(i1!.targets).toEqual({ all: true });

    expect(i2!).toMatchObject({
      offset: '+00:45:30',
      offsetSeconds: 2730,
      severity: 'medium',
      responseRequired: false,
      body: '',
      artefacts: [],
    });
    expect(i2!.targets).toEqual({ teams: ['MY'], tags: ['tier1'] });
    expect(i2!.trigger).toEqual({ kind: 'after', inject: 'I-01', delayMinutes: 10 });

    expect(i3!).toMatchObject({ offset: '+00:00', offsetSeconds: 0, tlp: 'TLP:AMBER', targets: { all: true } });
    expect(i3!.trigger).toEqual({ kind: 'ifNoReport', inject: 'I-01' });
    expect(i4!.trigger).toEqual({
      kind: 'ifReportMatches',
      inject: 'I-01',
      classification: { class: 'malicious-code' },
    });
  });

  it('scenarioToYaml writes a document that validates back to the same scenario', () => {
    const s = validateScenarioText(fixture, 'yaml').scenario!;
    const text = scenarioToYaml(s);
    expect(text).toContain('offset: "+00:20"');
    expect(text).toContain('value: 203.0.113[.]5'); // IOCs as authored
    const back = validateScenarioText(text, 'yaml');
    expect(back.errors).toEqual([]);
    // TLP:WHITE comes back as TLP:CLEAR, which is what the model held.
    expect(back.scenario).toEqual(s);
  });
});

describe('scenario.schema.json', () => {
  const defs = (SCENARIO_SCHEMA as { $defs: Record<string, { enum?: string[] }> }).$defs;

  it('is the file in scenarios/ and declares its dialect', () => {
    expect(SCENARIO_SCHEMA_PATH.endsWith('scenarios/scenario.schema.json')).toBe(true);
    expect(SCENARIO_SCHEMA['$schema']).toBe('https://json-schema.org/draft/2020-12/schema');
  });

  it('keeps its vocabularies in step with @drill/contracts', () => {
    expect(defs['severity']!.enum).toEqual([...SEVERITIES]);
    expect(new Set(defs['tlp']!.enum)).toEqual(new Set([...TLP_LABELS, 'TLP:WHITE']));
    expect(defs['iocType']!.enum).toEqual([...IOC_TYPES]);
    expect(defs['rsitClass']!.enum).toEqual(Object.keys(RSIT));
    expect(defs['rsitType']!.enum).toEqual(Object.values(RSIT).flat());
  });
});
