import type { IocType, ReportKind, TlpLabel } from '@drill/contracts';
import type { NoteKind } from '@drill/reporting';

// The closed vocabularies themselves come from the libraries (@drill/contracts, @drill/reporting, @drill/scoring);
// here is only how the consoles put them into words. Each table is keyed by its vocabulary's type, so a value
// added to a library fails the typecheck until it is worded here.

/** What each TLP label means inside a drill (libs/ism/src/visibility.ts decides who sees what). */
export const TLP_MEANING: Readonly<Record<TlpLabel, string>> = {
  'TLP:CLEAR': 'Anyone in the drill may see it: every team and drill control. Disclosure is not limited.',
  'TLP:GREEN': 'Every team in the exercise (the community) and drill control; not to be shared outside the drill.',
  'TLP:AMBER':
    'Only the recipient teams you name, your own team and drill control; they may share it inside their organisation on a need-to-know basis.',
  'TLP:AMBER+STRICT':
    'Only the recipient teams you name, your own team and drill control, restricted to those organisations.',
  'TLP:RED': 'Only the people you name (recipient users) and drill control: not even the rest of your own team.',
};

export const REPORT_KIND_TEXT: Readonly<Record<ReportKind, { label: string; hint: string }>> = {
  acknowledgement: { label: 'Acknowledgement', hint: 'we have received it and are on it' },
  'early-warning': { label: 'Early warning', hint: 'first, partial report, sent fast' },
  notification: { label: 'Notification', hint: 'incident notification with what is known' },
  update: { label: 'Update', hint: 'new findings on an earlier report' },
  final: { label: 'Final report', hint: 'closes the incident' },
  'request-for-assistance': { label: 'Request for assistance', hint: 'asks another team or drill control to act' },
  advisory: { label: 'Advisory', hint: 'guidance for other teams or constituents' },
};

/** A report kind in words; a kind this console does not know is shown as sent. */
export const reportKindLabel = (kind: string): string => REPORT_KIND_TEXT[kind as ReportKind]?.label ?? kind;

export const IOC_TYPE_LABEL: Readonly<Record<IocType, string>> = {
  'ip-src': 'IP (source)',
  'ip-dst': 'IP (destination)',
  'ip-dst|port': 'IP and port',
  domain: 'Domain',
  hostname: 'Host name',
  url: 'URL',
  md5: 'MD5',
  sha1: 'SHA-1',
  sha256: 'SHA-256',
  'email-src': 'E-mail (sender)',
  filename: 'File name',
  vulnerability: 'Vulnerability (CVE)',
  AS: 'AS number',
};

/** Kinds of evaluator note in the AAR. */
export const NOTE_KIND_LABEL: Readonly<Record<NoteKind, string>> = {
  strength: 'Strength',
  improvement: 'Area for improvement',
};
