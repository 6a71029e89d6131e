import {
  COMPONENT_KEYS,
  STRUCTURE_FIELDS,
  type ActionsComponent,
  type ClassificationComponent,
  type ComponentKey,
  type CompletenessResult,
  type InjectScore,
  type IocsComponent,
  type RatingResult,
  type RatingThresholds,
  type RecipientsComponent,
  type ScoringIoc,
  type SeverityComponent,
  type StructureComponent,
  type TimelinessResult,
  type Times,
} from './model.js';
import { effectiveTarget } from './timeliness.js';

// Prose is rendered from the structured reasons on demand rather than stored with every score: building it for
// every (team, inject) on each recompute roughly doubled the cost of a full exercise recompute (see test/bench),
// while a scorecard or the AAR only needs it for what it displays. Every fact in the prose is in the score itself.

/** Display only: figures stay unrounded everywhere else. */
export function fmt(x: number): string {
  return String(Math.round(x * 1000) / 1000);
}

const ioc = (i: ScoringIoc): string => `${i.type} ${i.original ?? i.value}`;
const list = (xs: readonly string[]): string => xs.join(', ');

export function explainTimes(t: Times): string {
  const ack =
    t.toAcknowledge === undefined
      ? 'not acknowledged'
      : `acknowledged after ${fmt(t.toAcknowledge)} min (${t.acknowledgedBy?.via === 'report' ? `report ${t.acknowledgedBy.reportId}` : 'inject.ack'})`;
  const rep = t.toReport === undefined ? 'no report' : `first report ${t.firstReportId} after ${fmt(t.toReport)} min`;
  return `${ack}; ${rep}`;
}

export function explainTimeliness(r: TimelinessResult): string {
  const t = r.toReport === undefined ? '' : fmt(r.toReport);
  const target = effectiveTarget(r.targetMinutes, r.deadlineMinutes);
  switch (r.rule) {
    case 'no-report':
      return 'no report on this inject: T = 0';
    case 'no-target':
      return `reported after ${t} min; the inject sets no target or deadline: T = 1`;
    case 'after-deadline':
      return `first report after ${t} min, past the ${fmt(r.deadlineMinutes!)} min deadline: T = 0`;
    case 'on-target':
      return `first report after ${t} min, within the ${fmt(target!)} min target: T = 1`;
    case 'after-target-no-deadline':
      return `first report after ${t} min, past the ${fmt(target!)} min target with no deadline: T = ${fmt(r.floor)}`;
    case 'linear':
      return (
        `first report after ${t} min, between the ${fmt(target!)} min target and the ${fmt(r.deadlineMinutes!)} min deadline: ` +
        `T = 1 − (1 − ${fmt(r.floor)})·(${t} − ${fmt(target!)})/(${fmt(r.deadlineMinutes!)} − ${fmt(target!)}) = ${fmt(r.value)}`
      );
  }
}

function joinParts(parts: (string | false)[]): string {
  return parts.filter((p): p is string => typeof p === 'string' && p !== '').join('; ');
}

export function explainIocs(c: IocsComponent): string {
  const decoys =
    c.decoysReported.length > 0 &&
    `decoys reported: ${list(c.decoysReported.map((d) => `${ioc(d)}${d.via ? ` via ${d.via.type} ${d.via.value}` : ''} in ${d.reportId}`))}`;
  if (!c.defined) return joinParts(['the answer key expects no IOCs: component left out', decoys]);
  const total = c.matched.length + c.missed.length;
  return joinParts([
    `matched ${c.matched.length}/${total} expected IOCs` +
      (c.matched.length > 0
        ? ` (${list(c.matched.map((m) => `${ioc(m)}${m.via ? ` via ${m.via.type} ${m.via.value}` : m.reportedType !== m.type ? ` as ${m.reportedType}` : ''} from ${m.reportId}`))})`
        : ''),
    c.missed.length > 0 && `missed ${list(c.missed.map((m) => ioc(m) + (m.critical ? ' [critical]' : '')))}`,
    decoys,
    c.otherReported > 0 &&
      `${c.otherReported} other IOC${c.otherReported === 1 ? '' : 's'} reported (not held against precision)`,
    `R = ${fmt(c.recall!)}, P = ${fmt(c.precision!)}, F2 = 5PR/(4P+R) = ${fmt(c.f2!)}`,
    c.capped && `capped at ${fmt(c.cap)} because a critical IOC was missed`,
  ]);
}

export function explainClassification(c: ClassificationComponent): string {
  if (!c.defined) return 'the answer key sets no classification: component left out';
  const exp = `${c.expected!.class}/${c.expected!.type}`;
  if (!c.given) return `no classification given (expected ${exp}): 0`;
  const why = c.match === 'exact' ? 'exact RSIT type' : c.match === 'class' ? 'right class, wrong type' : 'wrong class';
  return `given ${c.given.class}/${c.given.type} in ${c.givenInReport}, expected ${exp}: ${why}, ${fmt(c.score!)}`;
}

export function explainSeverity(c: SeverityComponent): string {
  if (!c.defined) return 'the answer key sets no severity: component left out';
  if (!c.given) return `no severity given (expected ${c.expected}): 0`;
  return `given ${c.given} in ${c.givenInReport}, expected ${c.expected}: 1 − ${c.difference}/3 = ${fmt(c.score!)}`;
}

export function explainActions(c: ActionsComponent): string {
  if (!c.defined) return 'the answer key expects no actions: component left out';
  const total = c.matched.length + c.missed.length;
  return joinParts([
    `matched ${c.matched.length}/${total} expected actions` +
      (c.matched.length > 0
        ? ` (${list(c.matched.map((m) => `${m.code} by ${m.by === 'code' ? 'code' : `keyword "${m.keyword}"`} in ${m.reportId}`))})`
        : ''),
    c.missed.length > 0 && `missed ${list(c.missed.map((m) => m.code))}`,
    `weighted recall ${fmt(c.recall!)}`,
  ]);
}

export function explainRecipients(c: RecipientsComponent): string {
  const loose = c.looserTlpReports.map((r) => `${r.reportId} used ${r.tlp}`);
  if (!c.defined) {
    return joinParts([
      'the answer key expects no recipients: component left out',
      loose.length > 0 && `looser than ${c.maxTlp}: ${list(loose)}`,
    ]);
  }
  const total = c.reached.length + c.missed.length;
  return joinParts([
    `reached ${c.reached.length}/${total} expected recipients` +
      (c.reached.length > 0 ? ` (${list(c.reached.map((r) => `${r.recipient} via ${r.reportId}`))})` : ''),
    c.missed.length > 0 && `missed ${list(c.missed)}`,
    c.halved && `halved: ${list(loose)}, looser than ${c.maxTlp}`,
    `score ${fmt(c.score!)}`,
  ]);
}

export function explainStructure(c: StructureComponent): string {
  return (
    `${c.filled.length}/${STRUCTURE_FIELDS.length} fields filled` +
    (c.missing.length > 0 ? `; missing ${list(c.missing)}` : '')
  );
}

export function explainCompleteness(c: CompletenessResult): string {
  const terms: string[] = [];
  const leftOut: ComponentKey[] = [];
  for (const k of COMPONENT_KEYS) {
    const comp = c.components[k];
    if (comp.defined) terms.push(`${k} ${fmt(comp.effectiveWeight)}×${fmt(comp.score!)}`);
    else leftOut.push(k);
  }
  const n = c.reportsCounted.length;
  return joinParts([
    c.weightless ? 'every defined component weighs 0: C = 0' : `C = ${terms.join(' + ')} = ${fmt(c.value)}`,
    n === 0 ? 'no report counted' : `from ${n} report${n === 1 ? '' : 's'} (${list(c.reportsCounted)})`,
    c.reportsAfterDeadline.length > 0 && `after the deadline, not counted: ${list(c.reportsAfterDeadline)}`,
    leftOut.length > 0 && `left out (not in the answer key): ${list(leftOut)}, weights rescaled`,
  ]);
}

export interface InjectExplanation {
  times: string;
  timeliness: string;
  components: Record<ComponentKey, string>;
  completeness: string;
  /** Each information-handling fault and what it cost; absent when there was none. */
  handling?: string;
  override?: string;
  final: string;
}

/** Names every handling fault with its report and cost, and the factor the score is multiplied by. */
export function explainHandling(s: Pick<InjectScore, 'handling'>): string {
  const h = s.handling;
  if (h.faults.length === 0) return 'no information-handling fault';
  const label = { 'looser-tlp': 'looser TLP', 'widened-audience': 'widened audience', 'decoy-shared': 'decoy shared' };
  return (
    `handling faults: ${list(h.faults.map((f) => `${label[f.kind]} (${f.detail}, in ${f.reportId}) −${fmt(f.cost)}`))}` +
    `; score × ${fmt(h.factor)}`
  );
}

/** The reasons behind one (team, inject) score, as sentences for scorecards and the AAR. */
export function explainInjectScore(s: InjectScore): InjectExplanation {
  const c = s.completeness.components;
  const tw = s.timelinessWeight;
  const o = s.override;
  const overridden = o && [
    o.timeliness !== undefined ? `T ${fmt(s.auto.timeliness)} → ${fmt(o.timeliness)}` : '',
    o.completeness !== undefined ? `C ${fmt(s.auto.completeness)} → ${fmt(o.completeness)}` : '',
  ];
  return {
    times: explainTimes(s.times),
    timeliness: explainTimeliness(s.timeliness),
    components: {
      iocs: explainIocs(c.iocs),
      classification: explainClassification(c.classification),
      severity: explainSeverity(c.severity),
      actions: explainActions(c.actions),
      recipients: explainRecipients(c.recipients),
      structure: explainStructure(c.structure),
    },
    completeness: explainCompleteness(s.completeness),
    ...(s.handling.faults.length > 0 && { handling: explainHandling(s) }),
    override: overridden && `evaluator ${o.by} at ${o.at}: ${joinParts(overridden)} — ${o.justification}`,
    final:
      (s.handling.faults.length > 0
        ? `score = (${fmt(tw)}·T + ${fmt(1 - tw)}·C)·${fmt(s.handling.factor)} = (${fmt(tw)}·${fmt(s.final.timeliness)} + ${fmt(1 - tw)}·${fmt(s.final.completeness)})·${fmt(s.handling.factor)} = ${fmt(s.final.score)}`
        : `score = ${fmt(tw)}·T + ${fmt(1 - tw)}·C = ${fmt(tw)}·${fmt(s.final.timeliness)} + ${fmt(1 - tw)}·${fmt(s.final.completeness)} = ${fmt(s.final.score)}`) +
      (o ? ` (automatic ${fmt(s.auto.score)})` : ''),
  };
}

/** Why an objective (or a team on it) got its rating. */
export function explainRating(r: RatingResult, t: RatingThresholds): string {
  const computed =
    r.mean === null
      ? 'no scored inject: not rated'
      : `mean inject score ${fmt(r.mean)} over ${r.scored} → ${r.computedRating} (P ≥ ${fmt(t.P)}, S ≥ ${fmt(t.S)}, M ≥ ${fmt(t.M)})` +
        (r.autoMean !== null && r.autoMean !== r.mean ? `; ${fmt(r.autoMean)} before evaluator score overrides` : '');
  const o = r.override;
  return o ? `${computed}; rated ${o.rating} by evaluator ${o.by} at ${o.at} — ${o.justification}` : computed;
}
