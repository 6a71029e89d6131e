import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { expectAs } from './support/expect.js';
import { ADMIN_TOKEN, bearer, createTeam, createUser, startServer, type TestServer } from './support/app.js';
import { fixture } from './support/drill.js';

const yamlOf = (title: string) => fixture('runtime-drill.yaml').replace('title: Runtime test drill', `title: ${title}`);

describe('scenario authoring over HTTP', () => {
  let s: TestServer;
  let evaluator: string;
  let participant: string;

  beforeAll(async () => {
    s = await startServer();
    evaluator = (await createUser(s, 'evaluator')).token;
    participant = (await createUser(s, 'participant', await createTeam(s, 'SG'))).token;
  });
  afterAll(() => s.close());

  const post = (path: string, body: string, type = 'application/yaml') =>
    s.http().post(path).set(bearer(ADMIN_TOKEN)).set('Content-Type', type).send(body);

  it('creates version 1, then version n+1 for the same id, keeping earlier versions unchanged', async () => {
    const v1 = await post('/api/scenarios', yamlOf('First title'));
    expect(v1.status).toBe(201);
    expect(v1.body).toEqual({ id: 'runtime-test-drill', version: 1, title: 'First title', injects: 5 });
    const v2 = await post('/api/scenarios', yamlOf('Second title'));
    expect(v2.body.version).toBe(2);
    const first = await s.http().get('/api/scenarios/runtime-test-drill/versions/1').set(bearer(evaluator));
    expect(first.status).toBe(200);
    expect(first.body.title).toBe('First title');
    expect(first.body.source).toBe(yamlOf('First title')); // stored exactly as submitted
    expect(first.body.scenario.injects[1]).toMatchObject({
      id: 'I-02',
      offset: '+00:02',
      offsetSeconds: 120,
      targets: { teams: ['SG'], tags: [] },
    });
    const latest = await s.http().get('/api/scenarios/runtime-test-drill').set(bearer(ADMIN_TOKEN));
    expect(latest.body.version).toBe(2);
    const list = await s.http().get('/api/scenarios').set(bearer(ADMIN_TOKEN));
    expect(list.body).toContainEqual(
      expect.objectContaining({ id: 'runtime-test-drill', latestVersion: 2, versions: [1, 2], injects: 5 }),
    );
    expect((await s.http().get('/api/scenarios/runtime-test-drill/versions/9').set(bearer(ADMIN_TOKEN))).status).toBe(
      404,
    );
  });

  it('accepts JSON too, and reports JSON errors with line and column', async () => {
    const json = JSON.stringify(
      {
        id: 'json-drill',
        title: 'JSON drill',
        summary: 's',
        plannedDuration: '+01:00',
        objectives: [],
        phases: [],
        injects: [{ id: 'A', offset: '+00:10', title: 'a', body: 'b', severity: 'low', tlp: 'TLP:GREEN' }],
      },
      null,
      2,
    );
    const ok = await post('/api/scenarios', json, 'application/json');
    expect(ok.status).toBe(201);
    expect(ok.body.id).toBe('json-drill');
    const bad = await post('/api/scenarios', json.replace('"+00:10"', '"10 minutes"'), 'application/json');
    expect(bad.status).toBe(422);
    const offset = bad.body.details.find((d: { path: string }) => d.path === '/injects/0/offset');
    expect(offset).toBeDefined();
    const line = json.split('\n').findIndex((l) => l.includes('"+00:10"')) + 1;
    expect(offset.line).toBe(line);
    expect(offset.column).toBeGreaterThan(1);
  });

  it('refuses an invalid scenario with every problem, its path, line and column', async () => {
    const broken = yamlOf('Broken')
      .replace('offset: "+00:08"', 'offset: "+03:10"') // past the planned duration
      .replace('id: I-03', 'id: I-02'); // duplicate id
    const r = await post('/api/scenarios', broken);
    expect(r.status).toBe(422);
    expect(r.body.statusCode).toBe(422);
    expect(r.body.details.length).toBeGreaterThanOrEqual(2);
    for (const d of r.body.details) {
      expect(d).toEqual({
        path: expect.any(String),
        line: expect.any(Number),
        column: expect.any(Number),
        message: expect.any(String),
      });
    }
    const lines = broken.split('\n');
    const dupLine =
      lines.findIndex((l, n) => l.includes('id: I-02') && n > lines.findIndex((x) => x.includes('id: I-02'))) + 1;
    expect(
      r.body.details.some((d: { line: number; message: string }) => d.line === dupLine && /duplicate/i.test(d.message)),
    ).toBe(true);
    const offLine = lines.findIndex((l) => l.includes('"+03:10"')) + 1;
    expect(
      r.body.details.some(
        (d: { line: number; message: string }) => d.line === offLine && /planned duration/i.test(d.message),
      ),
    ).toBe(true);
    const list = await s.http().get('/api/scenarios').set(bearer(ADMIN_TOKEN));
    expect(list.body.find((x: { id: string }) => x.id === 'runtime-test-drill')?.title).not.toBe('Broken');
  });

  it('validates without saving', async () => {
    const good = await post('/api/scenarios/validate', yamlOf('Dry run'));
    expect(good.status).toBe(200);
    expect(good.body).toEqual({ valid: true, errors: [] });
    const bad = await post('/api/scenarios/validate', 'id: x\ntitle: [unclosed');
    expect(bad.status).toBe(200);
    expect(bad.body.valid).toBe(false);
    expect(bad.body.errors[0].line).toBeGreaterThanOrEqual(1);
    const versions = await s.http().get('/api/scenarios/runtime-test-drill').set(bearer(ADMIN_TOKEN));
    expect(versions.body.title).not.toBe('Dry run');
  });

  it('is for controllers (write) and evaluators (read) only', async () => {
    expect(
      (
        await s
          .http()
          .post('/api/scenarios')
          .set(bearer(evaluator))
          .set('Content-Type', 'application/yaml')
          .send(yamlOf('x'))
      ).status,
    ).toBe(403);
    expect((await s.http().get('/api/scenarios').set(bearer(participant))).status).toBe(403);
    expect(
      (
        await s
          .http()
          .post('/api/scenarios')
          .set(bearer(ADMIN_TOKEN))
          .set('Content-Type', 'application/xml')
          .send('<x/>')
      ).status,
    ).toBe(415);
  });

  it('imports an MSEL from CSV and XLSX (case-insensitive headers), and exports versions back', async () => {
    const csv = [
      'control number,MOVE,Delivery Time,Title,Description,From,To,Expected Actions,Severity,TLP',
      'M-01,P1: Detection,T+00:05,Phishing wave reported,Citizens report SMS lures.,Police hotline,all,Collect samples,medium,TLP:GREEN',
      'M-02,P1: Detection,+00:20,Lure domain identified,Domain seen in lures.,Registrar,"SG, MY",Request takedown,high,TLP:AMBER',
    ].join('\n');
    const r = await s
      .http()
      .post('/api/scenarios/import?id=msel-csv&title=MSEL%20CSV')
      .set(bearer(ADMIN_TOKEN))
      .attach('file', Buffer.from(csv), 'msel.csv');
    expectAs(r.status, JSON.stringify(r.body)).toBe(201);
    expect(r.body).toMatchObject({ id: 'msel-csv', version: 1, injects: 2 });
    const stored = await s.http().get('/api/scenarios/msel-csv').set(bearer(ADMIN_TOKEN));
    expect(stored.body.scenario.injects[1]).toMatchObject({
      id: 'M-02',
      offset: '+00:20',
      severity: 'high',
      tlp: 'TLP:AMBER',
      targets: { teams: ['SG', 'MY'] },
      from: 'Registrar',
      expectedActions: 'Request takedown',
    });

    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('MSEL');
    ws.addRow(['ID', 'Move', 'T+', 'Subject', 'Details', 'From Org', 'Target', 'Expected Actions', 'Severity', 'TLP']);
    ws.addRow([
      'X-01',
      'Move 1',
      '+00:10',
      'Vendor update server compromised',
      'Signed update carries a backdoor.',
      'Vendor PSIRT',
      'tag:tier1',
      'Hunt for the hash',
      'critical',
      'TLP:AMBER+STRICT',
    ]);
    const xlsx = Buffer.from(await wb.xlsx.writeBuffer());
    const x = await s
      .http()
      .post('/api/scenarios/import?id=msel-xlsx')
      .set(bearer(ADMIN_TOKEN))
      .attach('file', xlsx, 'msel.xlsx');
    expectAs(x.status, JSON.stringify(x.body)).toBe(201);
    const sx = await s.http().get('/api/scenarios/msel-xlsx').set(bearer(ADMIN_TOKEN));
    expect(sx.body.scenario.injects[0]).toMatchObject({
      id: 'X-01',
      offsetSeconds: 600,
      targets: { tags: ['tier1'] },
      severity: 'critical',
      tlp: 'TLP:AMBER+STRICT',
    });

    const out = await s
      .http()
      .get('/api/scenarios/msel-csv/versions/1/export?format=csv')
      .set(bearer(ADMIN_TOKEN))
      .buffer(true)
      .parse((res, cb) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => cb(null, Buffer.concat(chunks)));
      });
    expect(out.status).toBe(200);
    expect(out.headers['content-disposition']).toContain('msel-csv-v1.csv');
    const again = await s
      .http()
      .post('/api/scenarios/import?id=msel-csv&title=MSEL%20CSV')
      .set(bearer(ADMIN_TOKEN))
      .attach('file', out.body as Buffer, 'again.csv');
    expect(again.body.version).toBe(2);
    const v2 = await s.http().get('/api/scenarios/msel-csv/versions/2').set(bearer(ADMIN_TOKEN));
    const pick = (i: Record<string, unknown>) => ({
      id: i.id,
      offset: i.offset,
      phase: i.phase,
      title: i.title,
      body: i.body,
      from: i.from,
      targets: i.targets,
      expectedActions: i.expectedActions,
      severity: i.severity,
      tlp: i.tlp,
    });
    expect(v2.body.scenario.injects.map(pick)).toEqual(stored.body.scenario.injects.map(pick));
    const xl = await s
      .http()
      .get('/api/scenarios/msel-xlsx/versions/1/export?format=xlsx')
      .set(bearer(ADMIN_TOKEN))
      .buffer(true)
      .parse((res, cb) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => cb(null, Buffer.concat(chunks)));
      });
    expect(xl.status).toBe(200);
    expect(xl.headers['content-type']).toContain('spreadsheetml');
    // The exported workbook is a real MSEL: imported again, it gives back the same injects.
    const xlAgain = await s
      .http()
      .post('/api/scenarios/import?id=msel-xlsx')
      .set(bearer(ADMIN_TOKEN))
      .attach('file', xl.body as Buffer, 'again.xlsx');
    expectAs(xlAgain.status, JSON.stringify(xlAgain.body)).toBe(201);
    expect(xlAgain.body.version).toBe(2);
    const xv2 = await s.http().get('/api/scenarios/msel-xlsx/versions/2').set(bearer(ADMIN_TOKEN));
    expect(xv2.body.scenario.injects.map(pick)).toEqual(sx.body.scenario.injects.map(pick));
  });

  it('refuses a bad MSEL with row-numbered errors', async () => {
    const csv = 'ID,Delivery Time,Title\nA-1,+00:10,ok\nA-2,soon,bad time\nA-1,+00:30,duplicate\n';
    const r = await s
      .http()
      .post('/api/scenarios/import')
      .set(bearer(ADMIN_TOKEN))
      .attach('file', Buffer.from(csv), 'bad.csv');
    expect(r.status).toBe(422);
    const lines = r.body.details.map((d: { line?: number }) => d.line);
    expect(lines).toEqual(expect.arrayContaining([3]));
    expect(JSON.stringify(r.body.details)).toContain('row 3');
    const none = await s
      .http()
      .post('/api/scenarios/import')
      .set(bearer(ADMIN_TOKEN))
      .attach('file', Buffer.from('x'), 'notes.txt');
    expect(none.status).toBe(415);
    const missing = await s.http().post('/api/scenarios/import').set(bearer(ADMIN_TOKEN)).field('x', 'y');
    expect(missing.status).toBe(400);
  });

  it('loads the sample drills on first start, each valid, each with conditional injects and per-team targets', async () => {
    const fresh = await startServer({ LOAD_SAMPLE_SCENARIOS: 'true' });
    try {
      const list = await fresh.http().get('/api/scenarios').set(bearer(ADMIN_TOKEN));
      expect(list.body.map((x: { id: string }) => x.id).sort()).toEqual([
        'acid-gov-impersonation-scam',
        'acid-ransomware-health-bank',
        'acid-supply-chain-vendor',
      ]);
      for (const summary of list.body) {
        const { body } = await fresh.http().get(`/api/scenarios/${summary.id}`).set(bearer(ADMIN_TOKEN));
        const injects = body.scenario.injects as {
          trigger?: unknown;
          targets: { all?: boolean };
          artefacts: unknown[];
          answerKey?: { decoys: unknown[] };
        }[];
        expect(injects.length).toBeGreaterThanOrEqual(12);
        expect(injects.length).toBeLessThanOrEqual(25);
        expect(injects.filter((i) => i.trigger).length).toBeGreaterThanOrEqual(2);
        expect(injects.some((i) => !i.targets.all)).toBe(true);
        expect(injects.some((i) => i.artefacts.length > 0)).toBe(true);
        expect(injects.some((i) => (i.answerKey?.decoys.length ?? 0) > 0)).toBe(true);
        expect(body.scenario.objectives.length).toBeGreaterThan(0);
      }
    } finally {
      await fresh.close();
    }
  });
});
