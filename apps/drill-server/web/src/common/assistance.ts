// Requests for assistance as the consoles show them: the words for kinds and statuses, where a request stands
// against its targets in scenario time, and the IOC lines of the ask form. Pure, so the team console, the control
// board and the specs share one reading of the server's AssistanceRequestView.
import {
  IOC_TYPES,
  type AssistanceAnswer,
  type AssistanceKind,
  type AssistanceRequestView,
  type AssistanceStatus,
  type IocType,
} from '@drill/contracts';

const MIN = 60_000;

export const ASSISTANCE_KIND_LABEL: Readonly<Record<AssistanceKind, string>> = {
  takedown: 'Takedown',
  sinkhole: 'Sinkhole',
  block: 'Block',
  'log-check': 'Log check',
  analysis: 'Analysis',
  other: 'Other',
};

export const ASSISTANCE_STATUS_LABEL: Readonly<Record<AssistanceStatus, string>> = {
  open: 'Open',
  accepted: 'Accepted',
  declined: 'Declined',
  fulfilled: 'Fulfilled',
};

/** The button that gives each answer. */
export const ANSWER_ACTION: Readonly<Record<AssistanceAnswer, string>> = {
  accepted: 'Accept',
  declined: 'Decline',
  fulfilled: 'Fulfilled',
};

export const kindLabel = (k: string) => ASSISTANCE_KIND_LABEL[k as AssistanceKind] ?? k;
export const statusLabel = (s: string) => ASSISTANCE_STATUS_LABEL[s as AssistanceStatus] ?? s;

/** Declined and fulfilled are final: the server refuses any further answer. */
export const isFinal = (s: AssistanceStatus) => s === 'declined' || s === 'fulfilled';

/** The answers the asked party may still give (the server's transitions: open → any, accepted → fulfilled | declined). */
export function nextAnswers(s: AssistanceStatus): AssistanceAnswer[] {
  if (s === 'open') return ['accepted', 'declined', 'fulfilled'];
  if (s === 'accepted') return ['fulfilled', 'declined'];
  return [];
}

/** `T+HH:MM:SS` (hours may run past 99) as scenario ms; undefined for anything else. */
export function parseScenarioTime(text: string | null | undefined): number | undefined {
  const m = /^T\+(\d+):([0-5]\d):([0-5]\d)$/.exec(String(text ?? '').trim());
  if (!m) return undefined;
  return ((Number(m[1]) * 60 + Number(m[2])) * 60 + Number(m[3])) * 1000;
}

/** A scenario-time span as people say it: "45 s", "29 min 30 s", "1 h 05 min". */
export function formatSpan(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return s % 60 ? `${m} min ${String(s % 60).padStart(2, '0')} s` : `${m} min`;
  return `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, '0')} min`;
}

/** Scenario minutes (the server's `afterMinutes`, targets) as a span. */
export const formatMinutes = (minutes: number) => formatSpan(minutes * MIN);

/**
 * Where one target of a request stands at scenario time `nowMs`: still `open` (with the time left), `overdue`, or
 * `met` / `late` once the asked party answered (or fulfilled), with how long it took.
 */
export type TargetStanding =
  | { state: 'open'; dueMs: number; leftMs: number }
  | { state: 'overdue'; dueMs: number; pastMs: number }
  | { state: 'met' | 'late'; dueMs: number; tookMinutes: number; targetMinutes: number };

function standing(baseMs: number, targetMinutes: number, tookMinutes: number | null, nowMs: number): TargetStanding {
  const dueMs = baseMs + targetMinutes * MIN;
  if (tookMinutes !== null)
    return { state: tookMinutes > targetMinutes ? 'late' : 'met', dueMs, tookMinutes, targetMinutes };
  return nowMs < dueMs
    ? { state: 'open', dueMs, leftMs: dueMs - nowMs }
    : { state: 'overdue', dueMs, pastMs: nowMs - dueMs };
}

export interface RequestStanding {
  answer: TargetStanding;
  /** Once the request is accepted (or fulfilled); null while open or after a decline. */
  fulfil: TargetStanding | null;
}

/** Where a request stands against its targets at scenario time `nowMs`. */
export function requestStanding(r: AssistanceRequestView, nowMs: number): RequestStanding {
  const base = parseScenarioTime(r.requestedScenarioTime) ?? 0;
  const answer = standing(base, r.targets.respondMinutes, r.toFirstResponseMinutes, nowMs);
  const fulfil =
    r.status === 'accepted' || r.status === 'fulfilled'
      ? standing(base, r.targets.fulfilMinutes, r.status === 'fulfilled' ? r.toFulfilmentMinutes : null, nowMs)
      : null;
  return { answer, fulfil };
}

/**
 * A target's standing in words: "answer due by T+00:30:00 (29 min 30 s left)", "Overdue: answer was due by
 * T+00:30:00, 5 min ago", "answered after 12 min (target 30 min)", "fulfilled after 2 h 10 min, past the 2 h 00 min
 * target". `what` is the verb's stem: answer or fulfil.
 */
export function targetCue(what: 'answer' | 'fulfil', t: TargetStanding, formatAt: (ms: number) => string): string {
  const done = what === 'answer' ? 'answered' : 'fulfilled';
  switch (t.state) {
    case 'open':
      return `${what} due by ${formatAt(t.dueMs)} (${formatSpan(t.leftMs)} left)`;
    case 'overdue':
      return `Overdue: ${what} was due by ${formatAt(t.dueMs)}, ${formatSpan(t.pastMs)} ago`;
    case 'met':
      return `${done} after ${formatMinutes(t.tookMinutes)} (target ${formatMinutes(t.targetMinutes)})`;
    case 'late':
      return `${done} after ${formatMinutes(t.tookMinutes)}, past the ${formatMinutes(t.targetMinutes)} target`;
  }
}

/** The same in a board's cell: "29 min left", "Overdue 5 min", "3 s (target 30 min)", "45 min, late (target 30 min)". */
export function shortTargetCue(t: TargetStanding): string {
  switch (t.state) {
    case 'open':
      return `${formatSpan(t.leftMs)} left`;
    case 'overdue':
      return `Overdue ${formatSpan(t.pastMs)}`;
    case 'met':
      return `${formatMinutes(t.tookMinutes)} (target ${formatMinutes(t.targetMinutes)})`;
    case 'late':
      return `${formatMinutes(t.tookMinutes)}, late (target ${formatMinutes(t.targetMinutes)})`;
  }
}

const TYPES: ReadonlyMap<string, IocType> = new Map(IOC_TYPES.map((t) => [t.toLowerCase(), t]));

/**
 * The indicators of the ask form: one per line, `type value` (`domain evil.example`, `ip-dst 203.0.113.7`) or a
 * value alone, which takes `defaultType`. Values are sent as written: the server refangs and normalises them.
 */
export function parseIocLines(text: string, defaultType: IocType): { type: IocType; value: string }[] {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
    .map((line) => {
      const m = /^(\S+)\s+(\S.*)$/.exec(line);
      const type = m ? TYPES.get(m[1]!.toLowerCase()) : undefined;
      return type ? { type, value: m![2]!.trim() } : { type: defaultType, value: line };
    });
}

/**
 * Whether `incoming` should replace `known` (a socket update racing the initial GET): a view with fewer answers
 * than the one held is older.
 */
export const isNewer = (incoming: AssistanceRequestView, known: AssistanceRequestView | undefined) =>
  !known || incoming.responses.length >= known.responses.length;

/** Newest first. */
export const newestFirst = (a: AssistanceRequestView, b: AssistanceRequestView) =>
  b.requestedAt.localeCompare(a.requestedAt) || b.id.localeCompare(a.id);

/** A cooperation score (0..1) as a percentage; "—" when the team was asked nothing. */
export const cooperationPercent = (score: number | null | undefined) =>
  score === null || score === undefined ? '—' : `${Math.round(score * 100)}%`;
