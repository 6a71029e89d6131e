import { isLooserTlp, SEVERITIES, type TlpLabel } from '@drill/contracts';
import { iocFamily } from '@drill/ioc';
import {
  COMPONENT_KEYS,
  STRUCTURE_FIELDS,
  type ActionsComponent,
  type ClassificationComponent,
  type ComponentKey,
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
import { fmt } from './timeliness.js';

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

// Family + value: both sides arrive normalised by @drill/ioc, so equality of this key is the whole match rule.
function iocKey(ioc: ScoringIoc): string {
  return `${iocFamily(ioc.type)}\u0000${ioc.value}`;
}

function describeIoc(i: ScoringIoc): string {
  return `${i.type} ${i.original ?? i.value}`;
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

export function scoreIocs(key: ScoringAnswerKey | undefined, reports: readonly ScoringReport[], cap: number): IocsComponent {
  // Earliest report that carried each family+value; the report id is what the evaluator checks against.
  const reported = new Map<string, { reportId: string; ioc: ScoringIoc }>();
  for (const r of reports) {
    for (const ioc of r.iocs ?? []) {
      const k = iocKey(ioc);
      if (!reported.has(k)) reported.set(k, { reportId: r.id, ioc });
    }
  }
  const expected = key?.iocs ?? [];
  const matched: MatchedIoc[] = [];
  const missed: ScoringExpectedIoc[] = [];
  const matchedExpected: ScoringExpectedIoc[] = [];
  const expectedKeys = new Set<string>();
  for (const e of expected) {
    const k = iocKey(e);
    expectedKeys.add(k);
    const hit = reported.get(k);
    if (hit) {
      matchedExpected.push(e);
      matched.push({
        type: e.type,
        value: e.value,
        original: e.original,
        weight: e.weight,
        critical: e.critical,
        reportId: hit.reportId,
        reportedType: hit.ioc.type,
      });
    } else {
      missed.push(e);
    }
  }
  // An IOC listed both as expected and as decoy is an authoring slip; expected wins so a right answer is never penalised.
  const decoysReported: (ScoringIoc & { reportId: string })[] = [];
  const decoyKeys = new Set<string>();
  for (const d of key?.decoys ?? []) {
    const k = iocKey(d);
    if (expectedKeys.has(k) || decoyKeys.has(k)) continue;
    decoyKeys.add(k);
    const hit = reported.get(k);
    if (hit) decoysReported.push({ ...d, reportId: hit.reportId });
  }
  let otherReported = 0;
  for (const k of reported.keys()) if (!expectedKeys.has(k) && !decoyKeys.has(k)) otherReported++;

  const decoyNote = decoysReported.length > 0 ? `; decoys reported: ${decoysReported.map(describeIoc).join(', ')}` : '';
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
      explanation: `the answer key expects no IOCs: component left out${decoyNote}`,
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
  const parts = [
    `matched ${matched.length}/${expected.length} expected IOCs` +
      (matched.length > 0 ? ` (${matched.map((m) => `${describeIoc(m)} from ${m.reportId}`).join(', ')})` : ''),
    missed.length > 0 ? `missed ${missed.map((m) => describeIoc(m) + (m.critical ? ' [critical]' : '')).join(', ')}` : '',
    decoysReported.length > 0 ? `decoys reported: ${decoysReported.map((d) => `${describeIoc(d)} in ${d.reportId}`).join(', ')}` : '',
    `R = ${fmt(recall)}, P = ${fmt(precision)}, F2 = 5PR/(4P+R) = ${fmt(f2)}`,
    capped ? `capped at ${fmt(cap)} because a critical IOC was missed` : '',
  ].filter((s) => s !== '');
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
    explanation: parts.join('; '),
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

const norm = (s: string): string => s.trim().toLowerCase();

export function scoreClassification(key: ScoringAnswerKey | undefined, reports: readonly ScoringReport[]): ClassificationComponent {
  const latest = latestWith(reports, 'classification');
  const given = latest?.value;
  const expected = key?.classification;
  if (!expected) {
    return { ...notDefined, given, givenInReport: latest?.reportId, match: 'not-expected', explanation: 'the answer key sets no classification: component left out' };
  }
  const exp = `${expected.class}/${expected.type}`;
  if (!given) {
    return { defined: true, score: 0, weight: 0, effectiveWeight: 0, expected, match: 'none', explanation: `no classification given (expected ${exp}): 0` };
  }
  const giv = `${given.class}/${given.type}`;
  const sameClass = norm(given.class) === norm(expected.class);
  const exact = sameClass && norm(given.type) === norm(expected.type);
  const score = exact ? 1 : sameClass ? 0.5 : 0;
  const match = exact ? 'exact' : sameClass ? 'class' : 'wrong';
  const why = exact ? 'exact RSIT type' : sameClass ? 'right class, wrong type' : 'wrong class';
  return {
    defined: true,
    score,
    weight: 0,
    effectiveWeight: 0,
    expected,
    given,
    givenInReport: latest!.reportId,
    match,
    explanation: `given ${giv} in ${latest!.reportId}, expected ${exp}: ${why}, ${score}`,
  };
}

export function scoreSeverity(key: ScoringAnswerKey | undefined, reports: readonly ScoringReport[]): SeverityComponent {
  const latest = latestWith(reports, 'severity');
  const given = latest?.value;
  const expected = key?.severity;
  if (!expected) {
    return { ...notDefined, given, givenInReport: latest?.reportId, explanation: 'the answer key sets no severity: component left out' };
  }
  if (!given) return { defined: true, score: 0, weight: 0, effectiveWeight: 0, expected, explanation: `no severity given (expected ${expected}): 0` };
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
    explanation: `given ${given} in ${latest!.reportId}, expected ${expected}: 1 − ${difference}/3 = ${fmt(score)}`,
  };
}

/**
 * An expected action matches a report action by code (trimmed, case-insensitive) or, failing that, when the report
 * action's text contains one of its keywords (case-insensitive substring, so "isolat" finds "isolated").
 * Codes are searched across all counted reports before keywords, so a code match always wins.
 */
export function scoreActions(key: ScoringAnswerKey | undefined, reports: readonly ScoringReport[]): ActionsComponent {
  const expected = key?.actions ?? [];
  if (expected.length === 0) {
    return { ...notDefined, matched: [], missed: [], recall: null, explanation: 'the answer key expects no actions: component left out' };
  }
  const given: { reportId: string; code?: string; text: string; lowerText: string }[] = [];
  for (const r of reports) {
    for (const a of r.actions ?? []) {
      given.push({ reportId: r.id, code: a.code === undefined ? undefined : norm(a.code), text: a.text, lowerText: a.text.toLowerCase() });
    }
  }
  const matched: MatchedAction[] = [];
  const matchedExpected: ScoringExpectedAction[] = [];
  const missed: ScoringExpectedAction[] = [];
  for (const e of expected) {
    const code = norm(e.code);
    let hit: MatchedAction | undefined;
    const byCode = given.find((g) => g.code !== undefined && g.code === code);
    if (byCode) hit = { code: e.code, weight: e.weight, reportId: byCode.reportId, by: 'code', actionText: byCode.text };
    else {
      const kws = e.keywords.map((k) => k.trim().toLowerCase()).filter((k) => k !== '');
      for (const g of given) {
        const kw = kws.find((k) => g.lowerText.includes(k));
        if (kw !== undefined) {
          hit = { code: e.code, weight: e.weight, reportId: g.reportId, by: 'keyword', keyword: kw, actionText: g.text };
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
  const parts = [
    `matched ${matched.length}/${expected.length} expected actions` +
      (matched.length > 0
        ? ` (${matched.map((m) => `${m.code} by ${m.by === 'code' ? 'code' : `keyword "${m.keyword}"`} in ${m.reportId}`).join(', ')})`
        : ''),
    missed.length > 0 ? `missed ${missed.map((m) => m.code).join(', ')}` : '',
    `weighted recall ${fmt(recall)}`,
  ].filter((s) => s !== '');
  return { defined: true, score: recall, weight: 0, effectiveWeight: 0, matched, missed, recall, explanation: parts.join('; ') };
}

/**
 * A report reaches recipient X when its recipient list names X or is 'all'. A GREEN/CLEAR report is visible to
 * every team anyway, but visibility is not counted as reaching: the component assesses deliberate sharing.
 * "control" is reached by any counted report (drill control always receives); with no report nothing is reached.
 * Identifiers are compared exactly as given; the caller maps team ids and codes to one vocabulary.
 * The component is halved when any counted report used a looser TLP than the answer key's maxTlp (or, without
 * one, the inject's own label).
 */
export function scoreRecipients(key: ScoringAnswerKey | undefined, injectTlp: TlpLabel, reports: readonly ScoringReport[]): RecipientsComponent {
  const maxTlp = key?.maxTlp ?? injectTlp;
  const looserTlpReports = reports.filter((r) => isLooserTlp(r.tlp, maxTlp)).map((r) => ({ reportId: r.id, tlp: r.tlp }));
  const expected = key?.recipients ?? [];
  if (expected.length === 0) {
    const note = looserTlpReports.length > 0 ? ` (reports looser than ${maxTlp}: ${looserTlpReports.map((r) => `${r.reportId} ${r.tlp}`).join(', ')})` : '';
    return {
      ...notDefined,
      reached: [],
      missed: [],
      recall: null,
      maxTlp,
      looserTlpReports,
      halved: false,
      explanation: `the answer key expects no recipients: component left out${note}`,
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
  const parts = [
    `reached ${reached.length}/${seen.size} expected recipients` +
      (reached.length > 0 ? ` (${reached.map((r) => `${r.recipient} via ${r.reportId}`).join(', ')})` : ''),
    missed.length > 0 ? `missed ${missed.join(', ')}` : '',
    halved ? `halved: ${looserTlpReports.map((r) => `${r.reportId} used ${r.tlp}`).join(', ')}, looser than ${maxTlp}` : '',
    `score ${fmt(score)}`,
  ].filter((s) => s !== '');
  return { defined: true, score, weight: 0, effectiveWeight: 0, reached, missed, recall, maxTlp, looserTlpReports, halved, explanation: parts.join('; ') };
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
    explanation: `${filled.length}/${STRUCTURE_FIELDS.length} fields filled` + (missing.length > 0 ? `; missing ${missing.join(', ')}` : ''),
  };
}

/**
 * Completeness C = Σ weight·score over the components the answer key defines, divided by the sum of those
 * weights (the left-out components' weight is spread proportionally). If every defined component weighs 0,
 * C = 0 and the explanation says so.
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
  const terms: string[] = [];
  const leftOut: ComponentKey[] = [];
  for (const k of COMPONENT_KEYS) {
    const c = components[k];
    if (!c.defined) {
      leftOut.push(k);
      continue;
    }
    c.weight = input.weights[k];
    c.effectiveWeight = totalWeight > 0 ? c.weight / totalWeight : 0;
    value += c.effectiveWeight * c.score!;
    terms.push(`${k} ${fmt(c.effectiveWeight)}×${fmt(c.score!)}`);
  }
  const reportNote =
    reports.length === 0
      ? 'no report counted'
      : `from ${reports.length} report${reports.length === 1 ? '' : 's'} (${reports.map((r) => r.id).join(', ')})`;
  const lateNote = input.reportsAfterDeadline.length > 0 ? `; after the deadline, not counted: ${input.reportsAfterDeadline.join(', ')}` : '';
  const leftNote = leftOut.length > 0 ? `; left out (not in the answer key): ${leftOut.join(', ')}, weights rescaled` : '';
  const sum = totalWeight > 0 ? `C = ${terms.join(' + ')} = ${fmt(value)}` : 'every defined component weighs 0: C = 0';
  return {
    value,
    reportsCounted: reports.map((r) => r.id),
    reportsAfterDeadline: [...input.reportsAfterDeadline],
    components,
    explanation: `${sum} ${reportNote}${lateNote}${leftNote}`,
  };
}
