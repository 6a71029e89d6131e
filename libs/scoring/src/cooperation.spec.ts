import { describe, expect, it } from '@jest/globals';
import { scoreCooperation, scoreCooperationRequest, type CooperationRequestInput } from './cooperation.js';

const base: CooperationRequestInput = {
  requestId: 'r1',
  fromCode: 'SG',
  kind: 'takedown',
  injectId: 'I-01',
  scripted: false,
  status: 'fulfilled',
  toFirstResponseMinutes: 10,
  toFulfilmentMinutes: 60,
  answers: ['Accepted', 'Domain suspended'],
  targets: { respondMinutes: 30, fulfilMinutes: 120 },
};
const scored = (over: Partial<CooperationRequestInput>) => scoreCooperationRequest({ ...base, ...over });

describe('one request’s cooperation score: 0.4·R + 0.6·O', () => {
  it('is 1 for an answer and a fulfilment within their targets, and says why', () => {
    const s = scored({});
    expect(s).toMatchObject({ response: 1, outcome: 1, score: 1 });
    expect(s.explanation).toBe(
      'R: first answer after 10 min, within the 30 min target: 1; O: fulfilled after 60 min, within the 120 min ' +
        'target: 1; score = 0.4·1 + 0.6·1 = 1',
    );
  });

  it('falls linearly from the target to 0 at three times the target', () => {
    expect(scored({ toFirstResponseMinutes: 60 }).response).toBeCloseTo(0.5, 12); // halfway from 30 to 90
    expect(scored({ toFirstResponseMinutes: 90 }).response).toBe(0);
    expect(scored({ toFirstResponseMinutes: 200 }).explanation).toMatch(/past 90 min \(3× the target\): 0/);
    expect(scored({ toFulfilmentMinutes: 240 }).outcome).toBeCloseTo(0.5, 12);
    expect(scored({ toFulfilmentMinutes: 240 }).explanation).toMatch(
      /fulfilled after 240 min, between the 120 min target and 360 min: 0.5/,
    );
  });

  it('between teams: a reasoned refusal 0.5, accepted only 0.25, no answer 0', () => {
    expect(scored({ status: 'declined', toFulfilmentMinutes: null }).outcome).toBe(0.5);
    expect(scored({ status: 'accepted', toFulfilmentMinutes: null }).outcome).toBe(0.25);
    const silent = scored({ status: 'open', toFirstResponseMinutes: null, toFulfilmentMinutes: null, answers: [] });
    expect(silent).toMatchObject({ response: 0, outcome: 0, score: 0 });
    expect(silent.explanation).toBe('R: no first answer: 0; O: never answered: 0; score = 0.4·0 + 0.6·0 = 0');
  });

  it('scripted: the key’s expected answer decides the outcome', () => {
    const key = (status: 'fulfilled' | 'accepted' | 'declined') => ({
      scripted: true,
      expect: { status, mentions: [] },
    });
    expect(scored({ ...key('fulfilled'), status: 'declined' }).outcome).toBe(0);
    expect(scored({ ...key('accepted'), status: 'fulfilled' }).outcome).toBe(1);
    expect(scored({ ...key('accepted'), status: 'declined' }).outcome).toBe(0);
    const refuse = scored({ ...key('declined'), status: 'declined', toFulfilmentMinutes: null });
    expect(refuse.outcome).toBe(1);
    expect(refuse.explanation).toMatch(/O: expected declined, declined: 1/);
    expect(scored({ ...key('declined'), status: 'fulfilled' }).outcome).toBe(0);
  });

  it('halves the outcome when no answer mentions any word of the key, case-blind', () => {
    const expect_ = { status: 'fulfilled' as const, mentions: ['Suspended', 'taken down'] };
    expect(scored({ scripted: true, expect: expect_ }).outcome).toBe(1);
    const vague = scored({ scripted: true, expect: expect_, answers: ['Done'] });
    expect(vague.outcome).toBe(0.5);
    expect(vague.score).toBeCloseTo(0.7, 12);
    expect(vague.explanation).toMatch(/the answers mention none of "Suspended", "taken down": halved to 0.5/);
  });
});

describe('a team’s cooperation score', () => {
  it('is the mean over the requests it was asked, and none (null) when it was asked nothing', () => {
    const team = scoreCooperation([
      base,
      { ...base, requestId: 'r2', status: 'open', toFirstResponseMinutes: null, toFulfilmentMinutes: null },
    ]);
    expect(team.score).toBe(0.5);
    expect(team.explanation).toBe('mean of 2 requests asked (1 + 0) / 2 = 0.5');
    expect(scoreCooperation([])).toEqual({
      score: null,
      requests: [],
      explanation: 'asked for no assistance: no cooperation score',
    });
  });
});
