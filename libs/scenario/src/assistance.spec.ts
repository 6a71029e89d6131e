import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import { ASSISTANCE_ANSWERS, ASSISTANCE_KINDS } from '@drill/contracts';
import {
  DEFAULT_COOPERATION,
  SCENARIO_SCHEMA,
  scenarioToYaml,
  toAuthoring,
  validateScenarioObject,
  validateScenarioText,
} from './index.js';

// Scripted requests for assistance (`assistance` on an inject) and the scenario's cooperation targets: the format,
// its checks, the model and the round trip back to YAML. Element k of a document is line k + 1.
const yaml = (...lines: string[]): string => lines.join('\n') + '\n';
const HEAD = ['id: drill-a', 'title: Drill A', 'plannedDuration: "+03:00"'];

/** One inject asked by JPCERT/CC; `assistance` lines are indented under the inject (4 spaces). */
const rfa = (assistance: string[], extra: { head?: string[]; from?: string | null } = {}): string =>
  yaml(
    ...HEAD,
    ...(extra.head ?? []),
    'injects:',
    '  - id: I-01',
    '    offset: "+00:20"',
    '    title: Phishing domain hosted in your country',
    ...(extra.from === null ? [] : [`    from: ${extra.from ?? '"JPCERT/CC (simulated)"'}`]),
    '    assistance:',
    ...assistance.map((l) => `      ${l}`),
  );

function errorsOf(text: string) {
  const r = validateScenarioText(text, 'yaml');
  expect(r.scenario).toBeUndefined();
  return r.errors;
}

describe('scripted requests for assistance — the model', () => {
  const text = yaml(
    ...HEAD,
    'cooperation: { respondMinutes: 20, fulfilMinutes: 90 }',
    'injects:',
    '  - id: I-01',
    '    offset: "+00:20"',
    '    title: Phishing domain hosted in your country',
    '    from: "JPCERT/CC (simulated)"',
    '    tlp: TLP:GREEN',
    '    assistance:',
    '      kind: takedown',
    '      text: Please have the phishing site suspended.',
    '      iocs:',
    '        - { type: domain, value: "Secure-Login.bank-example[.]com" }',
    '        - { type: url, value: "hxxps://secure-login.bank-example[.]com/jp/" }',
    '      expect:',
    '        status: fulfilled',
    '        respondMinutes: 15',
    '        fulfilMinutes: 60',
    '        mentions: [suspended, taken down]',
    '  - id: I-02',
    '    offset: "+00:40"',
    '    title: Check your logs',
    '    from: "KrCERT/CC (simulated)"',
    '    responseRequired: true',
    '    assistance:',
    '      kind: log-check',
    '      expect: { status: accepted }',
  );

  it('normalises the IOCs as answer keys are, keeps them as written and fills the defaults', () => {
    const r = validateScenarioText(text, 'yaml');
    expect(r.errors).toEqual([]);
    const s = r.scenario!;
    expect(s.cooperation).toEqual({ respondMinutes: 20, fulfilMinutes: 90 });
    expect(s.injects[0]!.assistance).toEqual({
      kind: 'takedown',
      text: 'Please have the phishing site suspended.',
      iocs: [
        { type: 'domain', value: 'secure-login.bank-example.com', original: 'Secure-Login.bank-example[.]com' },
        {
          type: 'url',
          value: 'https://secure-login.bank-example.com/jp/',
          original: 'hxxps://secure-login.bank-example[.]com/jp/',
        },
      ],
      expect: { status: 'fulfilled', respondMinutes: 15, fulfilMinutes: 60, mentions: ['suspended', 'taken down'] },
    });
    // No text: the server sends the title; no IOCs, no mentions: empty lists; no targets: the scenario's.
    expect(s.injects[1]!.assistance).toEqual({
      kind: 'log-check',
      iocs: [],
      expect: { status: 'accepted', mentions: [] },
    });
    // Whether a report is also wanted stays the inject's own business.
    expect(s.injects[1]!.responseRequired).toBe(true);
    expect(s.injects[0]!.responseRequired).toBe(false);
  });

  it('leaves cooperation out when the scenario does not set it, and fills the one it leaves out', () => {
    expect(
      validateScenarioText(rfa(['kind: block', 'expect: { status: fulfilled }']), 'yaml').scenario!.cooperation,
    ).toBeUndefined();
    const half = validateScenarioText(
      rfa(['kind: block', 'expect: { status: fulfilled }'], { head: ['cooperation: { respondMinutes: 10 }'] }),
      'yaml',
    );
    expect(half.errors).toEqual([]);
    expect(half.scenario!.cooperation).toEqual({
      respondMinutes: 10,
      fulfilMinutes: DEFAULT_COOPERATION.fulfilMinutes,
    });
    expect(DEFAULT_COOPERATION).toEqual({ respondMinutes: 30, fulfilMinutes: 120 });
  });

  it('comes back unchanged through scenarioToYaml and toAuthoring, with nothing the author wrote lost', () => {
    const s = validateScenarioText(text, 'yaml').scenario!;
    const out = scenarioToYaml(s);
    expect(out).toContain('cooperation:');
    expect(out).toContain('value: Secure-Login.bank-example[.]com'); // as written, not normalised
    expect(out).toContain('- taken down');
    const again = validateScenarioText(out, 'yaml');
    expect(again.errors).toEqual([]);
    expect(again.scenario).toEqual(s);
    const obj = validateScenarioObject(JSON.parse(JSON.stringify(toAuthoring(s))));
    expect(obj.errors).toEqual([]);
    expect(obj.scenario).toEqual(s);
    // Defaults are not written out as if the author had set them.
    expect(toAuthoring(s).injects[1].assistance).toEqual({ kind: 'log-check', expect: { status: 'accepted' } });
  });

  it('offers exactly the kinds and answers of the wire contract', () => {
    const defs = SCENARIO_SCHEMA['$defs'] as Record<string, Record<string, unknown>>;
    expect(defs['assistanceKind']!['enum']).toEqual([...ASSISTANCE_KINDS]);
    const expectSchema = (defs['assistance']!['properties'] as Record<string, Record<string, unknown>>)['expect']!;
    const status = (expectSchema['properties'] as Record<string, Record<string, unknown>>)['status']!;
    expect(status['enum']).toEqual([...ASSISTANCE_ANSWERS]);
  });
});

describe('scripted requests for assistance — problems, at their path and line', () => {
  it('needs a from: the simulated CERT drill control plays', () => {
    expect(errorsOf(rfa(['kind: takedown', 'expect: { status: fulfilled }'], { from: null }))).toEqual([
      {
        path: '/injects/0/assistance',
        message:
          'an inject with assistance needs \'from\', the simulated CERT that asks (e.g. "JPCERT/CC (simulated)")',
        line: 8,
        column: 5,
      },
    ]);
    expect(errorsOf(rfa(['kind: takedown', 'expect: { status: fulfilled }'], { from: '"  "' }))).toEqual([
      expect.objectContaining({ path: '/injects/0/assistance', line: 9 }),
    ]);
  });

  it('names an unknown kind or answer and a missing answer key', () => {
    const errors = errorsOf(rfa(['kind: ddos', 'expect: { status: done }']));
    expect(errors.map((e) => [e.path, e.line])).toEqual([
      ['/injects/0/assistance/kind', 10],
      ['/injects/0/assistance/expect/status', 11],
    ]);
    expect(errors[0]!.message).toContain('takedown');
    expect(errors[1]!.message).toContain('fulfilled');
    expect(errorsOf(rfa(['kind: sinkhole']))).toEqual([
      { path: '/injects/0/assistance/expect', message: "missing required field 'expect'", line: 9, column: 5 },
    ]);
  });

  it('wants targets above zero, and a fulfil target not before the respond target', () => {
    const zero = errorsOf(rfa(['kind: block', 'expect: { status: fulfilled, respondMinutes: 0 }']));
    expect(zero).toEqual([expect.objectContaining({ path: '/injects/0/assistance/expect/respondMinutes', line: 11 })]);
    expect(
      errorsOf(rfa(['kind: block', 'expect:', '  status: fulfilled', '  respondMinutes: 60', '  fulfilMinutes: 45'])),
    ).toEqual([
      {
        path: '/injects/0/assistance/expect/fulfilMinutes',
        message: 'fulfilMinutes (45) is before respondMinutes (60)',
        line: 14,
        column: 24,
      },
    ]);
  });

  it('holds one target set on the request against the scenario’s other target', () => {
    const early = errorsOf(
      rfa(['kind: block', 'expect: { status: fulfilled, fulfilMinutes: 20 }'], {
        head: ['cooperation: { respondMinutes: 25 }'],
      }),
    );
    expect(early).toEqual([
      expect.objectContaining({
        path: '/injects/0/assistance/expect/fulfilMinutes',
        message:
          "fulfilMinutes (20) is before the scenario's respond target (25, cooperation.respondMinutes); set respondMinutes here too",
      }),
    ]);
    // Against the defaults when the scenario has no cooperation targets.
    expect(errorsOf(rfa(['kind: block', 'expect: { status: fulfilled, respondMinutes: 200 }']))).toEqual([
      expect.objectContaining({
        path: '/injects/0/assistance/expect/respondMinutes',
        message:
          "respondMinutes (200) is after the scenario's fulfil target (120, cooperation.fulfilMinutes); set fulfilMinutes here too",
      }),
    ]);
    // Both set on the request: the scenario's targets do not matter.
    const own = rfa(['kind: block', 'expect: { status: fulfilled, respondMinutes: 200, fulfilMinutes: 300 }']);
    expect(validateScenarioText(own, 'yaml').errors).toEqual([]);
  });

  it('checks the scenario’s cooperation targets', () => {
    const head = ['cooperation:', '  respondMinutes: 60', '  fulfilMinutes: 30'];
    expect(errorsOf(rfa(['kind: block', 'expect: { status: fulfilled }'], { head }))).toEqual([
      {
        path: '/cooperation/fulfilMinutes',
        message:
          'cooperation.fulfilMinutes (30) is before cooperation.respondMinutes (60): a request cannot be fulfilled before it is answered',
        line: 6,
        column: 18,
      },
    ]);
    const defaulted = errorsOf(
      rfa(['kind: block', 'expect: { status: fulfilled }'], { head: ['cooperation: { respondMinutes: 150 }'] }),
    );
    expect(defaulted).toEqual([
      expect.objectContaining({
        path: '/cooperation/respondMinutes',
        message:
          'cooperation.fulfilMinutes (120, the default) is before cooperation.respondMinutes (150): a request cannot be fulfilled before it is answered',
      }),
    ]);
    expect(errorsOf(rfa(['kind: block', 'expect: { status: fulfilled }'], { head: ['cooperation: {}'] }))).toEqual([
      expect.objectContaining({
        path: '/cooperation',
        message: 'cooperation must set respondMinutes, fulfilMinutes or both',
      }),
    ]);
  });

  it('refuses an IOC the normaliser refuses, and one listed twice', () => {
    const errors = errorsOf(
      rfa([
        'kind: sinkhole',
        'iocs:',
        '  - { type: domain, value: "c2.example[.]net" }',
        '  - { type: ip-dst, value: "999.1.1.1" }',
        '  - { type: domain, value: "C2.EXAMPLE.NET" }',
        'expect: { status: fulfilled }',
      ]),
    );
    expect(errors.map((e) => [e.path, e.line])).toEqual([
      ['/injects/0/assistance/iocs/1/value', 13],
      ['/injects/0/assistance/iocs/2/value', 14],
    ]);
    expect(errors[0]!.message).toMatch(/^ip-dst value '999\.1\.1\.1' is invalid: /);
    expect(errors[1]!.message).toBe("IOC 'c2.example.net' is already listed at iocs[0]");
  });

  it('refuses unknown fields and an empty text or mention', () => {
    const errors = errorsOf(
      rfa(['kind: takedown', "text: ''", 'expect: { status: fulfilled, mentions: [""], wait: 5 }']),
    );
    expect(errors.map((e) => e.path).sort()).toEqual([
      '/injects/0/assistance/expect/mentions/0',
      '/injects/0/assistance/expect/wait',
      '/injects/0/assistance/text',
    ]);
  });
});

describe('the sample drills', () => {
  const dir = new URL('../../../scenarios/', import.meta.url);
  const samples = readdirSync(dir).filter((f) => /^acid-.*\.yaml$/.test(f));

  it.each(samples)('%s scripts at least one request from a simulated foreign CERT, with an answer key', (file) => {
    const r = validateScenarioText(readFileSync(new URL(file, dir), 'utf8'), 'yaml');
    expect(r.errors).toEqual([]);
    const scripted = r.scenario!.injects.filter((i) => i.assistance);
    expect(scripted.length).toBeGreaterThan(0);
    for (const i of scripted) {
      expect(i.from).toMatch(/\(simulated\)/);
      expect(i.assistance!.expect.mentions.length).toBeGreaterThan(0);
    }
    // Saved again, a sample keeps its requests.
    expect(validateScenarioText(scenarioToYaml(r.scenario!), 'yaml').scenario).toEqual(r.scenario);
  });
});
