import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { chromiumAvailable, launchChromium } from './support/browser.js';
import { ADMIN_TOKEN, bearer, createTeam, createUser, startServer, type TestServer } from './support/app.js';
import { waitUntil } from './support/drill-client.js';
import { act, createExercise, saveScenario } from './support/drill.js';

// Requests for assistance in the browser consoles, against the real server: MY asks SG for a takedown from its team
// console, SG sees it arrive live and accepts then fulfils it, MY sees each answer live, and the control board
// lists it with its times against the targets and SG's cooperation score; SG also asks drill control, and a
// controller answers from the board. At ×10, so the 30-minute answer target is three wall minutes away: every
// answer here is well within it, however loaded the machine.

const SCREENS = fileURLToPath(new URL('./artifacts/screens/', import.meta.url));
const WAIT = 20_000;

const SCENARIO = `
id: assistance-web-drill
title: Assistance drill
summary: Requests for assistance between two national CERTs.
plannedDuration: "+08:00"
objectives:
  - id: OBJ-1
    capability: Operational Coordination
    injects: [I-01]
phases:
  - id: P1
    title: Detection
injects:
  - id: I-01
    offset: "+05:00"
    phase: P1
    title: Phishing kit imitating a Malaysian bank, hosted in Singapore
    body: Customers of a Malaysian bank receive SMS with a link to a look-alike login page hosted in Singapore.
    targets: all
    severity: high
    tlp: TLP:AMBER
    responseRequired: true
    deadlineMinutes: 60
  - id: I-02
    offset: "+06:00"
    phase: P1
    title: JPCERT/CC asks for the suspension of a C2 domain
    from: "JPCERT/CC (simulated)"
    body: JPCERT/CC asks SG to have the registrar suspend the C2 domain of an SMS stealer.
    targets: all
    severity: high
    tlp: TLP:AMBER
    assistance:
      kind: takedown
      text: Please ask the registrar to suspend govpay-sync[.]example (clientHold).
      iocs:
        - { type: domain, value: "govpay-sync[.]example" }
      expect:
        status: fulfilled
        respondMinutes: 20
        fulfilMinutes: 60
        mentions: [suspend, clienthold]
`;

(chromiumAvailable('the assistance browser tests') ? describe : describe.skip)(
  'requests for assistance in the consoles (headless Chromium)',
  () => {
    let server: TestServer;
    let exerciseId: string;
    let browser: Browser;
    let aisyah: { id: string; token: string };
    let wei: { id: string; token: string };
    let sgTeam: string;
    let carla: { id: string; token: string };
    const pageErrors: string[] = [];

    /** Signs in in a browser context of its own (one sign-in per browser) and opens the console its link names. */
    async function open(token: string, link: string): Promise<Page> {
      const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
      const page = await context.newPage();
      page.setDefaultTimeout(WAIT);
      page.on('pageerror', (e) => pageErrors.push(`${page.url()}: ${e.message}`));
      await page.goto(`${server.url}/`);
      await page.getByLabel('Access token', { exact: true }).fill(token);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('link', { name: link }).click();
      await page.locator('#connection.conn-online').waitFor();
      return page;
    }

    type WithAnimations = { document: { getAnimations(): unknown[] } };
    /** Waits for the flash of a live change to end, so a screenshot shows the page at rest. */
    const settle = (page: Page) =>
      page.waitForFunction(() => (globalThis as unknown as WithAnimations).document.getAnimations().length === 0);

    beforeAll(async () => {
      mkdirSync(SCREENS, { recursive: true });
      server = await startServer();
      const my = await createTeam(server, 'MY');
      const sg = (sgTeam = await createTeam(server, 'SG'));
      aisyah = await createUser(server, 'participant', my, 'Aisyah (MyCERT)');
      wei = await createUser(server, 'participant', sg, 'Wei (SingCERT)');
      carla = await createUser(server, 'controller', undefined, 'Carla (drill control)');
      await saveScenario(server, SCENARIO);
      const ex = await createExercise(server, {
        scenarioId: 'assistance-web-drill',
        name: 'Assistance drill',
        speed: 10,
        teamIds: [my, sg],
      });
      exerciseId = ex.id;
      await act(server, exerciseId, 'start');
      const released = await server
        .http()
        .post(`/api/exercises/${exerciseId}/injects/I-01/release`)
        .set(bearer(ADMIN_TOKEN))
        .send({ teamIds: [my, sg] });
      expect(released.status).toBe(200);
      browser = await launchChromium();
    }, 60_000);

    afterEach(() => {
      expect(pageErrors.splice(0)).toEqual([]);
    });

    afterAll(async () => {
      await browser?.close().catch(() => undefined);
      await server?.close().catch(() => undefined);
    });

    it('MY asks SG for a takedown, SG accepts and fulfils it live, and the board shows it with its times', async () => {
      const a = await open(aisyah.token, 'Open team console');
      const b = await open(wei.token, 'Open team console');
      const board = await open(carla.token, 'Open control board');
      await board.locator('#assistance-summary:text-is("No request yet.")').waitFor();

      // MY's form: what is plainly missing is said at the field before anything is sent.
      await a.getByRole('tab', { name: /Assistance/ }).click();
      await a.locator('#rfa-send').click();
      await expect(a.locator('#rfa-to').getAttribute('aria-invalid')).resolves.toBe('true');
      await expect(a.locator('#rfa-to-error').textContent()).resolves.toBe('Choose a team or drill control to ask.');
      await expect(a.locator('#rfa-text').getAttribute('aria-invalid')).resolves.toBe('true');

      // SG is picked by its name from the directory; MY itself is not offered.
      const recipients = await a.locator('#rfa-to option').allTextContents();
      expect(recipients).toContain('SG CERT (SG)');
      expect(recipients).toContain('Drill control');
      expect(recipients.some((t) => t.includes('(MY)'))).toBe(false);
      await a.locator('#rfa-to').selectOption({ label: 'SG CERT (SG)' });
      await a.locator('#rfa-kind').selectOption({ label: 'Takedown' });
      await a.locator('#rfa-inject').selectOption('I-01');
      await a
        .locator('#rfa-text')
        .fill('Please have the hosting provider take down the phishing kit imitating our bank.');
      await a.locator('#rfa-ioc-type').selectOption('ip-dst');
      await a.locator('#rfa-iocs').fill('url hxxps://bank-login[.]example/verify\n203.0.113.7');

      // The server's refusal lands at the field it names: a label looser than the inject's (AMBER) is refused.
      await a.locator('#rfa-tlp').selectOption('TLP:GREEN');
      await a.locator('#rfa-send').click();
      await a.locator('#rfa-tlp-error').waitFor();
      await expect(a.locator('#rfa-tlp').getAttribute('aria-invalid')).resolves.toBe('true');
      await expect(a.locator('#rfa-tlp-error').textContent()).resolves.toMatch(/TLP:AMBER/);

      await a.locator('#rfa-tlp').selectOption('TLP:AMBER');
      await a.locator('#rfa-send').click();
      const sent = a.locator('article.rfa[data-side=sent]');
      await sent.waitFor();
      await expect(a.locator('#rfa-tlp').getAttribute('aria-invalid')).resolves.toBeNull();
      await expect(sent.getAttribute('data-status')).resolves.toBe('open');
      await expect(sent.locator('.rfa-parties').textContent()).resolves.toBe('MY CERT (MY) → SG CERT (SG)');
      await expect(sent.locator('[data-rfa-due=answer]').textContent()).resolves.toMatch(
        /^answer due by T\+\d\d:\d\d:\d\d \(\d+ min( \d\d s)? left\)$/,
      );

      // SG, on its inject tab, gets it live: a count on the tab, an announcement, and the card once it looks.
      const tab = b.getByRole('tab', { name: /Assistance/ });
      await b.locator('#assistance-count.rfa-new').waitFor();
      await expect(b.locator('#assistance-count').textContent()).resolves.toBe('1 new');
      await waitUntil(
        async () => ((await b.locator('#announcer').textContent()) ?? '').includes('Request for assistance from MY'),
        WAIT,
        'the announcement on SG',
      );
      await tab.click();
      await waitUntil(
        async () => (await b.locator('#assistance-count').textContent()) === '1 open',
        WAIT,
        'the new count cleared on looking',
      );
      const asked = b.locator('article.rfa[data-side=asked]');
      await expect(asked.locator('.rfa-meta').textContent()).resolves.toMatch(
        /^Asked of your team at T\+\d\d:\d\d:\d\d \(\d\d:\d\d:\d\d UTC\) by Aisyah \(MyCERT\) · about inject I-01/,
      );
      // The indicators as the server normalised them, shown defanged.
      await expect(asked.locator('.rfa-iocs li').allTextContents()).resolves.toEqual([
        'URL: hxxps://bank-login[.]example/verify',
        'IP (destination): 203[.]0[.]113[.]7',
      ]);
      await expect(asked.locator('button[data-answer]').allTextContents()).resolves.toEqual([
        'Accept',
        'Decline',
        'Fulfilled',
      ]);

      // An answer needs a text.
      await asked.getByRole('button', { name: 'Accept' }).click();
      await expect(asked.locator('textarea').getAttribute('aria-invalid')).resolves.toBe('true');
      await asked.getByLabel('Your answer').fill('Accepted: we have contacted the hosting provider.');
      await asked.getByRole('button', { name: 'Accept' }).click();
      await b.locator('article.rfa[data-side=asked][data-status=accepted]').waitFor();
      await expect(asked.locator('button[data-answer]').allTextContents()).resolves.toEqual(['Fulfilled', 'Decline']);

      // MY sees the answer live, and now a fulfilment due.
      await a.locator('article.rfa[data-side=sent][data-status=accepted]').waitFor();
      await expect(sent.locator('.rfa-responses li').first().textContent()).resolves.toMatch(
        /^Accepted by Wei \(SingCERT\) at T\+\d\d:\d\d:\d\d \(\d\d:\d\d:\d\d UTC\), after .*: Accepted: we have contacted the hosting provider\.$/,
      );
      await expect(sent.locator('[data-rfa-due=answer]').textContent()).resolves.toMatch(
        /^answered after .* \(target 30 min\)$/,
      );
      await expect(sent.locator('[data-rfa-due=fulfil]').textContent()).resolves.toMatch(
        /^fulfil due by T\+\d\d:\d\d:\d\d \(\d+ h \d\d min left\)$/,
      );

      await asked.getByLabel('Your answer').fill('Done: the provider suspended the site at 10:42 UTC.');
      await asked.getByRole('button', { name: 'Fulfilled' }).click();
      await b.locator('article.rfa[data-side=asked][data-status=fulfilled]').waitFor();
      await expect(asked.locator('form.rfa-answer').count()).resolves.toBe(0); // fulfilled is final

      await a.locator('article.rfa[data-side=sent][data-status=fulfilled]').waitFor();
      await expect(sent.locator('.rfa-responses li').count()).resolves.toBe(2);
      await expect(sent.locator('[data-rfa-due=fulfil]').textContent()).resolves.toMatch(
        /^fulfilled after .* \(target 2 h 00 min\)$/,
      );
      await settle(a);
      await a.screenshot({ path: `${SCREENS}team-assistance.png` });

      // The board got the request and both answers live, with the times against the targets.
      const row = board.locator('#assistance-body tr[data-rfa]');
      await board.locator('#assistance-body tr[data-rfa][data-status=fulfilled]').waitFor();
      await expect(row.count()).resolves.toBe(1);
      await expect(row.locator('td').nth(1).locator('strong').allTextContents()).resolves.toEqual([
        'MY CERT (MY)',
        'SG CERT (SG)',
      ]);
      // Both within their targets: the time each took, and the target (a late one would say so).
      await expect(row.locator('.rfa-first').textContent()).resolves.toMatch(/^\d+ (s|min)[^,]* \(target 30 min\)$/);
      await expect(row.locator('.rfa-fulfil').textContent()).resolves.toMatch(
        /^\d+ (s|min)[^,]* \(target 2 h 00 min\)$/,
      );
      await expect(board.locator('#assistance-summary').textContent()).resolves.toBe('1 request · 0 not final');
      // SG's cooperation score arrives with the scorecards read again after the answers.
      const sgScore = board.locator('details.coop-chip[data-coop-team=SG] summary');
      await waitUntil(async () => /^SG \d+%$/.test((await sgScore.textContent()) ?? ''), WAIT, "SG's cooperation");
      // MY was asked nothing: no score beside SG's, and its score cell says why on hover.
      await expect(board.locator('details.coop-chip[data-coop-team=MY]').count()).resolves.toBe(0);
      await expect(board.locator('#board tr[data-team=MY] td.score').getAttribute('title')).resolves.toMatch(
        /^Cooperation —: /,
      );
      await sgScore.click();
      await expect(
        board.locator('details.coop-chip[data-coop-team=SG] .cooperation-block').textContent(),
      ).resolves.toContain('asked 1, answered 1, fulfilled 1');
      await sgScore.click(); // closed again, so the screenshot shows the list
      await settle(board);
      await board.screenshot({ path: `${SCREENS}board-assistance.png` });

      // SG asks drill control; a controller answers it from the board, and SG sees the refusal live.
      await b.locator('#rfa-to').selectOption({ label: 'Drill control' });
      await b.locator('#rfa-kind').selectOption('log-check');
      await b.locator('#rfa-text').fill('Can drill control check the registrar logs for bank-login.example?');
      await b.locator('#rfa-send').click();
      const toControl = board.locator('#assistance-body tr[data-rfa][data-status=open]');
      await toControl.waitFor();
      await toControl.getByRole('button', { name: 'Answer…' }).click();
      const form = board.locator('#assistance-body form.rfa-answer');
      await form.getByLabel('Your answer').fill('Declined: the registrar is outside this drill.');
      await form.getByRole('button', { name: 'Decline' }).click();
      await board.locator('#assistance-body tr[data-rfa][data-status=declined]').waitFor();
      await b.locator('article.rfa[data-side=sent][data-status=declined]').waitFor();
      await expect(b.locator('article.rfa[data-side=sent] .rfa-parties').textContent()).resolves.toBe(
        'SG CERT (SG) → Drill control',
      );

      // A request scripted in the scenario arrives with its inject, from the CERT drill control plays, held to the
      // inject's own answer target (20 minutes).
      const released = await server
        .http()
        .post(`/api/exercises/${exerciseId}/injects/I-02/release`)
        .set(bearer(ADMIN_TOKEN))
        .send({ teamIds: [sgTeam] });
      expect(released.status).toBe(200);
      const scripted = b.locator('article.rfa[data-side=asked][data-status=open]');
      await scripted.waitFor();
      await expect(scripted.locator('.rfa-parties').textContent()).resolves.toBe(
        'JPCERT/CC (simulated) → SG CERT (SG)',
      );
      await expect(scripted.locator('.badge.tag').textContent()).resolves.toBe('scripted');
      await expect(scripted.locator('.rfa-meta').textContent()).resolves.toMatch(/about inject I-02/);
      await expect(scripted.locator('[data-rfa-due=answer]').textContent()).resolves.toMatch(
        /^answer due by T\+\d\d:\d\d:\d\d \(\d+ min( \d\d s)? left\)$/,
      );
      const due = /due by T\+(\d\d):(\d\d):(\d\d)/.exec(
        (await scripted.locator('[data-rfa-due=answer]').textContent())!,
      )!;
      const askedAt = /at T\+(\d\d):(\d\d):(\d\d)/.exec((await scripted.locator('.rfa-meta').textContent())!)!;
      const seconds = (m: RegExpExecArray) => (Number(m[1]) * 60 + Number(m[2])) * 60 + Number(m[3]);
      expect(seconds(due) - seconds(askedAt)).toBe(20 * 60);
      await expect(scripted.locator('button[data-answer]').count()).resolves.toBe(3);
    }, 180_000);
  },
);
