import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { wasReleased } from '@drill/contracts';
import { chromiumAvailable, launchChromium } from './support/browser.js';
import { ADMIN_TOKEN, bearer, createTeam, createUser, startServer, type TestServer } from './support/app.js';
import { waitUntil } from './support/drill-client.js';
import { act, createExercise, saveScenario, timeline } from './support/drill.js';

// The web consoles driven as people use them, in Debian's headless Chromium. Injects are released with the
// release-now action (the clock runs in real time, so nothing fires by itself during the test), and every wait is
// on something visible on the page, with generous limits for a loaded two-core machine.

const ARTIFACTS = fileURLToPath(new URL('./artifacts/', import.meta.url));
const WAIT = 20_000;

const SCENARIO = `
id: web-console-drill
title: Web console drill
summary: Small drill for the web console end-to-end tests.
plannedDuration: "+03:00"
objectives:
  - id: OBJ-1
    capability: Operational Communications
    injects: [I-01, I-02]
phases:
  - id: P1
    title: Detection
injects:
  - id: I-01
    offset: "+01:00"
    phase: P1
    title: Hospital group reports ransomware
    body: |
      **Ransomware** at a hospital group. The EDR export is attached.

      - Acknowledge, then send a notification to drill control.
    artefacts:
      - name: edr-alerts.csv
        mediaType: text/csv
        content: |
          time_utc,host,remote
          2026-04-14T20:52:44Z,SPMH-FS02,203.0.113[.]45:443
    targets: all
    severity: high
    tlp: TLP:AMBER
    responseRequired: true
    targetMinutes: 30
    deadlineMinutes: 60
    answerKey:
      iocs:
        - type: ip-dst
          value: "203.0.113[.]45"
          weight: 2
        - type: url
          value: "hxxps://kraitlock-support[.]example/c/SPMH-7f3a9c"
      classification: { class: malicious-code, type: infected-system }
      severity: high
      recipients: [control]
  - id: I-02
    offset: "+02:00"
    phase: P1
    title: Leak site post
    body: The group claims data from the hospital.
    targets: all
    severity: medium
    tlp: TLP:GREEN
    responseRequired: true
    targetMinutes: 30
    deadlineMinutes: 60
`;

const PASTED = [
  'From the hospital SOC, 09:12 local:',
  'beacon to 203.0.113[.]45 every 60 s; ransom portal hxxps://kraitlock-support[.]example/c/SPMH-7f3a9c.',
  'Encryptor SHA-256 ff5ec44a4ba02ec91afdb8b51b8db28640bdfc0130162557bb16749bdeca409e',
].join('\n');

const haveChromium = chromiumAvailable('the web console tests');

(haveChromium ? describe : describe.skip)('web consoles in headless Chromium', () => {
  let server: TestServer;
  let browser: Browser;
  let exerciseId: string;
  let teams: Record<'MY' | 'SG', string>;
  let analyst: { id: string; token: string };
  let evaluator: { id: string; token: string };
  let teamPage: Page;
  let evaluatorPage: Page;
  const contexts: BrowserContext[] = [];
  // A script error on any page fails the test it happened in.
  const pageErrors: string[] = [];

  const shot = (page: Page, name: string, fullPage = false) =>
    page.screenshot({ path: join(ARTIFACTS, `web-${name}.png`), fullPage });

  async function newPage(): Promise<Page> {
    const ctx = await browser.newContext({ viewport: { width: 1366, height: 768 }, acceptDownloads: true });
    contexts.push(ctx);
    const page = await ctx.newPage();
    page.setDefaultTimeout(WAIT);
    page.on('pageerror', (e) => pageErrors.push(`${page.url()}: ${e.message}`));
    return page;
  }

  /** Signs in on the start page with a token and opens the exercise's console through the link a person would use. */
  async function signIn(page: Page, token: string, link: string): Promise<void> {
    await page.goto(`${server.url}/`);
    await page.getByLabel('Access token', { exact: true }).fill(token);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('link', { name: link }).click();
    await page.locator('#connection.conn-online').waitFor();
  }

  const api = (path: string, token = ADMIN_TOKEN) => server.http().get(path).set(bearer(token));

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    server = await startServer();
    teams = { MY: await createTeam(server, 'MY'), SG: await createTeam(server, 'SG') };
    analyst = await createUser(server, 'participant', teams.MY, 'Aisyah (MyCERT)');
    await createUser(server, 'participant', teams.SG, 'Wei (SingCERT)');
    evaluator = await createUser(server, 'evaluator', undefined, 'Eve (evaluator)');
    await saveScenario(server, SCENARIO);
    const ex = await createExercise(server, {
      scenarioId: 'web-console-drill',
      name: 'Web console drill',
      speed: 1,
      teamIds: [teams.MY, teams.SG],
    });
    exerciseId = ex.id;
    await act(server, exerciseId, 'start');
    browser = await launchChromium();
  }, 120_000);

  afterEach(() => {
    expect(pageErrors.splice(0)).toEqual([]);
  });

  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser?.close().catch(() => undefined);
    await server?.close().catch(() => undefined);
  });

  it('serves the consoles without shadowing the API', async () => {
    const page = await server.http().get('/');
    expect(page.status).toBe(200);
    expect(page.text).toContain('<title>Sign in — ACID Drill Orchestrator</title>');
    expect((await server.http().get('/health')).body.status).toBe('ok');
    expect((await server.http().get('/api/me')).status).toBe(401);
    expect((await server.http().get('/socket.io/socket.io.esm.min.js')).status).toBe(200);
  });

  it('team: signs in, receives a live inject, acknowledges it, reports with defanged IOCs and sees the report in the thread', async () => {
    const page = (teamPage = await newPage());
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
    await signIn(page, analyst.token, 'Open team console');
    await expect(page.locator('#team-code').textContent()).resolves.toBe('MY');
    await expect(page.locator('#injects-empty').isVisible()).resolves.toBe(true);
    await shot(page, 'team-signed-in');

    // Drill control releases I-01 while the console is open: it arrives live, marked new and announced.
    const released = await server
      .http()
      .post(`/api/exercises/${exerciseId}/injects/I-01/release`)
      .set(bearer(ADMIN_TOKEN))
      .send({});
    expect(released.body.released).toHaveLength(2);
    const item = page.locator('#inject-list button[data-inject="I-01"]');
    await item.waitFor();
    await expect(item.locator('.unread-mark').textContent()).resolves.toBe('New');
    await waitUntil(
      async () => ((await page.locator('#announcer').textContent()) ?? '').includes('New inject I-01'),
      WAIT,
      'the arrival announcement',
    );
    expect(await page.title()).toMatch(/^\(1\) /);
    await shot(page, 'team-inject-arrived');

    // Reading it clears the mark; the artefact is shown and downloadable.
    await item.click();
    await expect(page.locator('#inject-view h2').textContent()).resolves.toBe(
      'I-01 · Hospital group reports ransomware',
    );
    await expect(item.locator('.unread-mark').count()).resolves.toBe(0);
    await expect(page.locator('#inject-view strong').first().textContent()).resolves.toBe('Ransomware');
    await expect(page.getByLabel('Content of edr-alerts.csv', { exact: true }).textContent()).resolves.toContain(
      '203.0.113[.]45:443',
    );
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download edr-alerts.csv' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe('edr-alerts.csv');

    // "Received" acknowledges it; the server records delivery (the socket ack) and acknowledgement.
    await page.getByRole('button', { name: 'Received' }).click();
    await page.getByText('✓ Received — acknowledged at').waitFor();
    await waitUntil(
      async () => {
        const d = (await timeline(server, exerciseId)).find(
          (e) => e.kind === 'delivery' && e.injectId === 'I-01' && e.teamCode === 'MY',
        );
        return Boolean(d?.deliveredAt && d?.acknowledgedAt);
      },
      WAIT,
      'delivery and acknowledgement of I-01 in the timeline',
    );
    await shot(page, 'team-inject-acknowledged');

    // A half-written report survives a reload (the draft lives in the browser).
    await page.getByRole('button', { name: 'Write a report on this inject' }).click();
    await page.getByLabel('Kind', { exact: true }).selectOption('notification');
    await page
      .getByLabel('Title', { exact: true })
      .fill('KraitLock ransomware at Seri Permata — C2 and portal identified');
    await page
      .getByLabel('Summary', { exact: true })
      .fill('File, PACS and lab servers encrypted overnight; the encryptor beacons to a VPS.');
    await page.locator('input[name=tlp][value="TLP:AMBER"]').check();
    await page.getByLabel('Recipient teams', { exact: true }).fill('SG');
    await page.getByLabel('RSIT class', { exact: true }).selectOption('malicious-code');
    await page.getByLabel('RSIT type', { exact: true }).selectOption('infected-system');
    await page.getByLabel('Severity', { exact: true }).selectOption('high');
    // The draft is saved 250 ms after the last keystroke: wait until the last field is in it.
    // A function, not a string: the console's CSP forbids eval, and Playwright evaluates a string predicate with it.
    await page.waitForFunction(() => {
      const store = (globalThis as unknown as { localStorage: { getItem(k: string): string | null } }).localStorage;
      return Object.keys(store).some(
        (k) => k.startsWith('drill.draft.') && JSON.parse(store.getItem(k)!).severity === 'high',
      );
    });
    await page.reload();
    await page.locator('#connection.conn-online').waitFor();
    await page.getByRole('tab', { name: 'New report' }).click();
    await expect(page.getByLabel('Title', { exact: true }).inputValue()).resolves.toBe(
      'KraitLock ransomware at Seri Permata — C2 and portal identified',
    );
    await expect(page.locator('input[name=tlp][value="TLP:AMBER"]').isChecked()).resolves.toBe(true);
    await expect(page.getByLabel('RSIT type', { exact: true }).inputValue()).resolves.toBe('infected-system');
    await expect(page.locator('#r-inject-options input[value="I-01"]').isChecked()).resolves.toBe(true);
    await expect(page.locator('#draft-state').textContent()).resolves.toContain('Draft restored');

    // Paste-to-parse: defanged text pasted into the box becomes typed indicator rows.
    type WithClipboard = { navigator: { clipboard: { writeText(text: string): Promise<void> } } };
    await page.evaluate((t) => (globalThis as unknown as WithClipboard).navigator.clipboard.writeText(t), PASTED);
    await page.getByLabel('Paste text containing indicators', { exact: true }).focus();
    await page.keyboard.press('Control+V');
    await page.locator('#r-iocs tr').nth(2).waitFor();
    await expect(page.locator('#r-extract-result').textContent()).resolves.toBe('Found 3 indicators; added 3.');
    const values = await Promise.all((await page.locator('#r-iocs input.mono').all()).map((l) => l.inputValue()));
    expect(values).toEqual([
      '203.0.113[.]45',
      'hxxps://kraitlock-support[.]example/c/SPMH-7f3a9c',
      'ff5ec44a4ba02ec91afdb8b51b8db28640bdfc0130162557bb16749bdeca409e',
    ]);
    const types = await Promise.all((await page.locator('#r-iocs select').all()).map((l) => l.inputValue()));
    expect(types).toEqual(['ip-dst', 'url', 'sha256']);
    await expect(page.locator('#r-iocs .ioc-norm').first().textContent()).resolves.toBe('→ 203[.]0[.]113[.]45');

    await page.getByRole('button', { name: 'Add action' }).click();
    await page
      .getByLabel('What was done', { exact: true })
      .fill('Advised isolating the encrypted servers and preserving memory images');
    await shot(page, 'team-report-form', true);

    await page.getByRole('button', { name: 'Send report' }).click();
    await page
      .getByRole('tab', { name: /Shared reports/ })
      .and(page.locator('[aria-selected=true]'))
      .waitFor();
    const thread = page.locator('#threads article.thread', { hasText: 'KraitLock ransomware at Seri Permata' });
    await thread.waitFor();
    await expect(thread.locator('.report-head .title').textContent()).resolves.toBe(
      'KraitLock ransomware at Seri Permata — C2 and portal identified',
    );
    const shown = await thread.locator('table.data tbody td.mono').allTextContents();
    expect(shown).toEqual([
      '203[.]0[.]113[.]45',
      'hxxps://kraitlock-support[.]example/c/SPMH-7f3a9c',
      'ff5ec44a4ba02ec91afdb8b51b8db28640bdfc0130162557bb16749bdeca409e',
    ]);
    await expect(thread.textContent()).resolves.toContain('RSIT malicious-code/infected-system');
    await shot(page, 'team-thread');

    // The server stored the indicators normalised, keeping what the analyst pasted; the draft is gone.
    const reports = (await api(`/api/exercises/${exerciseId}/ism/reports`, analyst.token)).body as {
      title: string;
      tlp: string;
      injectIds: string[];
      recipients: unknown;
      iocs: { type: string; value: string; original: string }[];
    }[];
    expect(reports).toHaveLength(1);
    expect(reports[0]).toMatchObject({
      tlp: 'TLP:AMBER',
      injectIds: ['I-01'],
      recipients: { teams: ['SG'], users: [] },
    });
    expect(reports[0]!.iocs.map((i) => [i.type, i.value, i.original])).toEqual([
      ['ip-dst', '203.0.113.45', '203.0.113[.]45'],
      ['url', 'https://kraitlock-support.example/c/SPMH-7f3a9c', 'hxxps://kraitlock-support[.]example/c/SPMH-7f3a9c'],
      [
        'sha256',
        'ff5ec44a4ba02ec91afdb8b51b8db28640bdfc0130162557bb16749bdeca409e',
        'ff5ec44a4ba02ec91afdb8b51b8db28640bdfc0130162557bb16749bdeca409e',
      ],
    ]);
    await page.getByRole('tab', { name: 'New report' }).click();
    await expect(page.getByLabel('Title', { exact: true }).inputValue()).resolves.toBe('');
    await expect(page.locator('#r-inject-options input[value="I-01"]').isChecked()).resolves.toBe(false);
    await expect(page.locator('#r-iocs tr').count()).resolves.toBe(0);
  }, 180_000);

  it('controller: sees the board, pauses and resumes, and releases an inject to one team', async () => {
    const page = await newPage();
    await signIn(page, ADMIN_TOKEN, 'Open control board');
    const cell = (team: string, inject: string) =>
      page.locator(`#board button.cell[data-team="${team}"][data-inject="${inject}"]`);
    await waitUntil(
      async () => (await cell('MY', 'I-01').getAttribute('data-state')) === 'reported',
      WAIT,
      'MY × I-01 reported on the board',
    );
    await expect(cell('SG', 'I-01').getAttribute('data-state')).resolves.toBe('released'); // no SG console open: not delivered…
    await expect(cell('MY', 'I-02').getAttribute('data-state')).resolves.toBe('scheduled');
    // …and the MY console is still open, which the presence column counts.
    await waitUntil(
      async () => ((await page.locator(`#presence-${teams.MY}`).textContent()) ?? '').includes('1'),
      WAIT,
      'MY online',
    );
    await expect(page.locator(`#presence-${teams.SG}`).textContent()).resolves.toContain('0');
    const presence = (await api(`/api/exercises/${exerciseId}/presence`)).body;
    expect(presence.teams.map((t: { code: string; connected: number }) => [t.code, t.connected])).toEqual([
      ['MY', 1],
      ['SG', 0],
    ]);
    expect(presence.control).toBe(1); // this board
    expect((await api(`/api/exercises/${exerciseId}/presence`, analyst.token)).status).toBe(403);
    await expect(page.locator('#feed li', { hasText: 'KraitLock ransomware at Seri Permata' }).count()).resolves.toBe(
      1,
    );
    await shot(page, 'control-board');

    await page.getByRole('button', { name: 'Pause' }).click();
    await page.locator('#status .status-paused').waitFor();
    expect((await api(`/api/exercises/${exerciseId}`)).body.status).toBe('paused');
    await teamPage.locator('#status .status-paused').waitFor(); // the team console hears it too
    await shot(page, 'control-paused');
    await page.getByRole('button', { name: 'Resume' }).click();
    await page.locator('#status .status-running').waitFor();
    expect((await api(`/api/exercises/${exerciseId}`)).body.status).toBe('running');

    // Release I-02 now, to MY only, from its cell.
    await cell('MY', 'I-02').click();
    await page.getByRole('button', { name: 'Release now to MY' }).click();
    await waitUntil(
      async () =>
        ['delivered', 'acknowledged', 'reported'].includes((await cell('MY', 'I-02').getAttribute('data-state')) ?? ''),
      WAIT,
      'MY × I-02 delivered on the board',
    );
    await expect(cell('SG', 'I-02').getAttribute('data-state')).resolves.toBe('scheduled');
    await teamPage.locator('#inject-list button[data-inject="I-02"]').waitFor();
    const entries = await timeline(server, exerciseId);
    const i02 = (code: string) =>
      entries.find((e) => e.kind === 'delivery' && e.injectId === 'I-02' && e.teamCode === code);
    expect(i02('MY')).toMatchObject({ releasedBy: 'controller' });
    expect(wasReleased(i02('MY').status)).toBe(true); // released, and delivered once the open MY console has it
    expect(i02('SG')).toMatchObject({ status: 'scheduled', releasedAt: null });
    await shot(page, 'control-released');
  }, 180_000);

  it('evaluator: reads the scorecard with its explanation and overrides a score with a justification', async () => {
    const page = await newPage();
    await signIn(page, evaluator.token, 'Open review');
    await page.locator('#team-buttons button[data-team="MY"]').click();
    const card = page.locator('details[data-score="MY-I-01"]');
    await card.locator('summary').click();
    await expect(card.locator('.explain').textContent()).resolves.toContain('matched 2/2 expected IOCs');
    await card.getByLabel('Completeness C (0–1)', { exact: true }).fill('0.9');
    await card
      .getByLabel('Justification', { exact: true })
      .fill('Containment advice was sound and given by phone; the report omitted it.');
    await card.getByRole('button', { name: 'Save override' }).click();
    await page.locator('details[data-score="MY-I-01"] .override-note').waitFor();
    await expect(page.locator('details[data-score="MY-I-01"] .override-note').textContent()).resolves.toContain(
      'Containment advice was sound',
    );
    await expect(page.locator('details[data-score="MY-I-01"] summary').textContent()).resolves.toContain('C 0.90');

    const cards = (await api(`/api/exercises/${exerciseId}/scorecards/${teams.MY}`, evaluator.token)).body;
    const s = cards.teams[0].injects.find((i: { injectId: string }) => i.injectId === 'I-01');
    expect(s.override).toMatchObject({
      completeness: 0.9,
      justification: 'Containment advice was sound and given by phone; the report omitted it.',
      by: evaluator.id,
    });
    expect(s.final.completeness).toBe(0.9);

    // An objective rating with its justification.
    const obj = page.locator('details[data-objective="OBJ-1"]');
    await obj.locator('summary').click();
    await obj.getByLabel('Rating', { exact: true }).selectOption('S');
    await obj.getByLabel('Justification', { exact: true }).fill('Early warning on time; sharing with SG was late.');
    await obj.getByRole('button', { name: 'Save rating' }).click();
    await page.locator('details[data-objective="OBJ-1"] summary .rating', { hasText: 'S' }).waitFor();
    const objectives = (await api(`/api/exercises/${exerciseId}/scorecards`, evaluator.token)).body.objectives;
    expect(objectives.find((o: { objectiveId: string }) => o.objectiveId === 'OBJ-1')).toMatchObject({
      rating: 'S',
      override: { rating: 'S' },
    });
    await shot(page, 'evaluator-override', true);
    evaluatorPage = page;
  }, 180_000);

  it('evaluator: records a note and an improvement-plan item, previews the AAR and publishes it once the exercise is over', async () => {
    const page = evaluatorPage;
    const aar = page.locator('#aar');
    await aar.locator('#note-objective').selectOption('OBJ-1');
    await aar.getByRole('radio', { name: 'Area for improvement' }).check();
    await aar.getByLabel('Note', { exact: true }).fill('SG was told about the C2 only after 40 minutes.');
    await aar.getByRole('button', { name: 'Add note' }).click();
    await aar.locator('#aar-notes li', { hasText: 'SG was told about the C2 only after 40 minutes.' }).waitFor();

    await aar.locator('#plan-objective').selectOption('OBJ-1');
    await aar.getByLabel('Issue / area for improvement').fill('Indicators reach neighbouring teams late');
    await aar
      .getByLabel('Corrective action')
      .fill('Share C2 indicators with hosting countries within 15 minutes, at TLP:AMBER');
    await aar.getByLabel('Capability element').selectOption('planning');
    await aar.getByLabel('Responsible team').selectOption({ label: 'MY' });
    await aar.getByLabel('Due date').fill('2027-03-31');
    await aar.getByRole('button', { name: 'Add item' }).click();
    await aar.locator('#aar-plan tbody tr', { hasText: 'Indicators reach neighbouring teams late' }).waitFor();

    // The preview is the server's HTML report, which now carries the note.
    await aar.getByRole('button', { name: 'Refresh preview' }).click();
    await waitUntil(
      async () =>
        ((await page.frameLocator('#aar-frame').locator('body').textContent()) ?? '').includes(
          'SG was told about the C2 only after 40 minutes.',
        ),
      WAIT,
      'the note in the AAR preview',
    );

    // Publishing opens when the exercise ends.
    await expect(aar.getByRole('button', { name: 'Publish…' }).isDisabled()).resolves.toBe(true);
    await act(server, exerciseId, 'complete');
    await waitUntil(
      () => aar.getByRole('button', { name: 'Publish…' }).isEnabled(),
      WAIT,
      'publish enabled after completion',
    );
    await aar.getByRole('button', { name: 'Publish…' }).click();
    await aar.getByRole('button', { name: 'Yes, publish' }).click();
    await aar.locator('#aar-state', { hasText: 'Published by Eve (evaluator)' }).waitFor();
    const ws = (await api(`/api/exercises/${exerciseId}/aar`, evaluator.token)).body;
    expect(ws.state).toMatchObject({ status: 'published', publishedBy: 'Eve (evaluator)' });
    expect(
      ws.notes.map((n: { objectiveId: string; kind: string; text: string }) => [n.objectiveId, n.kind, n.text]),
    ).toEqual([['OBJ-1', 'improvement', 'SG was told about the C2 only after 40 minutes.']]);
    expect(ws.plan).toHaveLength(1);
    expect(ws.plan[0]).toMatchObject({
      objectiveId: 'OBJ-1',
      capability: 'Operational Communications',
      capabilityElement: 'planning',
      responsibleTeamId: teams.MY,
      dueDate: '2027-03-31',
    });
    await expect(aar.getByRole('button', { name: 'Add note' }).count()).resolves.toBe(0); // frozen
    await shot(page, 'evaluator-aar', true);
    await page.locator('#aar-frame').scrollIntoViewIfNeeded();
    await page.locator('#aar-frame').screenshot({ path: join(ARTIFACTS, 'web-evaluator-aar-preview.png') });
  }, 180_000);
});
