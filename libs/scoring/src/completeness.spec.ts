import { describe, expect, it } from '@jest/globals';
import {
  completeness,
  scoreActions,
  scoreClassification,
  scoreIocs,
  scoreRecipients,
  scoreSeverity,
  scoreStructure,
} from './completeness.js';
import { DEFAULT_COMPONENT_WEIGHTS, injectComponentWeights, resolveScoringConfig } from './config.js';
import type { ScoringAnswerKey, ScoringReport } from './model.js';

let seq = 0;
function rep(p: Partial<ScoringReport> = {}): ScoringReport {
  seq += 1;
  return { id: `r${seq}`, kind: 'notification', atScenarioMin: seq, tlp: 'TLP:AMBER', recipients: { teams: [] }, ...p };
}

const SHA = 'a'.repeat(64);
// Weights 2 + 1 + 1 = 4; the IP is critical.
const iocKey: ScoringAnswerKey = {
  iocs: [
    { type: 'ip-dst', value: '203.0.113.5', weight: 2, critical: true },
    { type: 'domain', value: 'evil.example', weight: 1, critical: false },
    { type: 'sha256', value: SHA, weight: 1, critical: false },
  ],
  decoys: [
    { type: 'ip-src', value: '198.51.100.7' },
    { type: 'domain', value: 'decoy.example' },
  ],
  actions: [],
  recipients: [],
};

const f2 = (p: number, r: number): number => (5 * p * r) / (4 * p + r);

describe('IOC component', () => {
  const cases: {
    name: string;
    iocs: ScoringReport['iocs'];
    score: number;
    recall: number;
    precision: number;
    capped?: boolean;
    matched: number;
    decoys: number;
    other?: number;
  }[] = [
    {
      name: 'everything, matched across ip-src/ip-dst and domain/hostname',
      iocs: [
        { type: 'ip-src', value: '203.0.113.5' },
        { type: 'hostname', value: 'evil.example' },
        { type: 'sha256', value: SHA },
      ],
      score: 1,
      recall: 1,
      precision: 1,
      matched: 3,
      decoys: 0,
    },
    {
      // R = 2/4 (the IP weighs 2), P = 1/(1+1); F2 = 5·.5·.5/(4·.5+.5) = 1.25/2.5
      name: 'critical IP plus a decoy',
      iocs: [
        { type: 'ip-src', value: '203.0.113.5' },
        { type: 'domain', value: 'decoy.example' },
      ],
      score: 1.25 / 2.5,
      recall: 2 / 4,
      precision: 1 / 2,
      matched: 1,
      decoys: 1,
    },
    {
      // R = (1+1)/4, P = 1: F2 = 5·1·.5/(4+.5) = 0.5556 > cap 0.5 because the critical IP is missing
      name: 'critical IOC missed: capped',
      iocs: [
        { type: 'domain', value: 'evil.example' },
        { type: 'sha256', value: SHA },
      ],
      score: 0.5,
      recall: 0.5,
      precision: 1,
      capped: true,
      matched: 2,
      decoys: 0,
    },
    {
      // R = 1/4, P = 1: F2 = 1.25/4.25 ≈ 0.294, already under the cap
      name: 'critical IOC missed, F2 below the cap: not capped',
      iocs: [{ type: 'domain', value: 'evil.example' }],
      score: f2(1, 0.25),
      recall: 0.25,
      precision: 1,
      capped: false,
      matched: 1,
      decoys: 0,
    },
    {
      name: 'only decoys: P = 0, R = 0, F2 = 0 without NaN',
      iocs: [
        { type: 'ip-dst', value: '198.51.100.7' },
        { type: 'domain', value: 'decoy.example' },
      ],
      score: 0,
      recall: 0,
      precision: 0,
      matched: 0,
      decoys: 2,
    },
    {
      name: 'nothing reported: P defined as 1, F2 = 0',
      iocs: [],
      score: 0,
      recall: 0,
      precision: 1,
      matched: 0,
      decoys: 0,
    },
    {
      // An IOC the key did not foresee is neither a match nor a decoy: precision untouched.
      name: 'unforeseen extra IOC does not lower precision',
      iocs: [
        { type: 'ip-dst', value: '203.0.113.5' },
        { type: 'domain', value: 'evil.example' },
        { type: 'sha256', value: SHA },
        { type: 'ip-dst', value: '192.0.2.99' },
      ],
      score: 1,
      recall: 1,
      precision: 1,
      matched: 3,
      decoys: 0,
      other: 1,
    },
    {
      // url is its own family: the same string as a url does not match the expected domain.
      name: 'different family, same value: no match',
      iocs: [
        { type: 'url', value: 'evil.example' },
        { type: 'ip-dst', value: '203.0.113.5' },
      ],
      score: f2(1, 2 / 4),
      recall: 0.5,
      precision: 1,
      matched: 1,
      decoys: 0,
      other: 1,
    },
  ];
  it.each(cases)('$name', (c) => {
    const r = scoreIocs(iocKey, [rep({ iocs: c.iocs })], 0.5);
    expect(r.defined).toBe(true);
    expect(r.recall).toBeCloseTo(c.recall, 12);
    expect(r.precision).toBeCloseTo(c.precision, 12);
    expect(r.score).toBeCloseTo(c.score, 12);
    expect(Number.isNaN(r.score)).toBe(false);
    expect(r.matched).toHaveLength(c.matched);
    expect(r.decoysReported).toHaveLength(c.decoys);
    if (c.capped !== undefined) expect(r.capped).toBe(c.capped);
    expect(r.otherReported).toBe(c.other ?? 0);
  });

  it('credits each IOC to the earliest report that carried it and lists what was missed', () => {
    const a = rep({ id: 'early', atScenarioMin: 10, iocs: [{ type: 'domain', value: 'evil.example' }] });
    const b = rep({
      id: 'later',
      atScenarioMin: 20,
      iocs: [
        { type: 'hostname', value: 'evil.example' },
        { type: 'ip-src', value: '203.0.113.5' },
        { type: 'domain', value: 'decoy.example' },
      ],
    });
    const r = scoreIocs(iocKey, [a, b], 0.5);
    expect(r.matched.map((m) => [m.value, m.reportId, m.reportedType])).toEqual([
      ['203.0.113.5', 'later', 'ip-src'],
      ['evil.example', 'early', 'domain'],
    ]);
    expect(r.missed.map((m) => m.value)).toEqual([SHA]);
    expect(r.decoysReported).toEqual([{ type: 'domain', value: 'decoy.example', reportId: 'later' }]);
    expect(r.otherReported).toBe(0);
  });

  it('is left out when the key expects no IOCs, even if it lists decoys', () => {
    const r = scoreIocs({ ...iocKey, iocs: [] }, [rep({ iocs: [{ type: 'domain', value: 'decoy.example' }] })], 0.5);
    expect(r.defined).toBe(false);
    expect(r.score).toBeNull();
    expect(r.decoysReported).toHaveLength(1);
  });
});

describe('IOC component: forms related by @drill/ioc', () => {
  // I-01 of the sample drill, normalised as the scenario loader stores it.
  const key: ScoringAnswerKey = {
    iocs: [
      { type: 'ip-dst', value: '203.0.113.45', weight: 2, critical: true },
      { type: 'url', value: 'https://kraitlock-support.example/c/SPMH-7f3a9c', weight: 1, critical: false },
      { type: 'domain', value: 'krait-leaks.example', weight: 1, critical: false },
      { type: 'domain', value: 'interbank-clearinq.example', weight: 1, critical: false, matchEmailDomain: true },
    ],
    decoys: [
      { type: 'ip-dst', value: '198.51.100.10' },
      { type: 'domain', value: 'andamanbank.example' },
      { type: 'domain', value: 'decoy-mail.example', matchEmailDomain: true },
    ],
    actions: [],
    recipients: [],
  };
  const score = (...iocs: NonNullable<ScoringReport['iocs']>) => scoreIocs(key, [rep({ iocs })], 0.5);
  const at = (value: string) => ({ type: 'ip-dst|port' as const, value });

  it.each([
    ['ip-dst|port → its address', at('203.0.113.45|443'), 'ip-dst 203.0.113.45', 'ip-of-ip-port'],
    ['URL → its domain host', { type: 'url' as const, value: 'http://krait-leaks.example/' }, 'domain krait-leaks.example', 'host-of-url'], // prettier-ignore
    ['URL → its IP host', { type: 'url' as const, value: 'https://203.0.113.45/gate' }, 'ip-dst 203.0.113.45', 'host-of-url'], // prettier-ignore
    ['e-mail → its domain, where the key opts in', { type: 'email-src' as const, value: 'notices@interbank-clearinq.example' }, 'domain interbank-clearinq.example', 'domain-of-email'], // prettier-ignore
  ])('matches %s and says so', (_name, ioc, expected, relation) => {
    const c = score(ioc);
    expect(c.matched.map((m) => `${m.type} ${m.value}`)).toEqual([expected]);
    expect(c.matched[0]!.via).toEqual({ relation, type: ioc.type, value: ioc.value });
    expect(c.decoysReported).toEqual([]);
  });

  it.each([
    ['an e-mail at a domain the key does not open to e-mail', { type: 'email-src' as const, value: 'it@andamanbank.example' }], // prettier-ignore
    ['a URL that is not the expected one', { type: 'url' as const, value: 'https://kraitlock-support.example/c/' }],
    ['a URL on a subdomain', { type: 'url' as const, value: 'https://cdn.krait-leaks.example/' }],
  ])('does not match %s', (_name, ioc) => {
    const c = score(ioc);
    expect(c.matched).toEqual([]);
    expect(c.decoysReported).toEqual([]);
    expect(c.otherReported).toBe(1);
  });

  it.each([
    ['as ip-dst|port', at('198.51.100.10|443'), 'ip-of-ip-port'],
    ['as a URL on it', { type: 'url' as const, value: 'https://198.51.100.10/update' }, 'host-of-url'],
    ['as an e-mail at a decoy open to e-mail', { type: 'email-src' as const, value: 'x@decoy-mail.example' }, 'domain-of-email'], // prettier-ignore
  ])('recognises a decoy %s', (_name, ioc, relation) => {
    const c = score(ioc);
    expect(c.decoysReported).toEqual([
      expect.objectContaining({ reportId: expect.any(String), via: { relation, type: ioc.type, value: ioc.value } }),
    ]);
    expect(c.precision).toBe(0);
  });

  it('recognises a decoy in its own form without `via`', () => {
    expect(score({ type: 'ip-src', value: '198.51.100.10' }).decoysReported[0]!.via).toBeUndefined();
  });

  it('never counts as a decoy an IOC that also stands for an expected one', () => {
    const k: ScoringAnswerKey = {
      ...key,
      iocs: [{ type: 'url', value: 'https://198.51.100.10/update', weight: 1, critical: false }],
    };
    const c = scoreIocs(k, [rep({ iocs: [{ type: 'url', value: 'https://198.51.100.10/update' }] })], 0.5);
    expect(c.matched).toHaveLength(1);
    expect(c.decoysReported).toEqual([]);
    expect(c.precision).toBe(1);
  });

  it('prefers the key’s own form within the earliest report, and the earliest report over the form', () => {
    const c = scoreIocs(
      key,
      [
        rep({ iocs: [at('203.0.113.45|443'), { type: 'ip-dst', value: '203.0.113.45' }] }),
        rep({ iocs: [{ type: 'url', value: 'http://krait-leaks.example/' }] }),
        rep({ iocs: [{ type: 'domain', value: 'krait-leaks.example' }] }),
      ],
      0.5,
    );
    const byValue = Object.fromEntries(c.matched.map((m) => [m.value, m]));
    expect(byValue['203.0.113.45']!.via).toBeUndefined();
    expect(byValue['203.0.113.45']!.reportedType).toBe('ip-dst');
    expect(byValue['krait-leaks.example']!.via?.relation).toBe('host-of-url');
    expect(c.matched.every((m) => m.reportId !== undefined)).toBe(true);
  });

  it('scores the I-01 paste in full: critical address from ip|port, domain from the URL, decoy from ip|port', () => {
    const c = score(
      at('203.0.113.45|443'),
      at('198.51.100.10|443'),
      { type: 'url', value: 'https://kraitlock-support.example/c/SPMH-7f3a9c' },
      { type: 'url', value: 'http://krait-leaks.example/' },
      { type: 'email-src', value: 'notices@interbank-clearinq.example' },
    );
    expect(c.missed).toEqual([]);
    expect(c.criticalMissed).toBe(false);
    expect(c.recall).toBe(1);
    expect(c.precision).toBe(4 / 5);
    expect(c.decoysReported.map((d) => d.value)).toEqual(['198.51.100.10']);
  });
});

describe('classification component', () => {
  const key: ScoringAnswerKey = {
    iocs: [],
    decoys: [],
    actions: [],
    recipients: [],
    classification: { class: 'malicious-code', type: 'infected-system' },
  };
  const cases: { name: string; reports: ScoringReport[]; score: number; match: string }[] = [
    {
      name: 'exact type',
      reports: [rep({ classification: { class: 'malicious-code', type: 'infected-system' } })],
      score: 1,
      match: 'exact',
    },
    {
      name: 'right class only',
      reports: [rep({ classification: { class: 'malicious-code', type: 'c2-server' } })],
      score: 0.5,
      match: 'class',
    },
    {
      name: 'wrong class',
      reports: [rep({ classification: { class: 'intrusions', type: 'system-compromise' } })],
      score: 0,
      match: 'wrong',
    },
    { name: 'none given', reports: [rep()], score: 0, match: 'none' },
    {
      name: 'the latest classification counts',
      reports: [
        rep({ atScenarioMin: 10, classification: { class: 'malicious-code', type: 'infected-system' } }),
        rep({ atScenarioMin: 20, classification: { class: 'malicious-code', type: 'c2-server' } }),
      ],
      score: 0.5,
      match: 'class',
    },
    {
      name: 'a later report without one does not erase it',
      reports: [
        rep({ atScenarioMin: 10, classification: { class: 'malicious-code', type: 'infected-system' } }),
        rep({ atScenarioMin: 20 }),
      ],
      score: 1,
      match: 'exact',
    },
  ];
  it.each(cases)('$name', (c) => {
    const r = scoreClassification(key, c.reports);
    expect(r.score).toBe(c.score);
    expect(r.match).toBe(c.match);
    expect(r.expected).toEqual(key.classification);
  });
  it('is left out without an expected classification', () => {
    expect(scoreClassification({ ...key, classification: undefined }, [rep()]).defined).toBe(false);
  });
});

describe('severity component', () => {
  it.each([
    { expected: 'high', given: 'high', score: 1 },
    { expected: 'high', given: 'medium', score: 1 - 1 / 3 },
    { expected: 'high', given: 'critical', score: 1 - 1 / 3 },
    { expected: 'high', given: 'low', score: 1 - 2 / 3 },
    { expected: 'critical', given: 'low', score: 0 },
    { expected: 'low', given: undefined, score: 0 },
  ] as const)('expected $expected, given $given → $score', ({ expected, given, score }) => {
    const r = scoreSeverity({ iocs: [], decoys: [], actions: [], recipients: [], severity: expected }, [
      rep({ severity: given }),
    ]);
    expect(r.defined).toBe(true);
    expect(r.score).toBeCloseTo(score, 12);
  });
  it('is left out without an expected severity', () => {
    expect(scoreSeverity(undefined, [rep({ severity: 'low' })]).defined).toBe(false);
  });
});

describe('actions component', () => {
  // Weights 2 + 1 + 1 = 4.
  const key: ScoringAnswerKey = {
    iocs: [],
    decoys: [],
    recipients: [],
    actions: [
      { code: 'ISOLATE', keywords: ['isolat', 'Quarantin'], weight: 2 },
      { code: 'BLOCK-IOC', keywords: ['block'], weight: 1 },
      { code: 'NOTIFY-OWNER', keywords: ['notif'], weight: 1 },
    ],
  };
  const cases: {
    name: string;
    actions: { code?: string; text: string }[];
    recall: number;
    matched: [string, string][];
  }[] = [
    {
      name: 'by code, case-insensitive',
      actions: [{ code: 'isolate', text: 'done' }],
      recall: 2 / 4,
      matched: [['ISOLATE', 'code']],
    },
    {
      name: 'by keyword, case-insensitive',
      actions: [{ text: 'QUARANTINED the host' }],
      recall: 2 / 4,
      matched: [['ISOLATE', 'keyword']],
    },
    {
      name: 'two light actions',
      actions: [{ text: 'Blocked the C2 at the firewall' }, { code: 'NOTIFY-OWNER', text: 'called them' }],
      recall: (1 + 1) / 4,
      matched: [
        ['BLOCK-IOC', 'keyword'],
        ['NOTIFY-OWNER', 'code'],
      ],
    },
    {
      name: 'all',
      actions: [{ text: 'isolated' }, { text: 'blocked' }, { text: 'notified the bank' }],
      recall: 1,
      matched: [
        ['ISOLATE', 'keyword'],
        ['BLOCK-IOC', 'keyword'],
        ['NOTIFY-OWNER', 'keyword'],
      ],
    },
    { name: 'none', actions: [{ code: 'OTHER', text: 'looked at logs' }], recall: 0, matched: [] },
  ];
  it.each(cases)('$name', (c) => {
    const r = scoreActions(key, [rep({ actions: c.actions })]);
    expect(r.score).toBeCloseTo(c.recall, 12);
    expect(r.matched.map((m) => [m.code, m.by])).toEqual(c.matched);
    expect(r.missed).toHaveLength(3 - c.matched.length);
  });
  it('prefers a code match in a later report over a keyword match in an earlier one', () => {
    const r = scoreActions(key, [
      rep({ id: 'k', actions: [{ text: 'isolated host' }] }),
      rep({ id: 'c', actions: [{ code: 'ISOLATE', text: 'see above' }] }),
    ]);
    expect(r.matched[0]).toMatchObject({ code: 'ISOLATE', by: 'code', reportId: 'c' });
  });
  it('is left out when the key expects no actions', () => {
    expect(scoreActions({ ...key, actions: [] }, [rep()]).defined).toBe(false);
  });
});

describe('recipients component', () => {
  const key: ScoringAnswerKey = {
    iocs: [],
    decoys: [],
    actions: [],
    recipients: ['control', 'TEAM-B', 'TEAM-C'],
    maxTlp: 'TLP:AMBER',
  };
  const cases: {
    name: string;
    key?: ScoringAnswerKey;
    injectTlp?: 'TLP:RED' | 'TLP:AMBER';
    reports: ScoringReport[];
    score: number;
    halved: boolean;
    missed: string[];
  }[] = [
    {
      name: 'named team',
      reports: [rep({ recipients: { teams: ['TEAM-B'] } })],
      score: 2 / 3,
      halved: false,
      missed: ['TEAM-C'],
    },
    {
      name: "'all' reaches everyone",
      reports: [rep({ recipients: { teams: 'all' } })],
      score: 1,
      halved: false,
      missed: [],
    },
    {
      name: "'all' under a looser TLP is halved",
      reports: [rep({ tlp: 'TLP:GREEN', recipients: { teams: 'all' } })],
      score: 1 / 2,
      halved: true,
      missed: [],
    },
    {
      name: 'one loose report among several halves it',
      reports: [
        rep({ tlp: 'TLP:GREEN', recipients: { teams: ['TEAM-B'] } }),
        rep({ tlp: 'TLP:AMBER', recipients: { teams: ['TEAM-C'] } }),
      ],
      score: 1 / 2,
      halved: true,
      missed: [],
    },
    {
      name: 'a stricter TLP is fine',
      reports: [rep({ tlp: 'TLP:RED', recipients: { teams: ['TEAM-B', 'TEAM-C'] } })],
      score: 1,
      halved: false,
      missed: [],
    },
    {
      name: 'no report: not even control is reached',
      reports: [],
      score: 0,
      halved: false,
      missed: ['control', 'TEAM-B', 'TEAM-C'],
    },
    {
      // GREEN is visible to every team, but only deliberate sharing counts: control only.
      name: 'GREEN report naming no team reaches control only',
      key: { ...key, maxTlp: 'TLP:GREEN' },
      reports: [rep({ tlp: 'TLP:GREEN', recipients: { teams: [] } })],
      score: 1 / 3,
      halved: false,
      missed: ['TEAM-B', 'TEAM-C'],
    },
    {
      name: "without maxTlp the inject's own label is the ceiling",
      key: { ...key, maxTlp: undefined },
      injectTlp: 'TLP:RED',
      reports: [rep({ tlp: 'TLP:AMBER', recipients: { teams: 'all' } })],
      score: 1 / 2,
      halved: true,
      missed: [],
    },
  ];
  it.each(cases)('$name', (c) => {
    const r = scoreRecipients(c.key ?? key, c.injectTlp ?? 'TLP:AMBER', c.reports);
    expect(r.score).toBeCloseTo(c.score, 12);
    expect(r.halved).toBe(c.halved);
    expect(r.missed).toEqual(c.missed);
  });
  it('names the earliest report that reached each recipient', () => {
    const r = scoreRecipients(key, 'TLP:AMBER', [
      rep({ id: 'x', recipients: { teams: ['TEAM-C'] } }),
      rep({ id: 'y', recipients: { teams: 'all' } }),
      rep({ id: 'z', recipients: { teams: ['TEAM-B'] } }),
    ]);
    expect(r.reached).toEqual([
      { recipient: 'control', reportId: 'x' },
      { recipient: 'TEAM-B', reportId: 'y' },
      { recipient: 'TEAM-C', reportId: 'x' },
    ]);
  });
});

describe('structure component', () => {
  it.each([
    {
      name: 'everything filled',
      reports: [
        rep({
          classification: { class: 'other', type: 'other' },
          determination: 'confirmed',
          severity: 'low',
          affectedAssets: [{}],
          iocs: [{ type: 'md5', value: 'b'.repeat(32) }],
          timeline: [{}],
          actions: [{ text: 'x' }],
          recommendations: ['y'],
        }),
      ],
      score: 8 / 8,
    },
    {
      name: 'two of eight',
      reports: [
        rep({ classification: { class: 'other', type: 'other' }, iocs: [{ type: 'md5', value: 'b'.repeat(32) }] }),
      ],
      score: 2 / 8,
    },
    {
      name: 'union over reports',
      reports: [
        rep({ classification: { class: 'other', type: 'other' }, severity: 'low' }),
        rep({ timeline: [{}], actions: [{ text: 'x' }], recommendations: [] }),
      ],
      score: 4 / 8,
    },
    { name: 'empty arrays do not count', reports: [rep({ iocs: [], actions: [] })], score: 0 },
  ])('$name', ({ reports, score }) => {
    expect(scoreStructure(reports).score).toBeCloseTo(score, 12);
  });
});

describe('completeness: weighting and rescaling', () => {
  const full: ScoringAnswerKey = {
    iocs: [
      { type: 'ip-dst', value: '203.0.113.5', weight: 1, critical: false },
      { type: 'domain', value: 'evil.example', weight: 1, critical: false },
    ],
    decoys: [{ type: 'domain', value: 'decoy.example' }],
    classification: { class: 'malicious-code', type: 'infected-system' },
    severity: 'high',
    actions: [
      { code: 'ISOLATE', keywords: ['isolat'], weight: 1 },
      { code: 'BLOCK', keywords: ['block'], weight: 3 },
    ],
    recipients: ['control', 'TEAM-B'],
    maxTlp: 'TLP:AMBER',
  };
  // IOCs: 1 of 2 matched + 1 decoy → R = .5, P = .5, F2 = 1.25/2.5 = .5
  // classification: class only .5; severity medium vs high: 1 − 1/3; actions: ISOLATE (1 of 4) → .25
  // recipients: control + TEAM-B reached → 1; structure: classification, severity, iocs, actions = 4/8
  const report = rep({
    iocs: [
      { type: 'ip-dst', value: '203.0.113.5' },
      { type: 'domain', value: 'decoy.example' },
    ],
    classification: { class: 'malicious-code', type: 'c2-server' },
    severity: 'medium',
    actions: [{ text: 'isolated the server' }],
    recipients: { teams: ['TEAM-B'] },
  });
  const scores = {
    iocs: 0.5,
    classification: 0.5,
    severity: 1 - 1 / 3,
    actions: 0.25,
    recipients: 1,
    structure: 4 / 8,
  };
  const input = (key: ScoringAnswerKey | undefined, weights = DEFAULT_COMPONENT_WEIGHTS) => ({
    answerKey: key,
    injectTlp: 'TLP:AMBER' as const,
    reports: [report],
    reportsAfterDeadline: [],
    weights,
    criticalMissCap: 0.5,
  });

  it('uses the default weights when every component is defined', () => {
    const c = completeness(input(full));
    expect(c.value).toBeCloseTo(
      0.35 * 0.5 + 0.15 * 0.5 + 0.05 * (1 - 1 / 3) + 0.2 * 0.25 + 0.15 * 1 + 0.1 * (4 / 8),
      12,
    );
    expect(c.components.iocs.effectiveWeight).toBeCloseTo(0.35, 12);
    expect(c.reportsCounted).toEqual([report.id]);
  });

  it('rescales over the components the key defines', () => {
    const key: ScoringAnswerKey = { ...full, severity: undefined, actions: [], recipients: [] };
    const c = completeness(input(key));
    const total = 0.35 + 0.15 + 0.1; // iocs, classification, structure
    expect(c.value).toBeCloseTo(
      (0.35 * scores.iocs + 0.15 * scores.classification + 0.1 * scores.structure) / total,
      12,
    );
    expect(c.components.severity.defined).toBe(false);
    expect(c.components.severity.effectiveWeight).toBe(0);
    expect(c.components.iocs.effectiveWeight).toBeCloseTo(0.35 / 0.6, 12);
    expect(c.components.severity.weight).toBe(0.05);
  });

  it('without an answer key only structure scores', () => {
    const c = completeness(input(undefined));
    expect(c.value).toBeCloseTo(4 / 8, 12);
    expect(c.components.structure.effectiveWeight).toBe(1);
  });

  it('applies scenario-wide and per-inject weights', () => {
    const config = resolveScoringConfig({ weights: { iocs: 0.5, structure: 0 } });
    const weights = injectComponentWeights(config, { actions: 0.4 });
    // iocs .5, classification .15, severity .05, actions .4, recipients .15, structure 0 → total 1.25
    const c = completeness(input(full, weights));
    expect(c.value).toBeCloseTo((0.5 * 0.5 + 0.15 * 0.5 + 0.05 * (1 - 1 / 3) + 0.4 * 0.25 + 0.15 * 1 + 0) / 1.25, 12);
  });

  it('is 0, not NaN, when every defined component weighs 0', () => {
    const c = completeness(input(undefined, { ...DEFAULT_COMPONENT_WEIGHTS, structure: 0 }));
    expect(c.value).toBe(0);
  });

  it('is 0 with no report even though the key defines every component', () => {
    const c = completeness({ ...input(full), reports: [] });
    expect(c.value).toBe(0);
    expect(c.components.iocs.missed).toHaveLength(2);
  });
});
