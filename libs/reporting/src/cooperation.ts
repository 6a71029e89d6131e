// The AAR's cooperation section: how the teams answered each other's requests for assistance (RFA) and those drill
// control scripted as a simulated foreign CERT. Figures are worked out here from the requests of record, so the HTML,
// the CSV and the JSON say the same thing; the score and its explanation are the cooperation scoring's own.
import {
  isLooserTlp,
  type AssistanceAnswer,
  type AssistanceIoc,
  type AssistanceKind,
  type AssistanceRequestView,
  type AssistanceStatus,
  type CooperationRequestScore,
  type CooperationView,
  type TlpLabel,
} from '@drill/contracts';
import { median } from './stats.js';

/** The key and code of drill control as a party (`AssistanceParty.code` of a request to or from it). */
export const CONTROL_PARTY = 'control';

/**
 * A side of the matrix: a team (by code), drill control answering or asking in its own name, or a foreign CERT it
 * played in a scripted request (by the persona's name: each persona is a party of its own to the reader).
 */
export interface CooperationParty {
  key: string;
  label: string;
  kind: 'team' | 'control' | 'persona';
}

/** Counts over a set of requests, from the asked party's side. Times are scenario minutes after the request. */
export interface CooperationCounts {
  /** Answered at least once (accepted, declined or fulfilled). */
  answered: number;
  /** First answer within the request's target. */
  answeredOnTarget: number;
  fulfilled: number;
  /** Fulfilled within the request's target. */
  fulfilledOnTarget: number;
  declined: number;
  /** Accepted and neither fulfilled nor declined by the time of the report. */
  accepted: number;
  /** Never answered. */
  open: number;
  medianToFirstResponseMinutes: number | null;
  medianToFulfilmentMinutes: number | null;
}

export interface CooperationTotals extends CooperationCounts {
  requests: number;
  /** Scripted in the scenario: drill control playing a foreign CERT. */
  scripted: number;
  /** Asked of drill control rather than of a team. */
  toControl: number;
}

export interface CooperationTeam extends CooperationCounts {
  teamId: string;
  code: string;
  name: string;
  /** Requests the team was asked (by teams, drill control or a simulated CERT). */
  asked: number;
  /** Requests the team sent. */
  sent: number;
  /** 0..1, the cooperation scoring's mean over the requests the team was asked; null when it was asked none. */
  score: number | null;
  explanation: string;
}

export interface CooperationAnswer {
  status: AssistanceAnswer;
  scenarioTime: string;
  afterMinutes: number;
  /** Null when withheld (see CooperationRequest.withheld). */
  text: string | null;
}

export interface CooperationRequest {
  id: string;
  /** Matrix keys of the two sides (CooperationParty.key). */
  fromKey: string;
  toKey: string;
  from: { teamId: string | null; code: string; name: string };
  to: { teamId: string | null; code: string; name: string };
  scripted: boolean;
  kind: AssistanceKind;
  injectId: string | null;
  tlp: TlpLabel;
  requestedAt: string;
  requestedScenarioTime: string;
  status: AssistanceStatus;
  toFirstResponseMinutes: number | null;
  toFulfilmentMinutes: number | null;
  targets: { respondMinutes: number; fulfilMinutes: number };
  /**
   * The request is marked stricter than the report (a TLP:RED request in a TLP:AMBER report): its text, indicators
   * and answers stay out of every format of the report, which only gives its kind, sides, times and outcome.
   */
  withheld: boolean;
  text: string | null;
  iocs: AssistanceIoc[];
  answers: CooperationAnswer[];
  /** The cooperation scoring's figure for this request (asked teams only; null for requests to drill control). */
  score: number | null;
  explanation: string | null;
}

export interface CooperationCell {
  from: string;
  to: string;
  requests: number;
  answered: number;
  medianToFirstResponseMinutes: number | null;
}

export interface CooperationMatrix {
  /** Asking parties: the teams, then drill control, then the foreign CERTs it played (those that asked anything). */
  rows: CooperationParty[];
  /** Asked parties: the teams, then drill control when it was asked anything. */
  columns: CooperationParty[];
  /** Every pair with at least one request. */
  cells: CooperationCell[];
}

export interface AarCooperation {
  totals: CooperationTotals;
  teams: CooperationTeam[];
  /** Oldest first. */
  requests: CooperationRequest[];
  matrix: CooperationMatrix;
}

export interface CooperationInput {
  teams: readonly { id: string; code: string; name: string }[];
  /** Every request of the exercise (drill control's view). */
  assistance: readonly AssistanceRequestView[];
  /** Each team's cooperation figures and score, by team id; a team without one is shown unscored. */
  cooperation?: ReadonlyMap<string, CooperationView>;
  /** The report's marking: requests marked stricter than it are withheld. */
  marking: TlpLabel;
}

/** Drill control as the report names it. */
export const CONTROL_LABEL = 'Drill control';

/** Where a request came from, as a side of the matrix. */
function fromParty(r: AssistanceRequestView): CooperationParty {
  if (r.from.teamId !== null) return { key: r.from.code, label: r.from.code, kind: 'team' };
  if (r.scripted) return { key: r.from.name, label: r.from.name, kind: 'persona' };
  return { key: CONTROL_PARTY, label: CONTROL_LABEL, kind: 'control' };
}

function toParty(r: AssistanceRequestView): CooperationParty {
  return r.to.teamId !== null
    ? { key: r.to.code, label: r.to.code, kind: 'team' }
    : { key: CONTROL_PARTY, label: CONTROL_LABEL, kind: 'control' };
}

const isNumber = (x: number | null): x is number => x !== null;

function counts(requests: readonly AssistanceRequestView[]): CooperationCounts {
  const first = requests.map((r) => r.toFirstResponseMinutes).filter(isNumber);
  const fulfil = requests.map((r) => r.toFulfilmentMinutes).filter(isNumber);
  return {
    answered: first.length,
    answeredOnTarget: requests.filter(
      (r) => r.toFirstResponseMinutes !== null && r.toFirstResponseMinutes <= r.targets.respondMinutes,
    ).length,
    fulfilled: requests.filter((r) => r.status === 'fulfilled').length,
    fulfilledOnTarget: requests.filter(
      (r) =>
        r.status === 'fulfilled' && r.toFulfilmentMinutes !== null && r.toFulfilmentMinutes <= r.targets.fulfilMinutes,
    ).length,
    declined: requests.filter((r) => r.status === 'declined').length,
    accepted: requests.filter((r) => r.status === 'accepted').length,
    open: requests.filter((r) => r.status === 'open').length,
    medianToFirstResponseMinutes: median(first),
    medianToFulfilmentMinutes: median(fulfil),
  };
}

function unscoredExplanation(asked: number): string {
  return asked === 0 ? 'Not asked for assistance: no cooperation score.' : 'No cooperation score was computed.';
}

/**
 * The cooperation section of the report. Requests are sorted oldest first; teams keep the exercise's order; a
 * request marked stricter than the report keeps its figures but loses its words (text, indicators, answers).
 */
export function aarCooperation(input: CooperationInput): AarCooperation {
  const requests = [...input.assistance].sort(
    (a, b) => Date.parse(a.requestedAt) - Date.parse(b.requestedAt) || a.id.localeCompare(b.id),
  );
  const scoreOf = new Map<string, CooperationRequestScore>();
  for (const v of input.cooperation?.values() ?? []) for (const s of v.requests) scoreOf.set(s.requestId, s);

  const teams: CooperationTeam[] = input.teams.map((t) => {
    const asked = requests.filter((r) => r.to.teamId === t.id);
    const view = input.cooperation?.get(t.id);
    return {
      teamId: t.id,
      code: t.code,
      name: t.name,
      asked: asked.length,
      sent: requests.filter((r) => r.from.teamId === t.id).length,
      ...counts(asked),
      score: view?.score ?? null,
      explanation: view?.explanation ?? unscoredExplanation(asked.length),
    };
  });

  const rows: CooperationParty[] = input.teams.map((t) => ({ key: t.code, label: t.code, kind: 'team' }));
  const columns: CooperationParty[] = [...rows];
  const personas: CooperationParty[] = [];
  let controlAsks: CooperationParty | undefined;
  const add = (list: CooperationParty[], p: CooperationParty) => {
    if (!list.some((x) => x.key === p.key)) list.push(p);
  };
  const byPair = new Map<string, AssistanceRequestView[]>();
  for (const r of requests) {
    const from = fromParty(r);
    const to = toParty(r);
    if (from.kind === 'persona') add(personas, from);
    else if (from.kind === 'control') controlAsks = from;
    else add(rows, from); // a team no longer listed still shows where it asked
    add(columns, to);
    const k = `${from.key}\u0000${to.key}`;
    byPair.set(k, [...(byPair.get(k) ?? []), r]);
  }
  // Drill control and its personas come after the teams, so that the teams' own square reads as one block.
  const teamColumns = columns.filter((c) => c.kind === 'team');
  const matrix: CooperationMatrix = {
    rows: [...rows, ...(controlAsks ? [controlAsks] : []), ...personas.sort((a, b) => a.key.localeCompare(b.key))],
    columns: [...teamColumns, ...columns.filter((c) => c.kind !== 'team')],
    cells: [],
  };
  for (const from of matrix.rows)
    for (const to of matrix.columns) {
      const list = byPair.get(`${from.key}\u0000${to.key}`);
      if (!list) continue;
      const c = counts(list);
      matrix.cells.push({
        from: from.key,
        to: to.key,
        requests: list.length,
        answered: c.answered,
        medianToFirstResponseMinutes: c.medianToFirstResponseMinutes,
      });
    }

  return {
    totals: {
      requests: requests.length,
      scripted: requests.filter((r) => r.scripted).length,
      toControl: requests.filter((r) => r.to.teamId === null).length,
      ...counts(requests),
    },
    teams,
    requests: requests.map((r) => {
      const withheld = isLooserTlp(input.marking, r.tlp);
      const s = scoreOf.get(r.id);
      return {
        id: r.id,
        fromKey: fromParty(r).key,
        toKey: toParty(r).key,
        from: { teamId: r.from.teamId, code: r.from.code, name: r.from.name },
        to: { teamId: r.to.teamId, code: r.to.code, name: r.to.name },
        scripted: r.scripted,
        kind: r.kind,
        injectId: r.injectId,
        tlp: r.tlp,
        requestedAt: r.requestedAt,
        requestedScenarioTime: r.requestedScenarioTime,
        status: r.status,
        toFirstResponseMinutes: r.toFirstResponseMinutes,
        toFulfilmentMinutes: r.toFulfilmentMinutes,
        targets: { respondMinutes: r.targets.respondMinutes, fulfilMinutes: r.targets.fulfilMinutes },
        withheld,
        text: withheld ? null : r.text,
        iocs: withheld ? [] : r.iocs.map((i) => ({ type: i.type, value: i.value })),
        // Who answered stays out: the report names teams, not analysts.
        answers: r.responses.map((a) => ({
          status: a.status,
          scenarioTime: a.scenarioTime,
          afterMinutes: a.afterMinutes,
          text: withheld ? null : a.text,
        })),
        score: s?.score ?? null,
        explanation: s?.explanation ?? null,
      };
    }),
    matrix,
  };
}
