import { parseTlp, type IocType, type Severity, type TlpLabel } from '@drill/contracts';
import { normaliseIoc } from '@drill/ioc';
import type {
  AnswerKey,
  ComponentWeights,
  Inject,
  InjectTargets,
  InjectTrigger,
  Scenario,
  ScoringOverrides,
  ScriptedAssistance,
} from './model.js';
import { formatOffset, parseOffset } from './offset.js';
import { DEFAULT_COOPERATION, type Normalise } from './semantic.js';

// The authored form (YAML/JSON, scenarios/scenario.schema.json) and the Scenario model differ in a few places:
// defaults are implicit, targets may be the string "all", TLP:WHITE is accepted, triggers are keyed by kind,
// IOC values are as written. These two functions convert between them.

// The authored document has passed the JSON Schema before it reaches these functions; its shape lives in the schema,
// not in a TypeScript type, so fields are read loosely here and typed on the way out.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Obj = Record<string, any>;

/** Defaults, as documented in the schema. */
export const DEFAULT_SEVERITY: Severity = 'medium';
export const DEFAULT_TLP: TlpLabel = 'TLP:AMBER';
export const DEFAULT_MEDIA_TYPE = 'text/plain';

/** Builds the model from an authored document that has passed schema and semantic validation. */
export function toScenario(doc: Obj, normalise: Normalise = normaliseIoc): Scenario {
  const scenario: Scenario = {
    id: doc.id,
    title: doc.title,
    summary: doc.summary ?? '',
    plannedDurationMinutes: parseOffset(doc.plannedDuration)! / 60,
    objectives: (doc.objectives ?? []).map((o: Obj) => ({
      id: o.id,
      capability: o.capability,
      ...(o.description !== undefined && { description: o.description }),
      injects: [...(o.injects ?? [])],
    })),
    phases: (doc.phases ?? []).map((p: Obj) => ({
      id: p.id,
      title: p.title,
      ...(p.description !== undefined && { description: p.description }),
    })),
    injects: doc.injects.map((i: Obj) => toInject(i, normalise)),
  };
  if (doc.scoring !== undefined) scenario.scoring = structuredClone(doc.scoring) as ScoringOverrides;
  if (doc.cooperation !== undefined)
    scenario.cooperation = {
      respondMinutes: doc.cooperation.respondMinutes ?? DEFAULT_COOPERATION.respondMinutes,
      fulfilMinutes: doc.cooperation.fulfilMinutes ?? DEFAULT_COOPERATION.fulfilMinutes,
    };
  return scenario;
}

function toInject(i: Obj, normalise: Normalise): Inject {
  const offset: string = i.offset ?? '+00:00';
  const inject: Inject = {
    id: i.id,
    offset,
    offsetSeconds: parseOffset(offset)!,
    title: i.title,
    body: i.body ?? '',
    artefacts: (i.artefacts ?? []).map((a: Obj) => ({
      name: a.name,
      mediaType: a.mediaType ?? DEFAULT_MEDIA_TYPE,
      content: a.content,
    })),
    targets: toTargets(i.targets),
    severity: i.severity ?? DEFAULT_SEVERITY,
    tlp: i.tlp === undefined ? DEFAULT_TLP : parseTlp(i.tlp)!,
    responseRequired: i.responseRequired ?? false,
  };
  if (i.phase !== undefined) inject.phase = i.phase;
  if (i.from !== undefined) inject.from = i.from;
  if (i.targetMinutes !== undefined) inject.targetMinutes = i.targetMinutes;
  if (i.deadlineMinutes !== undefined) inject.deadlineMinutes = i.deadlineMinutes;
  if (i.expectedActions !== undefined) inject.expectedActions = i.expectedActions;
  if (i.answerKey !== undefined) inject.answerKey = toAnswerKey(i.answerKey, normalise);
  if (i.trigger !== undefined) inject.trigger = toTrigger(i.trigger);
  if (i.assistance !== undefined) inject.assistance = toAssistance(i.assistance, normalise);
  if (i.extraColumns !== undefined) inject.extraColumns = { ...i.extraColumns };
  return inject;
}

function toTargets(t: unknown): InjectTargets {
  if (t === undefined || t === 'all') return { all: true };
  const o = t as Obj;
  return { teams: [...(o.teams ?? [])], tags: [...(o.tags ?? [])] };
}

function normalised(normalise: Normalise, type: IocType, value: string): { value: string; original: string } {
  const r = normalise(type, value);
  // Validation has already rejected values the normaliser refuses.
  return r.ok ? { value: r.value, original: r.original } : { value, original: value };
}

function toAnswerKey(k: Obj, normalise: Normalise): AnswerKey {
  const key: AnswerKey = {
    iocs: (k.iocs ?? []).map((x: Obj) => ({
      type: x.type,
      ...normalised(normalise, x.type, x.value),
      weight: x.weight ?? 1,
      critical: x.critical ?? false,
      ...(x.matchEmailDomain === true && { matchEmailDomain: true }),
    })),
    decoys: (k.decoys ?? []).map((x: Obj) => ({
      type: x.type,
      ...normalised(normalise, x.type, x.value),
      ...(x.matchEmailDomain === true && { matchEmailDomain: true }),
    })),
    actions: (k.actions ?? []).map((a: Obj) => ({
      code: a.code,
      ...(a.description !== undefined && { description: a.description }),
      keywords: [...a.keywords],
      weight: a.weight ?? 1,
    })),
    recipients: [...(k.recipients ?? [])],
  };
  if (k.classification !== undefined)
    key.classification = { class: k.classification.class, type: k.classification.type };
  if (k.severity !== undefined) key.severity = k.severity;
  if (k.maxTlp !== undefined) key.maxTlp = parseTlp(k.maxTlp)!;
  if (k.weights !== undefined) key.weights = { ...(k.weights as Partial<ComponentWeights>) };
  return key;
}

function toAssistance(a: Obj, normalise: Normalise): ScriptedAssistance {
  const e = a.expect;
  return {
    kind: a.kind,
    ...(a.text !== undefined && { text: a.text }),
    iocs: (a.iocs ?? []).map((x: Obj) => ({ type: x.type, ...normalised(normalise, x.type, x.value) })),
    expect: {
      status: e.status,
      ...(e.respondMinutes !== undefined && { respondMinutes: e.respondMinutes }),
      ...(e.fulfilMinutes !== undefined && { fulfilMinutes: e.fulfilMinutes }),
      mentions: [...(e.mentions ?? [])],
    },
  };
}

function toTrigger(t: Obj): InjectTrigger {
  if (t.after) return { kind: 'after', inject: t.after.inject, delayMinutes: t.after.delayMinutes };
  if (t.ifNoReport) return { kind: 'ifNoReport', inject: t.ifNoReport.inject };
  const c = t.ifReportMatches.classification;
  return {
    kind: 'ifReportMatches',
    inject: t.ifReportMatches.inject,
    classification: c.type === undefined ? { class: c.class } : { class: c.class, type: c.type },
  };
}

/**
 * The authored form of a scenario: what scenarioToYaml writes and validateScenarioText reads back to an equal
 * Scenario. Inject-level defaults are written out so that a reader sees them; IOC weight/critical only when set.
 */
export function toAuthoring(s: Scenario): Obj {
  const doc: Obj = {
    id: s.id,
    title: s.title,
    ...(s.summary !== '' && { summary: s.summary }),
    plannedDuration: formatOffset(s.plannedDurationMinutes * 60),
  };
  if (s.objectives.length) {
    doc.objectives = s.objectives.map((o) => ({
      id: o.id,
      capability: o.capability,
      ...(o.description !== undefined && { description: o.description }),
      injects: [...o.injects],
    }));
  }
  if (s.phases.length) {
    doc.phases = s.phases.map((p) => ({
      id: p.id,
      title: p.title,
      ...(p.description !== undefined && { description: p.description }),
    }));
  }
  if (s.scoring !== undefined) doc.scoring = structuredClone(s.scoring);
  if (s.cooperation !== undefined)
    doc.cooperation = { respondMinutes: s.cooperation.respondMinutes, fulfilMinutes: s.cooperation.fulfilMinutes };
  doc.injects = s.injects.map(injectToAuthoring);
  return doc;
}

function injectToAuthoring(i: Inject): Obj {
  const o: Obj = { id: i.id, offset: i.offset };
  if (i.phase !== undefined) o.phase = i.phase;
  o.title = i.title;
  if (i.from !== undefined) o.from = i.from;
  if (i.body !== '') o.body = i.body;
  if (i.artefacts.length)
    o.artefacts = i.artefacts.map((a) => ({ name: a.name, mediaType: a.mediaType, content: a.content }));
  if (i.targets.all) o.targets = 'all';
  else {
    const t: Obj = {};
    if (i.targets.teams.length) t.teams = [...i.targets.teams];
    if (i.targets.tags.length) t.tags = [...i.targets.tags];
    o.targets = t;
  }
  o.severity = i.severity;
  o.tlp = i.tlp;
  o.responseRequired = i.responseRequired;
  if (i.targetMinutes !== undefined) o.targetMinutes = i.targetMinutes;
  if (i.deadlineMinutes !== undefined) o.deadlineMinutes = i.deadlineMinutes;
  if (i.expectedActions !== undefined) o.expectedActions = i.expectedActions;
  if (i.answerKey !== undefined) {
    const k = i.answerKey;
    const key: Obj = {};
    if (k.iocs.length) {
      key.iocs = k.iocs.map((x) => ({
        type: x.type,
        value: x.original,
        ...(x.weight !== 1 && { weight: x.weight }),
        ...(x.critical && { critical: true }),
        ...(x.matchEmailDomain && { matchEmailDomain: true }),
      }));
    }
    if (k.decoys.length)
      key.decoys = k.decoys.map((x) => ({
        type: x.type,
        value: x.original,
        ...(x.matchEmailDomain && { matchEmailDomain: true }),
      }));
    if (k.classification !== undefined)
      key.classification = { class: k.classification.class, type: k.classification.type };
    if (k.severity !== undefined) key.severity = k.severity;
    if (k.actions.length) {
      key.actions = k.actions.map((a) => ({
        code: a.code,
        ...(a.description !== undefined && { description: a.description }),
        keywords: [...a.keywords],
        ...(a.weight !== 1 && { weight: a.weight }),
      }));
    }
    if (k.recipients.length) key.recipients = [...k.recipients];
    if (k.maxTlp !== undefined) key.maxTlp = k.maxTlp;
    if (k.weights !== undefined) key.weights = { ...k.weights };
    o.answerKey = key;
  }
  if (i.trigger !== undefined) {
    const t = i.trigger;
    o.trigger =
      t.kind === 'after'
        ? { after: { inject: t.inject, delayMinutes: t.delayMinutes } }
        : t.kind === 'ifNoReport'
          ? { ifNoReport: { inject: t.inject } }
          : { ifReportMatches: { inject: t.inject, classification: { ...t.classification } } };
  }
  if (i.assistance !== undefined) {
    const a = i.assistance;
    const e = a.expect;
    o.assistance = {
      kind: a.kind,
      ...(a.text !== undefined && { text: a.text }),
      ...(a.iocs.length > 0 && { iocs: a.iocs.map((x) => ({ type: x.type, value: x.original })) }),
      expect: {
        status: e.status,
        ...(e.respondMinutes !== undefined && { respondMinutes: e.respondMinutes }),
        ...(e.fulfilMinutes !== undefined && { fulfilMinutes: e.fulfilMinutes }),
        ...(e.mentions.length > 0 && { mentions: [...e.mentions] }),
      },
    };
  }
  if (i.extraColumns !== undefined && Object.keys(i.extraColumns).length) o.extraColumns = { ...i.extraColumns };
  return o;
}
