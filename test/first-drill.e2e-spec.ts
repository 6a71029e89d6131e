import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { chromiumAvailable, launchChromium } from './support/browser.js';
import { ADMIN_TOKEN, bearer, startServer, type TestServer } from './support/app.js';
import { waitUntil } from './support/drill-client.js';
import { timeline } from './support/drill.js';

// Issue 18's done-when: a drill office's first drill with nothing but the browser. Drill control signs in with the
// first controller's token and sets up teams, users (copying each token from the page), a scenario and an exercise;
// runs it with a team analyst in a second browser; completes it; and an evaluator in a third marks, publishes and
// downloads the PDF AAR. Every step goes through the pages; the API is only read, to check what the pages did.
// Each page is photographed at 1440×900 under test/artifacts/screens/first-drill-<step>.png.

const SCREENS = fileURLToPath(new URL('./artifacts/screens/', import.meta.url));
const VIEWPORT = { width: 1440, height: 900 };
const WAIT = 20_000;
const SPEED = 60;

// At ×60 the first inject goes out 5 s after the start and its 60-minute deadline lasts a minute: time enough to
// acknowledge and report through the form, short enough for a test.
const SCENARIO = `id: first-drill
title: First drill
summary: Ransomware at a hospital group, for a drill office's first run.
plannedDuration: "+01:00"
objectives:
  - id: OBJ-1
    capability: Operational Communications
    injects: [I-01]
phases:
  - id: P1
    title: Detection
injects:
  - id: I-01
    offset: "+00:05"
    phase: P1
    title: Hospital group reports ransomware
    from: Seri Permata Hospital SOC (simulated)
    body: |
      **Ransomware** on the file servers of a hospital group. Acknowledge, then notify drill control.
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
      classification: { class: malicious-code, type: infected-system }
      recipients: [control]
  - id: I-02
    offset: "+00:10"
    phase: P1
    title: Leak site post
    body: The group claims data from the hospital.
    targets: all
    severity: medium
    tlp: TLP:GREEN
    responseRequired: false
`;

const haveChromium = chromiumAvailable('the first drill from the browser alone');

(haveChromium ? describe : describe.skip)('a first drill from the browser alone, at 1440×900', () => {
  let server: TestServer;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  const pageErrors: string[] = [];
  let control: Page;
  let exerciseId = '';
  const tokens: { analyst?: string; evaluator?: string } = {};

  const api = (path: string, token = ADMIN_TOKEN) => server.http().get(path).set(bearer(token));
  const shot = (page: Page, step: string) => page.screenshot({ path: join(SCREENS, `first-drill-${step}.png`) });

  async function newPage(): Promise<Page> {
    const ctx = await browser.newContext({ viewport: VIEWPORT, acceptDownloads: true });
    await ctx.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
    contexts.push(ctx);
    const page = await ctx.newPage();
    page.setDefaultTimeout(WAIT);
    page.on('pageerror', (e) => pageErrors.push(`${page.url()}: ${e.message}`));
    return page;
  }

  async function signIn(page: Page, token: string): Promise<void> {
    await page.goto(`${server.url}/`);
    await page.getByLabel('Access token', { exact: true }).fill(token);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.locator('#exercises-panel').waitFor();
  }

  /** Goes to a setup page through the setup navigation, as drill control would, and waits for its script. */
  async function openSetup(page: Page, link: string): Promise<void> {
    await page.getByRole('navigation', { name: 'Setup' }).getByRole('link', { name: link, exact: true }).click();
    await page.locator('#setup-nav a[aria-current=page]', { hasText: link }).waitFor();
  }

  /** The token the Users page shows once, taken the way a person takes it: "Copy", then from the clipboard. */
  async function copyShownToken(page: Page, name: string): Promise<string> {
    await page.locator('#token-box').waitFor();
    await expect(page.locator('#token-title').textContent()).resolves.toBe(`New token for ${name}`);
    await page.getByRole('button', { name: 'Copy', exact: true }).click();
    await page.locator('#copy-state', { hasText: 'Copied to the clipboard.' }).waitFor();
    type WithClipboard = { navigator: { clipboard: { readText(): Promise<string> } } };
    const copied = await page.evaluate(() => (globalThis as unknown as WithClipboard).navigator.clipboard.readText());
    expect(copied).toMatch(/^drl_/);
    return copied;
  }

  beforeAll(async () => {
    mkdirSync(SCREENS, { recursive: true });
    server = await startServer();
    browser = await launchChromium();
  }, 60_000);

  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser?.close().catch(() => undefined);
    await server?.close().catch(() => undefined);
  });

  it('sets up, runs and reports a drill through the pages alone', async () => {
    // 1. The first controller signs in; an empty office is told where to start.
    control = await newPage();
    await signIn(control, ADMIN_TOKEN);
    await control.locator('#exercise-list .first-steps').waitFor();
    await shot(control, '01-sign-in');

    // 2a. Two teams on the Teams page.
    await control.locator('#exercise-list .first-steps').getByRole('link', { name: 'Teams' }).click();
    await control.locator('#setup-nav a[aria-current=page]', { hasText: 'Teams' }).waitFor();
    for (const [code, name, country] of [
      ['MY', 'MyCERT', 'Malaysia'],
      ['SG', 'SingCERT', 'Singapore'],
    ] as const) {
      await control.getByLabel('Code', { exact: true }).fill(code);
      await control.locator('#t-name').fill(name);
      await control.getByLabel('Country', { exact: true }).fill(country);
      await control.getByLabel('Tags', { exact: true }).fill('asean');
      await control.getByRole('button', { name: 'Create team' }).click();
      await control.locator(`tr[data-team="${code}"]`).waitFor();
    }
    await shot(control, '02-teams');
    const teams = (await api('/api/teams').expect(200)).body as { id: string; code: string; name: string }[];
    expect(teams.map((t) => [t.code, t.name]).sort()).toEqual([
      ['MY', 'MyCERT'],
      ['SG', 'SingCERT'],
    ]);
    const teamId = (code: string) => teams.find((t) => t.code === code)!.id;

    // 2b. A participant of MyCERT and an evaluator on the Users page, each token copied from the page.
    await openSetup(control, 'Users');
    await control.getByLabel('Name', { exact: true }).fill('Aisyah (MyCERT)');
    await control.getByLabel('Role', { exact: true }).selectOption('participant');
    await control.getByLabel('Team', { exact: true }).selectOption({ label: 'MY — MyCERT' });
    await control.getByRole('button', { name: 'Create user' }).click();
    tokens.analyst = await copyShownToken(control, 'Aisyah (MyCERT)');
    await shot(control, '03-users-token');
    await control.getByRole('button', { name: 'Done, hide the token' }).click();
    await control.locator('#token-box').waitFor({ state: 'hidden' });

    await control.getByLabel('Name', { exact: true }).fill('Eve (evaluator)');
    await control.getByLabel('Role', { exact: true }).selectOption('evaluator');
    await control.getByRole('button', { name: 'Create user' }).click();
    tokens.evaluator = await copyShownToken(control, 'Eve (evaluator)');
    expect(tokens.evaluator).not.toBe(tokens.analyst);
    await control.getByRole('button', { name: 'Done, hide the token' }).click();
    await control.locator('tr[data-user]', { hasText: 'Eve (evaluator)' }).waitFor();
    await shot(control, '04-users');
    expect((await api('/api/me', tokens.analyst).expect(200)).body).toMatchObject({
      name: 'Aisyah (MyCERT)',
      role: 'participant',
    });
    expect((await api('/api/me', tokens.evaluator).expect(200)).body).toMatchObject({
      name: 'Eve (evaluator)',
      role: 'evaluator',
    });

    // 3. The scenario uploaded as a YAML file, checked on upload, saved.
    await openSetup(control, 'Scenarios');
    await control.getByLabel('Scenario file').setInputFiles({
      name: 'first-drill.yaml',
      mimeType: 'application/yaml',
      buffer: Buffer.from(SCENARIO),
    });
    await control.locator('#validation .ok-box', { hasText: 'passes the check' }).waitFor();
    await control.getByRole('button', { name: 'Save as new version' }).click();
    await control.getByText('Saved “First drill” as first-drill version 1 (2 injects).').waitFor();
    await control.locator('#preview article.inject-preview').nth(1).waitFor();
    await shot(control, '05-scenarios');
    expect((await api('/api/scenarios').expect(200)).body).toEqual([
      expect.objectContaining({ id: 'first-drill', latestVersion: 1, injects: 2 }),
    ]);

    // 4. The exercise on the New exercise page: both teams, ×60.
    await openSetup(control, 'New exercise');
    await control.getByLabel('Scenario', { exact: true }).selectOption('first-drill');
    await control.getByText('2 injects over 1 h 00 of scenario time').waitFor();
    await control.getByLabel('Name', { exact: true }).fill('ACID first drill');
    await control.locator('#team-list').getByLabel('MY — MyCERT').check();
    await control.locator('#team-list').getByLabel('SG — SingCERT').check();
    await expect(control.locator('#teams-count').textContent()).resolves.toBe('2 of 2 teams enrolled');
    await control.getByLabel('Speed', { exact: true }).fill(String(SPEED));
    await shot(control, '06-new-exercise');
    await control.getByRole('button', { name: 'Create exercise' }).click();
    await control.getByRole('heading', { name: 'Exercise “ACID first drill” created' }).waitFor();
    await shot(control, '07-exercise-created');
    await control.getByRole('link', { name: 'Open control board' }).click();
    await control.waitForURL(/control\.html\?exercise=/);
    exerciseId = new URL(control.url()).searchParams.get('exercise')!;
    await control.locator('#connection.conn-online').waitFor();
    const created = (await api(`/api/exercises/${exerciseId}`).expect(200)).body;
    expect(created).toMatchObject({
      name: 'ACID first drill',
      scenarioId: 'first-drill',
      scenarioVersion: 1,
      speed: SPEED,
      status: 'draft',
    });
    expect(created.teams.map((t: { id: string }) => t.id).sort()).toEqual([teamId('MY'), teamId('SG')].sort());
    await shot(control, '08-control-draft');

    // 5. Start on the control board; the analyst, signed in with the copied token, acknowledges and reports.
    await control.locator('#lifecycle').getByRole('button', { name: 'Start' }).click();
    await control.locator('#status .status-running').waitFor();

    const team = await newPage();
    await signIn(team, tokens.analyst);
    await shot(team, '09-team-sign-in');
    await team.getByRole('link', { name: 'Open team console' }).click();
    await team.locator('#connection.conn-online').waitFor();
    const item = team.locator('#inject-list button[data-inject="I-01"]');
    await item.waitFor();
    await item.click();
    await expect(team.locator('#inject-view h2').textContent()).resolves.toContain('Hospital group reports ransomware');
    await team.getByRole('button', { name: 'Received' }).click();
    await team.getByText('✓ Received — acknowledged at').waitFor();
    await shot(team, '10-team-inject');
    await team.getByRole('button', { name: 'Write a report on this inject' }).click();
    await team.getByLabel('Kind', { exact: true }).selectOption('notification');
    await team.getByLabel('Title', { exact: true }).fill('Ransomware at Seri Permata: C2 203.0.113[.]45');
    await team.locator('input[name=tlp][value="TLP:AMBER"]').check();
    await team.getByLabel('RSIT class', { exact: true }).selectOption('malicious-code');
    await team.getByLabel('RSIT type', { exact: true }).selectOption('infected-system');
    await shot(team, '11-team-report');
    await team.getByRole('button', { name: 'Send report' }).click();
    await team.locator('#threads article.thread', { hasText: 'Ransomware at Seri Permata' }).waitFor();
    await shot(team, '12-team-threads');

    // The server has the acknowledgement after the delivery, and the report; the board shows the cell reported.
    await waitUntil(
      async () => {
        const d = (await timeline(server, exerciseId)).find(
          (e) => e.kind === 'delivery' && e.injectId === 'I-01' && e.teamCode === 'MY',
        );
        return Boolean(d?.deliveredAt && d?.acknowledgedAt);
      },
      WAIT,
      'delivery and acknowledgement of I-01 to MY',
    );
    const delivery = (await timeline(server, exerciseId)).find(
      (e) => e.kind === 'delivery' && e.injectId === 'I-01' && e.teamCode === 'MY',
    );
    expect(delivery.status).toBe('acknowledged');
    expect(Date.parse(delivery.acknowledgedAt)).toBeGreaterThanOrEqual(Date.parse(delivery.deliveredAt));
    const reports = (await api(`/api/exercises/${exerciseId}/ism/reports`).expect(200)).body as {
      title: string;
      injectIds: string[];
    }[];
    expect(reports).toEqual([
      expect.objectContaining({ title: 'Ransomware at Seri Permata: C2 203.0.113[.]45', injectIds: ['I-01'] }),
    ]);
    await control.locator('#board button.cell[data-team="MY"][data-inject="I-01"][data-state="reported"]').waitFor();
    // The board polls presence every 10 s: the analyst's console shows up within that.
    await control.locator(`#presence-${teamId('MY')}`, { hasText: '1' }).waitFor();
    await shot(control, '13-control-running');

    // 6. Complete on the control board (it asks first).
    await control.locator('#lifecycle').getByRole('button', { name: 'Complete…' }).click();
    await control.getByRole('button', { name: 'Yes, complete' }).click();
    await control.locator('#status .status-completed').waitFor();
    await shot(control, '14-control-completed');
    expect((await api(`/api/exercises/${exerciseId}`).expect(200)).body.status).toBe('completed');

    // The evaluator marks the AAR, publishes it and downloads the PDF from the review page.
    const review = await newPage();
    await signIn(review, tokens.evaluator);
    await review.getByRole('link', { name: 'Open review' }).click();
    const picker = review.getByLabel('TLP marking of the report (header and footer of every page)');
    await expect(picker.inputValue()).resolves.toBe('TLP:AMBER');
    await picker.selectOption('TLP:GREEN');
    await review.getByRole('button', { name: 'Set marking' }).click();
    await review.locator('#aar-marking-current', { hasText: 'TLP:GREEN' }).waitFor();
    await shot(review, '15-evaluator-review');
    const aar = review.locator('#aar');
    await aar.getByRole('button', { name: 'Publish…' }).click();
    await aar.getByRole('button', { name: 'Yes, publish' }).click();
    await aar.locator('#aar-state', { hasText: 'Published by Eve (evaluator)' }).waitFor();
    const ws = (await api(`/api/exercises/${exerciseId}/aar`, tokens.evaluator).expect(200)).body;
    expect(ws).toMatchObject({ marking: 'TLP:GREEN', state: { status: 'published' } });

    const [download] = await Promise.all([
      review.waitForEvent('download', { timeout: 60_000 }),
      review.getByRole('button', { name: 'Download PDF' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe('aar-acid-first-drill.pdf');
    const pdf = readFileSync((await download.path())!);
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(pdf.length).toBeGreaterThan(1024);
    await shot(review, '16-evaluator-published');

    expect(pageErrors).toEqual([]);
  }, 180_000);
});
