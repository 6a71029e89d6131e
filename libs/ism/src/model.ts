import type { Determination, IocType, ReportKind, RsitClassification, Severity, TlpLabel } from '@drill/contracts';

export interface ReportIoc {
  type: IocType;
  value: string; // normalised
  original: string; // as submitted
  role?: string;
  toIds: boolean;
}

export interface AffectedAsset {
  kind: string;
  identifier: string;
  sector?: string;
  country?: string;
}

export interface TimelineEntry {
  at: string; // ISO time as the team wrote it
  event: string;
}

/** An ISM report as stored. `teamId` null means drill control authored it. */
export interface IsmReport {
  id: string;
  exerciseId: string;
  authorUserId: string;
  teamId: string | null;
  inReplyTo?: string;
  kind: ReportKind;
  injectIds: string[];
  title: string;
  summary?: string;
  tlp: TlpLabel;
  recipients: { teams: string[] | 'all'; users: string[] }; // team ids; drill control always receives
  classification?: RsitClassification;
  determination?: Determination;
  severity?: Severity;
  affectedAssets: AffectedAsset[];
  iocs: ReportIoc[];
  timeline: TimelineEntry[];
  actions: { code?: string; text: string }[];
  recommendations: string[];
  assistanceRequests: string[];
  submittedAt: string; // ISO, stamped by the server
}

/** Who is looking: drill control (controller/evaluator/observer) sees everything in its exercise. */
export interface Viewer {
  userId: string;
  role: 'controller' | 'evaluator' | 'participant' | 'observer';
  teamId: string | null;
}
