import { describe, expect, it } from '@jest/globals';
import { DEFAULT_SCORING_CONFIG } from './config.js';
import { scoreTeamInject } from './inject-score.js';
import type { ScoringInject, ScoringReport } from './model.js';
import { explainRedactedInjectScore, redactInjectScore, redactTeamScore, WITHHELD_UNTIL_ENDEX } from './redact.js';
import { scoreTeam } from './aggregate.js';

const inject: ScoringInject = {
  id: 'INJ-7',
  responseRequired: true,
  targetMinutes: 30,
  deadlineMinutes: 60,
  tlp: 'TLP:AMBER',
  answerKey: {
    iocs: [
      { type: 'ip-dst', value: '203.0.113.5', original: '203.0.113[.]5', weight: 3, critical: true },
      { type: 'domain', value: 'evil.example', original: 'EVIL[.]example', weight: 1, critical: false },
      { type: 'sha256', value: 'a'.repeat(64), weight: 1, critical: false },
    ],
    decoys: [{ type: 'domain', value: 'decoy.example' }],
    classification: { class: 'malicious-code', type: 'infected-system' },
    severity: 'critical',
    actions: [
      { code: 'ISOLATE', keywords: ['isolat'], weight: 1 },
      { code: 'BLOCK', keywords: ['firewall'], weight: 1 },
    ],
    recipients: ['control', 'TEAM-B', 'TEAM-C'],
    maxTlp: 'TLP:AMBER',
  },
};

const base = { kind: 'notification' as const, tlp: 'TLP:AMBER' as const, recipients: { teams: [] as string[] } };
const reports: ScoringReport[] = [
  {
    ...base,
    id: 'n1',
    atScenarioMin: 145,
    tlp: 'TLP:GREEN',
    recipients: { teams: ['TEAM-B'] },
    iocs: [
      { type: 'hostname', value: 'evil.example' },
      { type: 'domain', value: 'decoy.example' },
      { type: 'md5', value: 'c'.repeat(32) },
    ],
    classification: { class: 'fraud', type: 'phishing' },
    severity: 'medium',
    actions: [{ text: 'Isolated the host' }],
  },
  { ...base, id: 'late', atScenarioMin: 170, severity: 'high' },
];

const score = () =>
  scoreTeamInject({
    teamId: 'TEAM-A',
    inject,
    releasedAtScenarioMin: 100,
    reports,
    override: {
      completeness: 0.9,
      justification: 'the phone call named 203.0.113.5',
      by: 'u-eva',
      at: '2026-01-01T00:00:00.000Z',
    },
    config: DEFAULT_SCORING_CONFIG,
  });

/** Everything the answer key says that the team did not itself send. */
const KEY_ONLY = [
  '203.0.113', // missed critical IOC (also in the override justification)
  'EVIL[.]example', // the key's spelling
  'a'.repeat(64), // missed IOC
  'decoy', // neither the decoy label nor the decoy the team sent
  'infected-system', // expected classification
  'critical', // expected severity and the critical flag
  'ISOLATE',
  'BLOCK',
  'firewall', // expected actions, codes and keywords
  'isolat"', // the matching keyword as such
  'TEAM-C', // missed recipient
  'missed',
  'expected',
  'recall',
  'precision',
  'weight',
  'maxTlp',
  'halved',
  'defined',
  'u-eva',
];

describe('redactInjectScore', () => {
  it('keeps the figures and what the team did, and nothing of the answer key', () => {
    const s = score();
    const r = redactInjectScore(s);
    expect(r.redacted).toBe(true);
    expect(r.final).toEqual(s.final);
    expect(r.auto).toEqual(s.auto);
    expect(r.timeliness).toEqual(s.timeliness);
    expect(r.times).toEqual(s.times);
    expect(r.completeness.value).toBe(s.completeness.value);
    expect(r.completeness.reportsCounted).toEqual(['n1']);
    expect(r.completeness.reportsAfterDeadline).toEqual(['late']);
    // The team's own IOC that counted, as the team sent it (hostname, not the key's domain).
    expect(r.completeness.components.iocs).toEqual({
      matched: [{ type: 'hostname', value: 'evil.example', reportId: 'n1' }],
    });
    expect(r.completeness.components.classification).toEqual({
      given: { class: 'fraud', type: 'phishing' },
      givenInReport: 'n1',
    });
    expect(r.completeness.components.severity).toEqual({ given: 'medium', givenInReport: 'n1' });
    expect(r.completeness.components.actions).toEqual({
      matched: [{ reportId: 'n1', actionText: 'Isolated the host' }],
    });
    expect(r.completeness.components.recipients.reached.map((x) => x.recipient).sort()).toEqual(['TEAM-B', 'control']);
    expect(r.override).toEqual({ completeness: 0.9, at: '2026-01-01T00:00:00.000Z' });

    const text = JSON.stringify({ r, e: explainRedactedInjectScore(r) }).replace(WITHHELD_UNTIL_ENDEX, '');
    for (const secret of KEY_ONLY) expect({ secret, leaked: text.includes(secret) }).toEqual({ secret, leaked: false });
  });

  it('copies by allow-list: a field the engine adds later stays out', () => {
    const s = { ...score(), someFutureFinding: 'expected X' } as ReturnType<typeof score>;
    expect(JSON.stringify(redactInjectScore(s))).not.toContain('someFutureFinding');
  });

  it('explains in sentences built from the redacted score only', () => {
    const e = explainRedactedInjectScore(redactInjectScore(score()));
    expect(e.components).toEqual({
      iocs: 'your IOCs that counted: hostname evil.example from n1',
      classification: 'you gave fraud/phishing in n1',
      severity: 'you gave medium in n1',
      actions: 'your actions that counted: "Isolated the host" in n1',
      recipients: expect.stringMatching(/^recipients that counted: /),
      structure: '4/8 fields filled; missing determination, affectedAssets, timeline, recommendations',
    });
    expect(e.completeness).toMatch(/^C = [0-9.]+; from 1 report \(n1\); after the deadline, not counted: late$/);
    expect(e.override).toMatch(/^evaluator override at 2026-01-01T00:00:00.000Z: C [0-9.]+ → 0.9$/);
    expect(e.withheld).toBe(WITHHELD_UNTIL_ENDEX);
    const none = explainRedactedInjectScore(
      redactInjectScore(
        scoreTeamInject({ teamId: 'T', inject, releasedAtScenarioMin: 0, reports: [], config: DEFAULT_SCORING_CONFIG }),
      ),
    );
    expect(none.components.iocs).toBe('none of your IOCs counted yet');
    expect(none.components.classification).toBe('no classification given');
    expect(none.completeness).toBe('C = 0; no report counted');
  });

  it('redacts a team total to its figures', () => {
    const t = scoreTeam('TEAM-A', [score()], DEFAULT_SCORING_CONFIG);
    const r = redactTeamScore(t);
    expect(r).toMatchObject({ teamId: 'TEAM-A', percent: t.percent, autoPercent: t.autoPercent });
    expect(r.injects[0]!.redacted).toBe(true);
  });
});

describe('redactInjectScore with relations and adjustments', () => {
  it('shows an IOC matched through a relation in the form the team sent it', () => {
    const s = score();
    const m = s.completeness.components.iocs.matched[0]!;
    Object.assign(m, { via: { relation: 'url-on-domain', type: 'url', value: 'https://evil.example/x' } });
    expect(redactInjectScore(s).completeness.components.iocs.matched).toEqual([
      { type: 'url', value: 'https://evil.example/x', reportId: 'n1' },
    ]);
  });

  it('says that a score was adjusted without saying why', () => {
    const s = score();
    const adjusted = { ...s, final: { ...s.final, score: s.final.score * 0.5 } };
    expect(explainRedactedInjectScore(redactInjectScore(adjusted)).final).toMatch(/, adjusted to [0-9.]+ \(automatic/);
  });
});
