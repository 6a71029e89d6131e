import type { AssistanceAnswer, CooperationRequestScore } from '@drill/contracts';
import { fmt } from './explain.js';
import { timeliness } from './timeliness.js';

// The cooperation component: how a team answers the requests for assistance it is asked, by another team or by
// drill control playing a foreign CERT. Each request scores 0.4·R + 0.6·O:
// - R, the time to the first answer (any of accepted, declined, fulfilled) against the respond target: 1 up to
//   the target, falling linearly to 0 at three times the target (the timeliness rule of injects, with the
//   deadline at 3× the target), 0 without an answer;
// - O, the outcome against what was expected. A scripted request carries an answer key: "fulfilled" expects the
//   request fulfilled (then O is the fulfilment time against the fulfil target, by the same rule; accepted and not
//   yet fulfilled is 0.25), "accepted" is met by accepted or fulfilled, "declined" (a request the team should
//   refuse, outside its mandate or a social-engineering attempt) only by declining. A request between teams has no
//   key: fulfilled scores as fulfilment time, a reasoned refusal 0.5, accepted only 0.25. When the key lists words
//   a good answer mentions and no answer mentions any, O is halved.
// The team's cooperation score is the mean over the requests it was asked; a team asked nothing has none (null),
// not zero.

export const COOPERATION_WEIGHTS = Object.freeze({ response: 0.4, outcome: 0.6 });
/** The time at which R (or the fulfilment part of O) reaches 0, as a multiple of the target. */
export const COOPERATION_LATE_FACTOR = 3;
const ACCEPTED_ONLY = 0.25;
const DECLINED_WITHOUT_KEY = 0.5;

/** The request as scored: what its score names it by, and what the score is computed from. */
export interface CooperationRequestInput extends Pick<
  CooperationRequestScore,
  'requestId' | 'fromCode' | 'kind' | 'injectId' | 'scripted' | 'status'
> {
  toFirstResponseMinutes: number | null;
  toFulfilmentMinutes: number | null;
  /** Every answer's text, in order. */
  answers: readonly string[];
  targets: { respondMinutes: number; fulfilMinutes: number };
  /** A scripted request's answer key. */
  expect?: { status: AssistanceAnswer; mentions: readonly string[] };
}

export interface TeamCooperationScore {
  score: number | null;
  requests: CooperationRequestScore[];
  explanation: string;
}

function byTime(minutes: number | null, target: number): number {
  return timeliness(minutes ?? undefined, target, target * COOPERATION_LATE_FACTOR, 0).value;
}

function timeText(what: string, minutes: number | null, target: number, value: number): string {
  if (minutes === null) return `no ${what}: 0`;
  const late = target * COOPERATION_LATE_FACTOR;
  if (value === 1) return `${what} after ${fmt(minutes)} min, within the ${fmt(target)} min target: 1`;
  if (value === 0) return `${what} after ${fmt(minutes)} min, past ${fmt(late)} min (3× the target): 0`;
  return `${what} after ${fmt(minutes)} min, between the ${fmt(target)} min target and ${fmt(late)} min: ${fmt(value)}`;
}

function outcomeOf(r: CooperationRequestInput): { value: number; text: string } {
  const fulfil = byTime(r.toFulfilmentMinutes, r.targets.fulfilMinutes);
  const fulfilText = timeText('fulfilled', r.toFulfilmentMinutes, r.targets.fulfilMinutes, fulfil);
  const expected = r.expect?.status;
  let value: number;
  let text: string;
  if (expected === 'declined') {
    value = r.status === 'declined' ? 1 : 0;
    text = `expected declined, ${r.status}: ${value}`;
  } else if (expected === 'accepted') {
    value = r.status === 'accepted' || r.status === 'fulfilled' ? 1 : 0;
    text = `expected accepted, ${r.status}: ${value}`;
  } else {
    const prefix = expected ? 'expected fulfilled; ' : '';
    switch (r.status) {
      case 'fulfilled':
        value = fulfil;
        text = `${prefix}${fulfilText}`;
        break;
      case 'accepted':
        value = ACCEPTED_ONLY;
        text = `${prefix}accepted, not fulfilled: ${ACCEPTED_ONLY}`;
        break;
      case 'declined':
        value = expected ? 0 : DECLINED_WITHOUT_KEY;
        text = `${prefix}declined: ${value}${expected ? '' : ' (a reasoned refusal answers the request)'}`;
        break;
      case 'open':
        value = 0;
        text = `${prefix}never answered: 0`;
    }
  }
  const mentions = r.expect?.mentions ?? [];
  if (mentions.length && value > 0) {
    const said = r.answers.join('\n').toLowerCase();
    const found = mentions.filter((m) => said.includes(m.toLowerCase()));
    if (!found.length) {
      text += `; the answers mention none of ${mentions.map((m) => `"${m}"`).join(', ')}: halved to ${fmt(value / 2)}`;
      value /= 2;
    } else text += `; the answers mention ${found.map((m) => `"${m}"`).join(', ')}`;
  }
  return { value, text };
}

export function scoreCooperationRequest(r: CooperationRequestInput): CooperationRequestScore {
  const response = byTime(r.toFirstResponseMinutes, r.targets.respondMinutes);
  const outcome = outcomeOf(r);
  const score = COOPERATION_WEIGHTS.response * response + COOPERATION_WEIGHTS.outcome * outcome.value;
  const explanation =
    `R: ${timeText('first answer', r.toFirstResponseMinutes, r.targets.respondMinutes, response)}; ` +
    `O: ${outcome.text}; score = 0.4·${fmt(response)} + 0.6·${fmt(outcome.value)} = ${fmt(score)}`;
  return {
    requestId: r.requestId,
    fromCode: r.fromCode,
    kind: r.kind,
    injectId: r.injectId,
    scripted: r.scripted,
    status: r.status,
    response,
    outcome: outcome.value,
    score,
    explanation,
  };
}

/** A team's cooperation score from the requests it was asked. */
export function scoreCooperation(asked: readonly CooperationRequestInput[]): TeamCooperationScore {
  const requests = asked.map(scoreCooperationRequest);
  if (!requests.length) return { score: null, requests, explanation: 'asked for no assistance: no cooperation score' };
  const score = requests.reduce((s, r) => s + r.score, 0) / requests.length;
  const explanation = `mean of ${requests.length} request${requests.length === 1 ? '' : 's'} asked (${requests
    .map((r) => fmt(r.score))
    .join(' + ')}) / ${requests.length} = ${fmt(score)}`;
  return { score, requests, explanation };
}
