import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { AuditEventEntity } from '@drill/persistence';
import { chromiumAvailable, launchChromium } from './support/browser.js';
import { ADMIN_TOKEN, bearer, createTeam, createUser, startServer, type TestServer } from './support/app.js';
import { act, createExercise, saveScenario } from './support/drill.js';

// Setting up a drill without curl (issue 18): team records with their GCI tier and points of contact, edited
// through PATCH; users and their tokens; the exercise directory a report's author picks recipients from by name;
// and the Teams and Users pages and the recipient picker driven in headless Chromium.

const SCREENS = fileURLToPath(new URL('./artifacts/screens/', import.meta.url));
const WAIT = 20_000;

const SCENARIO = `
id: setup-drill
title: Setup drill
summary: One inject, never released during the test.
plannedDuration: "+03:00"
objectives:
  - id: OBJ-1
    capability: Operational Communications
    injects: [I-01]
phases:
  - id: P1
    title: Detection
injects:
  - id: I-01
    offset: "+02:00"
    phase: P1
    title: Phishing wave
    body: Phishing against ministries.
    targets: all
    severity: medium
    tlp: TLP:GREEN
    responseRequired: false
`;

describe('teams, users and the exercise directory', () => {
  let server: TestServer;
  let teams: Record<'MY' | 'SG' | 'TH', string>;
  let exerciseId: string;
  let otherExerciseId: string;
  let analyst: { id: string; token: string };
  let singaporean: { id: string; token: string };
  let outsider: { id: string; token: string };

  const as = (token: string) => ({
    get: (path: string) => server.http().get(path).set(bearer(token)),
    post: (path: string, body?: object) => server.http().post(path).set(bearer(token)).send(body),
    patch: (path: string, body: object) => server.http().patch(path).set(bearer(token)).send(body),
  });
  const admin = () => as(ADMIN_TOKEN);

  beforeAll(async () => {
    server = await startServer();
    teams = {
      MY: await createTeam(server, 'MY'),
      SG: await createTeam(server, 'SG'),
      TH: await createTeam(server, 'TH'),
    };
    analyst = await createUser(server, 'participant', teams.MY, 'Aisyah (MyCERT)');
    singaporean = await createUser(server, 'participant', teams.SG, 'Wei (SingCERT)');
    outsider = await createUser(server, 'participant', teams.TH, 'Somchai (ThaiCERT)');
    await saveScenario(server, SCENARIO);
    exerciseId = (
      await createExercise(server, {
        scenarioId: 'setup-drill',
        name: 'ASEAN drill',
        speed: 1,
        teamIds: [teams.MY, teams.SG],
      })
    ).id;
    otherExerciseId = (
      await createExercise(server, { scenarioId: 'setup-drill', name: 'Thai drill', speed: 1, teamIds: [teams.TH] })
    ).id;
  }, 60_000);

  afterAll(async () => {
    await server?.close().catch(() => undefined);
  });

  it('creates a team with its tier and points of contact, and edits it with PATCH (the code stays)', async () => {
    const created = await admin().post('/api/teams', {
      code: 'BN',
      name: 'BruCERT',
      country: 'Brunei',
      tier: 3,
      tags: ['asean'],
      pointsOfContact: [{ name: 'Hajah Noor', email: 'duty@brucert.example', role: 'duty officer' }],
    });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({
      id: expect.any(String),
      code: 'BN',
      name: 'BruCERT',
      country: 'Brunei',
      tier: 3,
      tags: ['asean'],
      pointsOfContact: [{ name: 'Hajah Noor', email: 'duty@brucert.example', role: 'duty officer' }],
    });
    const id = created.body.id as string;

    const edited = await admin().patch(`/api/teams/${id}`, {
      code: 'BN', // unchanged: accepted
      name: 'Brunei CERT',
      tier: 2,
      tags: ['asean', 'finance'],
      pointsOfContact: [{ name: ' Awang Salleh ', phone: '+673 245 8001' }],
    });
    expect(edited.status).toBe(200);
    expect(edited.body).toMatchObject({
      code: 'BN',
      name: 'Brunei CERT',
      country: 'Brunei', // absent: unchanged
      tier: 2,
      tags: ['asean', 'finance'],
      pointsOfContact: [{ name: 'Awang Salleh', phone: '+673 245 8001' }],
    });
    // The change is audited with what the team was and became.
    const audit = await server.app
      .get(DataSource)
      .getRepository(AuditEventEntity)
      .findOneByOrFail({ action: 'team.update', targetId: id });
    expect(audit).toMatchObject({ before: { name: 'BruCERT', tier: 3 }, after: { name: 'Brunei CERT', tier: 2 } });
    // null clears country and tier.
    const cleared = await admin().patch(`/api/teams/${id}`, { country: null, tier: null });
    expect(cleared.body).toMatchObject({ country: null, tier: null, name: 'Brunei CERT' });
    const listed = (await admin().get('/api/teams')).body as { code: string; tier: number | null }[];
    expect(listed.find((t) => t.code === 'BN')).toMatchObject({
      tier: null,
      pointsOfContact: [{ name: 'Awang Salleh' }],
    });
    // Teams created before tiers existed read as no tier and no contacts.
    expect(listed.find((t) => t.code === 'MY')).toMatchObject({ tier: null, pointsOfContact: [] });

    const recoded = await admin().patch(`/api/teams/${id}`, { code: 'BRN' });
    expect(recoded.status).toBe(422);
    expect(recoded.body.details).toEqual([{ path: '/code', message: expect.stringContaining('cannot change') }]);
  });

  it.each([0, 5, 2.5, '2'])('refuses tier %p with 400 naming /tier, on create and on PATCH', async (tier) => {
    const created = await admin().post('/api/teams', { code: `T${String(tier).replace('.', '')}X`, name: 'x', tier });
    expect(created.status).toBe(400);
    expect(created.body.details).toEqual([
      { path: '/tier', message: expect.stringContaining('tier must be one of 1, 2, 3, 4') },
    ]);
    const patched = await admin().patch(`/api/teams/${teams.MY}`, { tier });
    expect(patched.status).toBe(400);
    expect(patched.body.details.map((d: { path: string }) => d.path)).toEqual(['/tier']);
  });

  it('validates points of contact field by field, at most ten', async () => {
    const bad = await admin().patch(`/api/teams/${teams.MY}`, {
      pointsOfContact: [
        { name: 'Ok', email: 'not-an-address' },
        { email: 'a@b.example' },
        { name: 'P', phone: 'call me' },
      ],
    });
    expect(bad.status).toBe(400);
    const paths = new Set((bad.body.details as { path: string }[]).map((d) => d.path));
    expect([...paths].sort()).toEqual([
      '/pointsOfContact/0/email',
      '/pointsOfContact/1/name',
      '/pointsOfContact/2/phone',
    ]);
    const many = await admin().patch(`/api/teams/${teams.MY}`, {
      pointsOfContact: Array.from({ length: 11 }, (_, n) => ({ name: `P${n}` })),
    });
    expect(many.status).toBe(400);
    expect(many.body.details[0].path).toBe('/pointsOfContact');
    const unknown = await admin().patch(`/api/teams/${teams.MY}`, { pointsOfContact: [{ name: 'P', fax: '1' }] });
    expect(unknown.status).toBe(400);
    expect(unknown.body.details[0].path).toBe('/pointsOfContact/0/fax');
  });

  it('lets only controllers edit teams, and says which team does not exist', async () => {
    expect((await as(analyst.token).patch(`/api/teams/${teams.MY}`, { tier: 1 })).status).toBe(403);
    const missing = await admin().patch('/api/teams/00000000-0000-4000-8000-000000000000', { tier: 1 });
    expect(missing.status).toBe(404);
    expect((await admin().patch('/api/teams/not-a-uuid', { tier: 1 })).status).toBe(400);
  });

  it('keeps name and tags while an exercise enrolling the team has not ended; country and tier stay editable', async () => {
    const renamed = await admin().patch(`/api/teams/${teams.SG}`, { name: 'SingCERT', tags: ['asean'] });
    expect(renamed.status).toBe(409);
    expect(renamed.body.message).toContain('"ASEAN drill"');
    expect(renamed.body.details.map((d: { path: string }) => d.path)).toEqual(['/name', '/tags']);
    const same = await admin().patch(`/api/teams/${teams.SG}`, {
      name: 'SG CERT',
      tags: [],
      country: 'Singapore',
      tier: 1,
    });
    expect(same.status).toBe(200);
    expect(same.body).toMatchObject({ name: 'SG CERT', country: 'Singapore', tier: 1 });
  });

  it('gives drill control and the exercise participants its directory by name, and nobody else', async () => {
    const expected = {
      teams: [
        { id: teams.MY, code: 'MY', name: 'MY CERT' },
        { id: teams.SG, code: 'SG', name: 'SG CERT' },
      ],
      people: [
        { id: analyst.id, name: 'Aisyah (MyCERT)', teamCode: 'MY' },
        { id: singaporean.id, name: 'Wei (SingCERT)', teamCode: 'SG' },
      ],
    };
    const byControl = await admin().get(`/api/exercises/${exerciseId}/directory`);
    expect(byControl.status).toBe(200);
    expect(byControl.body).toEqual(expected);
    const byAnalyst = await as(analyst.token).get(`/api/exercises/${exerciseId}/directory`);
    expect(byAnalyst.status).toBe(200);
    expect(byAnalyst.body).toEqual(expected); // names and codes only: no tokens, no contact details
    const byOutsider = await as(outsider.token).get(`/api/exercises/${exerciseId}/directory`);
    expect(byOutsider.status).toBe(403);
    expect((await as(outsider.token).get(`/api/exercises/${otherExerciseId}/directory`)).body.people).toEqual([
      { id: outsider.id, name: 'Somchai (ThaiCERT)', teamCode: 'TH' },
    ]);
    expect((await admin().get('/api/exercises/00000000-0000-4000-8000-000000000000/directory')).status).toBe(404);
    expect((await server.http().get(`/api/exercises/${exerciseId}/directory`)).status).toBe(401);
  });

  it('lists users with their active tokens, which a re-issue adds to and a revoke takes away', async () => {
    const user = await createUser(server, 'observer', undefined, 'Olga (observer)');
    const row = async () =>
      ((await admin().get('/api/users')).body as { id: string; activeTokens: number }[]).find((u) => u.id === user.id);
    expect(await row()).toMatchObject({ name: 'Olga (observer)', role: 'observer', teamId: null, activeTokens: 1 });
    const issued = await admin().post(`/api/users/${user.id}/tokens`, { label: 'phone' });
    expect(issued.status).toBe(201);
    expect((await row())?.activeTokens).toBe(2);
    expect((await admin().post(`/api/users/${user.id}/tokens/revoke`)).body).toHaveLength(2);
    expect((await row())?.activeTokens).toBe(0);
    expect((await as(issued.body.token).get('/api/me')).status).toBe(401);
  });

  const haveChromium = chromiumAvailable('the setup pages in the browser');

  (haveChromium ? describe : describe.skip)('in headless Chromium', () => {
    let browser: Browser;
    const contexts: BrowserContext[] = [];
    const pageErrors: string[] = [];

    async function signedIn(token: string): Promise<Page> {
      const ctx = await browser.newContext({ viewport: { width: 1440, height: 900 } });
      await ctx.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
      contexts.push(ctx);
      const page = await ctx.newPage();
      page.setDefaultTimeout(WAIT);
      page.on('pageerror', (e) => pageErrors.push(`${page.url()}: ${e.message}`));
      await page.goto(`${server.url}/`);
      await page.getByLabel('Access token', { exact: true }).fill(token);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.locator('#exercises-panel').waitFor();
      return page;
    }

    beforeAll(async () => {
      mkdirSync(SCREENS, { recursive: true });
      browser = await launchChromium();
    }, 60_000);

    afterAll(async () => {
      for (const c of contexts) await c.close().catch(() => undefined);
      await browser?.close().catch(() => undefined);
      expect(pageErrors).toEqual([]);
    });

    it('creates and edits a team on the Teams page, with the server errors next to their field', async () => {
      const page = await signedIn(ADMIN_TOKEN);
      await page.goto(`${server.url}/teams.html`);
      await page.locator('tr[data-team="MY"]').waitFor();
      await expect(page.locator('#setup-nav a[aria-current=page]').textContent()).resolves.toBe('Teams');

      await page.getByLabel('Code', { exact: true }).fill('KH');
      await page.getByLabel('Name', { exact: true }).fill('CamCERT');
      await page.getByLabel('Country', { exact: true }).fill('Cambodia');
      await page.getByLabel('GCI 2024 tier', { exact: true }).selectOption('4');
      await page.getByLabel('Tags', { exact: true }).fill('asean, mekong');
      await page.getByRole('button', { name: 'Add point of contact' }).click();
      await page.locator('#poc-0-name').fill('Sokha Chan');
      await page.locator('#poc-0-email').fill('not an address');
      await page.getByRole('button', { name: 'Create team' }).click();
      // The server's message sits under the e-mail field it names, which is marked invalid and focused.
      await expect(page.locator('#poc-0-email-error').textContent()).resolves.toContain('e-mail address');
      await expect(page.locator('#poc-0-email').getAttribute('aria-invalid')).resolves.toBe('true');
      await expect(page.locator('#poc-0-email:focus').count()).resolves.toBe(1);

      await page.locator('#poc-0-email').fill('cert@camcert.example');
      await page.getByRole('button', { name: 'Create team' }).click();
      const row = page.locator('tr[data-team="KH"]');
      await row.waitFor();
      await expect(row.textContent()).resolves.toContain('Tier 4');
      await expect(row.textContent()).resolves.toContain('cert@camcert.example');
      const kh = ((await admin().get('/api/teams')).body as { code: string }[]).find((t) => t.code === 'KH');
      expect(kh).toMatchObject({ name: 'CamCERT', country: 'Cambodia', tier: 4, tags: ['asean', 'mekong'] });

      // A taken code: the 409's detail lands under the code field.
      await page.getByLabel('Code', { exact: true }).fill('KH');
      await page.getByLabel('Name', { exact: true }).fill('Another');
      await page.getByRole('button', { name: 'Create team' }).click();
      await page.locator('#t-code-error', { hasText: /\S/ }).waitFor(); // after the server's answer
      await expect(page.locator('#t-code-error').textContent()).resolves.toBe('already taken');

      await row.getByRole('button', { name: 'Edit KH' }).click();
      await expect(page.getByLabel('Code', { exact: true }).isDisabled()).resolves.toBe(true);
      await page.locator('#t-name').fill('CamCERT (MPTC)'); // "Name" also labels the contact's name
      await page.getByLabel('GCI 2024 tier', { exact: true }).selectOption('3');
      await page.getByRole('button', { name: 'Save changes' }).click();
      await page.locator('tr[data-team="KH"]', { hasText: 'CamCERT (MPTC)' }).waitFor();
      await expect(page.locator('#team-form-title').textContent()).resolves.toBe('New team');
      await page.screenshot({ path: join(SCREENS, 'teams.png') });
    });

    it('creates a user on the Users page, shows the token once with Copy, and that token signs in', async () => {
      const page = await signedIn(ADMIN_TOKEN);
      await page.goto(`${server.url}/teams.html`);
      await page.getByRole('navigation', { name: 'Setup' }).getByRole('link', { name: 'Users' }).click();
      await page.locator('tr[data-user]').first().waitFor();
      await page.getByLabel('Name', { exact: true }).fill('Dara (CamCERT)');
      await page.getByLabel('Role', { exact: true }).selectOption('participant');
      await page.getByLabel('Team', { exact: true }).selectOption({ label: 'KH — CamCERT (MPTC)' });
      await page.getByRole('button', { name: 'Create user' }).click();

      const box = page.locator('#token-box');
      await box.waitFor();
      await expect(box.textContent()).resolves.toContain('will not be shown again');
      await expect(page.locator('#token-title').textContent()).resolves.toBe('New token for Dara (CamCERT)');
      await page.getByRole('button', { name: 'Copy', exact: true }).click();
      // The clipboard write is a promise: the page says how it went once it settles.
      await page.locator('#copy-state', { hasText: /\S/ }).waitFor();
      await expect(page.locator('#copy-state').textContent()).resolves.toBe('Copied to the clipboard.');
      type WithClipboard = { navigator: { clipboard: { readText(): Promise<string> } } };
      const copied = await page.evaluate(() => (globalThis as unknown as WithClipboard).navigator.clipboard.readText());
      expect(copied).toMatch(/^drl_/);
      await expect(page.locator('#new-token').inputValue()).resolves.toBe(copied);
      const row = page.locator('tr[data-user]', { hasText: 'Dara (CamCERT)' });
      await expect(row.textContent()).resolves.toContain('KH — CamCERT (MPTC)');
      await page.screenshot({ path: join(SCREENS, 'users.png') });

      const me = await as(copied).get('/api/me');
      expect(me.status).toBe(200);
      expect(me.body).toMatchObject({ name: 'Dara (CamCERT)', role: 'participant' });
      // And through the sign-in page, as the person it is for.
      const theirs = await signedIn(copied);
      await expect(theirs.locator('#who').textContent()).resolves.toContain('Dara (CamCERT)');

      // Done hides it for good; re-issuing shows a new one; revoking all ends both.
      await page.getByRole('button', { name: 'Done, hide the token' }).click();
      await expect(box.isHidden()).resolves.toBe(true);
      await row.getByRole('button', { name: 'Issue new token for Dara (CamCERT)' }).click();
      await box.waitFor();
      const second = await page.locator('#new-token').inputValue();
      expect(second).not.toBe(copied);
      await page.locator('tr[data-user]', { hasText: 'Dara (CamCERT)' }).locator('td', { hasText: /^2$/ }).waitFor();
      await row.getByRole('button', { name: 'Revoke tokens… of Dara (CamCERT)' }).click();
      await row.getByRole('button', { name: 'Revoke', exact: true }).click();
      await row.getByText('none — cannot sign in').waitFor();
      expect((await as(copied).get('/api/me')).status).toBe(401);
      expect((await as(second).get('/api/me')).status).toBe(401);
    });

    it('lets an analyst address a TLP:RED report to a person picked by name', async () => {
      await act(server, exerciseId, 'start');
      const page = await signedIn(analyst.token);
      await page.getByRole('link', { name: 'Open team console' }).click();
      await page.locator('#connection.conn-online').waitFor();
      await page.getByRole('tab', { name: 'New report' }).click();
      await page.locator('#r-picker').waitFor();
      // The id field gives way to the picker once the directory is in.
      await expect(page.locator('#r-users').isVisible()).resolves.toBe(false);
      await page.getByLabel('Add recipients by name', { exact: true }).fill('wei');
      await page.keyboard.press('Enter');
      await page.locator('#r-people li[data-user]', { hasText: 'Wei (SingCERT) · SG' }).waitFor();
      // A team picked by name joins the recipient teams by code.
      await page.getByLabel('Add recipients by name', { exact: true }).fill('SG CERT (SG) — team');
      await expect(page.getByLabel('Recipient teams', { exact: true }).inputValue()).resolves.toBe('SG');
      await page.getByLabel('Recipient teams', { exact: true }).fill('');
      // Nobody called so: said next to the field, nothing added.
      await page.getByLabel('Add recipients by name', { exact: true }).fill('Nobody');
      await page.keyboard.press('Enter');
      await expect(page.locator('#r-find-status').textContent()).resolves.toContain(
        'No team or person called "Nobody"',
      );

      await page.getByLabel('Kind', { exact: true }).selectOption('update');
      await page.getByLabel('Title', { exact: true }).fill('For Wei only');
      await page.locator('input[name=tlp][value="TLP:RED"]').check();
      await page.getByRole('button', { name: 'Send report' }).click();
      await page.locator('#tab-threads[aria-selected=true]').waitFor();
      const reports = (await as(singaporean.token).get(`/api/exercises/${exerciseId}/ism/reports`)).body as {
        title: string;
        tlp: string;
        recipients: { users: string[] };
      }[];
      expect(reports.find((r) => r.title === 'For Wei only')).toMatchObject({
        tlp: 'TLP:RED',
        recipients: { users: [singaporean.id] },
      });
    });
  });
});
