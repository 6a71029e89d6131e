import type { IocType, RsitClassification, Severity } from '@drill/contracts';
import { explainTimeliness, explainTimes, fmt } from './explain.js';
import {
  STRUCTURE_FIELDS,
  type InjectScore,
  type MatchedIoc,
  type ScoreFigures,
  type StructureField,
  type TeamScore,
  type TimelinessResult,
  type Times,
} from './model.js';

/*
 * A team's own scorecard while its exercise runs: its figures and what it did, never the answer key. Nothing of the
 * key may be inferable from what is left: no missed or expected items, no decoy labels on the team's own IOCs, no
 * weights, critical flags, recall or precision (they give away the key's size), no "defined" flags (they say which
 * components the key sets), no expected classification/severity nor whether the team's matched it, no maximum TLP.
 *
 * The view is built by copying named fields (an allow-list), never by deleting from the full score: a field the
 * engine adds later stays out of a team's view until someone decides it is safe to show.
 */

/** An IOC the team reported that the answer key expects, as the team reported it (its type, canonical value). */
export interface RedactedIoc {
  type: IocType;
  value: string;
  reportId: string;
}

/** An action the team reported that the answer key expects, in the team's own words. */
export interface RedactedAction {
  reportId: string;
  actionText: string;
}

export interface RedactedCompleteness {
  value: number;
  reportsCounted: string[];
  reportsAfterDeadline: string[];
  components: {
    iocs: { matched: RedactedIoc[] };
    classification: { given?: RsitClassification; givenInReport?: string };
    severity: { given?: Severity; givenInReport?: string };
    actions: { matched: RedactedAction[] };
    recipients: { reached: { recipient: string; reportId: string }[] };
    structure: { filled: StructureField[]; missing: StructureField[] };
  };
}

export interface RedactedInjectScore {
  /** Always true: the answer key was taken out; the full score opens after ENDEX. */
  redacted: true;
  teamId?: string;
  injectId: string;
  responseRequired: boolean;
  releasedAtScenarioMin: number;
  times: Times;
  timeliness: TimelinessResult;
  completeness: RedactedCompleteness;
  timelinessWeight: number;
  auto: ScoreFigures;
  /** That an evaluator corrected T and/or C, and to what; the justification may quote the key and is left out. */
  override?: { timeliness?: number; completeness?: number; at: string };
  final: ScoreFigures;
}

export interface RedactedTeamScore {
  teamId: string;
  injects: RedactedInjectScore[];
  percent: number | null;
  autoPercent: number | null;
}

/** `via` is set when the team's IOC matched through a relation (its form then differs from the key's). */
type Via = { via?: { type: IocType; value: string } };

const ownIoc = (m: MatchedIoc): RedactedIoc => {
  const via = (m as MatchedIoc & Via).via;
  return via
    ? { type: via.type, value: via.value, reportId: m.reportId }
    : { type: m.reportedType, value: m.value, reportId: m.reportId };
};

const figures = (f: ScoreFigures): ScoreFigures => ({
  timeliness: f.timeliness,
  completeness: f.completeness,
  score: f.score,
});

/** One (team, inject) score without the answer key: what a team may see of its own score before ENDEX. */
export function redactInjectScore(s: InjectScore): RedactedInjectScore {
  const c = s.completeness.components;
  const o = s.override;
  return {
    redacted: true,
    ...(s.teamId !== undefined ? { teamId: s.teamId } : {}),
    injectId: s.injectId,
    responseRequired: s.responseRequired,
    releasedAtScenarioMin: s.releasedAtScenarioMin,
    // The team's own times, and the target and deadline the inject itself announced.
    times: { ...s.times },
    timeliness: { ...s.timeliness },
    completeness: {
      value: s.completeness.value,
      reportsCounted: [...s.completeness.reportsCounted],
      reportsAfterDeadline: [...s.completeness.reportsAfterDeadline],
      components: {
        // The team sees its IOC as it reported it: not the key's spelling (`original`) or type, and when its IOC
        // stood for the expected one through a relation (a URL on an expected domain), its own form, not the key's.
        iocs: { matched: c.iocs.matched.map(ownIoc) },
        classification: {
          ...(c.classification.given !== undefined ? { given: c.classification.given } : {}),
          ...(c.classification.givenInReport !== undefined ? { givenInReport: c.classification.givenInReport } : {}),
        },
        severity: {
          ...(c.severity.given !== undefined ? { given: c.severity.given } : {}),
          ...(c.severity.givenInReport !== undefined ? { givenInReport: c.severity.givenInReport } : {}),
        },
        // The expected action's code and the keyword that matched belong to the key.
        actions: { matched: c.actions.matched.map((m) => ({ reportId: m.reportId, actionText: m.actionText })) },
        recipients: { reached: c.recipients.reached.map((r) => ({ recipient: r.recipient, reportId: r.reportId })) },
        structure: { filled: [...c.structure.filled], missing: [...c.structure.missing] },
      },
    },
    timelinessWeight: s.timelinessWeight,
    auto: figures(s.auto),
    ...(o
      ? {
          override: {
            ...(o.timeliness !== undefined ? { timeliness: o.timeliness } : {}),
            ...(o.completeness !== undefined ? { completeness: o.completeness } : {}),
            at: o.at,
          },
        }
      : {}),
    final: figures(s.final),
  };
}

/** A team's total and its inject scores without the answer key. */
export function redactTeamScore(t: TeamScore): RedactedTeamScore {
  return {
    teamId: t.teamId,
    injects: t.injects.map(redactInjectScore),
    percent: t.percent,
    autoPercent: t.autoPercent,
  };
}

export interface RedactedExplanation {
  times: string;
  timeliness: string;
  components: {
    iocs: string;
    classification: string;
    severity: string;
    actions: string;
    recipients: string;
    structure: string;
  };
  completeness: string;
  override?: string;
  final: string;
  /** Says that the rest opens after ENDEX. */
  withheld: string;
}

export const WITHHELD_UNTIL_ENDEX =
  'the breakdown against the answer key opens to the team when the exercise ends (ENDEX)';

const plural = (n: number, one: string) => `${n} ${one}${n === 1 ? '' : 's'}`;

/** The reasons a team may read before ENDEX: sentences built from the redacted score only. */
export function explainRedactedInjectScore(s: RedactedInjectScore): RedactedExplanation {
  const c = s.completeness.components;
  const tw = s.timelinessWeight;
  const o = s.override;
  const n = s.completeness.reportsCounted.length;
  const late = s.completeness.reportsAfterDeadline;
  const plain = tw * s.final.timeliness + (1 - tw) * s.final.completeness;
  const overridden = o && [
    o.timeliness !== undefined ? `T ${fmt(s.auto.timeliness)} → ${fmt(o.timeliness)}` : '',
    o.completeness !== undefined ? `C ${fmt(s.auto.completeness)} → ${fmt(o.completeness)}` : '',
  ];
  return {
    times: explainTimes(s.times),
    timeliness: explainTimeliness(s.timeliness),
    components: {
      iocs:
        c.iocs.matched.length === 0
          ? 'none of your IOCs counted yet'
          : `your IOCs that counted: ${c.iocs.matched.map((m) => `${m.type} ${m.value} from ${m.reportId}`).join(', ')}`,
      classification: c.classification.given
        ? `you gave ${c.classification.given.class}/${c.classification.given.type} in ${c.classification.givenInReport}`
        : 'no classification given',
      severity: c.severity.given ? `you gave ${c.severity.given} in ${c.severity.givenInReport}` : 'no severity given',
      actions:
        c.actions.matched.length === 0
          ? 'none of your actions counted yet'
          : `your actions that counted: ${c.actions.matched.map((m) => `"${m.actionText}" in ${m.reportId}`).join(', ')}`,
      recipients:
        c.recipients.reached.length === 0
          ? 'no recipient counted yet'
          : `recipients that counted: ${c.recipients.reached.map((r) => `${r.recipient} via ${r.reportId}`).join(', ')}`,
      structure:
        `${c.structure.filled.length}/${STRUCTURE_FIELDS.length} fields filled` +
        (c.structure.missing.length > 0 ? `; missing ${c.structure.missing.join(', ')}` : ''),
    },
    completeness:
      `C = ${fmt(s.completeness.value)}; ` +
      (n === 0 ? 'no report counted' : `from ${plural(n, 'report')} (${s.completeness.reportsCounted.join(', ')})`) +
      (late.length > 0 ? `; after the deadline, not counted: ${late.join(', ')}` : ''),
    ...(overridden
      ? { override: `evaluator override at ${o.at}: ${overridden.filter((x) => x !== '').join('; ')}` }
      : {}),
    final:
      `score = ${fmt(tw)}·T + ${fmt(1 - tw)}·C = ${fmt(tw)}·${fmt(s.final.timeliness)} + ${fmt(1 - tw)}·${fmt(s.final.completeness)} = ` +
      (Math.abs(plain - s.final.score) > 1e-9
        ? // The engine adjusted the score (e.g. for information handling); why opens after ENDEX with the rest.
          `${fmt(plain)}, adjusted to ${fmt(s.final.score)}`
        : fmt(s.final.score)) +
      (o ? ` (automatic ${fmt(s.auto.score)})` : ''),
    withheld: WITHHELD_UNTIL_ENDEX,
  };
}
