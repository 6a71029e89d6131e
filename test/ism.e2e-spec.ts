import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { expectAs } from './support/expect.js';
import { ADMIN_TOKEN, bearer, createTeam, createUser, startServer, type TestServer } from './support/app.js';
import { DrillClient, sleep } from './support/drill-client.js';
import { act, createExercise, fixture, saveScenario } from './support/drill.js';
import { validateBundle, type StixBundle } from './support/stix-validator.js';

const LABELS = ['TLP:CLEAR', 'TLP:GREEN', 'TLP:AMBER', 'TLP:AMBER+STRICT', 'TLP:RED'] as const;
type ViewerName = 'author' | 'teammate' | 'recipient' | 'other' | 'control' | 'named' | 'unnamed';

// Reports by SG's author to recipient team MY and named user `named` (of team BN). Who may see each label:
const MATRIX: Record<(typeof LABELS)[number], Record<ViewerName, boolean>> = {
  'TLP:CLEAR': {
    author: true,
    teammate: true,
    recipient: true,
    other: true,
    control: true,
    named: true,
    unnamed: true,
  },
  'TLP:GREEN': {
    author: true,
    teammate: true,
    recipient: true,
    other: true,
    control: true,
    named: true,
    unnamed: true,
  },
  'TLP:AMBER': {
    author: true,
    teammate: true,
    recipient: true,
    other: false,
    control: true,
    named: true,
    unnamed: false,
  },
  'TLP:AMBER+STRICT': {
    author: true,
    teammate: true,
    recipient: true,
    other: false,
    control: true,
    named: true,
    unnamed: false,
  },
  'TLP:RED': {
    author: true,
    teammate: false,
    recipient: false,
    other: false,
    control: true,
    named: true,
    unnamed: false,
  },
};

describe('ISM reports under TLP 2.0', () => {
  let s: TestServer;
  let exerciseId: string;
  const tokens = {} as Record<ViewerName, string>;
  const ids = {} as Record<ViewerName, string>;
  const clients = {} as Record<ViewerName, DrillClient>;

  beforeAll(async () => {
    s = await startServer();
    const SG = await createTeam(s, 'SG', ['tier1']);
    const MY = await createTeam(s, 'MY', ['tier1']);
    const BN = await createTeam(s, 'BN', ['tier2']);
    const add = async (name: ViewerName, role: string, team?: string) => {
      const u = await createUser(s, role, team, name);
      tokens[name] = u.token;
      ids[name] = u.id;
    };
    await add('author', 'participant', SG);
    await add('teammate', 'participant', SG);
    await add('recipient', 'participant', MY);
    await add('other', 'participant', BN);
    await add('named', 'participant', BN);
    await add('unnamed', 'participant', BN); // same team as the named user: naming a person does not open it to the team
    tokens.control = (await createUser(s, 'evaluator')).token;
    await saveScenario(s, fixture('runtime-drill.yaml'));
    exerciseId = (
      await createExercise(s, { scenarioId: 'runtime-test-drill', name: 'ism', speed: 600, teamIds: [SG, MY, BN] })
    ).id;
    for (const v of Object.keys(tokens) as ViewerName[])
      clients[v] = await new DrillClient(s.url, tokens[v], exerciseId).connect();
    await act(s, exerciseId, 'start');
    await clients.author.waitFor(() => clients.author.injects.length === 3, 5000, 'SG injects');
  });
  afterAll(async () => {
    Object.values(clients).forEach((c) => c.disconnect());
    await s.close();
  });

  const post = (token: string, body: Record<string, unknown>) =>
    s.http().post(`/api/exercises/${exerciseId}/ism/reports`).set(bearer(token)).send(body);
  const base = (tlp: string) => ({
    kind: 'notification',
    injectIds: ['I-01'],
    title: `Report under ${tlp}`,
    tlp,
    recipients: { teams: ['MY'], users: [ids.named] },
    classification: { class: 'malicious-code', type: 'infected-system' },
    iocs: [{ type: 'ip-dst', value: '203.0.113[.]7', toIds: true }],
  });

  it('walks the visibility matrix through REST, socket push and STIX export', async () => {
    const posted: Record<string, string> = {};
    for (const tlp of LABELS) {
      const r = await post(tokens.author, base(tlp));
      expectAs(r.status, JSON.stringify(r.body)).toBe(201);
      posted[tlp] = r.body.id;
    }
    // Every push a viewer may see arrives; then a moment more, so a push it may not see would have arrived too.
    const pushedTo = (viewer: ViewerName) =>
      new Set(clients[viewer].events.filter((e) => e.event === 'ism.report').map((e) => (e.data as { id: string }).id));
    for (const viewer of Object.keys(MATRIX['TLP:CLEAR']) as ViewerName[]) {
      const due = LABELS.filter((tlp) => MATRIX[tlp][viewer]).map((tlp) => posted[tlp]);
      await clients[viewer].waitFor(() => due.every((id) => pushedTo(viewer).has(id)), 5000, `pushes to ${viewer}`);
    }
    await sleep(300);
    for (const viewer of Object.keys(MATRIX['TLP:CLEAR']) as ViewerName[]) {
      const list = await s.http().get(`/api/exercises/${exerciseId}/ism/reports`).set(bearer(tokens[viewer]));
      expect(list.status).toBe(200);
      const seenRest = new Set(list.body.map((r: { id: string }) => r.id));
      const pushed = pushedTo(viewer);
      const stix = await s.http().get(`/api/exercises/${exerciseId}/ism/stix`).set(bearer(tokens[viewer]));
      expect(stix.status).toBe(200);
      const bundle = stix.body as StixBundle;
      const stixNames = new Set(bundle.objects.filter((o) => o.type === 'report').map((o) => o.name));
      expect(validateBundle(bundle)).toEqual([]);
      for (const tlp of LABELS) {
        const expected = MATRIX[tlp][viewer];
        const where = `${viewer} / ${tlp}`;
        expectAs(seenRest.has(posted[tlp]), `REST ${where}`).toBe(expected);
        expectAs(pushed.has(posted[tlp]), `socket ${where}`).toBe(expected);
        expectAs(stixNames.has(`Report under ${tlp}`), `STIX ${where}`).toBe(expected);
      }
    }
    // The timeline (drill control) carries every report.
    const tl = await s.http().get(`/api/exercises/${exerciseId}/timeline`).set(bearer(ADMIN_TOKEN));
    expect(tl.body.entries.filter((e: { kind: string }) => e.kind === 'report').length).toBeGreaterThanOrEqual(5);
  });

  it('normalises IOCs, keeps what was submitted, stamps submittedAt and reads TLP:WHITE as CLEAR', async () => {
    const r = await post(tokens.author, {
      kind: 'update',
      injectIds: ['I-02'],
      title: 'IOCs',
      tlp: 'TLP:WHITE',
      submittedAt: '2020-01-01T00:00:00Z',
      iocs: [
        { type: 'url', value: 'hxxps://Evil[.]Example/Pay?Q=1#frag', toIds: true },
        { type: 'domain', value: 'BÜCHER.example.', toIds: false },
        { type: 'ip-src', value: '2001:DB8:0:0:0:0:0:1', toIds: true },
      ],
    });
    expect(r.status).toBe(400); // submittedAt is the server's to set
    expect(r.body.details).toContainEqual({ path: '/submittedAt', message: 'property submittedAt should not exist' });
    const ok = await post(tokens.author, {
      kind: 'update',
      injectIds: ['I-02'],
      title: 'IOCs',
      tlp: 'TLP:WHITE',
      iocs: [
        { type: 'url', value: 'hxxps://Evil[.]Example/Pay?Q=1#frag', toIds: true },
        { type: 'domain', value: 'BÜCHER.example.', toIds: false },
        { type: 'ip-src', value: '2001:DB8:0:0:0:0:0:1', toIds: true },
      ],
    });
    expect(ok.status).toBe(201);
    expect(ok.body.tlp).toBe('TLP:CLEAR');
    expect(ok.body.tlpAsSubmitted).toBe('TLP:WHITE');
    expect(Math.abs(Date.parse(ok.body.submittedAt) - Date.now())).toBeLessThan(5000);
    expect(ok.body.iocs).toEqual([
      {
        type: 'url',
        value: 'https://evil.example/Pay?Q=1',
        original: 'hxxps://Evil[.]Example/Pay?Q=1#frag',
        toIds: true,
      },
      { type: 'domain', value: 'xn--bcher-kva.example', original: 'BÜCHER.example.', toIds: false },
      { type: 'ip-src', value: '2001:db8::1', original: '2001:DB8:0:0:0:0:0:1', toIds: true },
    ]);
  });

  it('refuses bad IOCs, bad RSIT pairs, RED without named users, unknown teams and loosening replies, naming the field', async () => {
    const bad = await post(tokens.author, {
      ...base('TLP:AMBER'),
      iocs: [
        { type: 'ip-dst', value: '203.0.113.7', toIds: true },
        { type: 'md5', value: 'xyz', toIds: true },
      ],
    });
    expect(bad.status).toBe(422);
    expect(bad.body.details).toEqual([
      { path: '/iocs/1/value', message: expect.stringContaining('IOC 2 (md5 "xyz")') },
    ]);
    const rsit = await post(tokens.author, {
      ...base('TLP:AMBER'),
      classification: { class: 'malicious-code', type: 'phishing' },
    });
    expect(rsit.status).toBe(422);
    expect(rsit.body.details[0].path).toBe('/classification/type');
    const red = await post(tokens.author, { ...base('TLP:RED'), recipients: { teams: ['MY'] } });
    expect(red.status).toBe(422);
    expect(red.body.details[0].path).toMatch(/^\/recipients/);
    const team = await post(tokens.author, { ...base('TLP:AMBER'), recipients: { teams: ['ZZ'] } });
    expect(team.status).toBe(422);
    expect(team.body.details).toEqual([{ path: '/recipients/teams/0', message: 'team ZZ is not in this exercise' }]);
    const notMine = await post(tokens.author, { ...base('TLP:AMBER'), injectIds: ['I-03'] }); // I-03 went to tier2 only
    expect(notMine.status).toBe(422);
    expect(notMine.body.details[0]).toEqual({
      path: '/injectIds/0',
      message: 'inject I-03 has not been released to your team',
    });
    const tlp = await post(tokens.author, { ...base('TLP:PURPLE') });
    expect(tlp.status).toBe(422);
    expect(tlp.body.details[0].path).toBe('/tlp');

    const parent = await post(tokens.author, { ...base('TLP:AMBER'), title: 'parent' });
    const loose = await post(tokens.recipient, {
      kind: 'update',
      inReplyTo: parent.body.id,
      title: 're',
      tlp: 'TLP:GREEN',
    });
    expect(loose.status).toBe(422);
    expect(loose.body.details[0].path).toBe('/tlp');
    const reply = await post(tokens.recipient, {
      kind: 'update',
      inReplyTo: parent.body.id,
      title: 're',
      tlp: 'TLP:AMBER',
      recipients: { teams: ['SG'] },
    });
    expect(reply.status).toBe(201);
    expect(reply.body.inReplyTo).toBe(parent.body.id);
    const hidden = await post(tokens.other, {
      kind: 'update',
      inReplyTo: parent.body.id,
      title: 're',
      tlp: 'TLP:AMBER',
    });
    expect(hidden.status).toBe(404); // BN cannot see the AMBER parent, so cannot reply to it
    const observer = await createUser(s, 'observer');
    expect((await post(observer.token, base('TLP:GREEN'))).status).toBe(403);
  });

  // Every label of parent, replies by the author, a teammate, a recipient team member, a named reader and drill
  // control, each trying to widen the audience: refused with the field named, and the outsider never reads it.
  it('keeps every reply within its parent audience, whoever replies', async () => {
    const controller = await createUser(s, 'controller');
    const author = { ...tokens, controller: controller.token } as Record<string, string>;
    const replierOf = (tlp: string): string[] =>
      ['author', 'teammate', 'recipient', 'named', 'controller'].filter(
        (r) => r === 'controller' || MATRIX[tlp as (typeof LABELS)[number]][r as ViewerName],
      );
    const leaked: string[] = [];
    for (const tlp of LABELS) {
      const parent = await post(tokens.author, { ...base(tlp), title: `parent ${tlp}` });
      expectAs(parent.status, JSON.stringify(parent.body)).toBe(201);
      for (const replier of replierOf(tlp)) {
        // Widening attempts: name an outsider (a BN member nobody named), and under AMBER also add the outsider's team.
        const attempts: Record<string, unknown>[] =
          tlp === 'TLP:RED'
            ? [{ tlp, recipients: { teams: [], users: [ids.author, ids.unnamed] } }]
            : tlp === 'TLP:AMBER' || tlp === 'TLP:AMBER+STRICT'
              ? [
                  { tlp, recipients: { teams: ['SG'], users: [ids.unnamed] } },
                  { tlp, recipients: { teams: ['SG', 'BN'], users: [] } },
                  { tlp: 'TLP:RED', recipients: { teams: [], users: [ids.author, ids.unnamed] } },
                ]
              : [];
        for (const attempt of attempts) {
          const r = await post(author[replier]!, {
            kind: 'update',
            inReplyTo: parent.body.id,
            title: 're',
            ...attempt,
          });
          const where = `${replier} replying under ${String(attempt['tlp'])} to ${tlp}`;
          expectAs(r.status, `${where}: ${JSON.stringify(r.body)}`).toBe(422);
          expectAs(r.body.details[0].path, where).toMatch(/^\/recipients\/(teams|users)/);
        }
        // The named reader (of BN) answering under AMBER would open it to all of BN: refused; under RED it may.
        if (replier === 'named' && tlp !== 'TLP:RED' && tlp !== 'TLP:CLEAR' && tlp !== 'TLP:GREEN') {
          const amber = await post(author.named!, {
            kind: 'update',
            inReplyTo: parent.body.id,
            title: 're',
            tlp,
            recipients: { teams: ['SG'] },
          });
          expectAs(amber.status, JSON.stringify(amber.body)).toBe(422);
          expect(amber.body.details[0].message).toContain('reply under TLP:RED');
        }
        const ok = await post(author[replier]!, {
          kind: 'update',
          inReplyTo: parent.body.id,
          title: `within ${tlp} by ${replier}`,
          tlp: 'TLP:RED',
          recipients: { teams: [], users: [ids.author] },
        });
        expectAs(ok.status, `${replier} ${tlp}: ${JSON.stringify(ok.body)}`).toBe(201);
      }
      const seen = await s.http().get(`/api/exercises/${exerciseId}/ism/reports`).set(bearer(tokens.unnamed));
      for (const r of seen.body as { title: string; inReplyTo?: string }[])
        if (r.inReplyTo === parent.body.id && !MATRIX[tlp].unnamed) leaked.push(`${tlp}: ${r.title}`);
    }
    expect(leaked).toEqual([]);
  });

  it('accepts reports over the socket, acking {id} or {error}', async () => {
    const ok = await clients.recipient.emitWithAck<{ id?: string }>('ism.report', {
      kind: 'acknowledgement',
      injectIds: ['I-01'],
      title: 'received',
      tlp: 'TLP:GREEN',
    });
    expect(ok.id).toMatch(/^[0-9a-f-]{36}$/);
    const bad = await clients.recipient.emitWithAck<{ error?: { details: { path: string }[] } }>('ism.report', {
      kind: 'rumour',
      title: 'x',
      tlp: 'TLP:GREEN',
    });
    expect(bad.error?.details[0]!.path).toBe('/kind');
    const rule = await clients.recipient.emitWithAck<{ error?: { details: { path: string }[] } }>('ism.report', {
      kind: 'update',
      title: 'x',
      tlp: 'TLP:RED',
    });
    expect(rule.error?.details[0]!.path).toMatch(/^\/recipients/);
    // GREEN reaches SG.
    await clients.teammate.waitFor(
      () => clients.teammate.events.some((e) => e.event === 'ism.report' && (e.data as { id: string }).id === ok.id),
      5000,
      'the GREEN report pushed to SG',
    );
  });

  it('accepts and lists a report with 1,000 IOCs', async () => {
    const iocs = Array.from({ length: 1000 }, (_, i) => ({
      type: 'ip-dst',
      value: `198.51.${Math.floor(i / 250)}[.]${i % 250}`,
      toIds: true,
    }));
    const t0 = performance.now();
    const r = await post(tokens.author, { ...base('TLP:GREEN'), title: 'bulk', iocs });
    const t1 = performance.now();
    expect(r.status).toBe(201);
    expect(r.body.iocs).toHaveLength(1000);
    const list = await s.http().get(`/api/exercises/${exerciseId}/ism/reports`).set(bearer(tokens.recipient));
    const t2 = performance.now();
    expect(list.body.find((x: { title: string }) => x.title === 'bulk').iocs).toHaveLength(1000);
    console.log(
      `1,000-IOC report: accepted in ${(t1 - t0).toFixed(0)} ms, listed in ${(t2 - t1).toFixed(0)} ms (see test/bench for the measured figures)`,
    );
  });

  it('parses pasted, defanged text into typed IOCs for the consoles', async () => {
    const r = await s.http().post('/api/ioc/extract').set(bearer(tokens.author)).send({
      text: 'Beacon to hxxps://update-check[.]example/gate from 203.0.113[.]9; hash d41d8cd98f00b204e9800998ecf8427e',
    });
    expect(r.status).toBe(200);
    const byType = Object.fromEntries(r.body.iocs.map((i: { type: string; value: string }) => [i.type, i.value]));
    expect(byType).toMatchObject({
      url: 'https://update-check.example/gate',
      'ip-dst': '203.0.113.9',
      md5: 'd41d8cd98f00b204e9800998ecf8427e',
    });
    expect((await s.http().post('/api/ioc/extract').send({ text: 'x' })).status).toBe(401);
  });
});
