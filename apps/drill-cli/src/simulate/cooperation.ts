import type {
  AssistanceAnswer,
  AssistanceKind,
  AssistanceRequestBody,
  AssistanceRequestView,
  IocType,
} from '@drill/contracts';
import type { Inject, ScriptedAssistance } from '@drill/scenario';
import type { Prng } from './prng.js';
import type { Cooperation } from './profiles.js';
import { scenarioClock, windowOf } from './responder.js';

// How a simulated team cooperates: when and how it answers a request for assistance it is asked, when it asks
// another team for one, and when it confirms drill control's communications check. Pure, like responder.ts: the
// same rng state gives the same decision, and the bot only carries them out.

export interface AnswerStep {
  /** Scenario minutes after the request. */
  at: number;
  status: AssistanceAnswer;
  text: string;
}

export interface AnswerPlan {
  /** In time order; empty: the team never answers. */
  steps: AnswerStep[];
  /** Answers the team would have given after the planned end of the drill (so it never gives them). */
  afterEnd: number;
}

export interface AnswerInput {
  cooperation: Cooperation;
  request: Pick<AssistanceRequestView, 'kind' | 'iocs' | 'targets' | 'from' | 'scripted'>;
  /** The answer key of a scripted request, from the bot's copy of the scenario. */
  key?: ScriptedAssistance;
  rng: Prng;
  team: { code: string };
  /** Scenario minute of the request. */
  requestedAtMin: number;
  /** Scenario minute of the planned end: a team knows when the drill stops and plans no answer after it. */
  plannedEndMin: number;
}

function listed(iocs: readonly { value: string }[], fallback: string): string {
  if (!iocs.length) return fallback;
  const values = iocs.slice(0, 3).map((i) => i.value);
  return iocs.length > 3 ? `${values.join(', ')} and ${iocs.length - 3} more` : values.join(', ');
}

/** What a team writes when it has done what it was asked: the act, the indicators and when. */
export function fulfilmentText(
  kind: AssistanceKind,
  iocs: readonly { type: IocType; value: string }[],
  at: string,
  rng: Prng,
): string {
  const what = listed(iocs, 'the reported infrastructure');
  const first = iocs[0];
  switch (kind) {
    case 'takedown':
      if (first?.type === 'url') return `Phishing page removed by the hosting provider; ${what} taken down at ${at}.`;
      if (first?.type === 'domain' || first?.type === 'hostname')
        return `Domain suspended by the registrar; ${what} taken down at ${at} and no longer resolves.`;
      return `Server suspended by the hosting provider; ${what} taken down at ${at}, the provider keeps an image for law enforcement.`;
    case 'sinkhole':
      return `Sinkholed ${what} at ${at}; connections from our constituency are logged and the owners are being notified.`;
    case 'block':
      return `Blocked ${what} at the national gateway and asked our ISPs to do the same; in place since ${at}.`;
    case 'log-check':
      return rng.chance(0.5)
        ? `Checked the provider's records and our sensor logs for ${what}: nothing from the addresses you gave in the period we hold (searched at ${at}).`
        : `Checked the provider's records and our sensor logs for ${what}: two connections found, details sent to you at ${at}.`;
    case 'analysis':
      return `Analysed ${what}: behaviour, persistence and C2 written up; our analysis note went out at ${at}.`;
    case 'other':
      return `Done as asked for ${what} at ${at}.`;
  }
}

const ACCEPT_TEXTS: readonly ((team: string, kind: AssistanceKind, eta: number) => string)[] = [
  (team, kind, eta) => `Accepted: ${team} is on it (${kind}); we expect to report back within ${eta} minutes.`,
  (team, kind) => `Received and accepted by the ${team} duty handler; ${kind} under way, update to follow.`,
];

const REASONS: readonly ((kind: AssistanceKind) => string)[] = [
  () => 'the infrastructure is not in our constituency; please ask the CERT of the hosting country',
  () => 'outside our mandate; we have passed the responsible authority’s contact to drill control',
  (kind) => `no legal basis for a ${kind} without a court order; we can share what our sensors see instead`,
];

const CURT = ['Declined.', 'Not possible.', 'No.'];

/**
 * Decides how one team answers one request it was asked: whether, when (against the request's own targets), and
 * with what. A scripted request's answer key is followed with the profile's `care`: its words used, and a request
 * that must be refused refused. Steps that would fall after the planned end are left out (and counted).
 */
export function planAnswer(input: AnswerInput): AnswerPlan {
  const { cooperation: c, request, key, rng, team } = input;
  const steps: AnswerStep[] = [];
  if (!rng.chance(c.answer)) return { steps, afterEnd: 0 };
  const { respondMinutes, fulfilMinutes } = request.targets;
  const first = rng.between(c.respondAt[0], c.respondAt[1]) * respondMinutes;
  const careful = key !== undefined && rng.chance(c.care);
  const clock = (at: number) => scenarioClock(input.requestedAtMin + at);
  const words = careful && key.expect.mentions.length ? ` (covered: ${key.expect.mentions.join(', ')})` : '';

  const mustRefuse = careful && key.expect.status === 'declined';
  if (mustRefuse || (!careful && rng.chance(c.decline))) {
    const reasoned = mustRefuse || rng.chance(c.reasoned);
    const text = reasoned ? `Declined: ${rng.pick(REASONS)(request.kind)}.${words}` : rng.pick(CURT);
    steps.push({ at: first, status: 'declined', text });
  } else {
    steps.push({ at: first, status: 'accepted', text: rng.pick(ACCEPT_TEXTS)(team.code, request.kind, fulfilMinutes) });
    const acceptOnly = careful && key.expect.status === 'accepted';
    if (!acceptOnly && rng.chance(c.fulfil)) {
      // The work takes a few minutes at least after taking it on.
      const at = Math.max(first + rng.between(2, 6), rng.between(c.fulfilAt[0], c.fulfilAt[1]) * fulfilMinutes);
      steps.push({ at, status: 'fulfilled', text: fulfilmentText(request.kind, request.iocs, clock(at), rng) + words });
    }
  }
  const left = input.plannedEndMin - input.requestedAtMin;
  const kept = steps.filter((s) => s.at <= left);
  return { steps: kept, afterEnd: steps.length - kept.length };
}

export interface AskInput {
  cooperation: Cooperation;
  inject: Inject;
  rng: Prng;
  team: { code: string };
  /** Codes of every team in the exercise. */
  exerciseCodes: readonly string[];
  /** Indicators of the team's own planned reports on the inject, as it writes them. */
  iocs: readonly { type: IocType; value: string }[];
  /** The targets the asked team will be held to. */
  targets: { respondMinutes: number; fulfilMinutes: number };
  /** Scenario minute of the release, and of the planned end. */
  releasedAtMin: number;
  plannedEndMin: number;
}

export interface PlannedRequest {
  /** Scenario minutes after the release. */
  at: number;
  body: AssistanceRequestBody & { injectId: string };
}

const KIND_OF_TYPE: Partial<Record<IocType, readonly AssistanceKind[]>> = {
  domain: ['takedown', 'takedown', 'sinkhole'],
  hostname: ['takedown'],
  url: ['takedown'],
  'ip-dst': ['block', 'log-check'],
  'ip-src': ['log-check', 'block'],
};

function requestText(kind: AssistanceKind, ioc: { value: string }, inject: Inject): string {
  const what = ioc.value;
  const about = `${inject.id} (${inject.title})`.slice(0, 300);
  switch (kind) {
    case 'takedown':
      return `Please arrange the takedown of ${what}, hosted in your constituency; it is part of ${about}.`;
    case 'sinkhole':
      return `Please sinkhole ${what} and tell us which of our addresses connect to it; see ${about}.`;
    case 'block':
      return `Please block ${what} at your national gateway and tell us of any hits; it was seen in ${about}.`;
    case 'log-check':
      return `Please check your sensor and provider logs for ${what} over the last 72 hours and tell us what you find; see ${about}.`;
    default:
      return `Please analyse ${what} and share what you find; see ${about}.`;
  }
}

/**
 * Decides whether a team asks another team of the exercise for assistance on an inject, and how: whom (a team
 * the answer key names as a recipient when there is one, else any other), for what (a takedown for a domain or
 * URL, a block or a log check for an address), about an indicator of its own report (no indicator, no request),
 * under the inject's TLP (never looser) and when (after its triage, with time left for the work before ENDEX).
 */
export function planRequest(input: AskInput): PlannedRequest | undefined {
  const { cooperation: c, inject, rng, team } = input;
  if (!inject.responseRequired || inject.assistance || !rng.chance(c.ask)) return undefined;
  const others = input.exerciseCodes.filter((code) => code !== team.code);
  if (!others.length) return undefined;
  const named = (inject.answerKey?.recipients ?? []).filter((r) => others.includes(r));
  const to = rng.pick(named.length ? named : others);
  // Something to act on: an indicator of its own report that another CERT can take down, block or look for.
  const usable = input.iocs.filter((i) => KIND_OF_TYPE[i.type]);
  if (!usable.length) return undefined;
  const ioc = rng.pick(usable);
  const kind = rng.pick(KIND_OF_TYPE[ioc.type]!);
  const { T } = windowOf(inject);
  const at = rng.between(0.3 * T, 0.9 * T);
  // Nobody asks for a takedown they cannot hear the end of: half the fulfil target must be left before ENDEX.
  if (input.plannedEndMin - (input.releasedAtMin + at) < input.targets.fulfilMinutes / 2) return undefined;
  return {
    at,
    body: {
      to,
      injectId: inject.id,
      kind,
      text: requestText(kind, ioc, inject),
      tlp: inject.tlp,
      iocs: [{ type: ioc.type, value: ioc.value }],
    },
  };
}

/** When the team confirms a communications check (scenario minutes after it arrived); undefined: never. */
export function planConfirmation(c: Cooperation, rng: Prng): number | undefined {
  return rng.chance(c.confirm) ? rng.between(c.confirmDelay[0], c.confirmDelay[1]) : undefined;
}
