import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { ASSISTANCE_KINDS, isLooserTlp, type AssistanceRequestView } from '@drill/contracts';
import { normaliseIoc } from '@drill/ioc';
import { validateScenarioText, type Inject, type ScriptedAssistance } from '@drill/scenario';
import {
  fulfilmentText,
  planAnswer,
  planConfirmation,
  planRequest,
  type AnswerInput,
  type AnswerPlan,
  type AskInput,
} from './cooperation.js';
import { Prng } from './prng.js';
import { BEHAVIOURS, PROFILE_NAMES, type ProfileName } from './profiles.js';

const { scenario } = validateScenarioText(
  readFileSync(join(process.cwd(), 'scenarios/acid-ransomware-health-bank.yaml'), 'utf8'),
  'yaml',
);
const inject = (id: string): Inject => scenario!.injects.find((i) => i.id === id)!;
// I-01: MY's inject, target 15; answer key recipients control + ID; an address, a URL, a domain, a hash and a file name.
const I01 = inject('I-01');
const CODES = ['SG', 'MY', 'TH', 'ID', 'PH'];
const TARGETS = { respondMinutes: 30, fulfilMinutes: 120 };
const share = <T>(xs: T[], f: (x: T) => boolean) => xs.filter(f).length / xs.length;

const REQUEST: AnswerInput['request'] = {
  kind: 'takedown',
  iocs: [{ type: 'domain', value: 'krait-leaks.example' }],
  targets: TARGETS,
  from: { teamId: 'b3c1', code: 'MY', name: 'MyCERT' },
  scripted: false,
};

function answers(profile: ProfileName, n = 300, over: Partial<AnswerInput> = {}): AnswerPlan[] {
  return Array.from({ length: n }, (_, seed) =>
    planAnswer({
      cooperation: BEHAVIOURS[profile].cooperation,
      request: REQUEST,
      rng: new Prng(seed),
      team: { code: 'SG' },
      requestedAtMin: 20,
      plannedEndMin: 1000,
      ...over,
    }),
  );
}
const first = (p: AnswerPlan) => p.steps[0];
const fulfilled = (p: AnswerPlan) => p.steps.find((s) => s.status === 'fulfilled');

describe('answering a request for assistance', () => {
  it('gives the same plan for the same seed, and answers in an order the server accepts', () => {
    expect(answers('noisy', 5)).toEqual(answers('noisy', 5));
    for (const profile of PROFILE_NAMES) {
      for (const p of answers(profile, 200)) {
        const statuses = p.steps.map((s) => s.status).join(',');
        expect(['', 'accepted', 'declined', 'accepted,fulfilled']).toContain(statuses);
        if (p.steps.length === 2) expect(p.steps[1]!.at).toBeGreaterThan(p.steps[0]!.at);
        for (const s of p.steps) expect(s.text.length).toBeGreaterThan(0);
      }
    }
  });

  it('diligent: answers well within the respond target, fulfils within the fulfil target, names what was done', () => {
    const ps = answers('diligent');
    for (const p of ps) {
      expect(first(p)!.status).toBe('accepted');
      expect(first(p)!.at).toBeLessThanOrEqual(0.5 * TARGETS.respondMinutes);
    }
    const done = ps.map(fulfilled).filter((s) => s !== undefined);
    expect(done.length / ps.length).toBeGreaterThan(0.9);
    for (const s of done) {
      expect(s.at).toBeLessThanOrEqual(TARGETS.fulfilMinutes);
      expect(s.text).toMatch(/^Domain suspended by the registrar; krait-leaks\.example taken down at T\+\d\d:\d\d/);
    }
  });

  it('slow: answers only after the respond target', () => {
    const ps = answers('slow').filter((p) => p.steps.length);
    expect(ps.length / 300).toBeGreaterThan(0.9);
    for (const p of ps) expect(first(p)!.at).toBeGreaterThan(TARGETS.respondMinutes);
    const done = ps.map(fulfilled).filter((s) => s !== undefined);
    expect(share(done, (s) => s.at > 0.6 * TARGETS.fulfilMinutes)).toBe(1);
  });

  it('partial: takes most requests on but fulfils fewer than half', () => {
    const ps = answers('partial');
    expect(share(ps, (p) => first(p)?.status === 'accepted')).toBeGreaterThan(0.7);
    const fulfilledShare = share(ps, (p) => fulfilled(p) !== undefined);
    expect(fulfilledShare).toBeGreaterThan(0.15);
    expect(fulfilledShare).toBeLessThan(0.5);
    expect(fulfilledShare).toBeLessThan(share(answers('diligent'), (p) => fulfilled(p) !== undefined) - 0.4);
  });

  it('noisy: answers fast, and sometimes declines without a reason', () => {
    const ps = answers('noisy').filter((p) => p.steps.length);
    for (const p of ps) expect(first(p)!.at).toBeLessThan(TARGETS.respondMinutes);
    const declines = ps.filter((p) => first(p)!.status === 'declined');
    expect(declines.length / ps.length).toBeGreaterThan(0.15);
    expect(declines.length / ps.length).toBeLessThan(0.45);
    for (const p of declines) expect(['Declined.', 'Not possible.', 'No.']).toContain(first(p)!.text);
    // A slow team that refuses says why.
    const slowDeclines = answers('slow', 600).filter((x) => first(x)?.status === 'declined');
    expect(slowDeclines.length).toBeGreaterThan(5);
    for (const p of slowDeclines) expect(first(p)!.text).toMatch(/^Declined: .{40,}/);
  });

  it('silent: never answers', () => {
    for (const p of answers('silent')) expect(p.steps).toEqual([]);
  });

  it('plans no answer after the planned end of the drill, and counts what it left out', () => {
    // Asked 10 scenario minutes before ENDEX: a diligent team answers (3–15 min) only when it is in time.
    const ps = answers('diligent', 200, { requestedAtMin: 170, plannedEndMin: 180 });
    for (const p of ps) for (const s of p.steps) expect(s.at).toBeLessThanOrEqual(10);
    expect(share(ps, (p) => p.steps.length === 1 && p.afterEnd === 1)).toBeGreaterThan(0.5);
    expect(share(ps, (p) => p.steps.length === 0 && p.afterEnd === 2)).toBeGreaterThan(0);
    expect(share(ps, (p) => p.steps.length + p.afterEnd === 0)).toBe(0);
  });

  describe('a scripted request, by its answer key', () => {
    // I-18's key, with a word none of the bots' own texts would use by chance.
    const key: ScriptedAssistance = {
      ...inject('I-18').assistance!,
      expect: { ...inject('I-18').assistance!.expect, mentions: ['abuse desk'] },
    };
    const scripted = {
      ...REQUEST,
      kind: key.kind,
      iocs: key.iocs,
      scripted: true,
    } satisfies Partial<AssistanceRequestView>;

    it('diligent answers in the words the key looks for, partial seldom; silent still says nothing', () => {
      const mentioned = (p: AnswerPlan) => p.steps.some((s) => s.text.includes('abuse desk'));
      const diligent = share(answers('diligent', 300, { request: scripted, key }), mentioned);
      expect(diligent).toBeGreaterThan(0.8);
      expect(share(answers('partial', 300, { request: scripted, key }), mentioned)).toBeLessThan(diligent - 0.3);
      expect(share(answers('diligent', 100, { request: scripted }), mentioned)).toBe(0); // without the key
      for (const p of answers('silent', 50, { request: scripted, key })) expect(p.steps).toEqual([]);
    });

    it('refuses what must be refused, and only accepts what must only be accepted', () => {
      const refuse: ScriptedAssistance = { ...key, expect: { ...key.expect, status: 'declined' } };
      const ps = answers('diligent', 200, { request: scripted, key: refuse });
      expect(
        share(ps, (p) => first(p)?.status === 'declined' && /^Declined: .{20,}/.test(first(p)!.text)),
      ).toBeGreaterThan(0.85);
      const accept: ScriptedAssistance = { ...key, expect: { ...key.expect, status: 'accepted' } };
      const qs = answers('diligent', 200, { request: scripted, key: accept });
      expect(share(qs, (p) => p.steps.length === 1 && first(p)!.status === 'accepted')).toBeGreaterThan(0.85);
    });
  });

  it('writes a fulfilment for every kind, with the time it was done', () => {
    const rng = new Prng(3);
    for (const kind of ASSISTANCE_KINDS) {
      const text = fulfilmentText(kind, [{ type: 'ip-dst', value: '198.51.100.77' }], 'T+01:40', rng);
      expect(text).toContain('198.51.100.77');
      expect(text).toContain('T+01:40');
    }
    expect(fulfilmentText('block', [], 'T+00:10', rng)).toContain('the reported infrastructure');
  });
});

describe('asking another team for assistance', () => {
  const OWN_IOCS = I01.answerKey!.iocs.map((i) => ({ type: i.type, value: i.value }));
  const asks = (profile: ProfileName, n = 400, over: Partial<AskInput> = {}) =>
    Array.from({ length: n }, (_, seed) =>
      planRequest({
        cooperation: BEHAVIOURS[profile].cooperation,
        inject: I01,
        rng: new Prng(seed),
        team: { code: 'MY' },
        exerciseCodes: CODES,
        iocs: OWN_IOCS,
        targets: TARGETS,
        releasedAtMin: 10,
        plannedEndMin: 180,
        ...over,
      }),
    );
  const made = (profile: ProfileName, over: Partial<AskInput> = {}) => share(asks(profile, 400, over), (a) => !!a);

  it('diligent and noisy ask more than slow and partial; silent never', () => {
    expect(made('silent')).toBe(0);
    for (const busy of ['diligent', 'noisy'] as const)
      for (const quiet of ['slow', 'partial'] as const) expect(made(busy)).toBeGreaterThan(made(quiet) + 0.15);
  });

  it('asks a team of the exercise other than itself, the answer key’s recipient, about its own indicator', () => {
    const planned = asks('noisy').filter((a) => a !== undefined);
    expect(planned.length).toBeGreaterThan(100);
    for (const a of planned) {
      expect(a.body.to).toBe('ID'); // I-01's recipients: control and ID
      expect(a.body.injectId).toBe('I-01');
      expect(a.body.tlp).toBe(I01.tlp);
      expect(a.body.iocs).toHaveLength(1);
      expect(OWN_IOCS).toContainEqual(a.body.iocs![0]);
      const kind = a.body.kind;
      const type = a.body.iocs![0]!.type;
      expect(type === 'url' || type === 'domain' ? ['takedown', 'sinkhole'] : ['block', 'log-check']).toContain(kind);
      expect(a.body.text).toContain(a.body.iocs![0]!.value);
      expect(a.at).toBeGreaterThan(0);
      expect(a.at).toBeLessThan(15); // before I-01's target
    }
    // Without a recipient in the key, any other team, never itself.
    const free = asks('noisy', 400, { inject: { ...I01, answerKey: { ...I01.answerKey!, recipients: ['control'] } } });
    const to = new Set(free.filter((a) => a !== undefined).map((a) => a.body.to));
    expect([...to].sort()).toEqual(['ID', 'PH', 'SG', 'TH']);
  });

  it('marks the request with the inject’s TLP, never looser, and uses indicators the server reads', () => {
    for (const tlp of ['TLP:GREEN', 'TLP:AMBER+STRICT', 'TLP:RED'] as const) {
      for (const a of asks('diligent', 100, { inject: { ...I01, tlp } }).filter((x) => x !== undefined)) {
        expect(isLooserTlp(a.body.tlp as typeof tlp, tlp)).toBe(false);
        for (const i of a.body.iocs ?? []) expect(normaliseIoc(i.type, i.value).ok).toBe(true);
      }
    }
  });

  it('asks nothing without an indicator to act on, without time to act before ENDEX, or on a scripted request', () => {
    expect(made('noisy', { iocs: [] })).toBe(0);
    expect(made('noisy', { iocs: [{ type: 'sha256', value: OWN_IOCS[0]!.value }] })).toBe(0);
    expect(made('noisy', { releasedAtMin: 140 })).toBe(0); // 40 min left, half the fulfil target is 60
    expect(made('noisy', { inject: { ...I01, responseRequired: false } })).toBe(0);
    expect(made('noisy', { inject: inject('I-18') })).toBe(0);
    expect(made('noisy', { exerciseCodes: ['MY'] })).toBe(0);
  });
});

describe('confirming the communications check', () => {
  const delays = (profile: ProfileName) =>
    Array.from({ length: 200 }, (_, seed) => planConfirmation(BEHAVIOURS[profile].cooperation, new Prng(seed)));

  it('every profile but silent confirms; diligent quickly, slow later', () => {
    for (const profile of ['diligent', 'noisy', 'slow', 'partial'] as const)
      for (const d of delays(profile)) expect(d).toBeGreaterThan(0);
    expect(delays('silent').every((d) => d === undefined)).toBe(true);
    expect(Math.max(...(delays('diligent') as number[]))).toBeLessThan(Math.min(...(delays('slow') as number[])));
  });
});
