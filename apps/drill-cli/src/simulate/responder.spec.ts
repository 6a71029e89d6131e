import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { isLooserTlp } from '@drill/contracts';
import { iocFamily, normaliseIoc } from '@drill/ioc';
import { validateScenarioText, type Inject } from '@drill/scenario';
import { Prng } from './prng.js';
import type { ProfileName } from './profiles.js';
import { defang, planResponse, reportTime, scenarioClock, windowOf, type ResponsePlan } from './responder.js';

const { scenario } = validateScenarioText(
  readFileSync(join(process.cwd(), 'scenarios/acid-ransomware-health-bank.yaml'), 'utf8'),
  'yaml',
);
const inject = (id: string): Inject => scenario!.injects.find((i) => i.id === id)!;
// I-01: target 15, deadline 30; 5 expected IOCs (sha256 and 203.0.113.45 critical), 2 decoys, malicious-code/infected-system,
// severity critical, 4 actions, recipients control + ID, maxTlp AMBER.
const I01 = inject('I-01');
const CODES = ['SG', 'MY', 'TH', 'ID', 'PH'];

function plans(profile: ProfileName, n = 300, over: Partial<Parameters<typeof planResponse>[0]> = {}): ResponsePlan[] {
  return Array.from({ length: n }, (_, seed) =>
    planResponse({
      profile,
      inject: I01,
      rng: new Prng(seed),
      team: { code: 'MY', country: 'Malaysia' },
      exerciseCodes: CODES,
      releasedAtMin: 10,
      ...over,
    }),
  );
}
const full = (p: ResponsePlan) => p.reports.find((r) => r.purpose === 'report');
const share = <T>(xs: T[], f: (x: T) => boolean) => xs.filter(f).length / xs.length;
const key = (type: Parameters<typeof iocFamily>[0], value: string) => `${iocFamily(type)}|${value}`;
const expectedKeys = new Set(I01.answerKey!.iocs.map((i) => key(i.type, i.value)));
const decoyKeys = new Set(I01.answerKey!.decoys.map((i) => key(i.type, i.value)));
const normalisedKeys = (p: ResponsePlan) =>
  p.reports.flatMap((r) =>
    (r.body.iocs ?? []).map((i) => {
      const n = normaliseIoc(i.type, i.value);
      return n.ok ? key(i.type, n.value) : 'invalid';
    }),
  );

describe('helpers', () => {
  it('defangs indicators the way analysts write them, only where the server reads them back unchanged', () => {
    expect(defang('ip-dst', '203.0.113.45')).toBe('203[.]0[.]113[.]45');
    expect(defang('domain', 'krait-leaks.example')).toBe('krait-leaks[.]example');
    expect(defang('url', 'https://kraitlock-support.example/c/SPMH-7f3a9c')).toBe(
      'hxxps://kraitlock-support[.]example/c/SPMH-7f3a9c',
    );
    expect(defang('email-src', 'records@seripermata-care.example')).toBe('records[@]seripermata-care[.]example');
    expect(defang('sha1', '5906c015d8793f1016104c33d6de86a9d54bf5be')).toBe('5906c015d8793f1016104c33d6de86a9d54bf5be');
    expect(defang('ip-dst', '2001:db8::1')).toBe('2001:db8::1');
  });

  it('works out target and deadline, with defaults', () => {
    expect(windowOf({ targetMinutes: 15, deadlineMinutes: 30 })).toEqual({ T: 15, D: 30 });
    expect(windowOf({})).toEqual({ T: 20, D: 40 });
    expect(windowOf({ deadlineMinutes: 30 })).toEqual({ T: 15, D: 30 });
    expect(windowOf({ targetMinutes: 4 })).toEqual({ T: 4, D: 14 });
  });

  it('writes scenario minutes as T+HH:MM', () => {
    expect(scenarioClock(0)).toBe('T+00:00');
    expect(scenarioClock(65.4)).toBe('T+01:05');
    expect(scenarioClock(600)).toBe('T+10:00');
  });

  it('times a slow team mostly between target and deadline, a quarter after the deadline', () => {
    const rng = new Prng(42);
    const xs = Array.from({ length: 4000 }, () => reportTime('late', 15, 30, rng));
    expect(share(xs, (x) => x < 15)).toBeCloseTo(0.15, 1);
    expect(share(xs, (x) => x >= 15 && x <= 30)).toBeCloseTo(0.6, 1);
    expect(share(xs, (x) => x > 30)).toBeCloseTo(0.25, 1);
  });

  it('gives the same plan for the same seed', () => {
    expect(plans('noisy', 5)).toEqual(plans('noisy', 5));
    expect(plans('noisy', 2)[0]).not.toEqual(plans('noisy', 2)[1]);
  });
});

describe('profiles', () => {
  it('every indicator a bot sends is valid, and no report names a team outside the exercise', () => {
    for (const profile of ['diligent', 'slow', 'partial', 'noisy', 'silent'] as const) {
      for (const p of plans(profile, 100, { exerciseCodes: ['MY', 'SG'] })) {
        expect(normalisedKeys(p)).not.toContain('invalid');
        for (const r of p.reports) {
          const teams = r.body.recipients?.teams;
          if (Array.isArray(teams)) for (const t of teams) expect(['MY', 'SG']).toContain(t);
        }
      }
    }
  });

  it('diligent: acknowledges first, reports before the target, right classification, names ID, no looser TLP', () => {
    const ps = plans('diligent');
    for (const p of ps) {
      expect(p.ackAt).toBeDefined();
      expect(p.reports.length).toBeGreaterThanOrEqual(1);
      expect(p.ackAt!).toBeLessThan(p.reports[0]!.at);
      expect(full(p)!.at).toBeLessThan(15);
      for (const r of p.reports) expect(isLooserTlp(r.body.tlp, 'TLP:AMBER')).toBe(false);
    }
    expect(share(ps, (p) => full(p)!.body.classification?.type === 'infected-system')).toBeGreaterThan(0.85);
    expect(
      share(ps, (p) => (full(p)!.body.recipients?.teams as string[] | undefined)?.includes('ID') ?? false),
    ).toBeGreaterThan(0.85);
    expect(share(ps, (p) => p.reports.some((r) => r.purpose === 'early-warning'))).toBeGreaterThan(0.3);
    expect(share(ps, (p) => normalisedKeys(p).some((k) => decoyKeys.has(k)))).toBeLessThan(0.1);
    const recall = ps.map(
      (p) => new Set(normalisedKeys(p).filter((k) => expectedKeys.has(k))).size / expectedKeys.size,
    );
    expect(recall.reduce((a, b) => a + b, 0) / recall.length).toBeGreaterThan(0.8);
    // Well structured: timeline, affected assets and recommendations in almost every full report.
    expect(
      share(ps, (p) => !!full(p)!.body.timeline && !!full(p)!.body.affectedAssets && !!full(p)!.body.recommendations),
    ).toBeGreaterThan(0.8);
  });

  it('slow: mostly after the target, a good share after the deadline', () => {
    const ps = plans('slow');
    const reported = ps.filter((p) => full(p));
    expect(share(reported, (p) => full(p)!.at > 15)).toBeGreaterThan(0.7);
    expect(share(reported, (p) => full(p)!.at > 30)).toBeGreaterThan(0.15);
    expect(share(reported, (p) => full(p)!.body.classification?.class === 'malicious-code')).toBeGreaterThan(0.8);
  });

  it('partial: about half the IOCs, right class but often the wrong type, few actions', () => {
    const ps = plans('partial').filter((p) => full(p));
    const recall = ps.map(
      (p) => new Set(normalisedKeys(p).filter((k) => expectedKeys.has(k))).size / expectedKeys.size,
    );
    const mean = recall.reduce((a, b) => a + b, 0) / recall.length;
    expect(mean).toBeGreaterThan(0.35);
    expect(mean).toBeLessThan(0.7);
    expect(share(ps, (p) => full(p)!.body.classification?.class === 'malicious-code')).toBe(1);
    const wrongType = share(ps, (p) => full(p)!.body.classification?.type !== 'infected-system');
    expect(wrongType).toBeGreaterThan(0.3);
    expect(wrongType).toBeLessThan(0.7);
    expect(Math.max(...ps.map((p) => full(p)!.body.actions!.length))).toBeLessThanOrEqual(2); // of the 4 expected: round(40 % of 4)
  });

  it('noisy: every full report carries a decoy; some go out under a looser TLP or to everyone', () => {
    const ps = plans('noisy').filter((p) => full(p));
    for (const p of ps) {
      const keys = (full(p)!.body.iocs ?? []).map((i) =>
        key(i.type, normaliseIoc(i.type, i.value).ok ? (normaliseIoc(i.type, i.value) as { value: string }).value : ''),
      );
      expect(keys.some((k) => decoyKeys.has(k))).toBe(true);
      expect(full(p)!.decoys).toBeGreaterThanOrEqual(1);
      // …and unrelated indicators besides.
      expect(keys.filter((k) => !expectedKeys.has(k) && !decoyKeys.has(k)).length).toBeGreaterThanOrEqual(2);
    }
    expect(share(ps, (p) => p.reports.some((r) => isLooserTlp(r.body.tlp, 'TLP:AMBER')))).toBeGreaterThan(0.25);
    expect(share(ps, (p) => p.reports.some((r) => r.body.recipients?.teams === 'all'))).toBeGreaterThan(0.2);
  });

  it('silent: acknowledges about half, reports rarely', () => {
    const ps = plans('silent');
    expect(share(ps, (p) => p.reports.length > 0)).toBeLessThan(0.15);
    const acked = share(ps, (p) => p.ackAt !== undefined);
    expect(acked).toBeGreaterThan(0.35);
    expect(acked).toBeLessThan(0.65);
  });

  it('sends nothing but an acknowledgement when no response is required', () => {
    for (const p of plans('diligent', 20, { inject: { ...I01, responseRequired: false } })) {
      expect(p.reports).toEqual([]);
      expect(p.ackAt).toBeDefined();
    }
  });

  it('names a drill-control user for TLP:RED, or falls back to AMBER+STRICT without one', () => {
    const red = { ...I01, answerKey: { ...I01.answerKey!, maxTlp: 'TLP:RED' as const } };
    const withUser = plans('diligent', 20, { inject: red, controlUserId: '0b7e0c5e-3c1c-4d1e-9a53-2f9f7f0e8a11' }).map(
      full,
    );
    for (const r of withUser) {
      expect(r!.body.tlp).toBe('TLP:RED');
      expect(r!.body.recipients?.users).toEqual(['0b7e0c5e-3c1c-4d1e-9a53-2f9f7f0e8a11']);
    }
    for (const r of plans('diligent', 20, { inject: red }).map(full)) expect(r!.body.tlp).toBe('TLP:AMBER+STRICT');
  });
});
