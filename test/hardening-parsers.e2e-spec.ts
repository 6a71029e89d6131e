import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { MAX_EXTRACT_TEXT_LENGTH } from '@drill/ioc';
import {
  MAX_SCENARIO_ALIASES,
  MAX_SCENARIO_DEPTH,
  MAX_SCENARIO_NODES,
  MAX_SCENARIO_TEXT_LENGTH,
} from '@drill/scenario';
import { parse, stringify } from 'yaml';
import { expectAs } from './support/expect.js';
import { ADMIN_TOKEN, bearer, createTeam, createUser, startServer, type TestServer } from './support/app.js';
import { bestOfThree, expectServerFree, measuringLoop } from './support/server-free.js';

// Issue 15: nothing a request sends may hold the event loop for more than 100 ms. Each hostile input below once
// held it for seconds to minutes (IOC extraction, scenario validation). While it is in flight, GET /health is asked
// again and again, and the server's own measure of its loop's delay is read before and after: the loop held no more
// than 200 ms (the goal plus room for a loaded two-core machine), /health always answered (test/support/server-free).

interface Answer {
  status: number;
  body: Record<string, any>;
}

/**
 * Sends one request and, until it is answered, GET /health every 5 ms without waiting for the previous one: whenever
 * the request holds the event loop, a /health is waiting behind it. Returns the slowest /health.
 */
async function pollDuring(
  s: TestServer,
  send: () => Promise<Answer>,
): Promise<Answer & { slowestHealthMs: number; polls: number }> {
  const latencies: Promise<number>[] = [];
  const ask = () => {
    const t0 = performance.now();
    latencies.push(
      fetch(`${s.url}/health`)
        .then((r) => r.arrayBuffer())
        .then(() => performance.now() - t0),
    );
  };
  ask();
  const timer = setInterval(ask, 5);
  let answer: Answer;
  try {
    answer = await send();
  } finally {
    clearInterval(timer);
  }
  return { ...answer, slowestHealthMs: Math.max(...(await Promise.all(latencies))), polls: latencies.length };
}

/** pollDuring, measured by the server's own loop delay, up to three times while it was held too long. */
const whileInFlight = (s: TestServer, send: () => Promise<Answer>) =>
  bestOfThree(() => measuringLoop(s.url, () => pollDuring(s, send)));

async function post(s: TestServer, path: string, token: string, body: string, type: string): Promise<Answer> {
  const r = await fetch(`${s.url}${path}`, {
    method: 'POST',
    headers: { ...bearer(token), 'Content-Type': type },
    body,
  });
  return { status: r.status, body: (await r.json()) as Record<string, any> };
}

const SAMPLE = readFileSync(new URL('../scenarios/acid-ransomware-health-bank.yaml', import.meta.url), 'utf8');
const SAMPLE_AS: Record<string, string> = {
  'application/yaml': SAMPLE,
  'application/json': JSON.stringify(parse(SAMPLE), null, 2),
};

/** 40,000 keys, one per line: the 389 KB text that held the server for 53 s. */
const FORTY_THOUSAND_KEYS = Array.from({ length: 40_000 }, (_, i) => `k${i}: 1`).join('\n') + '\n';

describe('hostile parser input over HTTP (issue 15)', () => {
  let s: TestServer;
  let participant: string;

  beforeAll(async () => {
    s = await startServer();
    participant = (await createUser(s, 'participant', await createTeam(s, 'SG'))).token;
    // Warm-up: a server in service has answered these routes before (the sample scenarios are parsed at start-up);
    // the first request in a process also compiles its path, in the server and in fetch, which is not measured.
    await fetch(`${s.url}/health`);
    await post(s, '/api/ioc/extract', participant, JSON.stringify({ text: SAMPLE }), 'application/json');
    for (const type of ['application/yaml', 'application/json'])
      await post(s, '/api/scenarios/validate', ADMIN_TOKEN, SAMPLE_AS[type]!, type);
  });
  afterAll(() => s.close());

  const extract = (text: string) =>
    whileInFlight(s, () => post(s, '/api/ioc/extract', participant, JSON.stringify({ text }), 'application/json'));
  const scenario = (path: string, text: string, type: string) =>
    whileInFlight(s, () => post(s, path, ADMIN_TOKEN, text, type));

  describe('POST /api/ioc/extract', () => {
    it.each([20_000, 40_000])('extracts the URL before %i closing parentheses, promptly', async (n) => {
      const r = await extract('http://a.example/' + ')'.repeat(n));
      expectAs(r.status, JSON.stringify(r.body).slice(0, 300)).toBe(200);
      expect(r.body).toEqual({ iocs: [{ type: 'url', value: 'http://a.example/', original: 'http://a.example/' }] });
      expectServerFree(r);
    });

    it.each([
      ['longer than the limit', 'a'.repeat(MAX_EXTRACT_TEXT_LENGTH + 1), `this one has ${MAX_EXTRACT_TEXT_LENGTH + 1}`],
      ['longer than the limit once normalised (NFKC)', '\uFDFA'.repeat(3000), 'this one has 54000 once normalised'],
    ])('refuses a text %s with 400 naming the field and the limit', async (_, text, detail) => {
      const r = await extract(text);
      expectAs(r.status, JSON.stringify(r.body).slice(0, 300)).toBe(400);
      const message = `text must have at most ${MAX_EXTRACT_TEXT_LENGTH} characters (MAX_EXTRACT_TEXT_LENGTH)`;
      expect(r.body).toEqual({
        statusCode: 400,
        error: 'Bad Request',
        message: expect.stringContaining(`/text: ${message}`),
        details: [{ path: '/text', message: expect.stringContaining(message) }],
      });
      expect(r.body['details'][0].message).toContain(detail);
      expectServerFree(r);
    });
  });

  describe('POST /api/scenarios/validate and POST /api/scenarios', () => {
    const laughs = ['a0: &a0 [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 9; i++)
      laughs.push(
        `a${i}: &a${i} [${Array(10)
          .fill(`*a${i - 1}`)
          .join(', ')}]`,
      );
    const deepYaml = '['.repeat(100_000) + ']'.repeat(100_000);
    const deepJson = '{"a":'.repeat(40) + '1' + '}'.repeat(40);

    it.each([
      ['YAML with 40,000 keys', FORTY_THOUSAND_KEYS, 'application/yaml', 'MAX_SCENARIO_NODES', MAX_SCENARIO_NODES],
      [
        'JSON with 40,000 keys',
        JSON.stringify(Object.fromEntries(Array.from({ length: 40_000 }, (_, i) => [`k${i}`, 1]))),
        'application/json',
        'MAX_SCENARIO_NODES',
        MAX_SCENARIO_NODES,
      ],
      [
        'YAML whose aliases expand ("billion laughs")',
        laughs.join('\n') + '\n',
        'application/yaml',
        'MAX_SCENARIO_NODES',
        MAX_SCENARIO_NODES,
      ],
      [
        'a text longer than the limit',
        'x: ' + 'y'.repeat(MAX_SCENARIO_TEXT_LENGTH),
        'application/yaml',
        'MAX_SCENARIO_TEXT_LENGTH',
        MAX_SCENARIO_TEXT_LENGTH,
      ],
      ['YAML nested 100,000 deep', deepYaml, 'application/yaml', 'MAX_SCENARIO_DEPTH', MAX_SCENARIO_DEPTH],
      // Deeper than 64, JSON bodies are refused before any route sees them (400, refuseDeepBodies).
      ['JSON nested 40 deep', deepJson, 'application/json', 'MAX_SCENARIO_DEPTH', MAX_SCENARIO_DEPTH],
      [
        'YAML with too many aliases',
        `a: &a 1\nb: [${Array(MAX_SCENARIO_ALIASES + 1)
          .fill('*a')
          .join(', ')}]\n`,
        'application/yaml',
        'MAX_SCENARIO_ALIASES',
        MAX_SCENARIO_ALIASES,
      ],
    ])('refuses %s with 422 naming the limit, promptly', async (_, text, type, name, limit) => {
      for (const path of ['/api/scenarios/validate', '/api/scenarios']) {
        const r = await scenario(path, text, type);
        expectAs(r.status, `${path}: ${JSON.stringify(r.body).slice(0, 300)}`).toBe(422);
        expect(r.body).toMatchObject({
          statusCode: 422,
          error: 'Unprocessable Entity',
          message: expect.stringContaining(`the limit is ${name} = ${limit}`),
          details: [{ path: '', message: expect.stringContaining(`the limit is ${name} = ${limit}`) }],
        });
        expectServerFree(r, path);
      }
    });

    // Within the limits a large drill is still costly to parse (the YAML parser takes about a microsecond a byte):
    // it is checked in a worker thread, so that the drills running meanwhile are not held up.
    it('validates and saves a large legal scenario without holding up the server', async () => {
      const doc = parse(SAMPLE) as { id: string; injects: { id: string }[] };
      const copies = Array.from({ length: 7 }, (_, k) => doc.injects.map((i) => ({ ...i, id: `${i.id}-C${k}` })));
      const big = stringify(
        { ...doc, id: 'large-drill', injects: [...doc.injects, ...copies.flat()] },
        { aliasDuplicateObjects: false },
      );
      expect(big.length).toBeGreaterThan(400_000);
      expect(big.length).toBeLessThan(MAX_SCENARIO_TEXT_LENGTH);
      const valid = await scenario('/api/scenarios/validate', big, 'application/yaml');
      expect(valid.body).toEqual({ valid: true, errors: [] });
      expectServerFree(valid, 'validate');
      const saved = await scenario('/api/scenarios', big, 'application/yaml');
      expectAs(saved.status, JSON.stringify(saved.body).slice(0, 300)).toBe(201);
      expect(saved.body['injects']).toBe(doc.injects.length * 8);
      expectServerFree(saved, 'save');
    });

    it('says where the YAML went past the limit', async () => {
      const r = await scenario('/api/scenarios/validate', FORTY_THOUSAND_KEYS, 'application/yaml');
      // A pair a line, two nodes: the count passes the limit at the colon on line 25,001 (`k25000: 1`).
      expect(r.body['details']).toEqual([
        { path: '', message: expect.any(String), line: MAX_SCENARIO_NODES / 2 + 1, column: 7 },
      ]);
    });

    it('still validates an ordinary scenario, and reports its problems with positions', async () => {
      const ok = await scenario(
        '/api/scenarios/validate',
        'id: drill-a\ntitle: A\nplannedDuration: "+01:00"\ninjects:\n  - {id: I-01, offset: "+00:10", title: T}\n',
        'application/yaml',
      );
      expect(ok.body).toEqual({ valid: true, errors: [] });
      const bad = await scenario('/api/scenarios/validate', 'id: drill-a\ntitle: A\ntitle: B\n', 'application/yaml');
      expect(bad.body).toEqual({
        valid: false,
        errors: [{ path: '', message: 'YAML syntax: Map keys must be unique', line: 3, column: 1 }],
      });
    });
  });
});
