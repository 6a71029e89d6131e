import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ADMIN_TOKEN, bearer, createTeam, createUser, startServer, type TestServer } from './support/app.js';
import { DrillClient } from './support/drill-client.js';
import { act, createExercise, saveScenario } from './support/drill.js';

// Issue 14: a team that pastes an inject's own artefact lines into the console's paste box and sends what the
// extractor found must be scored as having reported those indicators. The whole path runs here as the team console
// runs it: the inject as delivered to the team, the server's extractor (POST /api/ioc/extract, what the console
// calls), a report built from the extracted rows the way team.js builds it, and the evaluator's scorecard.

const SCENARIO = readFileSync(new URL('../scenarios/acid-ransomware-health-bank.yaml', import.meta.url), 'utf8');

interface Extracted {
  type: string;
  value: string;
  original: string;
  unsure?: string;
}

describe('one indicator model: console extractor → ISM report → scorecard (acid-ransomware-health-bank, I-01)', () => {
  let s: TestServer;
  let exerciseId: string;
  let my: { id: string; token: string };
  let evaluator: { id: string; token: string };
  let client: DrillClient;
  let extracted: Extracted[];

  beforeAll(async () => {
    s = await startServer();
    const teams = {
      MY: await createTeam(s, 'MY'),
      TH: await createTeam(s, 'TH'),
      SG: await createTeam(s, 'SG'),
      ID: await createTeam(s, 'ID'),
    };
    my = await createUser(s, 'participant', teams.MY);
    evaluator = await createUser(s, 'evaluator');
    await saveScenario(s, SCENARIO);
    // Real time: nothing but STARTEX fires by itself while the test runs; I-01 is released by hand.
    exerciseId = (
      await createExercise(s, {
        scenarioId: 'acid-ransomware-health-bank',
        name: 'ioc model',
        speed: 1,
        teamIds: Object.values(teams),
      })
    ).id;
    client = await new DrillClient(s.url, my.token, exerciseId).connect();
    await act(s, exerciseId, 'start');
    const released = await s
      .http()
      .post(`/api/exercises/${exerciseId}/injects/I-01/release`)
      .set(bearer(ADMIN_TOKEN))
      .send({});
    expect(released.status).toBe(200);
    await client.waitFor(() => client.injects.some((i) => i.injectId === 'I-01'), 10_000, 'I-01');
  });
  afterAll(async () => {
    client?.disconnect();
    await s?.close();
  });

  /** I-01's artefacts as the team received them. */
  const artefact = (name: string): string => {
    const inject = client.injects.find((i) => i.injectId === 'I-01')!;
    const a = (inject['artefacts'] as { name: string; content: string }[]).find((x) => x.name === name);
    expect(a).toBeDefined();
    return a!.content;
  };

  it('extracts the EDR lines and the ransom-note line without the system binaries', async () => {
    // The EDR alert rows only: the export's enrichment footer repeats the addresses bare, which would let a bare
    // ip-dst row match and hide whether `203.0.113[.]45:443` itself counts.
    const edr = artefact('edr-alerts-spmh-export.csv')
      .split('\n')
      .filter((l) => !l.startsWith('#'))
      .join('\n');
    const note = artefact('README-KRAIT.txt')
      .split('\n')
      .filter((l) => /hxxp/.test(l))
      .join('\n');
    expect(note).toContain('hxxp://krait-leaks[.]example');
    const r = await s
      .http()
      .post('/api/ioc/extract')
      .set(bearer(my.token))
      .send({ text: `${edr}\n${note}` });
    expect(r.status).toBe(200);
    extracted = r.body.iocs;
    const pairs = extracted.map((i) => `${i.type} ${i.value}`);
    expect(pairs).toEqual(
      expect.arrayContaining([
        'ip-dst|port 203.0.113.45|443',
        'ip-dst|port 198.51.100.10|443',
        'sha256 ff5ec44a4ba02ec91afdb8b51b8db28640bdfc0130162557bb16749bdeca409e',
        'filename svcupd.exe',
        'url https://kraitlock-support.example/c/SPMH-7f3a9c',
        'url http://krait-leaks.example/',
      ]),
    );
    // Well-known Windows binaries are what every host runs, not indicators of this intrusion.
    for (const benign of ['svchost.exe', 'services.exe', 'PSEXESVC.exe', 'cmd.exe', 'vssadmin.exe'])
      expect(pairs).not.toContain(`filename ${benign}`);
  });

  it('scores the pasted indicators as matched and the pasted decoy as a decoy', async () => {
    // As team.js sends the extracted rows: the value as written, "for detection" ticked unless the extractor was unsure.
    const iocs = extracted.map((f) => ({ type: f.type, value: f.original, toIds: !f.unsure }));
    const sent = await client.emitWithAck<{ id?: string; error?: unknown }>('ism.report', {
      kind: 'notification',
      injectIds: ['I-01'],
      title: 'KraitLock ransomware at Seri Permata Healthcare',
      tlp: 'TLP:AMBER',
      recipients: { teams: ['ID'] },
      classification: { class: 'malicious-code', type: 'infected-system' },
      severity: 'critical',
      iocs,
    });
    expect(sent.error).toBeUndefined();
    expect(sent.id).toBeDefined();

    const r = await s.http().get(`/api/exercises/${exerciseId}/scorecards`).set(bearer(evaluator.token));
    expect(r.status).toBe(200);
    const card = r.body.teams
      .find((t: { code: string }) => t.code === 'MY')
      .injects.find((i: { injectId: string }) => i.injectId === 'I-01');
    const c = card.completeness.components.iocs;
    const matched = Object.fromEntries(c.matched.map((m: any) => [`${m.type} ${m.value}`, m]));
    expect(Object.keys(matched).sort()).toEqual([
      'domain krait-leaks.example',
      'filename svcupd.exe',
      'ip-dst 203.0.113.45',
      'sha256 ff5ec44a4ba02ec91afdb8b51b8db28640bdfc0130162557bb16749bdeca409e',
      'url https://kraitlock-support.example/c/SPMH-7f3a9c',
    ]);
    expect(c.missed).toEqual([]);
    expect(c.criticalMissed).toBe(false);
    expect(c.capped).toBe(false);
    expect(c.recall).toBe(1);
    // The evaluator sees by which relation the pasted form stood for the expected one.
    expect(matched['ip-dst 203.0.113.45'].via).toEqual({
      relation: 'ip-of-ip-port',
      type: 'ip-dst|port',
      value: '203.0.113.45|443',
    });
    expect(matched['domain krait-leaks.example'].via).toEqual({
      relation: 'host-of-url',
      type: 'url',
      value: 'http://krait-leaks.example/',
    });
    expect(matched['url https://kraitlock-support.example/c/SPMH-7f3a9c'].via).toBeUndefined();
    // The CDN address pasted as `198.51.100[.]10:443` is the key's decoy ip-dst 198.51.100.10; the vssadmin hash
    // on the shadow-copy line is the other decoy, pasted as it stands.
    expect(c.decoysReported.map((d: { type: string; value: string }) => `${d.type} ${d.value}`).sort()).toEqual([
      'ip-dst 198.51.100.10',
      'sha256 3b01d2740bc738c32210a2c80c5f03089f0d7524faf5c1f3eee4dee7925dbbce',
    ]);
    expect(c.precision).toBeCloseTo(5 / 7, 10);
  });
});
