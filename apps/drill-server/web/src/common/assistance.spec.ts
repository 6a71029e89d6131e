import { describe, expect, it } from '@jest/globals';
import type { AssistanceRequestView } from '@drill/contracts';
import {
  formatSpan,
  isNewer,
  newestFirst,
  nextAnswers,
  parseIocLines,
  parseScenarioTime,
  requestStanding,
  shortTargetCue,
  targetCue,
} from './assistance.js';
import { formatScenario } from './format.js';

const MIN = 60_000;

function request(over: Partial<AssistanceRequestView> = {}): AssistanceRequestView {
  return {
    id: 'r1',
    exerciseId: 'e1',
    from: { teamId: 't-my', code: 'MY', name: 'MY CERT' },
    to: { teamId: 't-sg', code: 'SG', name: 'SG CERT' },
    requestedBy: { userId: 'u1', name: 'Aisyah' },
    injectId: null,
    kind: 'takedown',
    text: 'Please take down the phishing site.',
    tlp: 'TLP:AMBER',
    iocs: [],
    scripted: false,
    status: 'open',
    requestedAt: '2026-12-02T10:00:00.000Z',
    requestedScenarioTime: 'T+01:00:00',
    toFirstResponseMinutes: null,
    toFulfilmentMinutes: null,
    targets: { respondMinutes: 30, fulfilMinutes: 120 },
    responses: [],
    ...over,
  };
}

describe('scenario times of requests', () => {
  it('reads T+HH:MM:SS, hours past 99 included, and nothing else', () => {
    expect(parseScenarioTime('T+01:02:03')).toBe(3_723_000);
    expect(parseScenarioTime('T+100:00:00')).toBe(360_000_000);
    expect([parseScenarioTime('01:02:03'), parseScenarioTime('T+01:60:00'), parseScenarioTime(null)]).toEqual([
      undefined,
      undefined,
      undefined,
    ]);
  });

  it('writes spans as people say them', () => {
    expect([formatSpan(45_000), formatSpan(30 * MIN), formatSpan(29.5 * MIN), formatSpan(125 * MIN)]).toEqual([
      '45 s',
      '30 min',
      '29 min 30 s',
      '2 h 05 min',
    ]);
  });
});

describe('where a request stands against its targets', () => {
  const hour = 60 * MIN;

  it('counts the answer down from the request, then marks it overdue', () => {
    const r = request();
    const open = requestStanding(r, hour + 10 * MIN);
    expect(open.answer).toEqual({ state: 'open', dueMs: hour + 30 * MIN, leftMs: 20 * MIN });
    expect(open.fulfil).toBeNull(); // no fulfilment is due before the request is accepted
    expect(targetCue('answer', open.answer, formatScenario)).toBe('answer due by T+01:30:00 (20 min left)');

    const late = requestStanding(r, hour + 35 * MIN);
    expect(late.answer.state).toBe('overdue');
    expect(targetCue('answer', late.answer, formatScenario)).toBe('Overdue: answer was due by T+01:30:00, 5 min ago');
  });

  it('holds an accepted request to its fulfilment target, and says how long each took once done', () => {
    const accepted = request({ status: 'accepted', toFirstResponseMinutes: 12 });
    const s = requestStanding(accepted, hour + 3 * hour);
    expect(targetCue('answer', s.answer, formatScenario)).toBe('answered after 12 min (target 30 min)');
    expect(s.fulfil).toMatchObject({ state: 'overdue', dueMs: hour + 120 * MIN });

    const done = request({ status: 'fulfilled', toFirstResponseMinutes: 45, toFulfilmentMinutes: 100 });
    const d = requestStanding(done, 10 * hour);
    expect(targetCue('answer', d.answer, formatScenario)).toBe('answered after 45 min, past the 30 min target');
    expect(d.answer.state).toBe('late');
    expect(targetCue('fulfil', d.fulfil!, formatScenario)).toBe('fulfilled after 1 h 40 min (target 2 h 00 min)');
  });

  it('says the same in short for a board cell', () => {
    const open = requestStanding(request(), hour + 10 * MIN).answer;
    const overdue = requestStanding(request(), hour + 35 * MIN).answer;
    const met = requestStanding(request({ status: 'accepted', toFirstResponseMinutes: 0.05 }), hour).answer;
    const late = requestStanding(request({ status: 'accepted', toFirstResponseMinutes: 45 }), hour).answer;
    expect([open, overdue, met, late].map(shortTargetCue)).toEqual([
      '20 min left',
      'Overdue 5 min',
      '3 s (target 30 min)',
      '45 min, late (target 30 min)',
    ]);
  });

  it('holds a declined request to no fulfilment', () => {
    const s = requestStanding(request({ status: 'declined', toFirstResponseMinutes: 3 }), 10 * hour);
    expect(s.fulfil).toBeNull();
    expect(s.answer.state).toBe('met');
  });

  it('offers the answers the server still takes', () => {
    expect(nextAnswers('open')).toEqual(['accepted', 'declined', 'fulfilled']);
    expect(nextAnswers('accepted')).toEqual(['fulfilled', 'declined']);
    expect([nextAnswers('declined'), nextAnswers('fulfilled')]).toEqual([[], []]);
  });
});

describe('the ask form’s indicators', () => {
  it('reads "type value" lines, and values alone as the picked type', () => {
    expect(
      parseIocLines('domain evil.example\n\n  ip-dst 203.0.113[.]7 \nhxxp://phish.example/login\nAS 64500\n', 'url'),
    ).toEqual([
      { type: 'domain', value: 'evil.example' },
      { type: 'ip-dst', value: '203.0.113[.]7' },
      { type: 'url', value: 'hxxp://phish.example/login' },
      { type: 'AS', value: '64500' },
    ]);
  });

  it('keeps a line whose first word is not a type whole', () => {
    expect(parseIocLines('login page at phish.example', 'hostname')).toEqual([
      { type: 'hostname', value: 'login page at phish.example' },
    ]);
  });
});

describe('live updates of the list', () => {
  it('takes an update unless it has fewer answers than the one held', () => {
    const answered = request({ status: 'accepted', responses: [{} as AssistanceRequestView['responses'][number]] });
    expect(isNewer(request(), undefined)).toBe(true);
    expect(isNewer(request(), answered)).toBe(false);
    expect(isNewer(answered, request())).toBe(true);
  });

  it('orders newest first', () => {
    const a = request({ id: 'a', requestedAt: '2026-12-02T10:00:00Z' });
    const b = request({ id: 'b', requestedAt: '2026-12-02T10:05:00Z' });
    expect([a, b].sort(newestFirst).map((r) => r.id)).toEqual(['b', 'a']);
  });
});
