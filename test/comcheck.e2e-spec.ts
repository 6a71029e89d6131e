// Issue 19, communications check: drill control asks every participant of every enrolled team to confirm they can
// be reached; the server records who was reached (their console acknowledged the event), who confirmed (socket or
// HTTP) and how fast, gives it per team and per person to drill control, sends it to a console that connects late,
// and the after-action report carries each team's point-of-contact reachability.
import { randomUUID } from 'node:crypto';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import type { ComcheckPayload } from '@drill/contracts';
import type { ComcheckStatus, ComcheckTeamStatus } from '@drill/exercise';
import { chromiumAvailable, launchChromium } from './support/browser.js';
import { ADMIN_TOKEN, bearer, createTeam, createUser, startServer, type TestServer } from './support/app.js';
import { DrillClient, sleep, waitUntil } from './support/drill-client.js';
import { act, createExercise, fixture, saveScenario, timeline } from './support/drill.js';

const SCENARIO = 'resync-test-drill'; // test/fixtures/resync-drill.yaml

const checksOf = (c: DrillClient) =>
  c.events.filter((e) => e.event === 'comcheck').map((e) => e.data as ComcheckPayload);

describe('communications check', () => {
  let s: TestServer;
  let exerciseId: string;
  let sg: string;
  let my: string;
  let sgA: { id: string; token: string };
  let sgB: { id: string; token: string };
  let myA: { id: string; token: string };
  let evaluator: { id: string; token: string };
  const clients: DrillClient[] = [];
  let control: DrillClient;
  let checkId: string;
  /** SG B's console, connected after the check was sent. */
  let late: DrillClient;

  const connect = async (token: string) => {
    const c = await new DrillClient(s.url, token, exerciseId).connect();
    clients.push(c);
    return c;
  };
  const overview = async (token = ADMIN_TOKEN) =>
    (await s.http().get(`/api/exercises/${exerciseId}/comcheck`).set(bearer(token)).expect(200)).body as {
      latest: ComcheckStatus | null;
      checks: { id: string; sentAt: string; totals: ComcheckStatus['totals'] }[];
    };
  const team = (o: { latest: ComcheckStatus | null }, id: string) =>
    o.latest!.teams.find((t) => t.teamId === id) as ComcheckTeamStatus;
  const person = (o: { latest: ComcheckStatus | null }, teamId: string, userId: string) =>
    team(o, teamId).people.find((p) => p.userId === userId)!;

  beforeAll(async () => {
    s = await startServer();
    sg = await createTeam(s, 'SG');
    my = await createTeam(s, 'MY');
    sgA = await createUser(s, 'participant', sg, 'SG analyst A');
    sgB = await createUser(s, 'participant', sg, 'SG analyst B');
    myA = await createUser(s, 'participant', my, 'MY analyst');
    evaluator = await createUser(s, 'evaluator', undefined, 'Evaluator');
    await saveScenario(s, fixture('resync-drill.yaml'));
    exerciseId = (await createExercise(s, { scenarioId: SCENARIO, name: 'comcheck', speed: 1, teamIds: [sg, my] })).id;
    control = await connect(ADMIN_TOKEN);
  });
  afterAll(async () => {
    for (const c of clients) c.disconnect();
    await s?.close();
  });

  it('is sent and read by drill control only', async () => {
    const path = `/api/exercises/${exerciseId}/comcheck`;
    const send = await s.http().post(path).set(bearer(sgA.token)).send().expect(403);
    expect(send.body).toMatchObject({ statusCode: 403, error: 'Forbidden' });
    await s.http().get(path).set(bearer(sgA.token)).expect(403);
    await s.http().post(path).set(bearer(evaluator.token)).send().expect(403);
    expect(await overview()).toEqual({ latest: null, checks: [] });
  });

  it('reaches every connected participant before STARTEX and times each confirmation', async () => {
    const a = await connect(sgA.token);
    const m = await connect(myA.token);
    const sent = await s
      .http()
      .post(`/api/exercises/${exerciseId}/comcheck`)
      .set(bearer(ADMIN_TOKEN))
      .send()
      .expect(201);
    checkId = sent.body.id;
    expect(sent.body.totals).toEqual({ teams: 2, reached: 0, confirmed: 0, participants: 3, confirmedPeople: 0 });

    await a.waitFor(() => checksOf(a).length === 1, 5000, 'the check on SG A');
    await m.waitFor(() => checksOf(m).length === 1, 5000, 'the check on MY');
    expect(checksOf(a)[0]).toEqual({ exerciseId, comcheckId: checkId, sentAt: sent.body.sentAt });
    // Control's own console is not asked to answer.
    expect(checksOf(control)).toEqual([]);

    await waitUntil(async () => person(await overview(), my, myA.id).reached, 5000, 'MY reached');
    await waitUntil(async () => person(await overview(), sg, sgA.id).reached, 5000, 'SG A reached');
    let o = await overview();
    expect(person(o, sg, sgB.id)).toMatchObject({ reached: false, confirmed: false, confirmMs: null });
    expect(team(o, sg)).toMatchObject({ participants: 2, reached: true, reachedPeople: 1, confirmed: false });

    // SG confirms by socket (twice: the first stands), MY over HTTP.
    const first = await a.emitWithAck('comcheck.confirm', { comcheckId: checkId });
    expect(first).toEqual({ ok: true, firstConfirmation: true, confirmedAt: expect.any(String) });
    const again = await a.emitWithAck('comcheck.confirm', { comcheckId: checkId });
    expect(again).toEqual({
      ok: true,
      firstConfirmation: false,
      confirmedAt: (first as { confirmedAt: string }).confirmedAt,
    });
    const byHttp = await s
      .http()
      .post(`/api/exercises/${exerciseId}/comcheck/${checkId}/confirm`)
      .set(bearer(myA.token))
      .send()
      .expect(200);
    expect(byHttp.body).toEqual({ ok: true, firstConfirmation: true, confirmedAt: expect.any(String) });

    o = await overview(evaluator.token);
    const sentAt = Date.parse(o.latest!.sentAt);
    const sgAStatus = person(o, sg, sgA.id);
    expect(sgAStatus).toMatchObject({ name: 'SG analyst A', reached: true, confirmed: true });
    expect(sgAStatus.confirmMs).toBe(Date.parse(sgAStatus.confirmedAt!) - sentAt);
    expect(Date.parse(sgAStatus.reachedAt!)).toBeLessThanOrEqual(Date.parse(sgAStatus.confirmedAt!));
    expect(team(o, sg)).toMatchObject({
      reached: true,
      confirmed: true,
      confirmedPeople: 1,
      confirmMs: sgAStatus.confirmMs,
    });
    expect(team(o, my)).toMatchObject({
      code: 'MY',
      reached: true,
      confirmed: true,
      confirmMs: Date.parse(byHttp.body.confirmedAt) - sentAt,
    });
    expect(o.latest!.totals).toEqual({ teams: 2, reached: 2, confirmed: 2, participants: 3, confirmedPeople: 2 });
    expect(o.checks).toEqual([{ id: checkId, sentAt: o.latest!.sentAt, totals: o.latest!.totals }]);

    // The sending and each first confirmation are in the audit log (the exercise timeline), the repeat is not.
    const audited = (await timeline(s, exerciseId)).filter((e) => e.kind === 'event' && e.targetId === checkId);
    expect(audited.map((e) => [e.action, e.actorUserId, e.after?.via])).toEqual([
      ['comcheck.send', expect.any(String), undefined],
      ['comcheck.confirm', sgA.id, 'socket'],
      ['comcheck.confirm', myA.id, 'http'],
    ]);

    // The board hears of each receipt, once each.
    await control.waitFor(
      () => control.events.filter((e) => e.event === 'comcheck.update' && e.data.confirmedAt).length === 2,
      5000,
      'two confirmations on the board',
    );
  });

  it('reaches a participant who connects after it was sent, and not one who already confirmed', async () => {
    late = await connect(sgB.token);
    await late.waitFor(() => checksOf(late).length === 1, 5000, 'the check on a late console');
    expect(checksOf(late)[0]!.comcheckId).toBe(checkId);
    await waitUntil(async () => person(await overview(), sg, sgB.id).reached, 5000, 'SG B reached');
    expect(person(await overview(), sg, sgB.id)).toMatchObject({ reached: true, confirmed: false });

    // SG A reconnects after confirming: nothing is asked of them again.
    const a2 = await connect(sgA.token);
    await a2.waitFor(() => a2.states.length > 0, 5000, 'exercise.state');
    await sleep(300);
    expect(checksOf(a2)).toEqual([]);
  });

  it('refuses a check that does not exist, a malformed confirmation, and drill control confirming', async () => {
    const missing = randomUUID();
    const r = await s
      .http()
      .post(`/api/exercises/${exerciseId}/comcheck/${missing}/confirm`)
      .set(bearer(sgB.token))
      .send()
      .expect(404);
    expect(r.body.message).toContain(missing);
    expect(await late.emitWithAck('comcheck.confirm', { comcheckId: missing })).toMatchObject({
      error: { statusCode: 404 },
    });
    expect(await late.emitWithAck('comcheck.confirm', { comcheckId: 'not-an-id' })).toMatchObject({
      error: { statusCode: 400, details: [expect.objectContaining({ path: '/comcheckId' })] },
    });
    expect(await control.emitWithAck('comcheck.confirm', { comcheckId: checkId })).toMatchObject({
      error: { statusCode: 403 },
    });
    await s
      .http()
      .post(`/api/exercises/${exerciseId}/comcheck/${checkId}/confirm`)
      .set(bearer(ADMIN_TOKEN))
      .send()
      .expect(403);
  });

  it('puts each team’s point-of-contact reachability in the AAR, and stops once the drill ends', async () => {
    await act(s, exerciseId, 'start');
    await act(s, exerciseId, 'complete');
    const aar = (
      await s.http().get(`/api/exercises/${exerciseId}/report?format=json`).set(bearer(ADMIN_TOKEN)).expect(200)
    ).body;
    expect(aar.reachability).toMatchObject({
      comcheckId: checkId,
      teams: expect.arrayContaining([
        expect.objectContaining({ code: 'SG', reached: true, confirmed: true, participants: 2, confirmedPeople: 1 }),
        expect.objectContaining({ code: 'MY', reached: true, confirmed: true, participants: 1, confirmedPeople: 1 }),
      ]),
    });
    const html = await s
      .http()
      .get(`/api/exercises/${exerciseId}/report?format=html`)
      .set(bearer(ADMIN_TOKEN))
      .expect(200);
    expect(html.text).toContain('Point-of-contact reachability');

    const ended = await s
      .http()
      .post(`/api/exercises/${exerciseId}/comcheck`)
      .set(bearer(ADMIN_TOKEN))
      .send()
      .expect(409);
    expect(ended.body.message).toContain('completed');
  });
  (chromiumAvailable('the communications check in the consoles') ? describe : describe.skip)('in the consoles', () => {
    let browser: Browser;
    const contexts: BrowserContext[] = [];
    const pageErrors: string[] = [];
    let drillId: string;
    let analyst: { id: string; token: string };

    /** A page signed in with `token` (the consoles keep it in local storage). */
    async function open(token: string, path: string): Promise<Page> {
      const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
      contexts.push(context);
      type WithStorage = { localStorage: { setItem(k: string, v: string): void } };
      await context.addInitScript(
        (t) => (globalThis as unknown as WithStorage).localStorage.setItem('drill.token', t),
        token,
      );
      const page = await context.newPage();
      page.setDefaultTimeout(15_000);
      page.on('pageerror', (e) => pageErrors.push(`${page.url()}: ${e.message}`));
      await page.goto(`${s.url}/${path}`);
      await page.locator('#connection.conn-online').waitFor();
      return page;
    }

    beforeAll(async () => {
      browser = await launchChromium();
      const th = await createTeam(s, 'TH');
      analyst = await createUser(s, 'participant', th, 'TH analyst');
      drillId = (await createExercise(s, { scenarioId: SCENARIO, name: 'comcheck console', speed: 1, teamIds: [th] }))
        .id;
    }, 60_000);
    afterEach(() => expect(pageErrors.splice(0)).toEqual([]));
    afterAll(async () => {
      for (const c of contexts) await c.close().catch(() => undefined);
      await browser?.close().catch(() => undefined);
    });

    it('the board sends it, the team console shows a banner until the analyst confirms, the board shows who did', async () => {
      const board = await open(ADMIN_TOKEN, `control.html?exercise=${drillId}`);
      await expect(board.locator('#comcheck-summary').textContent()).resolves.toBe('No check sent yet.');
      await board.getByRole('button', { name: 'Comms check' }).click();
      await board.locator('#comcheck-summary', { hasText: '0 of 1 teams confirmed' }).waitFor();

      // The analyst opens the console after the check went out: it is waiting for them.
      const team = await open(analyst.token, `team.html?exercise=${drillId}`);
      const banner = team.locator('#comcheck-banner');
      await banner.getByText('Communications check from drill control').waitFor();
      await expect(banner.getAttribute('aria-live')).resolves.toBe('polite');
      await banner.getByRole('button', { name: 'Confirm' }).click();
      await banner.waitFor({ state: 'hidden' });

      await board.locator('#comcheck-summary', { hasText: '1 of 1 teams confirmed, 1 reached' }).waitFor();
      const row = board.locator('#comcheck-table tbody tr');
      await expect(row.locator('th').textContent()).resolves.toBe('TH');
      await expect(row.locator('td').nth(1).textContent()).resolves.toBe('confirmed 1/1');
      await expect(row.locator('td').nth(2).textContent()).resolves.toMatch(/^\d+\.\d s$/);
    });
  });
});
