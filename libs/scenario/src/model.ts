import type {
  AssistanceAnswer,
  AssistanceKind,
  IocType,
  RsitClassification,
  Severity,
  TlpLabel,
} from '@drill/contracts';

/**
 * The scenario as the server works with it, after validation. Authored as YAML/JSON (see
 * scenarios/scenario.schema.json); offsets are kept as written (`offset`) and as seconds (`offsetSeconds`).
 */
export interface Scenario {
  id: string; // slug, e.g. "acid-ransomware-health-bank"
  title: string;
  summary: string;
  plannedDurationMinutes: number;
  objectives: Objective[];
  phases: Phase[];
  injects: Inject[];
  scoring?: ScoringOverrides; // scenario-wide overrides of the default scoring method
  /** Targets for answering requests for assistance between teams (and scripted ones without their own). */
  cooperation?: CooperationTargets;
}

/** Scenario minutes after a request for assistance by which the asked party should answer it and fulfil it. */
export interface CooperationTargets {
  respondMinutes: number; // default 30
  fulfilMinutes: number; // default 120
}

/**
 * A request for assistance scripted in the scenario: when its inject is released to a team, drill control (playing
 * the inject's `from`, a simulated foreign CERT) asks that team. The answer key says what a good answer is.
 */
export interface ScriptedAssistance {
  kind: AssistanceKind;
  text?: string; // the request as sent; defaults to the inject's title
  iocs: { type: IocType; value: string; original: string }[];
  expect: {
    status: AssistanceAnswer; // the answer expected in the end (fulfilled, accepted, or declined when it must be refused)
    respondMinutes?: number; // defaults to the scenario's cooperation targets
    fulfilMinutes?: number;
    mentions: string[]; // words a good answer mentions (any of them, case-blind), e.g. "suspended"
  };
}

export interface Objective {
  id: string;
  capability: string; // HSEEP-style capability name, e.g. "Operational Coordination"
  description?: string;
  injects: string[]; // ids of the injects that evidence it
}

export interface Phase {
  id: string;
  title: string;
  description?: string;
}

/** Who receives an inject: everyone, or the union of the named team codes and the teams carrying any named tag. */
export type InjectTargets = { all: true } | { all?: false; teams: string[]; tags: string[] };

export interface Artefact {
  name: string; // file name shown to teams, e.g. "fw-edge-01.log"
  mediaType: string; // e.g. text/plain
  content: string;
}

export interface Inject {
  id: string;
  /** As authored, `+HH:MM[:SS]`. For a triggered inject this is the earliest time it may fire (often +00:00). */
  offset: string;
  offsetSeconds: number;
  phase?: string;
  title: string;
  body: string; // Markdown
  from?: string; // simulated sender, MSEL "From"
  artefacts: Artefact[];
  targets: InjectTargets;
  severity: Severity;
  tlp: TlpLabel;
  responseRequired: boolean;
  targetMinutes?: number; // scenario minutes after release
  deadlineMinutes?: number;
  expectedActions?: string; // free text, MSEL "Expected Actions"
  answerKey?: AnswerKey;
  trigger?: InjectTrigger; // present = conditional inject: not released by offset alone
  assistance?: ScriptedAssistance; // present = drill control asks each team it reaches for assistance
  /**
   * MSEL spreadsheet columns the format has no field for (Status, Assumptions, Measure of Performance, …), by
   * header, kept so that export reproduces them. Controller-only: never deliver to teams. (Added by @drill/scenario.)
   */
  extraColumns?: Record<string, string>;
}

export interface ExpectedIoc {
  type: IocType;
  value: string; // normalised
  original: string; // as authored
  weight: number; // default 1
  critical: boolean; // default false
  matchEmailDomain?: boolean; // a domain also matched by any e-mail address at it; absent = false
}

export interface Decoy {
  type: IocType;
  value: string; // normalised
  original: string;
  matchEmailDomain?: boolean; // as in ExpectedIoc
}

export interface ExpectedAction {
  code: string;
  description?: string;
  keywords: string[];
  weight: number; // default 1
}

export interface AnswerKey {
  iocs: ExpectedIoc[];
  decoys: Decoy[];
  classification?: RsitClassification;
  severity?: Severity;
  actions: ExpectedAction[];
  recipients: string[]; // team codes the team should have shared with (or "control")
  maxTlp?: TlpLabel;
  weights?: Partial<ComponentWeights>; // per-inject override
}

/**
 * Conditional release. `after`: delayMinutes after the named inject is released to a team.
 * `ifNoReport`: per team, when that team has no report on `inject` by its deadline.
 * `ifReportMatches`: per team, when one of its reports on `inject` carries the classification (type optional).
 */
export type InjectTrigger =
  | { kind: 'after'; inject: string; delayMinutes: number }
  | { kind: 'ifNoReport'; inject: string }
  | { kind: 'ifReportMatches'; inject: string; classification: { class: string; type?: string } };

export interface ComponentWeights {
  iocs: number;
  classification: number;
  severity: number;
  actions: number;
  recipients: number;
  structure: number;
}

export interface ScoringOverrides {
  weights?: Partial<ComponentWeights>;
  timelinessWeight?: number; // default 0.3; completeness gets 1 - this
  timelinessFloor?: number; // default 0.2 at the deadline
  criticalMissCap?: number; // default 0.5
  ratingThresholds?: { P: number; S: number; M: number }; // defaults 0.85 / 0.65 / 0.40
}
