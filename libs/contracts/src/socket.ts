// The socket.io side of the wire contract: the namespace, the handshake, every event each way with its payload and,
// for client events, its acknowledgement. The gateway, the consoles and `drill simulate`'s bots are typed with these
// maps (`Server<ClientToServerEvents, ServerToClientEvents>`, `Socket<ServerToClientEvents, ClientToServerEvents>`),
// so a change here is a change of the contract that the compiler follows to every end.
import type { AssistanceRequestView } from './assistance.js';
import type { ErrorBody, FieldProblem } from './errors.js';
import type { RsitClassification } from './rsit.js';
import type { TlpLabel } from './tlp.js';
import type { DeliveryStatus, Determination, ExerciseStatus, IocType, ReportKind, Severity } from './vocab.js';

/** The one namespace clients connect to; the main namespace `/` refuses every connection. */
export const DRILL_NAMESPACE = '/drill';

/**
 * Handshake `auth`. `lastSeq` is the highest `inject.seq` the console holds: the server replays the team's
 * deliveries after it, in order, once. A `lastSeq` beyond the team's last sequence number is read as that number
 * (nothing is replayed, later injects arrive) and the socket is told so with `handshake.warning`.
 */
export interface HandshakeAuth {
  token: string;
  exerciseId: string;
  lastSeq?: number;
}

/** A refused handshake reaches the client as `connect_error`: `message` says why, `data` is the REST error body. */
export interface HandshakeRefusal extends Error {
  data?: ErrorBody;
}

// ---- server → client ---------------------------------------------------------------------------------------

export interface InjectArtefact {
  name: string;
  mediaType: string;
  content: string;
}

/** `inject`: a delivery to the team; the client's acknowledgement callback records it *delivered*. */
export interface InjectPayload {
  exerciseId: string;
  injectId: string;
  /** The team's delivery sequence number, from 1, without gaps. */
  seq: number;
  title: string;
  /** Markdown. */
  body: string;
  artefacts: InjectArtefact[];
  severity: Severity;
  tlp: TlpLabel;
  responseRequired: boolean;
  /** Scenario minutes after release. */
  targetMinutes: number | null;
  deadlineMinutes: number | null;
  /** ISO wall time. */
  releasedAt: string;
  /** `T+HH:MM:SS`. */
  scenarioTime: string;
  /** The scenario time of the release in ms (what `scenarioTime` writes out). */
  releasedScenarioMs: number;
  /**
   * When the response is due, in scenario ms (release + `deadlineMinutes`); null without a deadline. In scenario
   * time, not wall time: a pause stops it and the speed factor runs it, as the drill clock does.
   */
  deadlineScenarioMs: number | null;
  /** The simulated sender (the scenario's `from`, the MSEL "From" column); null when the scenario names none. */
  from: string | null;
}

/** `exercise.state`: on every lifecycle change, to everyone in the exercise, and to a socket when it connects. */
export interface ExerciseStatePayload {
  exerciseId: string;
  status: ExerciseStatus;
  speed: number;
  scenarioTime: string;
  scenarioMs: number;
  wallTime: string;
}

/**
 * `delivery`, to drill control: one delivery's state for the live board. A release carries `releasedAt`, `late`
 * and `releasedBy` (scheduler, controller, a trigger); a receipt (delivered, acknowledged) carries its times and
 * `lagMs`. Times are ISO; absent means "not yet".
 */
export interface DeliveryEvent {
  teamId: string;
  injectId: string;
  seq: number | null;
  /** Where the delivery stands after this change (`released`, `delivered`, `acknowledged`). */
  status?: DeliveryStatus;
  releasedAt?: string;
  deliveredAt?: string;
  acknowledgedAt?: string;
  /** Wall milliseconds from due to delivered. */
  lagMs?: number | null;
  late?: boolean;
  releasedBy?: string;
}

/** `inject.skipped`, to drill control: the inject will not be released to any team that has not had it. */
export interface InjectSkippedEvent {
  injectId: string;
}

/** `score.update`: a team's figures moved (controllers and evaluators; the team itself when the exercise allows). */
export interface ScoreUpdate {
  exerciseId: string;
  teamId: string;
  percent: number | null;
  autoPercent: number | null;
  injects: { injectId: string; final: number }[];
}

export interface ReportIocView {
  type: IocType;
  /** Normalised. */
  value: string;
  /** As submitted. */
  original: string;
  role?: string;
  toIds: boolean;
}

/**
 * `ism.report` pushed to every socket whose viewer TLP and the recipients open the report to (the same view as
 * `GET …/ism/reports`). Recipients are team codes here, not ids.
 */
export interface IsmReportView {
  id: string;
  exerciseId: string;
  authorUserId: string;
  /** null: drill control wrote it. */
  teamId: string | null;
  teamCode: string | null;
  inReplyTo?: string;
  kind: ReportKind;
  injectIds: string[];
  title: string;
  summary?: string;
  tlp: TlpLabel;
  tlpAsSubmitted: string;
  recipients: { teams: string[] | 'all'; users: string[] };
  classification?: RsitClassification;
  determination?: Determination;
  severity?: Severity;
  affectedAssets: { kind: string; identifier: string; sector?: string; country?: string }[];
  iocs: ReportIocView[];
  timeline: { at: string; event: string }[];
  actions: { code?: string; text: string }[];
  recommendations: string[];
  assistanceRequests: string[];
  submittedAt: string;
  submittedScenarioMs: number;
}

/** `session.ended`: the token was revoked or expired; the server closes the socket after this. */
export interface SessionEnded {
  reason: string;
}

/** `handshake.warning`: the handshake was accepted, but something in it was not taken as sent. */
export interface HandshakeWarning {
  message: string;
  details: FieldProblem[];
  /** For `/auth/lastSeq`: the team's last sequence number, which the server used instead. */
  lastSeq?: number;
}

/** `exception`: a client event sent without an acknowledgement callback failed; `event` names it. */
export interface SocketException {
  event: string;
  error: ErrorBody;
}

/**
 * `comcheck`: drill control's communications check, to every participant of every enrolled team (and to a
 * participant who connects before confirming it). The acknowledgement callback records the person *reached*; they
 * confirm with `comcheck.confirm` (or `POST …/comcheck/:cid/confirm`).
 */
export interface ComcheckPayload {
  exerciseId: string;
  comcheckId: string;
  /** ISO wall time of sending. */
  sentAt: string;
}

/** `comcheck.update`, to drill control: a person was reached or confirmed (the board reads `GET …/comcheck`). */
export interface ComcheckUpdate {
  exerciseId: string;
  comcheckId: string;
  teamId: string;
  userId: string;
  reachedAt?: string;
  confirmedAt?: string;
}

export interface ServerToClientEvents {
  inject: (payload: InjectPayload, delivered: () => void) => void;
  'exercise.state': (state: ExerciseStatePayload) => void;
  delivery: (delivery: DeliveryEvent) => void;
  'inject.skipped': (skipped: InjectSkippedEvent) => void;
  'score.update': (update: ScoreUpdate) => void;
  'ism.report': (report: IsmReportView) => void;
  'session.ended': (ended: SessionEnded) => void;
  'handshake.warning': (warning: HandshakeWarning) => void;
  exception: (failure: SocketException) => void;
  comcheck: (check: ComcheckPayload, reached: () => void) => void;
  'comcheck.update': (update: ComcheckUpdate) => void;
  /** A request for assistance, to the asked team (or drill control) and to drill control; TLP:RED ones to the asker and the asked team. */
  'assistance.request': (request: AssistanceRequestView) => void;
  /** The request after an answer, to the same audience. */
  'assistance.update': (request: AssistanceRequestView) => void;
}

// ---- client → server ---------------------------------------------------------------------------------------

/**
 * Every client event is acknowledged with `{ok: true, …}` or `{error}`, where `error` is the body REST answers
 * with (`{statusCode, error, message, details?}`): one key tells success from failure.
 */
export type Ack<T extends object = object> = ({ ok: true; error?: never } & T) | { ok?: never; error: ErrorBody };

/** `inject.ack`: a person on the team acknowledged the inject ("received"). */
export interface InjectAckRequest {
  injectId: string;
}
/** `firstAcknowledgement` is false when someone on the team had acknowledged it already (nothing changes then). */
export type InjectAckReply = Ack<{ firstAcknowledgement: boolean }>;

/** `ism.report`: an ISM report as a team (or drill control) submits it; the same body as `POST …/ism/reports`. */
export interface IsmReportRequest {
  kind: ReportKind;
  injectIds?: string[];
  inReplyTo?: string;
  title: string;
  summary?: string;
  /** TLP 2.0 label as people write it; `TLP:WHITE` is read as `TLP:CLEAR`. */
  tlp: string;
  /** Team codes (or "all") and user ids; TLP:RED needs users. */
  recipients?: { teams?: string[] | 'all'; users?: string[] };
  classification?: RsitClassification;
  determination?: Determination;
  severity?: Severity;
  affectedAssets?: { kind: string; identifier: string; sector?: string; country?: string }[];
  iocs?: { type: IocType; value: string; role?: string; toIds: boolean }[];
  timeline?: { at: string; event: string }[];
  actions?: { code?: string; text: string }[];
  recommendations?: string[];
  assistanceRequests?: string[];
}
export type IsmReportReply = Ack<{ id: string }>;

/** `comcheck.confirm`: a participant answers drill control's communications check. */
export interface ComcheckConfirmRequest {
  comcheckId: string;
}
/** `firstConfirmation` is false when they had confirmed it already (the first time stands). */
export type ComcheckConfirmReply = Ack<{ firstConfirmation: boolean; confirmedAt: string }>;

export interface ClientToServerEvents {
  'inject.ack': (request: InjectAckRequest, reply: (r: InjectAckReply) => void) => void;
  'ism.report': (report: IsmReportRequest, reply: (r: IsmReportReply) => void) => void;
  'comcheck.confirm': (request: ComcheckConfirmRequest, reply: (r: ComcheckConfirmReply) => void) => void;
}
