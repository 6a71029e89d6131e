import { describe, expect, it } from '@jest/globals';
import {
  answersAssistance,
  assistanceAudience,
  canSeeAssistance,
  checkAssistanceTlp,
  nextAssistanceAnswers,
  type AssistanceParties,
} from './assistance.js';
import type { Viewer } from './model.js';

const SG = 'team-sg';
const MY = 'team-my';
const ID = 'team-id';
const asker: Viewer = { userId: 'u-sg-1', role: 'participant', teamId: SG };
const teammate: Viewer = { userId: 'u-sg-2', role: 'participant', teamId: SG };
const asked: Viewer = { userId: 'u-my', role: 'participant', teamId: MY };
const other: Viewer = { userId: 'u-id', role: 'participant', teamId: ID };
const controller: Viewer = { userId: 'u-c', role: 'controller', teamId: null };
const evaluator: Viewer = { userId: 'u-e', role: 'evaluator', teamId: null };
const request = (tlp: AssistanceParties['tlp'], over: Partial<AssistanceParties> = {}): AssistanceParties => ({
  fromTeamId: SG,
  toTeamId: MY,
  requestedByUserId: asker.userId,
  tlp,
  ...over,
});

describe('who reads a request for assistance', () => {
  it('is the two parties and drill control, whatever the label short of RED', () => {
    for (const tlp of ['TLP:CLEAR', 'TLP:GREEN', 'TLP:AMBER', 'TLP:AMBER+STRICT'] as const) {
      const r = request(tlp);
      expect([asker, teammate, asked, controller, evaluator].every((v) => canSeeAssistance(r, v))).toBe(true);
      expect(canSeeAssistance(r, other)).toBe(false);
      expect(assistanceAudience(r)).toEqual({ teams: [MY, SG], users: [] });
    }
  });

  it('under RED leaves out the asker’s teammates but not the asked team', () => {
    const r = request('TLP:RED');
    expect(canSeeAssistance(r, asker)).toBe(true);
    expect(canSeeAssistance(r, asked)).toBe(true);
    expect(canSeeAssistance(r, controller)).toBe(true);
    expect(canSeeAssistance(r, teammate)).toBe(false);
    expect(canSeeAssistance(r, other)).toBe(false);
    expect(assistanceAudience(r)).toEqual({ teams: [MY], users: [asker.userId] });
  });

  it('for a request to or from drill control, is drill control and the one team', () => {
    const toControl = request('TLP:AMBER', { toTeamId: null });
    expect(canSeeAssistance(toControl, asker)).toBe(true);
    expect(canSeeAssistance(toControl, asked)).toBe(false);
    expect(assistanceAudience(toControl)).toEqual({ teams: [SG], users: [] });
    const scripted = request('TLP:RED', { fromTeamId: null, requestedByUserId: null });
    expect(canSeeAssistance(scripted, asked)).toBe(true);
    expect(canSeeAssistance(scripted, asker)).toBe(false);
    expect(assistanceAudience(scripted)).toEqual({ teams: [MY], users: [] });
  });

  it('a person with no team reads only as drill control', () => {
    expect(canSeeAssistance(request('TLP:GREEN'), { userId: 'x', role: 'participant', teamId: null })).toBe(false);
    expect(canSeeAssistance(request('TLP:GREEN'), { userId: 'o', role: 'observer', teamId: null })).toBe(true);
  });
});

describe('who answers, and in what order', () => {
  it('the asked team’s participants, or a controller for drill control', () => {
    expect(answersAssistance({ toTeamId: MY }, asked)).toBe(true);
    expect(answersAssistance({ toTeamId: MY }, asker)).toBe(false);
    expect(answersAssistance({ toTeamId: MY }, controller)).toBe(false);
    expect(answersAssistance({ toTeamId: null }, controller)).toBe(true);
    expect(answersAssistance({ toTeamId: null }, evaluator)).toBe(false);
    expect(answersAssistance({ toTeamId: null }, asked)).toBe(false);
  });

  it('open takes any answer, accepted may still be fulfilled or declined, the rest are settled', () => {
    expect(nextAssistanceAnswers('open')).toEqual(['accepted', 'declined', 'fulfilled']);
    expect(nextAssistanceAnswers('accepted')).toEqual(['declined', 'fulfilled']);
    expect(nextAssistanceAnswers('declined')).toEqual([]);
    expect(nextAssistanceAnswers('fulfilled')).toEqual([]);
  });
});

describe('the label of a request about an inject', () => {
  const inject = { id: 'I-03', tlp: 'TLP:AMBER' as const };
  it('may keep or tighten the inject’s, never loosen it', () => {
    expect(checkAssistanceTlp('TLP:AMBER', inject)).toBeUndefined();
    expect(checkAssistanceTlp('TLP:RED', inject)).toBeUndefined();
    expect(checkAssistanceTlp('TLP:GREEN', inject)).toEqual({
      path: '/tlp',
      message: 'a request about I-03 cannot be marked looser than the inject (TLP:AMBER); use TLP:AMBER or stricter',
    });
    expect(checkAssistanceTlp('TLP:CLEAR', undefined)).toBeUndefined();
  });
});
