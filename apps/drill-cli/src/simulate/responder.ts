import {
  RSIT,
  RSIT_CLASSES,
  SEVERITIES,
  TLP_LABELS,
  tlpRank,
  type IsmReportRequest,
  type IocType,
  type ReportKind,
  type Severity,
  type TlpLabel,
} from '@drill/contracts';
import { iocFamily, normaliseIoc } from '@drill/ioc';
import type { ExpectedAction, Inject } from '@drill/scenario';
import type { Prng } from './prng.js';
import { BEHAVIOURS, type Behaviour, type ContentQuality, type ProfileName } from './profiles.js';

/**
 * An ISM report as the API takes it (POST /api/exercises/:id/ism/reports, socket `ism.report`), as the bots write
 * it: always answering injects, with a label the bot chose from the vocabulary.
 */
export type ReportBody = IsmReportRequest & { injectIds: string[]; tlp: TlpLabel };

export interface PlannedReport {
  /** Scenario minutes after the release. */
  at: number;
  purpose: 'early-warning' | 'report';
  body: ReportBody;
  /** How many of the answer key's decoys the report carries (for the progress counters). */
  decoys: number;
}

export interface ResponsePlan {
  /** Scenario minutes after the release when a person presses "received"; absent = never. */
  ackAt?: number;
  /** In time order. */
  reports: PlannedReport[];
}

export interface PlanInput {
  profile: ProfileName;
  /** How the team behaves in this drill when it is not its profile's as written (drift, see drift.ts). */
  behaviour?: Behaviour;
  inject: Inject;
  rng: Prng;
  team: { code: string; country: string };
  /** Codes of every team in the exercise: reports may only name these. */
  exerciseCodes: readonly string[];
  /** Scenario minute of the release (for timeline entries). */
  releasedAtMin: number;
  /** A drill-control user to name when a report must be TLP:RED (RED goes to people, not teams). */
  controlUserId?: string;
}

/** Target and deadline in scenario minutes, with defaults for injects that set neither. */
export function windowOf(inject: Pick<Inject, 'targetMinutes' | 'deadlineMinutes'>): { T: number; D: number } {
  const T = inject.targetMinutes ?? (inject.deadlineMinutes !== undefined ? inject.deadlineMinutes / 2 : 20);
  const D = inject.deadlineMinutes ?? Math.max(2 * T, T + 10);
  return { T, D };
}

/** When the full report goes, relative to the release. `late` puts ~60 % between target and deadline and ~25 % after it. */
export function reportTime(timing: Behaviour['timing'], T: number, D: number, rng: Prng): number {
  switch (timing) {
    case 'early':
      return rng.between(0.35 * T, 0.9 * T);
    case 'anytime':
      return rng.between(0.4 * T, 0.95 * D);
    case 'very-late':
      return rng.between(T, 1.3 * D);
    case 'late': {
      const r = rng.next();
      if (r < 0.15) return rng.between(0.6 * T, T);
      if (r < 0.75) return rng.between(T, D);
      return rng.between(1.05 * D, 1.5 * D);
    }
  }
}

/** Scenario minute as the drill writes it, `T+HH:MM`. */
export function scenarioClock(min: number): string {
  const m = Math.max(0, Math.round(min));
  return `T+${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
}

/**
 * Writes an indicator defanged the way analysts do (hxxp, [.], [@]); returns the plain value when the defanged
 * form would not normalise back to it, so a bot never sends something the server reads differently.
 */
export function defang(type: IocType, value: string): string {
  let d: string;
  const family = iocFamily(type);
  if (type === 'url') {
    d = value.replace(/^http/i, 'hxxp').replace(/^(hxxps?:\/\/[^/:?#]*)\.([^./:?#]+)/i, '$1[.]$2');
  } else if (type === 'email-src') {
    d = value.replace('@', '[@]').replace(/\.([^.]+)$/, '[.]$1');
  } else if (type === 'domain' || type === 'hostname') {
    d = value.replace(/\.([^.]+)$/, '[.]$1');
  } else if (family.startsWith('ip') && !value.includes(':')) {
    d = value.replace(/\./g, '[.]');
  } else return value;
  const back = normaliseIoc(type, d);
  return back.ok && back.value === value ? d : value;
}

function looser(tlp: TlpLabel): TlpLabel {
  const r = tlpRank(tlp);
  return r > 0 ? TLP_LABELS[r - 1]! : tlp;
}

const ACTION_TEMPLATES: readonly ((kw: string, what: string) => string)[] = [
  (kw, what) => `${cap(kw)}: ${what}.`,
  (kw, what) => `Advised the affected organisation to ${kw} — ${what}.`,
  (kw, what) => `Done (${kw}): ${what}; confirmed with the constituent.`,
  (kw, what) => `${what} — we will ${kw} and report back to drill control.`,
];

function cap(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

function actionText(a: ExpectedAction, rng: Prng): string {
  const kw = a.keywords.length ? rng.pick(a.keywords) : a.code.toLowerCase().replace(/-/g, ' ');
  const what = a.description ? a.description.replace(/\.$/, '') : `completed (${a.code.toLowerCase()})`;
  return rng.pick(ACTION_TEMPLATES)(kw, what);
}

function reportKind(inject: Inject, afterEarlyWarning: boolean): ReportKind {
  const text = `${inject.title}\n${inject.body}`;
  if (/\bENDEX\b|final report/i.test(text)) return 'final';
  if (/advisory/i.test(inject.title) || /as an \*?advisory\*? report/i.test(inject.body)) return 'advisory';
  const key = inject.answerKey;
  if (!key?.iocs.length && !key?.classification && /acknowledg/i.test(inject.body)) return 'acknowledgement';
  return afterEarlyWarning ? 'update' : 'notification';
}

function classificationFor(inject: Inject, q: ContentQuality, rng: Prng): { class: string; type: string } | undefined {
  const expected = inject.answerKey?.classification;
  if (!expected) {
    // Nothing expected: a tidy team still classifies; drill-control traffic as a test, anything else as undetermined.
    if (!rng.chance(q.structure)) return undefined;
    return /STARTEX|ENDEX|communications check/i.test(inject.title)
      ? { class: 'test', type: 'test' }
      : { class: 'other', type: 'undetermined' };
  }
  if (rng.chance(q.classExact)) return { class: expected.class, type: expected.type };
  const siblings = (RSIT[expected.class] ?? []).filter((t) => t !== expected.type);
  if (siblings.length && rng.chance(q.sameClass)) return { class: expected.class, type: rng.pick(siblings) };
  const cls = rng.pick(RSIT_CLASSES.filter((c) => c !== expected.class && c !== 'test'));
  return { class: cls, type: rng.pick(RSIT[cls]!) };
}

function severityFor(inject: Inject, q: ContentQuality, rng: Prng): Severity {
  const expected = inject.answerKey?.severity ?? inject.severity;
  if (rng.chance(q.severityExact)) return expected;
  const i = SEVERITIES.indexOf(expected);
  const up = rng.chance(q.severityOverstate);
  const j = up ? (i < SEVERITIES.length - 1 ? i + 1 : i - 1) : i > 0 ? i - 1 : i + 1;
  return SEVERITIES[j]!;
}

/** Unrelated but well-formed indicators (documentation ranges, .example names) of the kind noisy teams paste in. */
function extraIoc(rng: Prng, avoid: ReadonlySet<string>): { type: IocType; value: string; toIds: boolean } {
  for (;;) {
    const k = rng.int(0, 3);
    const ioc: { type: IocType; value: string } =
      k === 0
        ? { type: 'ip-dst', value: `${rng.pick(['192.0.2', '198.51.100', '203.0.113'])}.${rng.int(1, 254)}` }
        : k === 1
          ? { type: 'domain', value: `${rng.pick(['update', 'cdn', 'login', 'sync', 'files'])}-${rng.hex(5)}.example` }
          : k === 2
            ? { type: 'sha256', value: rng.hex(64) }
            : {
                type: 'url',
                value: `http://${rng.pick(['dl', 'portal', 'secure'])}-${rng.hex(4)}.example/${rng.hex(6)}`,
              };
    const n = normaliseIoc(ioc.type, ioc.value);
    if (n.ok && !avoid.has(`${iocFamily(ioc.type)}|${n.value}`)) return { ...ioc, toIds: rng.chance(0.6) };
  }
}

interface Composed {
  body: ReportBody;
  decoys: number;
}

function tlpAndRecipients(
  inject: Inject,
  q: ContentQuality,
  rng: Prng,
  input: PlanInput,
  teamsWanted: boolean,
): Pick<ReportBody, 'tlp' | 'recipients'> {
  const key = inject.answerKey;
  let tlp: TlpLabel = key?.maxTlp ?? inject.tlp;
  if (rng.chance(q.looserTlp)) tlp = looser(tlp);
  const recipients: NonNullable<ReportBody['recipients']> = {};
  if (teamsWanted) {
    if (rng.chance(q.shareAll)) recipients.teams = 'all';
    else {
      const expected = (key?.recipients ?? []).filter(
        (r) => r.toLowerCase() !== 'control' && input.exerciseCodes.includes(r),
      );
      const teams = expected.filter(() => rng.chance(q.recipients));
      if (q.shareAll > 0 && rng.chance(0.3)) {
        const others = input.exerciseCodes.filter((c) => c !== input.team.code && !teams.includes(c));
        if (others.length) teams.push(rng.pick(others));
      }
      if (teams.length) recipients.teams = teams;
    }
  }
  if (tlp === 'TLP:RED') {
    if (input.controlUserId) recipients.users = [input.controlUserId];
    else tlp = 'TLP:AMBER+STRICT'; // RED needs named people; without one, the strictest label teams can receive
  }
  return { tlp, ...(recipients.teams || recipients.users ? { recipients } : {}) };
}

function iocsFor(
  inject: Inject,
  q: ContentQuality,
  rng: Prng,
  criticalOnly: boolean,
): { iocs: NonNullable<ReportBody['iocs']>; decoys: number } {
  const key = inject.answerKey;
  if (!key) return { iocs: [], decoys: 0 };
  const iocs: NonNullable<ReportBody['iocs']> = [];
  const write = (type: IocType, value: string) => (rng.chance(q.defang) ? defang(type, value) : value);
  const share = rng.between(q.iocShare[0], q.iocShare[1]);
  for (const e of key.iocs) {
    const include = criticalOnly ? e.critical && rng.chance(q.critical) : rng.chance(e.critical ? q.critical : share);
    if (include) iocs.push({ type: e.type, value: write(e.type, e.value), toIds: true });
  }
  let decoys = 0;
  const decoyShare = criticalOnly ? q.decoys / 2 : q.decoys;
  const chosen = key.decoys.filter(() => rng.chance(decoyShare));
  // A team that habitually pastes everything (decoys ≥ 50 %) always falls for at least one.
  if (!criticalOnly && chosen.length === 0 && key.decoys.length && q.decoys >= 0.5) chosen.push(rng.pick(key.decoys));
  for (const d of chosen) {
    iocs.push({ type: d.type, value: write(d.type, d.value), toIds: true });
    decoys++;
  }
  if (!criticalOnly) {
    const avoid = new Set([...key.iocs, ...key.decoys].map((x) => `${iocFamily(x.type)}|${x.value}`));
    const n = rng.int(q.extraIocs[0], q.extraIocs[1]);
    for (let i = 0; i < n; i++) iocs.push(extraIoc(rng, avoid));
  }
  return { iocs: rng.shuffle(iocs), decoys };
}

function earlyWarning(input: PlanInput, q: ContentQuality, rng: Prng): Composed {
  const { inject, team } = input;
  const { iocs, decoys } = iocsFor(inject, q, rng, true);
  const classification = classificationFor(inject, q, rng);
  return {
    decoys,
    body: {
      kind: 'early-warning',
      injectIds: [inject.id],
      title: `Early warning: ${inject.title}`.slice(0, 300),
      summary: `${team.code} is handling this incident; analysis is under way and a full report will follow before the deadline.`,
      ...tlpAndRecipients(inject, { ...q, shareAll: 0, recipients: 0 }, rng, input, false),
      ...(classification ? { classification } : {}),
      determination: 'suspected',
      severity: severityFor(inject, q, rng),
      ...(iocs.length ? { iocs } : {}),
      timeline: [{ at: scenarioClock(input.releasedAtMin), event: 'Notification received from the constituent' }],
    },
  };
}

function fullReport(input: PlanInput, q: ContentQuality, rng: Prng, at: number, afterEarlyWarning: boolean): Composed {
  const { inject, team } = input;
  const key = inject.answerKey;
  const { iocs, decoys } = iocsFor(inject, q, rng, false);
  const classification = classificationFor(inject, q, rng);

  const expectedActions = key?.actions ?? [];
  const share = rng.between(q.actionShare[0], q.actionShare[1]);
  // A count rather than a coin per action, so "few" stays few: partial (20-40 %) names one or two of four.
  const count = share > 0 ? Math.max(1, Math.round(share * expectedActions.length)) : 0;
  const picked = rng.shuffle(expectedActions).slice(0, count);
  const actions: { text: string }[] = picked.map((a) => ({ text: actionText(a, rng) }));
  if (!expectedActions.length)
    actions.push({ text: 'Duty handler triaged the notification and briefed the team lead.' });
  if (q.shareAll > 0 && rng.chance(0.5))
    actions.push({ text: 'Posted every indicator we saw to our public feed right away.' });

  const at0 = input.releasedAtMin;
  const structured = (p = q.structure) => rng.chance(p);
  const timeline = structured()
    ? [
        { at: scenarioClock(at0), event: `Received: ${inject.title}`.slice(0, 1000) },
        { at: scenarioClock(at0 + at * 0.3), event: 'Triage and artefact analysis started' },
        { at: scenarioClock(at0 + at * 0.8), event: 'Containment advice given to the affected organisation' },
      ]
    : undefined;
  const affectedAssets = structured()
    ? [
        {
          kind: 'organisation',
          identifier: (inject.from ?? 'constituent organisation').slice(0, 300),
          country: team.code,
        },
        ...inject.artefacts
          .slice(0, 2)
          .map((a) => ({ kind: 'system', identifier: `hosts listed in ${a.name}`.slice(0, 300), country: team.code })),
      ]
    : undefined;
  const recommendations = structured()
    ? [
        'Block the indicators above at the perimeter and hunt for earlier sightings.',
        'Keep the affected organisation and the sector regulator informed through the agreed channel.',
      ]
    : undefined;

  return {
    decoys,
    body: {
      kind: reportKind(inject, afterEarlyWarning),
      injectIds: [inject.id],
      title: `${afterEarlyWarning ? 'Update' : 'Report'}: ${inject.title}`.slice(0, 300),
      summary:
        `${team.code} (${team.country}) assessment of ${inject.id}. ` +
        (iocs.length ? `${iocs.length} indicator${iocs.length === 1 ? '' : 's'} attached. ` : '') +
        (classification ? `Classified as ${classification.class}/${classification.type}.` : ''),
      ...tlpAndRecipients(inject, q, rng, input, true),
      ...(classification ? { classification } : {}),
      ...(structured() ? { determination: 'confirmed' as const } : {}),
      severity: severityFor(inject, q, rng),
      ...(affectedAssets ? { affectedAssets } : {}),
      ...(iocs.length ? { iocs } : {}),
      ...(timeline ? { timeline } : {}),
      actions,
      ...(recommendations ? { recommendations } : {}),
    },
  };
}

/**
 * Decides how one simulated team answers one inject: whether and when it acknowledges, and the reports it sends
 * (an optional early warning, then the full report), with content drawn from the inject's answer key according
 * to the team's profile. Pure: the same rng state gives the same plan.
 */
export function planResponse(input: PlanInput): ResponsePlan {
  const b = input.behaviour ?? BEHAVIOURS[input.profile];
  const { inject, rng } = input;
  const { T, D } = windowOf(inject);
  const plan: ResponsePlan = { reports: [] };
  const ackDraw = rng.chance(b.ack) ? rng.between(b.ackDelay[0], b.ackDelay[1]) : undefined;

  if (inject.responseRequired && rng.chance(b.report)) {
    const key = inject.answerKey;
    const worthWarning = !!key && (key.iocs.some((i) => i.critical) || !!key.classification);
    let full = reportTime(b.timing, T, D, rng);
    if (worthWarning && rng.chance(b.earlyWarning)) {
      const ewAt = b.timing === 'late' ? rng.between(0.5 * T, 1.1 * T) : rng.between(0.15 * T, 0.45 * T);
      full = Math.max(full, ewAt + rng.between(0.2, 0.4) * T); // the full report needs the analysis the warning promised
      const ew = earlyWarning(input, b.quality, rng);
      plan.reports.push({ at: ewAt, purpose: 'early-warning', body: ew.body, decoys: ew.decoys });
      const r = fullReport(input, b.quality, rng, full, true);
      plan.reports.push({ at: full, purpose: 'report', body: r.body, decoys: r.decoys });
    } else {
      const r = fullReport(input, b.quality, rng, full, false);
      plan.reports.push({ at: full, purpose: 'report', body: r.body, decoys: r.decoys });
    }
  }
  if (ackDraw !== undefined) {
    // People press "received" before they send anything.
    const first = plan.reports[0]?.at;
    plan.ackAt = first !== undefined ? Math.min(ackDraw, first * 0.8) : ackDraw;
  }
  return plan;
}
