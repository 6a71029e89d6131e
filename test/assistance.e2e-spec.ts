// Issue 19, requests for assistance: team A asks team B for a takedown, B accepts and fulfils it, and the request
// with its times reaches the asked and asking teams and drill control live, the scorecards (the cooperation
// component, explained) and the after-action report. Drill control scripts a request from a simulated foreign CERT
// with an answer key; TLP decides who reads a request; bad input is refused naming the field.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { AssistanceRequestView, CooperationView } from '@drill/contracts';
import { ADMIN_TOKEN, bearer, createTeam, createUser, startServer, type TestServer } from './support/app.js';
import { DrillClient } from './support/drill-client.js';
import { act, createExercise, fixture, saveScenario } from './support/drill.js';
import { createDatabase, type ScratchDatabase } from './support/cluster.js';
import { expectAs } from './support/expect.js';
import { requireService } from './support/services.js';

const postgresUp = await requireService('PostgreSQL', 5432);

type User = { id: string; token: string };

// On the embedded SQLite and on PostgreSQL (the scripted requests' partial unique index, the conditional answer).
describe.each([
  ['SQLite', true],
  ['PostgreSQL', postgresUp],
] as const)('requests for assistance on %s', (database, up) => {
  if (!up) return it.skip('needs PostgreSQL', () => {});
  let db: ScratchDatabase | undefined;
  let s: TestServer;
  let exerciseId: string;
  const team: Record<string, string> = {};
  const user: Record<string, User> = {};
  const clients: Record<string, DrillClient> = {};
  let evaluator: User;
  let takedown: AssistanceRequestView;

  const path = (rest = '') => `/api/exercises/${exerciseId}/assistance${rest}`;
  const ask = (who: User | string, body: Record<string, unknown>) =>
    s
      .http()
      .post(path())
      .set(bearer(typeof who === 'string' ? who : who.token))
      .send(body);
  const answer = (who: User | string, id: string, body: Record<string, unknown>) =>
    s
      .http()
      .post(path(`/${id}/respond`))
      .set(bearer(typeof who === 'string' ? who : who.token))
      .send(body);
  const list = async (who: User | string) =>
    (
      await s
        .http()
        .get(path())
        .set(bearer(typeof who === 'string' ? who : who.token))
        .expect(200)
    ).body as AssistanceRequestView[];
  const seen = (c: DrillClient, event: 'assistance.request' | 'assistance.update') =>
    c.events.filter((e) => e.event === event).map((e) => e.data as unknown as AssistanceRequestView);
  const cooperation = async (code: string) => {
    const cards = (
      await s.http().get(`/api/exercises/${exerciseId}/scorecards`).set(bearer(evaluator.token)).expect(200)
    ).body as { teams: { code: string; cooperation: CooperationView | null }[] };
    return cards.teams.find((t) => t.code === code)!.cooperation!;
  };

  beforeAll(async () => {
    if (database === 'PostgreSQL') db = await createDatabase('drill_assist');
    s = await startServer(db ? { DATABASE_URL: db.url } : {});
    for (const code of ['SG', 'MY', 'ID']) team[code] = await createTeam(s, code);
    user.sgA = await createUser(s, 'participant', team.SG, 'SG analyst A');
    user.sgB = await createUser(s, 'participant', team.SG, 'SG analyst B');
    user.my = await createUser(s, 'participant', team.MY, 'MY analyst');
    user.id = await createUser(s, 'participant', team.ID, 'ID analyst');
    evaluator = await createUser(s, 'evaluator', undefined, 'Evaluator');
    await saveScenario(s, fixture('assistance-drill.yaml'));
    exerciseId = (
      await createExercise(s, {
        scenarioId: 'assistance-test-drill',
        name: 'assistance',
        speed: 1,
        teamIds: Object.values(team),
      })
    ).id;
    for (const [who, token] of Object.entries({ ...mapTokens(user), control: ADMIN_TOKEN }))
      clients[who] = await new DrillClient(s.url, token, exerciseId).connect();
    await act(s, exerciseId, 'start');
    for (const who of ['sgA', 'my', 'id'])
      await clients[who]!.waitFor(() => clients[who]!.injects.some((i) => i.injectId === 'A-01'), 10_000, 'A-01');
  });
  afterAll(async () => {
    for (const c of Object.values(clients)) c.disconnect();
    await s?.close();
    await db?.drop();
  });

  it('is refused before it is well formed, naming the field', async () => {
    const good = { to: 'MY', injectId: 'A-01', kind: 'takedown', text: 'Please take it down', tlp: 'TLP:AMBER' };
    // The shape is checked first (400); a well-formed request that does not fit the drill is 422, like a report.
    const cases: [Record<string, unknown>, number, string, RegExp][] = [
      [{ ...good, kind: 'nuke' }, 400, '/kind', /kind/],
      [{ ...good, text: '' }, 400, '/text', /text/],
      [{ ...good, iocs: [{ type: 'ip-dst' }] }, 400, '/iocs/0/value', /value/],
      [{ ...good, to: 'XX' }, 422, '/to', /team XX is not in this exercise/],
      [{ ...good, to: 'SG' }, 422, '/to', /cannot ask itself/],
      [{ ...good, tlp: 'TLP:PINK' }, 422, '/tlp', /not a TLP 2\.0 label/],
      [{ ...good, tlp: 'TLP:GREEN' }, 422, '/tlp', /cannot be marked looser than the inject \(TLP:AMBER\)/],
      [{ ...good, injectId: 'A-99' }, 422, '/injectId', /no inject A-99/],
      [{ ...good, injectId: 'A-02' }, 422, '/injectId', /has not been released to your team/],
      [
        { ...good, iocs: [{ type: 'ip-dst', value: 'not-an-ip' }] },
        422,
        '/iocs/0/value',
        /IOC 1 \(ip-dst "not-an-ip"\)/,
      ],
    ];
    for (const [body, status, field, message] of cases) {
      const r = await ask(user.sgA!, body);
      expectAs(r.status, JSON.stringify(body)).toBe(status);
      const problem = (r.body.details as { path: string; message: string }[]).find((d) => d.path === field);
      expectAs(problem?.message, JSON.stringify(body)).toMatch(message);
    }
    await ask(evaluator, good).expect(403);
    await ask(ADMIN_TOKEN, { ...good, to: 'control' }).expect(422);
    expect(await list(ADMIN_TOKEN)).toEqual([]); // nothing was stored
  });

  it('team SG asks MY for a takedown: MY, SG and drill control get it live, ID does not', async () => {
    const r = await ask(user.sgA!, {
      to: 'MY',
      injectId: 'A-01',
      kind: 'takedown',
      text: 'Please take down the phishing site hosted at your registrar',
      tlp: 'TLP:AMBER',
      iocs: [{ type: 'domain', value: 'login-mybank[.]example' }],
    }).expect(201);
    takedown = r.body;
    expect(takedown).toMatchObject({
      from: { teamId: team.SG, code: 'SG' },
      to: { teamId: team.MY, code: 'MY' },
      requestedBy: { userId: user.sgA!.id, name: 'SG analyst A' },
      injectId: 'A-01',
      kind: 'takedown',
      tlp: 'TLP:AMBER',
      iocs: [{ type: 'domain', value: 'login-mybank.example' }],
      scripted: false,
      status: 'open',
      toFirstResponseMinutes: null,
      toFulfilmentMinutes: null,
      targets: { respondMinutes: 20, fulfilMinutes: 90 }, // the scenario's cooperation targets
      responses: [],
    });
    for (const who of ['my', 'sgA', 'sgB', 'control'])
      await clients[who]!.waitFor(
        () => seen(clients[who]!, 'assistance.request').some((v) => v.id === takedown.id),
        10_000,
        `${who} to hear of the request`,
      );
    expect((await list(user.my!)).map((v) => v.id)).toEqual([takedown.id]);
    expect((await list(user.sgB!)).map((v) => v.id)).toEqual([takedown.id]);
    expect(await list(user.id!)).toEqual([]);
    await s
      .http()
      .get(path(`/${takedown.id}`))
      .set(bearer(user.id!.token))
      .expect(404);
    expect(seen(clients.id!, 'assistance.request')).toEqual([]);
  });

  it('only the asked team answers, in order: accepted, then fulfilled; a settled request takes no more', async () => {
    await answer(user.sgA!, takedown.id, { status: 'accepted', text: 'we accept our own?' }).expect(403);
    await answer(ADMIN_TOKEN, takedown.id, { status: 'accepted', text: 'control' }).expect(403);
    const bad = await answer(user.my!, takedown.id, { status: 'maybe', text: 'x' }).expect(400);
    expect(bad.body.details.map((d: { path: string }) => d.path)).toEqual(['/status']);

    const accepted = (
      await answer(user.my!, takedown.id, { status: 'accepted', text: 'Contacting the registrar' }).expect(200)
    ).body as AssistanceRequestView;
    expect(accepted.status).toBe('accepted');
    expect(accepted.toFirstResponseMinutes).toBeGreaterThanOrEqual(0);
    expect(accepted.toFulfilmentMinutes).toBeNull();
    const fulfilled = (
      await answer(user.my!, takedown.id, { status: 'fulfilled', text: 'Domain suspended by the registrar' }).expect(
        200,
      )
    ).body as AssistanceRequestView;
    expect(fulfilled).toMatchObject({ status: 'fulfilled' });
    expect(fulfilled.responses.map((a) => [a.status, a.byName])).toEqual([
      ['accepted', 'MY analyst'],
      ['fulfilled', 'MY analyst'],
    ]);
    expect(fulfilled.toFulfilmentMinutes).toBeGreaterThanOrEqual(fulfilled.toFirstResponseMinutes!);
    const again = await answer(user.my!, takedown.id, { status: 'declined', text: 'changed our mind' }).expect(409);
    expect(again.body.message).toMatch(/the request is fulfilled; it takes no further answer/);

    for (const who of ['sgA', 'control'])
      await clients[who]!.waitFor(
        () => seen(clients[who]!, 'assistance.update').some((v) => v.id === takedown.id && v.status === 'fulfilled'),
        10_000,
        `${who} to hear it was fulfilled`,
      );
    // The board's feed (drill control's socket) has the request and both answers, with their times.
    const feed = seen(clients.control!, 'assistance.update').filter((v) => v.id === takedown.id);
    expect(feed.map((v) => v.status)).toEqual(['accepted', 'fulfilled']);
    expect(feed[1]!.toFulfilmentMinutes).toBe(fulfilled.toFulfilmentMinutes);
    expect(seen(clients.id!, 'assistance.update')).toEqual([]);
  });

  it('scores MY’s cooperation with an explanation; SG, asked nothing, has no score', async () => {
    const my = await cooperation('MY');
    expect(my).toMatchObject({ asked: 1, sent: 0, answered: 1, fulfilled: 1, score: 1 });
    expect(my.requests[0]).toMatchObject({ requestId: takedown.id, fromCode: 'SG', response: 1, outcome: 1 });
    expect(my.requests[0]!.explanation).toMatch(
      /^R: first answer after [\d.]+ min, within the 20 min target: 1; O: fulfilled after/,
    );
    expect(my.explanation).toBe('mean of 1 request asked (1) / 1 = 1');
    const sg = await cooperation('SG');
    expect(sg).toMatchObject({ asked: 0, sent: 1, score: null });
    // Scores are for drill control: a participant's scorecards during the drill carry none.
    const mine = await s.http().get(`/api/exercises/${exerciseId}/scorecards`).set(bearer(user.my!.token));
    expect(JSON.stringify(mine.body)).not.toContain('"cooperation"');
  });

  it('keeps a TLP:RED request to the person who asked and the asked team', async () => {
    const red = (
      await ask(user.sgA!, { to: 'MY', kind: 'log-check', text: 'Check for 198.51.100.23', tlp: 'TLP:RED' }).expect(201)
    ).body as AssistanceRequestView;
    expect((await list(user.sgA!)).map((v) => v.id)).toContain(red.id);
    expect((await list(user.my!)).map((v) => v.id)).toContain(red.id);
    expect((await list(user.sgB!)).map((v) => v.id)).not.toContain(red.id);
    await s
      .http()
      .get(path(`/${red.id}`))
      .set(bearer(user.sgB!.token))
      .expect(404);
    await clients.my!.waitFor(() => seen(clients.my!, 'assistance.request').some((v) => v.id === red.id));
    await clients.sgA!.waitFor(() => seen(clients.sgA!, 'assistance.request').some((v) => v.id === red.id));
    // The teammate's console was sent the AMBER request earlier; the RED one never reaches it.
    await clients.control!.waitFor(() => seen(clients.control!, 'assistance.request').some((v) => v.id === red.id));
    expect(seen(clients.sgB!, 'assistance.request').map((v) => v.id)).toEqual([takedown.id]);
  });

  it('a team asks drill control, and a controller answers', async () => {
    const toControl = (
      await ask(user.id!, {
        to: 'control',
        kind: 'analysis',
        text: 'Can you analyse this kit?',
        tlp: 'TLP:GREEN',
      }).expect(201)
    ).body as AssistanceRequestView;
    expect(toControl.to).toEqual({ teamId: null, code: 'control', name: 'Drill control' });
    await answer(user.my!, toControl.id, { status: 'accepted', text: 'not ours' }).expect(404); // MY cannot see it
    await answer(evaluator, toControl.id, { status: 'accepted', text: 'x' }).expect(403);
    const done = await answer(ADMIN_TOKEN, toControl.id, {
      status: 'declined',
      text: 'Out of scope for this drill',
    }).expect(200);
    expect(done.body.status).toBe('declined');
  });

  it('drill control’s scripted request from a simulated foreign CERT reaches each team with its inject and is scored against its key', async () => {
    await s
      .http()
      .post(`/api/exercises/${exerciseId}/injects/A-02/release`)
      .set(bearer(ADMIN_TOKEN))
      .send({})
      .expect((r) => expect([200, 201]).toContain(r.status));
    const scripted = (who: string) =>
      seen(clients[who]!, 'assistance.request').find((v) => v.scripted && v.injectId === 'A-02');
    for (const who of ['my', 'id', 'sgA'])
      await clients[who]!.waitFor(() => !!scripted(who), 10_000, `${who}'s scripted request`);
    const mine = scripted('my')!;
    expect(mine).toMatchObject({
      from: { teamId: null, code: 'control', name: 'JPCERT/CC (simulated)' },
      to: { code: 'MY' },
      requestedBy: null,
      kind: 'takedown',
      tlp: 'TLP:AMBER',
      iocs: [{ type: 'url', value: 'https://secure-update.example/login' }],
      targets: { respondMinutes: 15, fulfilMinutes: 60 }, // the key's own targets
    });
    // Each team reads only the one it was asked; drill control reads all three.
    expect((await list(user.my!)).filter((v) => v.scripted).map((v) => v.to.code)).toEqual(['MY']);
    expect(
      (await list(ADMIN_TOKEN))
        .filter((v) => v.scripted)
        .map((v) => v.to.code)
        .sort(),
    ).toEqual(['ID', 'MY', 'SG']);

    await answer(user.my!, mine.id, { status: 'fulfilled', text: 'The hoster has suspended the site' }).expect(200);
    await answer(user.id!, scripted('id')!.id, { status: 'declined', text: 'Not hosted here' }).expect(200);
    await answer(user.sgB!, scripted('sgA')!.id, { status: 'fulfilled', text: 'Done' }).expect(200);

    const my = await cooperation('MY');
    expect(my).toMatchObject({ asked: 3, fulfilled: 2 }); // the takedown, the RED log check (open), the scripted one
    const myScripted = my.requests.find((r) => r.requestId === mine.id)!;
    expect(myScripted).toMatchObject({ scripted: true, response: 1, outcome: 1, score: 1 });
    expect(myScripted.explanation).toMatch(
      /expected fulfilled; fulfilled after [\d.]+ min, within the 60 min target: 1; the answers mention "suspended"/,
    );
    const red = my.requests.find((r) => r.status === 'open')!;
    expect(red).toMatchObject({ response: 0, outcome: 0, score: 0 });
    expect(my.score).toBeCloseTo((1 + 0 + 1) / 3, 10);

    const id = (await cooperation('ID')).requests.find((r) => r.scripted)!;
    expect(id).toMatchObject({ response: 1, outcome: 0, score: 0.4 });
    expect(id.explanation).toMatch(/O: expected fulfilled; declined: 0/);
    const sg = (await cooperation('SG')).requests.find((r) => r.scripted)!;
    expect(sg.outcome).toBe(0.5); // fulfilled in time, but the answer mentions neither "suspended" nor "taken down"
    expect(sg.explanation).toMatch(/mention none of "suspended", "taken down": halved to 0.5/);
  });

  it('two people of the asked team answering at once: one answer stands, the other is told it moved on', async () => {
    user.my2 = user.my2 ?? (await createUser(s, 'participant', team.MY!, 'MY analyst 2'));
    const r = (
      await ask(user.sgA!, { to: 'MY', kind: 'block', text: 'Block 203.0.113.9', tlp: 'TLP:AMBER' }).expect(201)
    ).body as AssistanceRequestView;
    const both = await Promise.all([
      answer(user.my!, r.id, { status: 'declined', text: 'No' }),
      answer(user.my2!, r.id, { status: 'declined', text: 'Also no' }),
    ]);
    expect(both.map((x) => x.status).sort()).toEqual([200, 409]);
    const stored = (
      await s
        .http()
        .get(path(`/${r.id}`))
        .set(bearer(ADMIN_TOKEN))
        .expect(200)
    ).body;
    expect(stored.responses).toHaveLength(1);
  });

  it('takes no request or answer once the drill has ended', async () => {
    const open = (await list(ADMIN_TOKEN)).find((v) => v.status === 'open')!;
    await act(s, exerciseId, 'complete');
    const late = await ask(user.sgA!, { to: 'MY', kind: 'other', text: 'late', tlp: 'TLP:AMBER' }).expect(409);
    expect(late.body.message).toMatch(/the exercise is completed/);
    await answer(user.my!, open.id, { status: 'accepted', text: 'late' }).expect(409);
  });

  it('the after-action report shows who asked whom, how fast, and the matrix; TLP:RED text withheld', async () => {
    const report = (format: string) =>
      s.http().get(`/api/exercises/${exerciseId}/report?format=${format}`).set(bearer(evaluator.token)).expect(200);
    const aar = (await report('json')).body as {
      marking: string;
      cooperation: {
        totals: { requests: number; fulfilled: number };
        requests: {
          id: string;
          from: { code: string };
          to: { code: string };
          status: string;
          toFirstResponseMinutes: number | null;
          toFulfilmentMinutes: number | null;
          withheld: boolean;
          text: string | null;
        }[];
        matrix: { cells: { from: string; to: string; requests: number }[] };
      };
    };
    expect(aar.marking).toBe('TLP:AMBER');
    const all = await list(ADMIN_TOKEN);
    expect(aar.cooperation.totals.requests).toBe(all.length);
    const row = aar.cooperation.requests.find((r) => r.id === takedown.id)!;
    const stored = all.find((v) => v.id === takedown.id)!;
    expect(row).toMatchObject({
      from: { code: 'SG' },
      to: { code: 'MY' },
      status: 'fulfilled',
      toFirstResponseMinutes: stored.toFirstResponseMinutes,
      toFulfilmentMinutes: stored.toFulfilmentMinutes,
      withheld: false,
    });
    const red = aar.cooperation.requests.find((r) => all.find((v) => v.id === r.id)!.tlp === 'TLP:RED')!;
    expect(red).toMatchObject({ withheld: true, text: null });
    expect(aar.cooperation.matrix.cells.some((c) => c.requests > 0)).toBe(true);
    const html = (await report('html')).text;
    expect(html).toContain('Cooperation');
    expect(html).toContain('Please take down the phishing site hosted at your registrar');
    expect(html).not.toContain('Check for 198.51.100.23'); // the RED request's text
  });
});

function mapTokens(users: Record<string, User>): Record<string, string> {
  return Object.fromEntries(Object.entries(users).map(([k, v]) => [k, v.token]));
}
