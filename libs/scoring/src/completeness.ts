import { isLooserTlp, SEVERITIES, type IocType, type TlpLabel } from '@drill/contracts';
import { iocFamily, OPT_IN_RELATIONS, relatedKeys } from '@drill/ioc';
import {
  COMPONENT_KEYS,
  STRUCTURE_FIELDS,
  type ActionsComponent,
  type ClassificationComponent,
  type ComponentWeights,
  type CompletenessResult,
  type IocsComponent,
  type MatchedAction,
  type MatchedIoc,
  type RecipientsComponent,
  type ScoringAnswerKey,
  type ScoringExpectedAction,
  type ScoringExpectedIoc,
  type ScoringIoc,
  type ScoringReport,
  type SeverityComponent,
  type StructureComponent,
  type StructureField,
} from './model.js';

export interface CompletenessInput {
  answerKey?: ScoringAnswerKey;
  /** The inject's own label; the ceiling for reports when the answer key sets no maxTlp. */
  injectTlp: TlpLabel;
  /** Counted reports (non-bare, by the deadline) sorted by time, earliest first. */
  reports: readonly ScoringReport[];
  reportsAfterDeadline: readonly string[];
  weights: ComponentWeights;
  criticalMissCap: number;
}

/**
 * What an answer key says about each (IOC family, value): which expected IOCs (by index) and which decoy it is.
 * Both sides arrive normalised by @drill/ioc; a reported IOC is looked up under each key `relatedKeys` gives it
 * (its own, and e.g. the address of an ip-dst|port or the host of a URL), so the relations live in @drill/ioc and
 * the key is indexed by the key's own values only.
 * Built once per answer key and memoised (answer keys belong to immutable scenario versions), so scoring a team
 * only walks its own reported IOCs: no per-team maps of the key, no concatenated lookup keys to hash.
 */
interface PreparedKey {
  byFamily: Map<string, Map<string, { expected: number[]; decoy: number }>>;
  /** Decoys that are not also expected (expected wins: a right answer is never penalised), first of duplicates. */
  decoys: ScoringIoc[];
  /** Expected actions' codes trimmed and lower-cased; their keywords likewise, empty ones dropped. */
  actionCodes: string[];
  keywords: string[][];
}

const norm = (s: string): string => s.trim().toLowerCase();

const prepared = new WeakMap<ScoringAnswerKey, PreparedKey>();

function prepare(key: ScoringAnswerKey): PreparedKey {
  let p = prepared.get(key);
  if (p !== undefined) return p;
  const byFamily: PreparedKey['byFamily'] = new Map();
  const entry = (ioc: ScoringIoc) => {
    const f = iocFamily(ioc.type);
    let m = byFamily.get(f);
    if (m === undefined) byFamily.set(f, (m = new Map()));
    let e = m.get(ioc.value);
    if (e === undefined) m.set(ioc.value, (e = { expected: [], decoy: -1 }));
    return e;
  };
  key.iocs.forEach((ioc, i) => entry(ioc).expected.push(i));
  const decoys: ScoringIoc[] = [];
  for (const d of key.decoys) {
    const e = entry(d);
    if (e.expected.length > 0 || e.decoy >= 0) continue;
    e.decoy = decoys.length;
    decoys.push(d);
  }
  const keywords = key.actions.map((a) => a.keywords.map(norm).filter((k) => k !== ''));
  p = { byFamily, decoys, actionCodes: key.actions.map((a) => norm(a.code)), keywords };
  prepared.set(key, p);
  return p;
}

/**
 * Weighted recall = Σ weights of matched ÷ Σ weights of all expected. If every weight is 0 (an authoring slip the
 * validator should catch) the items count equally rather than producing 0/0.
 */
function weightedRecall<T extends { weight: number }>(all: readonly T[], matched: readonly T[]): number {
  const total = all.reduce((s, x) => s + x.weight, 0);
  if (total > 0) return matched.reduce((s, x) => s + x.weight, 0) / total;
  return all.length === 0 ? 0 : matched.length / all.length;
}

const notDefined = { defined: false, score: null, weight: 0, effectiveWeight: 0 } as const;

export function scoreIocs(
  key: ScoringAnswerKey | undefined,
  reports: readonly ScoringReport[],
  cap: number,
): IocsComponent {
  const expected = key?.iocs ?? [];
  const pk = key === undefined ? undefined : prepare(key);
  // Earliest report that carried each expected IOC / decoy; the report id is what the evaluator checks against.
  type Hit = { reportId: string; type: IocType; via: MatchedIoc['via'] };
  const expectedHit: (Hit | undefined)[] = new Array(expected.length);
  const decoyHit: (Hit | undefined)[] = new Array(pk?.decoys.length ?? 0);
  // The earliest report wins; within that report the team's IOC in the key's own form (no `via`) is preferred, so
  // the explanation does not say "via ip-dst|port" when the same report also gave the bare address.
  const better = (old: Hit | undefined, hit: Hit) =>
    old === undefined || (old.reportId === hit.reportId && old.via !== undefined && hit.via === undefined);
  let others: Map<string, Set<string>> | undefined;
  let otherReported = 0;
  for (const r of reports) {
    const iocs = r.iocs;
    if (iocs === undefined) continue;
    for (const ioc of iocs) {
      let expectedFound = false;
      let decoyFound: { index: number; hit: Hit } | undefined;
      if (pk !== undefined) {
        for (const k of relatedKeys(ioc)) {
          const e = pk.byFamily.get(k.family)?.get(k.value);
          if (e === undefined) continue;
          const optIn = OPT_IN_RELATIONS.has(k.relation);
          const hit: Hit = {
            reportId: r.id,
            type: ioc.type,
            via: k.relation === 'same' ? undefined : { relation: k.relation, type: ioc.type, value: ioc.value },
          };
          for (const i of e.expected) {
            if (optIn && expected[i]!.matchEmailDomain !== true) continue;
            expectedFound = true;
            if (better(expectedHit[i], hit)) expectedHit[i] = hit;
          }
          if (e.decoy >= 0 && decoyFound === undefined && (!optIn || pk.decoys[e.decoy]!.matchEmailDomain === true))
            decoyFound = { index: e.decoy, hit };
        }
      }
      // An IOC that stands for an expected one is a right answer and never also counted as a decoy (a URL on a
      // decoy address that the key expects as a URL, say).
      if (expectedFound) continue;
      if (decoyFound !== undefined) {
        if (better(decoyHit[decoyFound.index], decoyFound.hit)) decoyHit[decoyFound.index] = decoyFound.hit;
        continue;
      }
      // Distinct IOCs the key did not foresee, counted for the evaluator only.
      const family = iocFamily(ioc.type);
      others ??= new Map();
      let set = others.get(family);
      if (set === undefined) others.set(family, (set = new Set()));
      if (!set.has(ioc.value)) {
        set.add(ioc.value);
        otherReported++;
      }
    }
  }
  const matched: MatchedIoc[] = [];
  const missed: ScoringExpectedIoc[] = [];
  const matchedExpected: ScoringExpectedIoc[] = [];
  expected.forEach((e, i) => {
    const hit = expectedHit[i];
    if (hit === undefined) {
      missed.push(e);
      return;
    }
    matchedExpected.push(e);
    matched.push({
      type: e.type,
      value: e.value,
      original: e.original,
      weight: e.weight,
      critical: e.critical,
      reportId: hit.reportId,
      reportedType: hit.type,
      ...(hit.via !== undefined && { via: hit.via }),
    });
  });
  const decoysReported: IocsComponent['decoysReported'] = [];
  pk?.decoys.forEach((d, i) => {
    const hit = decoyHit[i];
    if (hit !== undefined) {
      const { reportId, via } = hit;
      decoysReported.push({ type: d.type, value: d.value, original: d.original, reportId, ...(via && { via }) });
    }
  });

  if (expected.length === 0) {
    // Decoys alone give nothing to recall; they are listed for the evaluator but do not score.
    return {
      ...notDefined,
      matched,
      missed,
      decoysReported,
      otherReported,
      recall: null,
      precision: null,
      f2: null,
      criticalMissed: false,
      capped: false,
      cap,
    };
  }
  const recall = weightedRecall(expected, matchedExpected);
  // Precision counts only decoys as wrong: an IOC the key did not foresee may well be a real find.
  // Nothing matched and no decoys → P = 1 (nothing wrong was said); F2 is then 0 through R anyway.
  const pDen = matched.length + decoysReported.length;
  const precision = pDen === 0 ? 1 : matched.length / pDen;
  const fDen = 4 * precision + recall;
  const f2 = fDen === 0 ? 0 : (5 * precision * recall) / fDen;
  const criticalMissed = missed.some((m) => m.critical);
  const capped = criticalMissed && f2 > cap;
  const score = capped ? cap : f2;
  return {
    defined: true,
    score,
    weight: 0,
    effectiveWeight: 0,
    matched,
    missed,
    decoysReported,
    otherReported,
    recall,
    precision,
    f2,
    criticalMissed,
    capped,
    cap,
  };
}

/** The latest report (by time) that states the field: an update that omits it does not erase an earlier answer. */
function latestWith<K extends 'classification' | 'severity'>(
  reports: readonly ScoringReport[],
  field: K,
): { value: NonNullable<ScoringReport[K]>; reportId: string } | undefined {
  for (let i = reports.length - 1; i >= 0; i--) {
    const v = reports[i]![field];
    if (v !== undefined && v !== null) return { value: v as NonNullable<ScoringReport[K]>, reportId: reports[i]!.id };
  }
  return undefined;
}

export function scoreClassification(
  key: ScoringAnswerKey | undefined,
  reports: readonly ScoringReport[],
): ClassificationComponent {
  const latest = latestWith(reports, 'classification');
  const given = latest?.value;
  const expected = key?.classification;
  if (!expected) {
    return { ...notDefined, given, givenInReport: latest?.reportId, match: 'not-expected' };
  }
  if (!given) return { defined: true, score: 0, weight: 0, effectiveWeight: 0, expected, match: 'none' };
  const sameClass = norm(given.class) === norm(expected.class);
  const exact = sameClass && norm(given.type) === norm(expected.type);
  const score = exact ? 1 : sameClass ? 0.5 : 0;
  const match = exact ? 'exact' : sameClass ? 'class' : 'wrong';
  return {
    defined: true,
    score,
    weight: 0,
    effectiveWeight: 0,
    expected,
    given,
    givenInReport: latest!.reportId,
    match,
  };
}

export function scoreSeverity(key: ScoringAnswerKey | undefined, reports: readonly ScoringReport[]): SeverityComponent {
  const latest = latestWith(reports, 'severity');
  const given = latest?.value;
  const expected = key?.severity;
  if (!expected) {
    return { ...notDefined, given, givenInReport: latest?.reportId };
  }
  if (!given) return { defined: true, score: 0, weight: 0, effectiveWeight: 0, expected };
  // SEVERITIES has four grades, so the largest ordinal difference is 3 and the score stays within 0..1.
  const difference = Math.abs(SEVERITIES.indexOf(given) - SEVERITIES.indexOf(expected));
  const score = 1 - difference / 3;
  return {
    defined: true,
    score,
    weight: 0,
    effectiveWeight: 0,
    expected,
    given,
    givenInReport: latest!.reportId,
    difference,
  };
}

/**
 * An expected action matches a report action by code (trimmed, case-insensitive) or, failing that, when the report
 * action's text contains one of its keywords (case-insensitive substring, so "isolat" finds "isolated").
 * Codes are searched across all counted reports before keywords, so a code match always wins.
 */
export function scoreActions(key: ScoringAnswerKey | undefined, reports: readonly ScoringReport[]): ActionsComponent {
  const expected = key?.actions ?? [];
  if (key === undefined || expected.length === 0) {
    return { ...notDefined, matched: [], missed: [], recall: null };
  }
  const given: { reportId: string; code?: string; text: string; lowerText: string }[] = [];
  for (const r of reports) {
    for (const a of r.actions ?? []) {
      given.push({
        reportId: r.id,
        code: a.code === undefined ? undefined : norm(a.code),
        text: a.text,
        lowerText: a.text.toLowerCase(),
      });
    }
  }
  const matched: MatchedAction[] = [];
  const matchedExpected: ScoringExpectedAction[] = [];
  const missed: ScoringExpectedAction[] = [];
  const { keywords, actionCodes } = prepare(key);
  for (let idx = 0; idx < expected.length; idx++) {
    const e = expected[idx]!;
    const code = actionCodes[idx]!;
    let hit: MatchedAction | undefined;
    const byCode = given.find((g) => g.code !== undefined && g.code === code);
    if (byCode)
      hit = { code: e.code, weight: e.weight, reportId: byCode.reportId, by: 'code', actionText: byCode.text };
    else {
      const kws = keywords[idx]!;
      for (const g of given) {
        const kw = kws.find((k) => g.lowerText.includes(k));
        if (kw !== undefined) {
          hit = {
            code: e.code,
            weight: e.weight,
            reportId: g.reportId,
            by: 'keyword',
            keyword: kw,
            actionText: g.text,
          };
          break;
        }
      }
    }
    if (hit) {
      matched.push(hit);
      matchedExpected.push(e);
    } else missed.push(e);
  }
  const recall = weightedRecall(expected, matchedExpected);
  return { defined: true, score: recall, weight: 0, effectiveWeight: 0, matched, missed, recall };
}

/**
 * A report reaches recipient X when its recipient list names X or is 'all'. A GREEN/CLEAR report is visible to
 * every team anyway, but visibility is not counted as reaching: the component assesses deliberate sharing.
 * "control" is reached by any counted report (drill control always receives); with no report nothing is reached.
 * Identifiers are compared exactly as given; the caller maps team ids and codes to one vocabulary.
 * The component is halved when any counted report used a looser TLP than the answer key's maxTlp (or, without
 * one, the inject's own label).
 */
export function scoreRecipients(
  key: ScoringAnswerKey | undefined,
  injectTlp: TlpLabel,
  reports: readonly ScoringReport[],
): RecipientsComponent {
  const maxTlp = key?.maxTlp ?? injectTlp;
  const looserTlpReports = reports
    .filter((r) => isLooserTlp(r.tlp, maxTlp))
    .map((r) => ({ reportId: r.id, tlp: r.tlp }));
  const expected = key?.recipients ?? [];
  if (expected.length === 0) {
    return {
      ...notDefined,
      reached: [],
      missed: [],
      recall: null,
      maxTlp,
      looserTlpReports,
      halved: false,
    };
  }
  const firstNamed = new Map<string, string>();
  let firstAll: string | undefined;
  for (const r of reports) {
    const teams = r.recipients.teams;
    if (teams === 'all') firstAll ??= r.id;
    else for (const t of teams) if (!firstNamed.has(t)) firstNamed.set(t, r.id);
  }
  const reached: { recipient: string; reportId: string }[] = [];
  const missed: string[] = [];
  const seen = new Set<string>();
  for (const x of expected) {
    if (seen.has(x)) continue; // a recipient listed twice counts once
    seen.add(x);
    let via: string | undefined;
    if (x.toLowerCase() === 'control') via = reports[0]?.id;
    else {
      // The earliest report that reached X, whether by name or by 'all'.
      const named = firstNamed.get(x);
      via = named === undefined ? firstAll : firstAll === undefined ? named : earlier(reports, named, firstAll);
    }
    if (via === undefined) missed.push(x);
    else reached.push({ recipient: x, reportId: via });
  }
  const recall = reached.length / seen.size;
  const halved = looserTlpReports.length > 0;
  const score = halved ? recall / 2 : recall;
  return {
    defined: true,
    score,
    weight: 0,
    effectiveWeight: 0,
    reached,
    missed,
    recall,
    maxTlp,
    looserTlpReports,
    halved,
  };
}

function earlier(reports: readonly ScoringReport[], a: string, b: string): string {
  for (const r of reports) if (r.id === a || r.id === b) return r.id;
  return a;
}

const nonEmpty = (xs: readonly unknown[] | undefined): boolean => xs !== undefined && xs.length > 0;

/** Structure is always defined: even an inject without an answer key expects a well-formed report. A field counts as filled when any counted report fills it. */
export function scoreStructure(reports: readonly ScoringReport[]): StructureComponent {
  const has: Record<StructureField, boolean> = {
    classification: false,
    determination: false,
    severity: false,
    affectedAssets: false,
    iocs: false,
    timeline: false,
    actions: false,
    recommendations: false,
  };
  for (const r of reports) {
    if (r.classification) has.classification = true;
    if (r.determination) has.determination = true;
    if (r.severity) has.severity = true;
    if (nonEmpty(r.affectedAssets)) has.affectedAssets = true;
    if (nonEmpty(r.iocs)) has.iocs = true;
    if (nonEmpty(r.timeline)) has.timeline = true;
    if (nonEmpty(r.actions)) has.actions = true;
    if (nonEmpty(r.recommendations)) has.recommendations = true;
  }
  const filled = STRUCTURE_FIELDS.filter((f) => has[f]);
  const missing = STRUCTURE_FIELDS.filter((f) => !has[f]);
  const score = filled.length / STRUCTURE_FIELDS.length;
  return {
    defined: true,
    score,
    weight: 0,
    effectiveWeight: 0,
    filled,
    missing,
  };
}

/**
 * Completeness C = Σ weight·score over the components the answer key defines, divided by the sum of those
 * weights (the left-out components' weight is spread proportionally). If every defined component weighs 0,
 * C = 0 (`weightless` says why) rather than 0/0.
 */
export function completeness(input: CompletenessInput): CompletenessResult {
  const { answerKey: key, reports } = input;
  const components = {
    iocs: scoreIocs(key, reports, input.criticalMissCap),
    classification: scoreClassification(key, reports),
    severity: scoreSeverity(key, reports),
    actions: scoreActions(key, reports),
    recipients: scoreRecipients(key, input.injectTlp, reports),
    structure: scoreStructure(reports),
  };
  let totalWeight = 0;
  for (const k of COMPONENT_KEYS) if (components[k].defined) totalWeight += input.weights[k];
  let value = 0;
  for (const k of COMPONENT_KEYS) {
    const c = components[k];
    c.weight = input.weights[k];
    if (!c.defined) continue;
    c.effectiveWeight = totalWeight > 0 ? c.weight / totalWeight : 0;
    value += c.effectiveWeight * c.score!;
  }
  return {
    value,
    weightless: totalWeight === 0,
    reportsCounted: reports.map((r) => r.id),
    reportsAfterDeadline: input.reportsAfterDeadline,
    components,
  };
}
