// Property-based fuzzing of the report boundary (issue 15): random and mutated ISM reports, over HTTP and over the
// socket, against a real server. Whatever arrives, the answer is never a 500 and never hangs, and every refusal
// names the field it is about.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { IOC_TYPES, REPORT_KINDS, TLP_LABELS } from '@drill/contracts';
import { ADMIN_TOKEN, bearer, createTeam, createUser, startServer, type TestServer } from './support/app.js';
import { DrillClient } from './support/drill-client.js';
import { act, createExercise, fixture, saveScenario } from './support/drill.js';

const VALID = {
  kind: 'notification',
  injectIds: ['I-01'],
  title: 'Ransomware at a hospital',
  tlp: 'TLP:AMBER',
  recipients: { teams: ['MY'], users: [] as string[] },
  classification: { class: 'malicious-code', type: 'infected-system' },
  severity: 'high',
  iocs: [{ type: 'ip-dst', value: '203.0.113[.]7', toIds: true }],
  timeline: [{ at: '2026-11-25T09:20:00Z', event: 'EDR alert' }],
  actions: [{ text: 'Isolated fs01' }],
  recommendations: ['Patch'],
};

// Values that break types, lengths, encodings and shapes.
const hostile = fc.oneof(
  fc.constant(null),
  fc.constant(''),
  fc.constant('x'.repeat(25_000)),
  fc.constant('\u0000\ud800'),
  fc.constant({ __proto__: { polluted: true } }),
  fc.constant(JSON.parse('{"__proto__": {"polluted": true}}')),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.string(),
  fc.array(fc.string(), { maxLength: 5 }),
  fc.constantFrom(...TLP_LABELS, ...REPORT_KINDS, ...IOC_TYPES, 'all', 'TLP:WHITE', 'TLP:PURPLE'),
  fc.anything({ maxDepth: 3 }),
);

/** A valid report with some fields replaced, removed or added, at any depth. */
const mutated = fc
  .array(
    fc.record({
      path: fc.constantFrom(
        'kind',
        'title',
        'tlp',
        'injectIds',
        'recipients',
        'recipients.teams',
        'recipients.users',
        'classification',
        'classification.class',
        'iocs',
        'iocs.0',
        'iocs.0.type',
        'iocs.0.value',
        'iocs.0.toIds',
        'timeline.0.at',
        'actions.0',
        'summary',
        'inReplyTo',
        'unknownField',
      ),
      value: fc.option(hostile, { nil: undefined }),
    }),
    { minLength: 1, maxLength: 4 },
  )
  .map((edits) => {
    const body = structuredClone(VALID) as Record<string, unknown>;
    for (const { path, value } of edits) {
      const keys = path.split('.');
      let o = body as Record<string, unknown>;
      for (const k of keys.slice(0, -1)) {
        if (typeof o[k] !== 'object' || o[k] === null) o[k] = {};
        o = o[k] as Record<string, unknown>;
      }
      if (value === undefined) delete o[keys.at(-1)!];
      else o[keys.at(-1)!] = value;
    }
    return body;
  });

const anyBody = fc.oneof({ weight: 4, arbitrary: mutated }, { weight: 1, arbitrary: fc.anything({ maxDepth: 4 }) });

interface Answer {
  status: number;
  body: { statusCode?: number; message?: string; details?: { path: string; message: string }[] };
}

/** The answer obeys the boundary's contract; returns a description of the breach, or undefined. */
function breach(a: Answer): string | undefined {
  if (a.status >= 500) return `status ${a.status}`;
  if (a.status === 201) return undefined;
  if (a.status !== 400 && a.status !== 422 && a.status !== 404 && a.status !== 413)
    return `unexpected status ${a.status}`;
  const details = a.body.details;
  if (!details?.length) return 'a refusal without details';
  if (details.some((d) => typeof d.path !== 'string' || typeof d.message !== 'string' || !d.message))
    return 'a detail without path or message';
  // Only "the body is not an object" may speak of the whole body.
  if (details.some((d) => d.path === '' && !/JSON object|nests deeper/.test(d.message)))
    return 'a detail that names no field';
  return undefined;
}

describe('report boundary fuzzing', () => {
  let s: TestServer;
  let exerciseId: string;
  let token: string;
  let client: DrillClient;

  beforeAll(async () => {
    s = await startServer({ REPORTS_PER_MINUTE: '0' });
    const SG = await createTeam(s, 'SG', ['tier1']);
    const MY = await createTeam(s, 'MY', ['tier1']);
    token = (await createUser(s, 'participant', SG)).token;
    await saveScenario(s, fixture('runtime-drill.yaml'));
    exerciseId = (
      await createExercise(s, { scenarioId: 'runtime-test-drill', name: 'f', speed: 600, teamIds: [SG, MY] })
    ).id;
    client = await new DrillClient(s.url, token, exerciseId).connect();
    await act(s, exerciseId, 'start');
    await client.waitFor(() => client.injects.some((i) => i.injectId === 'I-01'), 5000, 'I-01');
  });
  afterAll(async () => {
    client.disconnect();
    await s.close();
  });

  it('accepts the unmutated report (the generator starts from something valid)', async () => {
    const r = await s.http().post(`/api/exercises/${exerciseId}/ism/reports`).set(bearer(token)).send(VALID);
    expect(r.status).toBe(201);
  });

  it('never answers 500 over HTTP, and every refusal names its field', async () => {
    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(anyBody, async (body) => {
        const r = await s
          .http()
          .post(`/api/exercises/${exerciseId}/ism/reports`)
          .set(bearer(token))
          .set('Content-Type', 'application/json')
          .send(JSON.stringify(body) ?? 'null')
          .timeout(5000);
        statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
        const problem = breach(r as Answer);
        if (problem) throw new Error(`${problem}: ${JSON.stringify(body).slice(0, 500)} → ${JSON.stringify(r.body)}`);
      }),
      { numRuns: 300, seed: 15 },
    );
    // Both acceptance and refusal were exercised.
    expect(statuses.get(201) ?? 0).toBeGreaterThan(10);
    expect((statuses.get(400) ?? 0) + (statuses.get(422) ?? 0)).toBeGreaterThan(100);
  });

  it('never fails the socket ack, and every refusal names its field', async () => {
    await fc.assert(
      fc.asyncProperty(anyBody, async (body) => {
        const ack = await client.emitWithAck<{ id?: string; error?: Answer['body'] }>('ism.report', body);
        const a: Answer = ack.id ? { status: 201, body: {} } : { status: ack.error?.statusCode ?? 0, body: ack.error! };
        const problem = breach(a);
        if (problem) throw new Error(`${problem}: ${JSON.stringify(body).slice(0, 500)} → ${JSON.stringify(ack)}`);
      }),
      { numRuns: 200, seed: 15 },
    );
    expect(client.socket.connected).toBe(true);
    expect((await s.http().get('/api/me').set(bearer(ADMIN_TOKEN))).status).toBe(200);
  });
});
