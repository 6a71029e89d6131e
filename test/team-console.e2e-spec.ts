import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { io, type Socket } from 'socket.io-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { DRILL_NAMESPACE, type ClientToServerEvents, type ServerToClientEvents } from '@drill/contracts';
import { chromiumAvailable, launchChromium } from './support/browser.js';
import { ADMIN_TOKEN, bearer, createTeam, createUser, startServer, type TestServer } from './support/app.js';
import { sleep, waitUntil } from './support/drill-client.js';
import { act, createExercise, saveScenario, timeline } from './support/drill.js';

// The team console's deadline cues, message headers and one sign-in per browser, in headless Chromium, at ×60 (one
// scenario minute per second); and the delivery status moving on, released → delivered → acknowledged, with a real
// socket.io client that acknowledges inside its `inject` handler. Injects are released with release-now: their
// offsets are hours away, so nothing fires by itself during the test.

const SCREENS = fileURLToPath(new URL('./artifacts/screens/', import.meta.url));
const WAIT = 20_000;
const SPEED = 60;

const SCENARIO = `
id: team-console-drill
title: Team console drill
summary: Deadline cues and message headers of the team console.
plannedDuration: "+08:00"
objectives:
  - id: OBJ-1
    capability: Operational Communications
    injects: [I-01]
phases:
  - id: P1
    title: Detection
injects:
  - id: I-01
    offset: "+05:00"
    phase: P1
    title: Hospital group reports ransomware
    from: "Seri Permata Healthcare Group — IT Security (simulated)"
    body: |
      **To:** MY national CERT — incident hotline
      **Subject:** URGENT — ransomware at Seri Permata Healthcare Group

      At 06:40 local time three hospitals lost their file shares. Files end in \`.krait\`.
    targets: all
    severity: high
    tlp: TLP:AMBER
    responseRequired: true
    targetMinutes: 5
    deadlineMinutes: 15
  - id: I-02
    offset: "+06:00"
    phase: P1
    title: Leak site post
    body: The group claims data from the hospital.
    targets: all
    severity: medium
    tlp: TLP:GREEN
    responseRequired: true
    deadlineMinutes: 60
`;

/** The scenario ms a countdown sentence says are left ("… 14 min 12 s left …"). */
function leftMs(text: string | null): number {
  const m = /(?:(\d+) min )?(\d+) s left/.exec(text ?? '');
  if (!m) throw new Error(`no countdown in ${JSON.stringify(text)}`);
  return (Number(m[1] ?? 0) * 60 + Number(m[2])) * 1000;
}

describe('team console: deadlines, message headers, sessions and delivery status', () => {
  let server: TestServer;
  let exerciseId: string;
  let teams: Record<'MY' | 'SG', string>;
  let analyst: { id: string; token: string };
  let sgAnalyst: { id: string; token: string };

  const release = (injectId: string, teamIds: string[]) =>
    server
      .http()
      .post(`/api/exercises/${exerciseId}/injects/${injectId}/release`)
      .set(bearer(ADMIN_TOKEN))
      .send({ teamIds });
  const row = async (injectId: string, code: string) =>
    (await timeline(server, exerciseId)).find(
      (e) => e.kind === 'delivery' && e.injectId === injectId && e.teamCode === code,
    );

  beforeAll(async () => {
    server = await startServer();
    teams = { MY: await createTeam(server, 'MY'), SG: await createTeam(server, 'SG') };
    analyst = await createUser(server, 'participant', teams.MY, 'Aisyah (MyCERT)');
    sgAnalyst = await createUser(server, 'participant', teams.SG, 'Wei (SingCERT)');
    await saveScenario(server, SCENARIO);
    const ex = await createExercise(server, {
      scenarioId: 'team-console-drill',
      name: 'Team console drill',
      speed: SPEED,
      teamIds: [teams.MY, teams.SG],
    });
    exerciseId = ex.id;
    await act(server, exerciseId, 'start');
  }, 60_000);

  afterAll(async () => {
    await server?.close().catch(() => undefined);
  });

  it('an acknowledgement sent inside the inject handler counts as delivery: acknowledged, delivered no later', async () => {
    const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io(`${server.url}${DRILL_NAMESPACE}`, {
      auth: { token: sgAnalyst.token, exerciseId },
      transports: ['websocket'],
      reconnection: false,
      forceNew: true,
    });
    const acks: unknown[] = [];
    socket.on('inject', (p, delivered) => {
      // The person's "received" first; the socket receipt only once the server has answered it.
      void socket
        .timeout(5000)
        .emitWithAck('inject.ack', { injectId: p.injectId })
        .then((r) => {
          acks.push(r);
          delivered();
        })
        .catch((e: unknown) => acks.push(e));
    });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('connect_error', reject);
    });
    try {
      expect((await release('I-02', [teams.SG])).status).toBe(200);
      await waitUntil(async () => Boolean((await row('I-02', 'SG'))?.deliveredAt), WAIT, 'the receipt of I-02');
      await sleep(300); // the late socket receipt has been handled too
      expect(acks).toEqual([{ ok: true, firstAcknowledgement: true }]);
      const d = await row('I-02', 'SG');
      expect(d.status).toBe('acknowledged');
      expect(Date.parse(d.deliveredAt)).toBeLessThanOrEqual(Date.parse(d.acknowledgedAt));
      expect(d.lagMs).toBeGreaterThanOrEqual(0);
    } finally {
      socket.disconnect();
    }
  });

  (chromiumAvailable('the team console browser tests') ? describe : describe.skip)('in headless Chromium', () => {
    let browser: Browser;
    let context: BrowserContext;
    let page: Page;
    const pageErrors: string[] = [];

    async function open(url: string): Promise<Page> {
      const p = await context.newPage();
      p.setDefaultTimeout(WAIT);
      p.on('pageerror', (e) => pageErrors.push(`${p.url()}: ${e.message}`));
      await p.goto(url);
      return p;
    }

    beforeAll(async () => {
      mkdirSync(SCREENS, { recursive: true });
      browser = await launchChromium();
      context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    }, 60_000);

    afterEach(() => {
      expect(pageErrors.splice(0)).toEqual([]);
    });

    afterAll(async () => {
      await context?.close().catch(() => undefined);
      await browser?.close().catch(() => undefined);
    });

    it('shows the sender, addressee and subject as headers, and counts the deadline down in scenario time', async () => {
      page = await open(`${server.url}/`);
      await page.getByLabel('Access token', { exact: true }).fill(analyst.token);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('link', { name: 'Open team console' }).click();
      await page.locator('#connection.conn-online').waitFor();

      expect((await release('I-01', [teams.MY])).status).toBe(200);
      const item = page.locator('#inject-list button[data-inject="I-01"]');
      await item.waitFor();
      await expect(item.locator('.due').textContent()).resolves.toMatch(/^due in \d+ min \d+ s$/);
      await item.click();

      // From, To and Subject, each on its own line of a definition list; the body keeps only its text.
      const headers = page.locator('#inject-view dl.message-headers');
      await expect(headers.locator('dt').allTextContents()).resolves.toEqual(['From:', 'To:', 'Subject:']);
      await expect(headers.locator('dd').allTextContents()).resolves.toEqual([
        'Seri Permata Healthcare Group — IT Security (simulated)',
        'MY national CERT — incident hotline',
        'URGENT — ransomware at Seri Permata Healthcare Group',
      ]);
      const body = (await page.locator('#inject-view .inject-body').textContent()) ?? '';
      expect(body).toContain('three hospitals lost their file shares');
      expect(body).not.toContain('Subject:');

      // The due time in scenario time and in UTC (the reader's local time on hover).
      const due = page.locator('#inject-view .due-line');
      await expect(due.getAttribute('data-due-state')).resolves.toBe('open');
      expect(await due.textContent()).toMatch(
        /^Deadline T\+00:\d\d:\d\d — .* left \(scenario time\) · due at \d\d:\d\d:\d\d UTC$/,
      );
      await expect(due.locator('time').getAttribute('title')).resolves.toMatch(/\(your local time\)$/);

      // At ×60 the countdown runs sixty times faster than the wall clock.
      const text = () => due.locator('.due-text').textContent();
      const first = leftMs(await text());
      const from = Date.now();
      await sleep(2200);
      const second = leftMs(await text());
      const elapsed = Date.now() - from;
      expect(first - second).toBeGreaterThanOrEqual(((elapsed - 1100) * SPEED) / 1.25);
      expect(first - second).toBeLessThanOrEqual((elapsed + 1100) * SPEED);

      // A pause stops it.
      await act(server, exerciseId, 'pause');
      await waitUntil(async () => ((await due.textContent()) ?? '').includes('the clock is paused'), WAIT, 'paused');
      const paused = leftMs(await text());
      await sleep(1500);
      expect(leftMs(await text())).toBe(paused);
      await act(server, exerciseId, 'resume');

      // Past the deadline: an overdue mark in words, in the list and the view, announced once.
      await waitUntil(
        async () => (await due.getAttribute('data-due-state')) === 'overdue',
        paused / SPEED + WAIT,
        'I-01 overdue',
      );
      await expect(item.locator('.due').textContent()).resolves.toBe('Overdue');
      expect(await due.textContent()).toMatch(/^Overdue: the deadline T\+00:\d\d:\d\d passed .* ago/);
      await waitUntil(
        async () => ((await page.locator('#announcer').textContent()) ?? '').includes('I-01 is overdue'),
        WAIT,
        'the overdue announcement',
      );
      await expect(page.locator('#inject-view [aria-live]').count()).resolves.toBe(0); // no live region per tick
      await page.screenshot({ path: `${SCREENS}team.png` });

      // The browser console received it (delivered), nobody pressed "Received": the status says so.
      await waitUntil(async () => (await row('I-01', 'MY'))?.status === 'delivered', WAIT, 'I-01 delivered to MY');
    }, 120_000);

    it('signs in once per browser: a new tab is signed in, and signing out in one tab signs out the other', async () => {
      const second = await open(`${server.url}/team.html?exercise=${exerciseId}`);
      await second.locator('#connection.conn-online').waitFor();
      await expect(second.locator('#who').textContent()).resolves.toContain('Aisyah (MyCERT)');
      await expect(second.getByLabel('Access token', { exact: true }).count()).resolves.toBe(0);

      await second.getByRole('button', { name: 'Sign out' }).click();
      await second.getByLabel('Access token', { exact: true }).waitFor();
      // The first tab follows to the sign-in page on its own.
      await page.waitForURL(/\/index\.html$/);
      await page.getByLabel('Access token', { exact: true }).waitFor();
      type WithStorage = { localStorage: { getItem(k: string): string | null } };
      await expect(
        page.evaluate(() => (globalThis as unknown as WithStorage).localStorage.getItem('drill.token')),
      ).resolves.toBeNull();
    }, 60_000);
  });
});
