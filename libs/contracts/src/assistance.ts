import type { TlpLabel } from './tlp.js';
import type { IocType } from './vocab.js';

// Requests for assistance (RFA) between national CERTs and with drill control: the wire shapes of
// `POST/GET /api/exercises/:id/assistance`, `POST …/assistance/:rid/respond` and the `assistance.request` and
// `assistance.update` socket events.

export const ASSISTANCE_KINDS = ['takedown', 'sinkhole', 'block', 'log-check', 'analysis', 'other'] as const;
export type AssistanceKind = (typeof ASSISTANCE_KINDS)[number];

/** What the asked party may answer; `open` is the state before any answer. */
export const ASSISTANCE_ANSWERS = ['accepted', 'declined', 'fulfilled'] as const;
export type AssistanceAnswer = (typeof ASSISTANCE_ANSWERS)[number];
export type AssistanceStatus = 'open' | AssistanceAnswer;

/** A side of a request: a team of the exercise, or drill control (also playing a simulated foreign CERT). */
export interface AssistanceParty {
  /** null: drill control. */
  teamId: string | null;
  /** Team code, or "control". */
  code: string;
  /** Team name, or drill control's persona ("JPCERT/CC (simulated)") for a scripted request. */
  name: string;
}

export interface AssistanceIoc {
  type: IocType;
  /** Normalised (refanged, lower-cased where the type is case-blind). */
  value: string;
}

export interface AssistanceResponseView {
  id: string;
  status: AssistanceAnswer;
  text: string;
  byUserId: string;
  byName: string;
  /** ISO wall time and scenario time (`T+HH:MM:SS`) of the answer. */
  at: string;
  scenarioTime: string;
  /** Scenario minutes since the request. */
  afterMinutes: number;
}

export interface AssistanceRequestView {
  id: string;
  exerciseId: string;
  from: AssistanceParty;
  to: AssistanceParty;
  /** The person who asked; null for a request scripted in the scenario. */
  requestedBy: { userId: string; name: string } | null;
  injectId: string | null;
  kind: AssistanceKind;
  text: string;
  tlp: TlpLabel;
  iocs: AssistanceIoc[];
  /** Scripted in the scenario (a simulated foreign CERT played by drill control), released with its inject. */
  scripted: boolean;
  status: AssistanceStatus;
  requestedAt: string;
  requestedScenarioTime: string;
  /** Scenario minutes from the request to the first answer and to `fulfilled`; null until then. */
  toFirstResponseMinutes: number | null;
  toFulfilmentMinutes: number | null;
  /** The targets the asked party is held to (scenario minutes after the request). */
  targets: { respondMinutes: number; fulfilMinutes: number };
  responses: AssistanceResponseView[];
}

/** `POST /api/exercises/:id/assistance`. */
export interface AssistanceRequestBody {
  /** A team code of the exercise, or "control". */
  to: string;
  injectId?: string;
  kind: AssistanceKind;
  text: string;
  /** TLP 2.0 label; `TLP:WHITE` is read as `TLP:CLEAR`. */
  tlp: string;
  iocs?: { type: IocType; value: string }[];
}

/** `POST /api/exercises/:id/assistance/:rid/respond`. */
export interface AssistanceRespondBody {
  status: AssistanceAnswer;
  text: string;
}

/** A team's cooperation figures and score as the asked party (drill control and evaluators only). */
export interface CooperationView {
  /** 0..1, the mean over the requests the team was asked; null when it was asked none. */
  score: number | null;
  asked: number;
  sent: number;
  answered: number;
  fulfilled: number;
  medianToFirstResponseMinutes: number | null;
  medianToFulfilmentMinutes: number | null;
  requests: CooperationRequestScore[];
  explanation: string;
}

export interface CooperationRequestScore {
  requestId: string;
  fromCode: string;
  kind: AssistanceKind;
  injectId: string | null;
  scripted: boolean;
  status: AssistanceStatus;
  /** 0..1: the time to the first answer against the target. */
  response: number;
  /** 0..1: the outcome (status, time to fulfil, content for a scripted key) against what was expected. */
  outcome: number;
  score: number;
  explanation: string;
}
